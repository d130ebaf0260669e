# %% [markdown]
# # 06 · Two bridges: isolated, until you connect them
# ## 5.1 不同bridge 网络通信 — communication between different bridges
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 5.1.
#
# `tomcat1` and `mysql1` are on `myBridge`; a third container, `tomcat1-docker0`, is on the default bridge
# `docker0`. The article asks: can the containers of `docker0` and `myBridge` ping each other?
# (docker0 和 myBridge 里面的容器可以互相ping通吗？) And if not, how do we open the way?
# %% [markdown] lang=zh-CN
# # 06 · 两个网桥：彼此隔离，直到你把它们连起来
# ## 5.1 不同bridge 网络通信
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 5.1 节。
#
# `tomcat1` 和 `mysql1` 在 `myBridge` 上；第三个容器 `tomcat1-docker0` 在默认网桥 `docker0` 上。原文问道：docker0 和 myBridge 里面的容器可以互相ping通吗？如果不能，又该怎样打通？

# %%
from dockerlab import lesson

lab = lesson.start("article")
choice = lesson.choose_subnet(lab, "192.168.0.0/16", "192.168.0.1")  # notebook 05 explains the choice
lab.network("myBridge", subnet=choice.subnet, gateway=choice.gateway)

# %%
tomcat1 = lab.run("tomcat1", network="myBridge")
mysql1 = lab.run("mysql1", network="myBridge")
tomcat1_docker0 = lab.run("tomcat1-docker0")

# %% [markdown]
# ## Your prediction
#
# `tomcat1` and `mysql1` are on `myBridge`, `tomcat1-docker0` on the default bridge. At their **addresses**,
# who reaches whom? Commit to an answer before you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`)
# and run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# `tomcat1` 和 `mysql1` 在 `myBridge` 上，`tomcat1-docker0` 在默认网桥上。通过 **IP 地址**，谁能访问到谁？先给出答案，再动手测量：填写 `mine`（`True`：能访问到，`False`：访问不到；你的副本里每个答案起初都是 `...`）并运行，然后运行它下面的测量单元格。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True, ("tomcat1-docker0", "mysql1"): True}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# ## Before: isolated
#
# From `tomcat1-docker0`, by name: the default bridge has no DNS (notebook 02), so the name does not even resolve.
# %% [markdown] lang=zh-CN
# ## 连接之前：彼此隔离
#
# 先从 `tomcat1-docker0` 按容器名访问：默认网桥没有 DNS（第 02 章），所以这个名字根本解析不出来。

# %%
lab.ping("tomcat1-docker0", "mysql1")

# %% [markdown]
# By address, then: the address is known, the packet leaves... and no reply comes back.
# %% [markdown] lang=zh-CN
# 那就按地址访问：地址是已知的，数据包也发出去了……却始终等不到回复。

# %%
lab.ping("tomcat1-docker0", lab["mysql1"].ip)

# %% [markdown]
# `tomcat1-docker0` has no interface on `myBridge`'s subnet, so it sends the packet to its default gateway,
# `docker0` on the host. The host could route it to `myBridge`'s bridge, but Docker forbids it: its
# `iptables` rules (the `DOCKER-ISOLATION` chains) **drop traffic between two different bridge networks**.
# That isolation is a feature: it is how a network of your own controls who may talk to whom.
# The routing table of `tomcat1-docker0` shows that it only knows its own bridge's subnet:
# %% [markdown] lang=zh-CN
# `tomcat1-docker0` 没有位于 `myBridge` 子网中的网络接口，于是把数据包交给它的默认网关，也就是宿主机上的 `docker0`。宿主机本可以把它路由到 `myBridge` 的网桥上，但 Docker 不允许：它的 `iptables` 规则（`DOCKER-ISOLATION` 系列链）会**丢弃两个不同 bridge 网络之间的流量**。这种隔离是有意为之的：自定义网络正是靠它来控制谁能和谁通信。`tomcat1-docker0` 的路由表表明，它只知道自己所在网桥的子网：

# %%
lab.exec("tomcat1-docker0", "ip route")

# %% [markdown]
# The whole lab, by name and by IP: `tomcat1` and `mysql1` reach each other (by name too, thanks to
# `myBridge`'s DNS); `tomcat1-docker0` reaches nobody and nobody reaches it.
# %% [markdown] lang=zh-CN
# 整个实验的情况，按容器名和按 IP 各看一遍：`tomcat1` 和 `mysql1` 互相可达（借助 `myBridge` 的 DNS，按名字也行）；`tomcat1-docker0` 谁也访问不到，谁也访问不到它。

# %%
before = lesson.reachability(lab)
before

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# Under the hood (notebook 04): each container has one veth pair, and the two groups hang on two different
# Linux bridges, `docker0` and `myBridge`'s `br-...`:
# %% [markdown] lang=zh-CN
# 看看底层（第 04 章）：每个容器有一个 veth pair，两组容器分别挂在两个不同的 Linux 网桥上：`docker0`，以及 `myBridge` 对应的 `br-...`：

# %%
lesson.topology(lab, "before: two bridges, one pair per container")

# %% [markdown]
# Ask dockerlab why, and it names the isolation and the way across:
# %% [markdown] lang=zh-CN
# 问问 dockerlab 为什么，它会指出这种隔离，以及跨过去的办法：

# %%
lab.explain("tomcat1-docker0", "mysql1", by="ip")

# %% [markdown]
# ## docker network connect
#
# The article's fix: connect the container to the other network as well,
#
# ```bash
# docker network connect [OPTIONS] network container
# docker network connect myBridge tomcat1-docker0
# ```
# %% [markdown] lang=zh-CN
# ## docker network connect
#
# 原文的办法：把容器也连接到另一个网络上，
#
# ```bash
# docker network connect [OPTIONS] network container
# docker network connect myBridge tomcat1-docker0
# ```

