# %% [markdown]
# # 04 · How it works: loopback, docker0, veth pairs, and the network drivers
# ## 4、通信原理 — how communication works · 4.1 veth-pair
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 4 (and the driver list at the start of section 5).
#
# Containers talk to each other, but *why* can they? The article starts `tomcat1` and `mysql1` and looks at
# the interfaces of the host and of each container. We do the same, on live data.
#
# One word first: a **network namespace** is the Linux kernel's way of giving a process its own set of
# network interfaces, addresses and routes. Each container gets its own; the host has one too, where
# Docker's bridges live. Two namespaces see different interfaces, as this notebook shows.
# %% [markdown] lang=zh-CN
# # 04 · 通信原理：回环地址、docker0、veth pair 与网络驱动
# ## 4、通信原理 · 4.1 veth-pair
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 4 节（以及第 5 节开头列出的网络驱动）。
#
# 知道了容器之间可以通信，但*为什么*能够通信呢？原文启动了 `tomcat1` 和 `mysql1`，然后查看宿主机和每个容器的网络接口。我们也这样做，用的是实时数据。
#
# 先说一个词：**网络命名空间**（network namespace）是 Linux 内核为进程提供一套独立网络接口、地址和路由的机制。每个容器都有自己的网络命名空间；宿主机也有一个，Docker 的网桥就在那里。不同的命名空间看到的是不同的网络接口，本章会亲眼看到这一点。

# %%
from dockerlab import lesson

lab = lesson.start("article")
tomcat1 = lab.run("tomcat1")
mysql1 = lab.run("mysql1")

# %% [markdown]
# ## The host's interfaces
#
# To look at the host as the engine sees it, we start a container that shares the **host's** network
# namespace (`--network host`, more on it below): inside it, `ip` shows the host's interfaces. This works
# the same when the engine runs in a virtual machine (Docker Desktop), where the host is that machine.
# %% [markdown] lang=zh-CN
# ## 宿主机的网络接口
#
# 为了像 Docker 引擎那样看到宿主机，我们启动一个与**宿主机**共享网络命名空间的容器（`--network host`，下文会详细介绍）：在这个容器里，`ip` 显示的就是宿主机的网络接口。即使引擎运行在虚拟机里（Docker Desktop），这个办法也同样适用，此时宿主机就是那台虚拟机。

# %%
hostview = lab.run("hostview", network="host")

# %% [markdown]
# **Which machine is "the host"?** The views below are read from the engine's host network, and where the
# engine runs decides what that is: this computer, for an engine running here as root; the Linux virtual
# machine of Docker Desktop, on a Mac or Windows; rootlesskit's network namespace, for a rootless engine.
# The next cell asks the engine (`docker info`) and says which it is for you.
# %% [markdown] lang=zh-CN
# **“宿主机”指的是哪台机器？** 下面的视图都是从引擎的 host 网络读取的，而它具体是什么，取决于引擎运行在哪里：引擎以 root 身份直接运行在这台计算机上时，它就是这台计算机；在 Mac 或 Windows 上使用 Docker Desktop 时，它是 Docker Desktop 的 Linux 虚拟机；rootless 模式的引擎则对应 rootlesskit 的网络命名空间。下一个单元格会询问引擎（`docker info`），告诉你在你的环境中是哪一种。

# %%
lesson.host_side_note(lab)

# %% [markdown]
# Every IPv4 address of the host, one line each. (The names and addresses here depend on the machine, and
# other containers or networks on the engine show up too.)
# %% [markdown] lang=zh-CN
# 宿主机的每个 IPv4 地址，一行一个。（这里的接口名和地址因机器而异，引擎上其他的容器或网络也会出现在这里。）

# %% tags=["nbval-ignore-output"]
lab.exec("hostview", "ip -o -4 addr")

# %% [markdown]
# The article finds three kinds of interface on its host:
#
# 1. **`lo`, 本机回环地址 (the loopback)**, `127.0.0.1`: the machine talking to itself. It exists before any
#    network card is installed; pinging it tests the machine's own IP stack.
# %% [markdown] lang=zh-CN
# 原文在宿主机上找到了三类网络接口：
#
# 1. **`lo`，本机回环地址**，`127.0.0.1`：本机与自己通信。它在安装网卡之前就已存在，能 ping 通它，说明本机的 IP 协议栈没有问题。

# %%
lab.exec("hostview", "ip addr show lo")

