# %% [markdown]
# # 02 · Addresses change, and names do not work (yet)
# ## 2、问题 — the problem · 3、容器名通信 — talking by container name
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, sections 2 and 3.
#
# Talking by IP works, but the address is a virtual one **the engine hands out when the container starts**.
# Rebuild a container and it may come back with another address; every service configured with the old
# one breaks. With tens or hundreds of containers in production, that is a lot of configuration to fix.
# DNS solved this long ago for machines: keep the *name*, let the address change. So the article asks:
# *can containers talk by container name?* (有没有办法通过容器名来通信呢？)
# %% [markdown] lang=zh-CN
# # 02 · 地址会变，而容器名（暂时）不通
# ## 2、问题 · 3、容器名通信
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 2、3 节。
#
# 通过 IP 通信是可行的，但这个 IP 是**引擎在容器启动时分配的**虚拟地址。容器重新构建后，地址可能就变了，所有配置了旧地址的服务都会出问题。生产环境里有几十上百个容器，要改的配置可就多了。对于机器，DNS 早就解决了这个问题：*名字*保持不变，地址随它去变。于是原文问道：*有没有办法通过容器名来通信呢？*

# %%
from dockerlab import lesson

lab = lesson.start("article")
tomcat1 = lab.run("tomcat1")
mysql1 = lab.run("mysql1")

# %% [markdown]
# ## 2、问题 — recreate a container, watch its address change
#
# Note `mysql1`'s address, then rebuild the container the way a deployment does: remove it and run it again.
# On a real host other containers start in between and take the free addresses; we play that part with a
# container called `newcomer`.
# %% [markdown] lang=zh-CN
# ## 2、问题：重建容器，看它的地址如何变化
#
# 先记下 `mysql1` 的地址，再像部署时那样重建这个容器：删除它，然后重新运行。在真实的主机上，这期间会有别的容器启动并占用空闲的地址；这里由一个名叫 `newcomer` 的容器来扮演这个角色。

# %%
before = lab["mysql1"].ip
lesson.say("{name} has {ip}", name="mysql1", ip=before)

# %% [markdown]
# First, the quiet case: restart `mysql1` while nothing else happens. Decide before you run the cell: will it
# come back with the same address or a new one?
# %% [markdown] lang=zh-CN
# 先看最简单的情形：其间没有别的容器启动，只重启 `mysql1`。运行这个单元格之前先想一想：它回来时用的是原来的地址，还是一个新地址？

# %%
lab.restart("mysql1")
lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %% [markdown]
# The same one. The engine frees a container's address when it stops and hands out the **lowest free
# address** of the network when it starts, and nobody took `mysql1`'s in between. That is why hard-coded
# addresses often seem to work. Now the busy case:
# %% [markdown] lang=zh-CN
# 还是原来的地址。容器停止时，引擎会释放它的地址；容器启动时，引擎会分配该网络中**最小的空闲地址**，而这期间没有谁占用 `mysql1` 的地址。这就是写死的地址常常看起来管用的原因。再来看部署时常见的情形：删掉 `mysql1` 再重建，而这期间另有容器启动：

# %%
lab.remove("mysql1")
newcomer = lab.run("newcomer")  # another container starts while mysql1 is gone
mysql1 = lab.run("mysql1")      # mysql1 is back: same name, same image, new container

# %%
lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %% [markdown]
# The address changed (the printed ones are live values from the engine: yours may differ, the change will
# not). The newcomer holds the old address now, so anything that still points at it reaches the **wrong
# container**, and gets an answer:
# %% [markdown] lang=zh-CN
# 地址变了（打印出来的是引擎给出的实时值：你看到的地址可能不同，但它一定会变）。旧地址现在归 `newcomer` 所有，所以仍然指向旧地址的一切都会连到**错误的容器**，而且还能得到回复：

# %%
lab.ping("tomcat1", before)

# %%
lab.explain("tomcat1", before, by="ip")

