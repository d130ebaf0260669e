# %% [markdown]
# # 08 · Across hosts: containers on several engines
# ## 跨主机通信 — containers on different machines
#
# > The article **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs) stops at one host:
# > <https://www.cnblogs.com/ysocean/p/15659138.html>. This chapter takes the next step.
#
# Every container so far ran on one Docker engine, and every bridge (`docker0`, `myBridge`) lived on that one
# host. The question every learner asks next: **how do containers on two machines talk?** Docker's own answer is
# the **overlay network**: one network that spans the hosts of a **Docker Swarm**, carried between them in
# **VXLAN** tunnels (UDP port 4789).
#
# To show it live on one computer, dockerlab starts three *extra* Docker engines, `host1`, `host2` and `host3`,
# each a `dockerd` in its own network namespace (its own interfaces, addresses and routes: a machine of its
# own, as far as networking goes), joined by a bridge that plays the part of the wire between machines. Your
# main engine is not one of them and never joins a swarm. This needs root on Linux (`dockerlab hosts up`);
# elsewhere (Docker Desktop, no root) the chapter runs on dockerlab's simulated swarm and says so first.

# %% [markdown] lang=zh-CN
# # 08 · 跨主机通信：多个 Docker 引擎上的容器
# ## 跨主机通信 —— 不同机器上的容器如何通信
#
# > 原文 **《Docker从入门到精通（六）——容器通信》**（作者 **ysocean**，博客园）只讲到单台主机：<https://www.cnblogs.com/ysocean/p/15659138.html>。本章再往前走一步。
#
# 到目前为止，所有容器都运行在同一个 Docker 引擎上，所有网桥（`docker0`、`myBridge`）也都在这一台主机上。学到这里，大家都会接着问：**两台机器上的容器怎么通信？** Docker 官方的答案是**覆盖网络（overlay network）**：一个横跨 **Docker Swarm 集群**中各台主机的网络，主机之间的流量用 **VXLAN** 隧道（UDP 端口 4789）承载。
#
# 为了在一台电脑上现场演示，dockerlab 额外启动了三个 Docker 引擎 `host1`、`host2`、`host3`：每个都是运行在独立网络命名空间里的 `dockerd`（有自己的网卡、地址和路由，就网络而言相当于一台独立的机器），再用一个网桥把它们连起来，充当机器之间的网线。你的主引擎不在其中，也从不加入 Swarm。这需要 Linux 上的 root 权限（`dockerlab hosts up`）；在其他环境（Docker Desktop、没有 root 权限）下，本章改在 dockerlab 模拟的 Swarm 集群上运行，并会首先说明这一点。

# %% tags=["nbval-ignore-output"]
from dockerlab import lesson
from dockerlab import ClusterLab, open_cluster

cluster = open_cluster()  # host1, host2, host3: brought up, or reused when up
lab = ClusterLab("across", cluster)
lab.reset()

# %% [markdown]
# Each command above is shown with its `DOCKER_HOST=...`: the engine it talks to. `docker node ls` on the
# swarm's **manager** (`host1`) lists the three hosts, each with its address on the wire between them:

# %% [markdown] lang=zh-CN
# 上面的每条命令都带着 `DOCKER_HOST=...`，表示它发给哪个引擎。在 Swarm 的**管理节点**（`host1`）上执行 `docker node ls`，可以看到三台主机，以及它们在“网线”上的地址：

# %%
lesson.table(lab.nodes())

# %% [markdown]
# ## Two hosts, two bridges
#
# Start `web` on `host1` and `db` on `host2`, each on its host's default bridge, as in chapter 01:

# %% [markdown] lang=zh-CN
# ## 两台主机，两个网桥
#
# 在 `host1` 上启动 `web`，在 `host2` 上启动 `db`，都接在各自主机的默认网桥上，和第 01 章一样：

# %%
lab.run("web", host="host1")
lab.run("db", host="host2")
lesson.table(lab.addresses(), ["host", "container", "network", "ip"])

# %% [markdown]
# (dockerlab gives each host its own default-bridge range, `172.17`, `172.18`, `172.19`, so that every address
# here names one container. Real machines very often all use `172.17.0.0/16`: the same address on two hosts.)
#
# ## Your prediction
#
# `web` knows `db`'s address. Pinging **the address**, who reaches whom? Fill in `mine` and run it, then measure.