# %% [markdown]
# 2. **服务器内网地址 (the host's own network interface)**: in the article `ens33` with `192.168.88.2`, the
#    address of the virtual machine the author runs Docker in; on a physical machine often `eth0` (first
#    Ethernet card). Above, it is the one carrying the host's address on your network.
#
# 3. **`docker0`**: a Linux **bridge**, a virtual switch, that Docker creates when it starts. Every container
#    started without a network option is plugged into it: it *is* the default `bridge` network. Its address
#    is the containers' gateway.
# %% [markdown] lang=zh-CN
# 2. **服务器内网地址（宿主机自己的网络接口）**：在原文中是 `ens33`，地址为 `192.168.88.2`，也就是作者运行 Docker 的那台虚拟机的地址；在物理机上通常叫 `eth0`（第一块以太网卡）。在上面的输出里，它就是带有宿主机在你所在网络中地址的那个接口。
#
# 3. **`docker0`**：Docker 启动时创建的一个 Linux **网桥**，相当于一台虚拟交换机。所有启动时没有指定网络的容器都会接到它上面：它*就是*默认的 `bridge` 网络。它的地址就是这些容器的网关。

# %%
lab.exec("hostview", "ip addr show docker0")

# %% [markdown]
# `docker0` lives in the host's namespace only: a container has its own set of interfaces and does not see it.
# %% [markdown] lang=zh-CN
# `docker0` 只存在于宿主机的网络命名空间里：容器有自己的一套网络接口，看不到它。

# %%
lab.exec("tomcat1", "ip link show docker0")

# %% [markdown]
# ## 4.1 veth-pair — the cable between a container and docker0
#
# How is a container plugged into `docker0`? With a **veth pair**: two virtual interfaces created together and
# joined like the two ends of a cable; what goes in one end comes out of the other. Docker puts one end in
# the container, where it is renamed `eth0`, and leaves the other end on the host, named `veth...`, plugged
# into the bridge.
#
# `ip link` shows each end followed by `@if` and the **index of its peer** (its other end): the article's
# `tomcat1` has `44: eth0@if45` inside and the host has `45: veth8eb364e@if44`. Interface 44 points at 45,
# 45 points at 44: one pair. (From Docker 28 on, the engine creates the container's end inside the container,
# where it is interface 2 in every container; busybox's `ip` on the host then looks up 2 among the host's
# own interfaces and may print that name, for instance `veth...@eth0`. The indexes still pair up.) Here is
# our live table, read from both sides (`lab.interfaces()` runs `ip link` in each container and on the
# host, and matches the ends by index):
# %% [markdown] lang=zh-CN
# ## 4.1 veth-pair：连接容器与 docker0 的“网线”
#
# 容器是怎样接到 `docker0` 上的？靠的是 **veth pair**：两个同时创建的虚拟网络接口，像一根网线的两端那样连在一起，从一端进去的数据会从另一端出来。Docker 把一端放进容器，并改名为 `eth0`；另一端留在宿主机上，名为 `veth...`，接在网桥上。
#
# `ip link` 在每一端的名字后面显示 `@if` 和**对端（另一端）的编号**：原文中 `tomcat1` 容器内是 `44: eth0@if45`，宿主机上是 `45: veth8eb364e@if44`。44 号接口指向 45，45 号指向 44：它们是一对。（从 Docker 28 开始，引擎直接在容器内部创建容器这一端，它在每个容器里都是 2 号接口；宿主机上 busybox 的 `ip` 会在宿主机自己的接口里查找 2 号，因此可能显示那个接口的名字，例如 `veth...@eth0`。编号依然一一对应。）下面是我们的实时表格，从两端读取（`lab.interfaces()` 在每个容器和宿主机上运行 `ip link`，再按编号把两端配对）：

# %%
pairs = lab.interfaces()
lesson.table(pairs, ["container", "label", "host_label", "bridge", "network"])

# %% [markdown]
# The same, drawn in layers: each container, its `eth0`, the cable (the veth pair) to its `veth...` end on the
# host, the bridge that end is plugged into (`docker0`), and the host around it:
# %% [markdown] lang=zh-CN
# 同样的内容，分层画出来：每个容器、它的 `eth0`、通往宿主机上 `veth...` 一端的“网线”（veth pair）、这一端所接的网桥（`docker0`），以及外面的宿主机：

# %%
lesson.topology(lab, "one bridge, one veth pair per container")

# %%
print(lesson.pair_check(pairs))

# %% [markdown]
# The same from the command line: `tomcat1`'s `eth0` inside, then its host end on the host:
# %% [markdown] lang=zh-CN
# 用命令行看也一样：先看 `tomcat1` 容器内的 `eth0`，再看它在宿主机上的那一端：