# %% [markdown]
# ## Your prediction
#
# After that one command, who reaches whom by IP? Think of both directions: is a connect one-way, like
# `--link`? Fill in `mine` and run it; the next cell connects the container, then scores your prediction
# against the measurement.
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 只执行这一条命令之后，谁能通过 IP 访问到谁？两个方向都想一想：网络连接会不会像 `--link` 那样是单向的？填写 `mine` 并运行；下一个单元格会先连接容器，再把你的预测和实测结果逐格对照。

# %%
mine = {("tomcat1-docker0", "mysql1"): True, ("mysql1", "tomcat1-docker0"): False, ("tomcat1", "tomcat1-docker0"): True}

# %%
tomcat1_docker0 = lab.connect("myBridge", "tomcat1-docker0")
lab.compare("ip", mine=mine)

# %% [markdown]
# Docker created a second veth pair for `tomcat1-docker0`, plugged its host end into `myBridge`'s bridge, and
# gave the container end, **`eth1`**, an address on `myBridge`. One container, two interfaces, two IPs
# (一个容器，多个ip):
# %% [markdown] lang=zh-CN
# Docker 为 `tomcat1-docker0` 新建了第二个 veth pair，把宿主机这一端接到 `myBridge` 的网桥上，并给容器那一端 **`eth1`** 分配了一个 `myBridge` 上的地址。正如原文所说，“一个容器，多个ip”：一个容器，两个网络接口，两个 IP：

# %%
lab.exec("tomcat1-docker0", "ip addr")

# %%
tomcat1_docker0.ips

# %% [markdown]
# Its routing table now has a route to `myBridge`'s subnet through `eth1` (`ip route show dev eth1` lists
# the routes of that interface only), and, because the container is now on a user-defined network,
# Docker's embedded DNS answers its name lookups:
# %% [markdown] lang=zh-CN
# 现在它的路由表里多了一条经 `eth1` 通往 `myBridge` 子网的路由（`ip route show dev eth1` 只列出这个接口的路由）；而且由于容器现在接入了自定义网络，Docker 的内嵌 DNS 会为它解析名字：

# %%
lab.exec("tomcat1-docker0", "ip route show dev eth1")

# %%
lab.exec("tomcat1-docker0", "cat /etc/resolv.conf")

# %%
lab.ping("tomcat1-docker0", "mysql1")

# %% [markdown]
# ## After: connected
#
# `tomcat1-docker0` now belongs to both networks (blue fill for `bridge`, a ring in `myBridge`'s colour) and
# reaches, and is reached by, the `myBridge` containers by name. Its `docker0` address stays out of their
# reach: the IP matrix shows that `tomcat1` and `mysql1` reach `tomcat1-docker0` on its `myBridge` address
# only.
# %% [markdown] lang=zh-CN
# ## 连接之后：打通了
#
# `tomcat1-docker0` 现在同时属于两个网络（蓝色填充代表 `bridge`，外圈是 `myBridge` 的颜色），它能按名字访问 `myBridge` 上的容器，这些容器也能访问它。但它在 `docker0` 上的地址，这些容器依然访问不到：IP 矩阵显示，`tomcat1` 和 `mysql1` 只能通过 `tomcat1-docker0` 在 `myBridge` 上的地址访问它。

# %%
after = lesson.reachability(lab)
print(after)  # the matrix; the pictures come side by side below

# %% [markdown]
# Does dockerlab's model agree? `lab.compare` sets its prediction (from the engine's state) beside the
# measurement, by IP; `!` would mark a cell it got wrong:
# %% [markdown] lang=zh-CN
# dockerlab 的模型也这样认为吗？`lab.compare` 把它的预测（根据引擎的状态得出）与按 IP 实测的结果并排列出；预测错误的格子会标上 `!`：

# %%
lab.compare(by="ip")

# %%
lesson.side_by_side(before, after, titles=["before docker network connect", "after"])

# %%
lesson.topology(lab, "after: tomcat1-docker0 has a second pair, on myBridge")

# %%
print(lesson.pair_check(lab.interfaces()))

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - Containers on two different bridge networks cannot reach each other, neither by name nor by IP: Docker
#   isolates bridges from each other.
# - `docker network connect myBridge tomcat1-docker0` adds a second veth pair: an `eth1` with a second address,
#   a route to `myBridge`'s subnet, and the embedded DNS for names.
# - A container on several networks reaches the containers of each of them, by their address on the network
#   they share.
#
# ## Try it yourself
#
# Run the notebook again from the top, but stop before the `lab.reset()` cell, which removes everything.
# Then undo the connection: `lab.disconnect("myBridge", "tomcat1-docker0")` (that is `docker network disconnect`). Run
# `lab.exec("tomcat1-docker0", "ip addr")` and `lesson.reachability(lab)` again: what disappeared?
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 位于两个不同 bridge 网络上的容器无法互相访问，按名字不行，按 IP 也不行：Docker 把各个网桥彼此隔离开来。
# - `docker network connect myBridge tomcat1-docker0` 会新增第二个 veth pair：带来一个拥有第二个地址的 `eth1`、一条通往 `myBridge` 子网的路由，以及解析名字的内嵌 DNS。
# - 接入多个网络的容器，能访问其中每个网络上的容器，用的是对方在双方共同所在网络上的地址。
#
# ## 动手试试
#
# 从头再运行一遍本笔记本，但在 `lab.reset()` 那个单元格之前停下（它会删掉一切）。然后撤销这次连接：`lab.disconnect("myBridge", "tomcat1-docker0")`（即 `docker network disconnect`）。再运行一次 `lab.exec("tomcat1-docker0", "ip addr")` 和 `lesson.reachability(lab)`：什么消失了？