# %% [markdown]
# That is the real danger of hard-coded addresses: not a failure, but a reply from the wrong machine.
# We no longer need the newcomer:
# %% [markdown] lang=zh-CN
# 这才是写死地址真正的危险：不是连不上，而是收到了一台错误机器的回复。`newcomer` 已经用不着了：

# %%
lab.remove("newcomer")

# %% [markdown]
# ## 3、容器名通信 — ping by name
#
# When we started them, we named the containers `tomcat1` and `mysql1`. Does `tomcat1` reach `mysql1` by
# that name?
# %% [markdown] lang=zh-CN
# ## 3、容器名通信：通过名字 ping
#
# 启动容器时，我们把它们命名为 `tomcat1` 和 `mysql1`。`tomcat1` 能通过这个名字访问到 `mysql1` 吗？

# %% [markdown]
# ## Your prediction
#
# They are named `tomcat1` and `mysql1`. By **name**, who reaches whom? Commit to an answer before you
# measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and
# run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 两个容器分别叫 `tomcat1` 和 `mysql1`。通过**容器名**，谁能访问到谁？测量之前，先写下你的答案：填写 `mine`（`True` 表示能访问到，`False` 表示不能；你的副本里每个答案起初都是 `...`）并运行，再运行下面的测量。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare(mine=mine)

# %%
lab.ping("tomcat1", "mysql1")

# %% [markdown]
# `ping: bad address 'mysql1'`: ping could not even turn the name into an address, so no packet was sent.
# The article hits the same failure (its Debian-based images word the error differently, the meaning is the same).
#
# ## Why: where a container looks names up
#
# A Linux program resolves a name in two places, in this order:
#
# 1. **`/etc/hosts`**, a fixed list of names and addresses;
# 2. the **DNS servers** listed in **`/etc/resolv.conf`**.
#
# Docker writes both files into every container. Here is `tomcat1`'s `/etc/hosts`:
# %% [markdown] lang=zh-CN
# `ping: bad address 'mysql1'`：ping 连把名字解析成地址都做不到，所以一个包也没有发出去。原文也遇到了同样的失败（它用的是基于 Debian 的镜像，报错的措辞不同，意思一样）。
#
# ## 原因：容器到哪里去查名字
#
# Linux 程序按以下顺序在两个地方解析名字：
#
# 1. **`/etc/hosts`**，一份固定的名字与地址对照表；
# 2. **`/etc/resolv.conf`** 中列出的 **DNS 服务器**。
#
# Docker 会在每个容器里写好这两个文件。下面是 `tomcat1` 的 `/etc/hosts`：

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# `localhost` and the container's own address under its own host name (its short id), nothing about
# `mysql1`. And its `/etc/resolv.conf`:
# %% [markdown] lang=zh-CN
# 里面只有 `localhost`，以及容器自己的地址和它的主机名（即容器的短 ID），完全没有 `mysql1`。再看它的 `/etc/resolv.conf`：

# %%
lab.exec("tomcat1", "cat /etc/resolv.conf")