# %%
lab.exec("tomcat1", "ip -o link show eth0")

# %%
tomcat1_end = pairs.loc[pairs.container == "tomcat1", "host_interface"].iloc[0]
lab.exec("hostview", f"ip -o link show {tomcat1_end}")

# %% [markdown]
# The host end says `master docker0`: it is plugged into the bridge. So a ping from `tomcat1` to `mysql1`
# leaves `tomcat1` by its `eth0`, comes out of its veth end on the host, crosses the `docker0` switch, goes
# into `mysql1`'s veth end and comes out of `mysql1`'s `eth0`. Every container on the bridge has its own
# pair; that is how several containers share one network (the article's figure shows exactly this).
#
# ## The network drivers: bridge, host, none
#
# `docker network ls` (查看网桥) lists the engine's networks. Docker creates three:
# %% [markdown] lang=zh-CN
# 宿主机那一端显示 `master docker0`：它接在网桥上。所以，从 `tomcat1` ping `mysql1` 时，数据包经 `eth0` 离开 `tomcat1`，从它在宿主机上的 veth 一端出来，穿过 `docker0` 这台交换机，进入 `mysql1` 的 veth 一端，再从 `mysql1` 的 `eth0` 出来。网桥上的每个容器都有自己的一对 veth；多个容器就是这样共用一个网络的（原文的插图画的正是这个）。
#
# ## 网络驱动：bridge、host、none
#
# `docker network ls`（查看网桥）列出引擎上的网络。Docker 自带三个：

# %%
lesson.table(lab.networks(), ["name", "driver"])

# %% [markdown]
# | network (driver) | the container gets | what it means |
# | --- | --- | --- |
# | `bridge` (`bridge`) | its own namespace, an `eth0` veth end on `docker0`, an address | the default: containers on it reach each other by IP; the host's `iptables` NAT rules connect it to the outside |
# | `host` (`host`) | **no namespace of its own**: the host's interfaces, addresses and ports | no isolation: a server in it listens on the host's ports directly |
# | `none` (`null`) | its own namespace with **only `lo`** | no network at all |
#
# A container on `none` has nothing but the loopback:
# %% [markdown] lang=zh-CN
# | 网络（驱动） | 容器得到什么 | 含义 |
# | --- | --- | --- |
# | `bridge`（`bridge`） | 自己的网络命名空间、一个接在 `docker0` 上的 veth 端 `eth0`、一个 IP 地址 | 默认网络：其上的容器可以通过 IP 互相访问；宿主机的 `iptables` NAT 规则把它与外部连通 |
# | `host`（`host`） | **没有自己的网络命名空间**：直接使用宿主机的网络接口、地址和端口 | 没有隔离：其中的服务直接监听宿主机的端口 |
# | `none`（`null`） | 自己的网络命名空间，但**只有 `lo`** | 完全没有网络 |
#
# `none` 网络上的容器只有回环接口：

# %%
noneview = lab.run("noneview", network="none")
lab.exec("noneview", "ip -o link")

# %% [markdown]
# And `hostview`, on `host`, sees the host's interfaces, `docker0` included (as shown above), plus one
# `veth...` end for each container on a bridge. It has no `eth0` and no address *of its own*: the host's
# `eth0` and addresses it showed above are the host's, which it shares.
# %% [markdown] lang=zh-CN
# 而 `host` 网络上的 `hostview` 能看到宿主机的网络接口，包括 `docker0`（如上所示），还有 bridge 网络上每个容器在宿主机上的那一端 `veth...`。它没有*自己的* `eth0`，也没有*自己的*地址：上面显示的 `eth0` 和地址都属于宿主机，它只是共用而已。

