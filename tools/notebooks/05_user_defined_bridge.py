# %% [markdown]
# # 05 · A network of your own: names both ways
# ## 5、容器间双向通信 — two-way communication between containers
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 5.
#
# `docker0`, the default bridge, is one bridge network; you can create others. Why bother? The article
# answers: a bridge of your own lets you choose which containers can talk to each other, and **its
# containers reach each other by name**, resolved automatically by DNS, which `docker0` does not offer
# (使用自定义的网桥可以控制哪些容器可以互相通信，可以通过容器名通信).
#
# The article creates the network `myBridge`:
#
# ```bash
# docker network create --driver bridge --subnet 192.168.0.0/16 --gateway 192.168.0.1 myBridge
# ```
# %% [markdown] lang=zh-CN
# # 05 · 自定义网络：用容器名双向通信
# ## 5、容器间双向通信
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 5 节。
#
# 默认网桥 `docker0` 只是一个 bridge 网络，你还可以自己创建别的网络。何必多此一举？原文给出了答案：使用自定义的网桥可以控制哪些容器可以互相通信，而且**同一网络里的容器可以通过容器名互相访问**，名字由 DNS 自动解析成 IP 地址，这是 `docker0` 不支持的。
#
# 原文创建了名为 `myBridge` 的网络：
#
# ```bash
# docker network create --driver bridge --subnet 192.168.0.0/16 --gateway 192.168.0.1 myBridge
# ```

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# ## Is the article's subnet free here?
#
# `192.168.0.0/16` is a big range (65,536 addresses), and home and office networks very often live inside
# it (`192.168.1.0/24` is a classic). A Docker network whose subnet overlaps your host's network would
# capture those addresses: the containers could no longer reach the real machines behind them, and the
# host's traffic to them could end up on the bridge. Docker's own networks can take ranges there too.
# So before creating `myBridge`, we check what the engine and its host already use. Where the article's
# subnet is free, we use it; where it clashes, we use a free subnet instead, and everything that follows
# works the same. (This cell's text depends on your machine's networks.)
# %% [markdown] lang=zh-CN
# ## 原文的子网在这里可用吗？
#
# `192.168.0.0/16` 是一个很大的网段（65,536 个地址），家庭和办公网络往往就在其中（`192.168.1.0/24` 就是最常见的例子）。如果某个 Docker 网络的子网与宿主机所在的网络重叠，这些地址就会被它“占走”：容器再也访问不到这些地址背后的真实机器，宿主机发往这些机器的流量也可能被引到网桥上。Docker 自己的网络同样可能占用这个网段里的地址。所以在创建 `myBridge` 之前，我们先查一查 Docker 引擎和宿主机已经用了哪些网段：原文的子网若空闲，就直接用它；若有冲突，就换一个空闲的子网，后面的内容照样成立。（下一个单元格输出的文字取决于你机器上的网络。）

# %% tags=["nbval-ignore-output"]
choice = lesson.choose_subnet(lab, "192.168.0.0/16", "192.168.0.1")
choice

# %%
lab.network("myBridge", subnet=choice.subnet, gateway=choice.gateway)

# %% [markdown]
# `docker network ls` now shows `myBridge` beside Docker's own three networks (notebook 04 explains them):
# %% [markdown] lang=zh-CN
# 现在 `docker network ls` 会在 Docker 自带的三个网络之外列出 `myBridge`（第 04 章已经介绍过这三个网络）：

# %%
lesson.table(lab.networks(), ["name", "driver", "subnet"])

# %% [markdown]
# ## Two containers on myBridge
#
# The article starts `tomcat1` and `mysql1` with `--net myBridge` (the same as `--network myBridge`):
# %% [markdown] lang=zh-CN
# ## myBridge 上的两个容器
#
# 原文用 `--net myBridge`（与 `--network myBridge` 相同）启动 `tomcat1` 和 `mysql1`：

# %%
tomcat1 = lab.run("tomcat1", network="myBridge")
mysql1 = lab.run("mysql1", network="myBridge")