# %% [markdown] lang=zh-CN
# （dockerlab 给每台主机分配了不同的默认网桥网段 `172.17`、`172.18`、`172.19`，这样这里的每个地址都只对应一个容器。真实的机器往往都用 `172.17.0.0/16`，两台主机上会出现相同的地址。）
#
# ## 你的预测
#
# `web` 知道 `db` 的地址。按**地址** ping，谁能到达谁？先填写 `mine` 并运行，再做测量。

# %%
mine = {("web", "db"): True, ("db", "web"): False}

# %%
lab.compare(by="ip", mine=mine)

# %% [markdown]
# Neither reaches the other. A bridge is **local to its host**: `docker0` on `host1` knows nothing of the
# containers on `host2`'s bridge, and no route leads there. dockerlab says why from the engines' state alone:

# %% [markdown] lang=zh-CN
# 双方都到达不了对方。网桥是**主机本地的**：`host1` 上的 `docker0` 对 `host2` 网桥上的容器一无所知，也没有路由通往那里。dockerlab 仅凭各引擎的状态就能说明原因：

# %%
lab.explain("web", "db", by="ip")

# %% [markdown]
# ## An overlay network joins the hosts
#
# On the manager, create an **attachable** overlay (`--attachable` lets plain `docker run` containers join it,
# not only Swarm services), then connect both containers to it, and start a third one, `cache`, on `host3`
# on the overlay alone:

# %% [markdown] lang=zh-CN
# ## 覆盖网络把主机连起来
#
# 在管理节点上创建一个**可附加（attachable）**的覆盖网络（`--attachable` 让普通 `docker run` 启动的容器也能加入，而不只是 Swarm 服务），把两个容器都连接上去，再在 `host3` 上启动只接入这个覆盖网络的第三个容器 `cache`：

# %%
lab.network("ov", "10.197.1.0/24", driver="overlay")
lab.connect("ov", "web")
lab.connect("ov", "db")
lab.run("cache", host="host3", network="ov")
lesson.table(lab.addresses(), ["host", "container", "network", "ip"])

# %% [markdown]
# ## Your prediction
#
# Now **by name**: `web` and `db` are still on their bridges too, and `cache` runs on a third host. Who
# reaches whom?

# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 现在按**容器名**：`web` 和 `db` 仍然接在各自的网桥上，`cache` 在第三台主机上。谁能到达谁？

# %%
mine = {
    ("web", "db"): True,
    ("db", "web"): True,
    ("web", "cache"): True,
    ("cache", "web"): False,
    ("db", "cache"): True,
    ("cache", "db"): True,
}

# %%
lab.compare(mine=mine)

# %% [markdown]
# Everyone reaches everyone, **by name**, across three hosts. The overlay is a user-defined network, so it has
# Docker's embedded DNS (127.0.0.11, chapter 05), and the swarm tells every host the names on it. The matrix
# with each container's host:

# %% [markdown] lang=zh-CN
# 所有容器都能按**容器名**互相到达，跨越三台主机。覆盖网络也是自定义网络，所以有 Docker 的内嵌 DNS（127.0.0.11，见第 05 章），而 Swarm 会把其上的容器名告诉每一台主机。标上主机的矩阵：

# %%
lesson.by_host(lab)

# %%
lab.explain("web", "cache")

# %% [markdown]
# ## Under the hood: two legs, a tunnel and 1450 bytes
#
# Each container got one more interface on the overlay, with an MTU of **1450** instead of 1500: each packet
# will be wrapped in 50 bytes of VXLAN, UDP, IP and Ethernet headers. `cache`, which has no other network, also
# got an `eth1` on **`docker_gwbridge`**, a bridge Swarm makes on every host to take containers' traffic *out*
# of the host (its containers cannot talk to each other through it: it is not a path between containers).
# On each host, in the overlay's own namespace, a **VXLAN device** (`vxlan0`, one VXLAN id for the network,
# UDP port 4789) is the tunnel's end:

# %% [markdown] lang=zh-CN
# ## 深入一层：两块网卡、一条隧道和 1450 字节
#
# 每个容器在覆盖网络上多了一块网卡，MTU 是 **1450** 而不是 1500：每个数据包都要再包上 50 字节的 VXLAN、UDP、IP 和以太网头部。`cache` 没有别的网络，所以还多了一块接在 **`docker_gwbridge`** 上的 `eth1`：这是 Swarm 在每台主机上建立的网桥，负责把容器的流量送*出*主机（容器之间不能通过它通信，它不是容器之间的通路）。每台主机上，在覆盖网络自己的命名空间里，有一个 **VXLAN 设备**（`vxlan0`，整个网络共用一个 VXLAN ID，UDP 端口 4789），它就是隧道的端点：

# %%
lesson.hosts(lab, "three hosts, one overlay")

# %% [markdown]
# ## The encapsulation, captured
#
# While `web` (on `host1`) pings `cache` (on `host3`), dockerlab runs `tcpdump` on the wire between the hosts,
# on the lab's own bridge only, for a few packets of UDP 4789. Each row is one packet: **outside**, host to
# host on the wire; **inside**, container to container on the overlay:

# %% [markdown] lang=zh-CN
# ## 抓包看封装
#
# 在 `web`（`host1` 上）ping `cache`（`host3` 上）的同时，dockerlab 在主机之间的“网线”上运行 `tcpdump`，只抓实验自己的网桥上的几个 UDP 4789 数据包。每一行是一个数据包：**外层**是网线上主机到主机的地址，**内层**是覆盖网络上容器到容器的地址：

# %%
packets = lab.capture("web", "cache", count=4)
lesson.table(packets, ["outer_src", "outer_dst", "udp_port", "inner_src", "inner_dst", "inner"])

# %% [markdown]
# That is the whole trick: the hosts only ever see UDP packets between each other; the containers see one
# network. (Swarm *services* add virtual IPs and a routing mesh on top, which need IPVS in the kernel;
# plain containers on an attachable overlay, as here, do not.)
#
# ## Clean up
#
# `lab.reset()` removes the lab's containers on every host, then its overlay. The hosts stay up for the
# exercise; `cluster.down()` (or `dockerlab hosts down`) removes them, their swarm and everything they made.

# %% [markdown] lang=zh-CN
# 原理就是这样：主机之间看到的只是 UDP 数据包，容器看到的是同一个网络。（Swarm *服务*还会在此之上加上虚拟 IP 和路由网格（routing mesh），它们需要内核的 IPVS；像这里这样在可附加覆盖网络上运行普通容器则不需要。）
#
# ## 清理
#
# `lab.reset()` 会删除实验在每台主机上的容器，再删除覆盖网络。主机保留下来供练习使用；`cluster.down()`（或 `dockerlab hosts down`）会删除主机、Swarm 集群以及它们创建的一切。

# %%
lab.reset()

# %% [markdown]
# ## When a host dies
#
# Real machines crash. Try it: stop one host's engine, `kill $(cat /run/dockerlab/hosts/dlab/host2/docker.pid)`,
# and run the cells above again. Every container on `host2` reads **host-down** (⊘ in the matrices: neither
# measured nor predicted), and `lab.nodes()`, `lab.explain(...)` and `dockerlab hosts status` say that `host2`
# is down. `lab.reset()` removes the rest and names what it could not. `cluster = open_cluster()` restarts
# `host2` alone: it rejoins the swarm as the same node, the other hosts keep their containers, and `host2`'s
# come back stopped (`lab.start("db")` starts one again). The chapter's first cell also runs `lab.reset()`, which
# starts the chapter over.

# %% [markdown] lang=zh-CN
# ## 如果一台主机宕机
#
# 真实的机器会宕机。不妨试一试：停掉一台主机的引擎，`kill $(cat /run/dockerlab/hosts/dlab/host2/docker.pid)`，
# 然后重新运行上面的单元格。`host2` 上的每个容器都会显示为 **host-down**（矩阵里的 ⊘：既不测量也不预测），
# `lab.nodes()`、`lab.explain(...)` 和 `dockerlab hosts status` 都会指出 `host2` 已宕机。`lab.reset()` 会删除其余
# 的一切，并列出它删不掉的内容。`cluster = open_cluster()` 只重启 `host2`：它以原来的节点身份重新加入 Swarm 集群，
# 其他主机上的容器都保留，`host2` 上的容器恢复后处于停止状态（用 `lab.start("db")` 重新启动）。本章第一个单元格
# 还会运行 `lab.reset()`，也就是让本章从头开始。