# %% [markdown]
# ## Your prediction
#
# Four containers: two on `docker0`, `hostview` on the host's network, `noneview` with only `lo`. At their
# addresses, who reaches whom? (`hostview` and `noneview` have no address of their own to be reached at.)
# Commit to an answer before you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and
# run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 四个容器：两个在 `docker0` 上，`hostview` 使用宿主机的网络，`noneview` 只有 `lo`。通过 **IP 地址**，谁能访问到谁？（`hostview` 和 `noneview` 都没有自己的地址可供别人访问。）先给出答案，再动手测量：填写 `mine`（`True`：能访问到，`False`：访问不到；你的副本里每个答案起初都是 `...`）并运行，然后运行它下面的测量单元格。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("hostview", "tomcat1"): True, ("noneview", "mysql1"): True}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# ## Who reaches whom, by IP
#
# `tomcat1` and `mysql1` reach each other over `docker0`. `hostview` *is* the host as far as the network is
# concerned: the host reaches the bridge's containers through `docker0` (that is how published ports work).
# `noneview` reaches nobody, and nobody can reach it: it has no address to ping. (`hostview` has no address of
# its own either, so it is no column.)
# %% [markdown] lang=zh-CN
# ## 按 IP，谁能访问到谁
#
# `tomcat1` 和 `mysql1` 通过 `docker0` 互相访问。就网络而言，`hostview` *就是*宿主机：宿主机通过 `docker0` 访问网桥上的容器（发布端口正是这样工作的）。`noneview` 谁也访问不到，谁也访问不到它：它没有可以 ping 的地址。（`hostview` 同样没有自己的地址，所以表里没有它这一列。）

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# ## A first look at two bridges
#
# `docker network create` makes another bridge (chapter 05 does it the article's way). A container on it
# gets its veth pair on the new bridge, not on `docker0`. The article calls new bridges docker1, docker2...;
# Docker in fact names them `br-` followed by the first 12 characters of the network's id.
#
# Both bridges live in the host, yet the host forwards nothing from one to the other: Docker's `iptables`
# rules drop it. The figure draws that isolation as a cut between them, not as a path through the host.
# %% [markdown] lang=zh-CN
# ## 初识两个网桥
#
# `docker network create` 会再创建一个网桥（第 05 章会按原文的方式来做）。接入新网络的容器，它的 veth pair 接在新网桥上，而不是 `docker0` 上。原文说会有 docker1、docker2 之类的名字；实际上，Docker 给它们起的名字是 `br-` 加上网络 ID 的前 12 个字符。
#
# 两个网桥都在宿主机里，但宿主机不会在它们之间转发任何流量：Docker 的 `iptables` 规则会把它丢弃。图中把这种隔离画成两个网桥之间的一道切断线，而不是一条穿过宿主机的通路。

# %%
lab.remove("hostview")
lab.remove("noneview")
lab.network("otherBridge")
lab.run("tomcat2", network="otherBridge")
lesson.topology(lab, "two bridges, isolated from each other")

# %% [markdown]
# The evidence for the cut: `tomcat2` pings `tomcat1`'s address and gets no answer, although both bridges are
# in the same host. Chapter 06 measures the whole matrix, and shows the way across.
# %% [markdown] lang=zh-CN
# 隔离的证据：`tomcat2` ping `tomcat1` 的地址，收不到任何回复，尽管两个网桥在同一台宿主机里。第 06 章会测出完整的矩阵，并介绍打通的办法。

# %%
lab.ping("tomcat2", tomcat1.ip)

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - The host has `lo`, its own network interface, and `docker0`, the Linux bridge behind Docker's default network.
# - Each container on a bridge is plugged in by a veth pair: `eth0@ifN` inside, `veth...@ifM` on the host,
#   where `N` is the host end's index and `M` the container end's: the numbers point at each other.
# - Docker's three networks use three drivers: `bridge` (own namespace, veth to a bridge), `host` (the host's
#   namespace), `none` (only `lo`).
# - Each network you create is another bridge, `br-<id>`, and the host forwards nothing between bridges.
#
# ## Try it yourself
#
# Start `tomcat1`, `mysql1` and `hostview` again, then a third container, `lab.run("tomcat2")`, and run
# `lab.interfaces()`: which new pair appeared, and on which bridge? Then list the ends plugged into
# `docker0` from the host: `lab.exec("hostview", "ls /sys/class/net/docker0/brif")`.
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 宿主机上有 `lo`、它自己的网络接口，以及 `docker0`：Docker 默认网络背后的 Linux 网桥。
# - 网桥上的每个容器都通过一个 veth pair 接入：容器内是 `eth0@ifN`，宿主机上是 `veth...@ifM`，其中 `N` 是宿主机那一端的编号，`M` 是容器这一端的编号：两个数字互相指向对方。
# - Docker 的三个网络使用三种驱动：`bridge`（自己的网络命名空间，通过 veth 接到网桥）、`host`（使用宿主机的网络命名空间）、`none`（只有 `lo`）。
# - 你创建的每个网络都是另一个网桥 `br-<id>`，宿主机不会在网桥之间转发流量。
#
# ## 动手试试
#
# 重新启动 `tomcat1`、`mysql1` 和 `hostview`，再启动第三个容器 `lab.run("tomcat2")`，然后运行 `lab.interfaces()`：新出现了哪一对 veth，接在哪个网桥上？再从宿主机列出接在 `docker0` 上的各个端口：`lab.exec("hostview", "ls /sys/class/net/docker0/brif")`。