# %% [markdown]
# The only DNS server is `127.0.0.1`, the container itself, where nothing listens: that is the lab's
# `--dns 127.0.0.1` (notebook 00), so that unknown names fail here and are never asked of your network.
# Without it, Docker would have copied **your host's** DNS servers into the file, and they do not know
# Docker's container names either: the ping would fail the same way, only more slowly.
#
# The real reason is that **Docker's default bridge network has no DNS server of its own**. Docker knows
# every container's name and address, but on the default bridge it tells nobody: it writes no line into
# `/etc/hosts` for the other containers, and points `/etc/resolv.conf` at no server that knows them. (On a
# *user-defined* network, the subject of notebook 05, Docker runs an embedded DNS server at `127.0.0.11`
# that answers with container names.)
#
# ## dockerlab's own prediction
#
# You now know where a container looks names up, and you wrote your own prediction above. dockerlab predicts
# too, from the engine's state alone (the containers' networks, links and `/etc/hosts`; no packet is sent),
# and says why for any pair, by name and by IP:
# %% [markdown] lang=zh-CN
# 唯一的 DNS 服务器是 `127.0.0.1`，也就是容器自己，而那里并没有任何服务在监听：这是实验环境设置的 `--dns 127.0.0.1`（见第 00 章），目的是让未知的名字在这里直接失败，绝不会拿去问你的网络。如果没有这个设置，Docker 会把**你宿主机的** DNS 服务器复制到这个文件里，而它们同样不认识 Docker 的容器名：ping 也会以同样的方式失败，只是慢一些。
#
# 真正的原因在于：**Docker 的默认网桥网络没有自己的 DNS 服务器**。Docker 知道每个容器的名字和地址，但在默认网桥上它不告诉任何人：它既不在 `/etc/hosts` 里为其他容器写上一行，也不让 `/etc/resolv.conf` 指向一个认识它们的服务器。（在*自定义网络*上，Docker 会在 `127.0.0.11` 运行一个内嵌 DNS 服务器，用容器名作答；这是第 05 章的主题。）
#
# ## dockerlab 的预测
#
# 现在你已经知道容器到哪里去查名字了，上面你也写下了自己的预测。dockerlab 也会做预测，它只依据引擎的状态（容器所在的网络、link 和 `/etc/hosts`；不发送任何数据包），并且能说明任意一对容器按**容器名**、按 **IP** 能否连通的原因：

# %%
lab.explain("tomcat1", "mysql1")

# %%
lab.explain("tomcat1", "mysql1", by="ip")

# %% [markdown]
# ## Who reaches whom
#
# You measured the matrix by name above, under your prediction: nobody reaches anybody. By IP, everybody
# still does:
# %% [markdown] lang=zh-CN
# ## 谁能访问到谁
#
# 按容器名的矩阵，你在上面写完预测后已经测过了：谁也访问不到谁。而通过 IP，依然全都能访问到：

# %%
by_ip = lesson.reachability(lab, "ip")
by_ip

# %% [markdown]
# The two side by side, as graphs:
# %% [markdown] lang=zh-CN
# 把两张图并排放在一起看：

# %%
by_name = lesson.reachability(lab, "name")

# %%
lesson.side_by_side(by_ip, by_name, titles=["by IP", "by name"])

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - The engine assigns a container's address when it starts: recreate the container, and the address may change.
# - On Docker's default bridge network, containers cannot reach each other by name: `ping: bad address`.
# - A container resolves names through `/etc/hosts` and the DNS servers in `/etc/resolv.conf`; on the default
#   bridge neither knows the other containers, because that network has no embedded DNS.
#
# ## Try it yourself
#
# Start the two containers again and write the missing line into `tomcat1`'s `/etc/hosts` yourself:
# `lab.exec("tomcat1", ["sh", "-c", f"echo {lab['mysql1'].ip} mysql1 >> /etc/hosts"])`. Then ping `mysql1`
# by name from `tomcat1`, and from `mysql1` ping `tomcat1`. What you did by hand is close to what `--link`
# does (notebook 03); the difference is that the engine keeps a link's line up to date, and nobody updates yours.
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 容器的地址是引擎在容器启动时分配的：重建容器，地址就可能改变。
# - 在 Docker 的默认网桥网络上，容器之间无法通过容器名互相访问：`ping: bad address`。
# - 容器通过 `/etc/hosts` 和 `/etc/resolv.conf` 中的 DNS 服务器解析名字；在默认网桥上，两者都不认识其他容器，因为这个网络没有内嵌 DNS。
#
# ## 动手试试
#
# 重新启动这两个容器，然后亲手把缺少的那一行写进 `tomcat1` 的 `/etc/hosts`：`lab.exec("tomcat1", ["sh", "-c", f"echo {lab['mysql1'].ip} mysql1 >> /etc/hosts"])`。接着在 `tomcat1` 里通过容器名 ping `mysql1`，再在 `mysql1` 里 ping `tomcat1`。你手工做的事，和 `--link`（第 03 章）做的事很接近；区别在于，引擎会让 link 写下的那一行始终保持最新，而你写的那一行没人帮你更新。