# %% [markdown]
# Their addresses come from the network's subnet:
# %% [markdown] lang=zh-CN
# 它们的地址都取自该网络的子网：

# %%
lesson.table(lab.addresses(), ["container", "network", "ip", "gateway"])

# %%
for name in ("tomcat1", "mysql1"):
    inside = lesson.in_subnet(lab[name].ip, choice.subnet)
    lesson.say("{name}'s address is inside myBridge's subnet: {inside}", name=name, inside=inside)

# %% [markdown]
# ## Your prediction
#
# Both containers are on `myBridge`, a network you created, and neither was started with `--link`. By
# **name**, who reaches whom? Commit to an answer before you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 两个容器都在你自己创建的网络 `myBridge` 上，启动时都没有加 `--link`。通过**容器名**，谁能访问到谁？先给出答案，再动手测量：填写 `mine`（`True`：能访问到，`False`：访问不到；你的副本里每个答案起初都是 `...`）并运行，然后运行它下面的测量单元格。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare(mine=mine)

# %% [markdown]
# ## By name, both ways
#
# 大功告成 — “done”, says the article: by name, in both directions.
# %% [markdown] lang=zh-CN
# ## 通过容器名，双向可达
#
# 原文说“大功告成”：通过容器名，两个方向都能 ping 通。

# %%
lab.ping("tomcat1", "mysql1")

# %%
lab.ping("mysql1", "tomcat1")

# %% [markdown]
# ## Why: the embedded DNS server at 127.0.0.11
#
# This time `/etc/hosts` has no line for the other container:
# %% [markdown] lang=zh-CN
# ## 原因：位于 127.0.0.11 的内嵌 DNS 服务器
#
# 这一次，`/etc/hosts` 里并没有另一个容器的记录：

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# The answer comes from DNS. Look at `/etc/resolv.conf`:
# %% [markdown] lang=zh-CN
# 答案来自 DNS。看一下 `/etc/resolv.conf`：

# %%
lab.exec("tomcat1", "cat /etc/resolv.conf")

# %% [markdown]
# The name server is **`127.0.0.11`**: Docker's **embedded DNS server**. It is one resolver, part of the
# engine (`dockerd`), not a program inside the container: the engine makes it listen on `127.0.0.11` in the
# network namespace of each container attached to a user-defined network. (A *network namespace* is a
# container's own set of interfaces, addresses and routes; notebook 04 shows it.) It knows the name (and
# aliases) of every container on the container's networks, and answers with their current addresses.
# `options ndots:0` tells the resolver to try every name as given first, even one without a dot. (Names it does not know, it forwards to
# the servers the container was given; for the lab's containers that is `127.0.0.1`, where nothing
# answers, so unknown names fail inside the lab. Engines from 26 on also write comments into the file,
# such as `# ExtServers: [127.0.0.1]`, the servers it forwards to.) `nslookup` asks it directly
# (`-type=a`: for the IPv4 address only):
# %% [markdown] lang=zh-CN
# 其中的域名服务器是 **`127.0.0.11`**，也就是 Docker 的**内嵌 DNS 服务器**。它是同一个解析器，属于 Docker 引擎（`dockerd`）本身，而不是容器里运行的程序：对于每个接入自定义网络的容器，引擎都让它在该容器的网络命名空间里监听 `127.0.0.11`。（*网络命名空间*是容器自己的一套网络接口、地址和路由，第 04 章 会展示它。）它知道容器所在各个网络上每个容器的名字（以及别名），并用它们当前的地址作答。`options ndots:0` 让解析器对每个名字都先按原样查询，即使名字里没有点号。（它不认识的名字，会转发给容器配置的 DNS 服务器；本实验的容器配置的是 `127.0.0.1`，那里没有任何服务应答，所以在实验中，未知的名字都会解析失败。26 及以上版本的引擎还会在这个文件里写入注释，例如 `# ExtServers: [127.0.0.1]`，列出它转发的目标服务器。）用 `nslookup` 可以直接向它查询（`-type=a`：只查 IPv4 地址）：

# %%
lab.exec("tomcat1", "nslookup -type=a mysql1")

# %% [markdown]
# Because the engine answers from what it knows *now*, a container that is recreated with a new address is
# found under its name at once: nothing to rewrite, in either direction. That is the difference with
# `--link` (notebook 03), and why user-defined networks replace it. Asked why `mysql1` reaches `tomcat1`
# (the pair that failed in notebook 03), dockerlab answers from the engine's state, without a packet:
# %% [markdown] lang=zh-CN
# 引擎总是根据它*此刻*掌握的信息作答，所以容器即使被重建、换了新地址，也能立即通过原来的名字找到它：两个方向上都不需要改任何配置。这正是它与 `--link`（第 03 章）的区别，也是自定义网络取代 `--link` 的原因。问 dockerlab 为什么 `mysql1` 能访问到 `tomcat1`（在第 03 章 里，这个方向是不通的），它会根据引擎的状态作答，不发送任何数据包：

# %%
lab.explain("mysql1", "tomcat1")

# %% [markdown]
# ## Who reaches whom
#
# Both containers are the colour of `myBridge`, and the arrows go both ways:
# %% [markdown] lang=zh-CN
# ## 谁能访问到谁
#
# 两个容器都是 `myBridge` 的颜色，箭头指向两个方向：

# %%
lesson.reachability(lab)

# %% [markdown]
# ## Two more things your own network allows: a fixed address and extra names
#
# On a network created with an explicit subnet, a container may get a **fixed address** (`--ip`); on any
# user-defined network it may get extra **names** (`--network-alias`), which the embedded DNS answers too.
# Docker refuses both on its default bridge. (Exercises ex02 and ex03 build on them.)
# %% [markdown] lang=zh-CN
# ## 自定义网络的另外两个好处：固定地址和额外的名字
#
# 在创建时明确指定了子网的网络上，容器可以获得一个**固定 IP 地址**（`--ip`）；在任何自定义网络上，容器都可以拥有额外的**名字**，即网络别名（`--network-alias`），内嵌 DNS 同样会解析它们。在 Docker 的默认网桥上，这两者都会被拒绝。（练习 ex02 和 ex03 会用到它们。）

# %%
db2 = lab.run("db2", network="myBridge", ip=choice.address(200), aliases=["database"])
lesson.say("{name} has {ip}", name="db2", ip=db2.ip)

# %%
lab.ping("tomcat1", "database")

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - `docker network create --driver bridge --subnet ... --gateway ... myBridge` makes a bridge network of your
#   own; check first that its subnet does not overlap your host's networks.
# - On a user-defined network, containers reach each other by name, both ways.
# - The names come from Docker's embedded DNS server, `127.0.0.11` in `/etc/resolv.conf`, not from `/etc/hosts`.
#
# ## Try it yourself
#
# Run the notebook again from the top, but stop before the `lab.reset()` cell, which removes everything.
# Then give `mysql1` a second name: `lab.run("mysql1", network="myBridge", aliases=["db"])` recreates it
# with `--network-alias db`. Then `lab.ping("tomcat1", "db")` and `lab.exec("tomcat1", "nslookup -type=a db")`.
# Does the alias work from a container on the default bridge?
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - `docker network create --driver bridge --subnet ... --gateway ... myBridge` 创建一个你自己的 bridge 网络；创建之前，先确认它的子网不与宿主机的网络重叠。
# - 在自定义网络上，容器之间可以通过容器名双向通信。
# - 名字由 Docker 的内嵌 DNS 服务器解析（`/etc/resolv.conf` 中的 `127.0.0.11`），而不是来自 `/etc/hosts`。
#
# ## 动手试试
#
# 从头再运行一遍本笔记本，但在 `lab.reset()` 那个单元格之前停下（它会删掉一切）。然后给 `mysql1` 起第二个名字：`lab.run("mysql1", network="myBridge", aliases=["db"])` 会用 `--network-alias db` 重新创建它。然后运行 `lab.ping("tomcat1", "db")` 和 `lab.exec("tomcat1", "nslookup -type=a db")`。从默认网桥上的容器访问这个别名，能成功吗？
