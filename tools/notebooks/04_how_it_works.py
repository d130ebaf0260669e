# %% [markdown]
# # 04 · How it works: loopback, docker0, veth pairs, and the network drivers
# ## 4、通信原理 — how communication works · 4.1 veth-pair
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 4 (and the driver list at the start of section 5).
#
# Containers talk to each other, but *why* can they? The article starts `tomcat1` and `mysql1` and looks at
# the interfaces of the host and of each container. We do the same, on live data.

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

# %%
hostview = lab.run("hostview", network="host")

# %% [markdown]
# Every IPv4 address of the host, one line each. (The names and addresses here depend on the machine, and
# other containers or networks on the engine show up too.)

# %% tags=["nbval-ignore-output"]
lab.exec("hostview", "ip -o -4 addr")

# %% [markdown]
# The article finds three kinds of interface on its host:
#
# 1. **`lo`, 本机回环地址 (the loopback)**, `127.0.0.1`: the machine talking to itself. It exists before any
#    network card is installed; pinging it tests the machine's own IP stack.

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

# %%
lab.exec("hostview", "ip addr show docker0")

# %% [markdown]
# `docker0` lives in the host's namespace only: a container has its own set of interfaces and does not see it.

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

# %%
pairs = lab.interfaces()
lesson.table(pairs, ["container", "label", "host_label", "bridge", "network"])

# %% [markdown]
# The same, drawn in layers: each container, its `eth0`, the cable (the veth pair) to its `veth...` end on the
# host, the bridge that end is plugged into (`docker0`), and the host around it:

# %%
lesson.topology(lab, "one bridge, one veth pair per container")

# %%
print(lesson.pair_check(pairs))

# %% [markdown]
# The same from the command line: `tomcat1`'s `eth0` inside, then its host end on the host:

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

# %%
noneview = lab.run("noneview", network="none")
lab.exec("noneview", "ip -o link")

# %% [markdown]
# And `hostview`, on `host`, sees the host's interfaces, `docker0` included (as shown above), plus one
# `veth...` end for each container on a bridge. It has no `eth0` and no address *of its own*: the host's
# `eth0` and addresses it showed above are the host's, which it shares.

# %% [markdown]
# ## Your prediction
#
# Four containers: two on `docker0`, `hostview` on the host's network, `noneview` with only `lo`. At their
# addresses, who reaches whom? (`hostview` and `noneview` have no address of their own to be reached at.)
# Commit to an answer before you measure: edit `mine` (`True`: reaches, `False`: does not) and
# run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one wrong
# cell, so that you can see what a miss looks like.)

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

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# ## A first look at two bridges
#
# `docker network create` makes another bridge (chapter 05 does it the article's way). A container on it
# gets its veth pair on the new bridge, not on `docker0`. The article calls new bridges docker1, docker2...;
# Linux in fact names them `br-` followed by the first 12 characters of the network's id.
#
# Both bridges live in the host, yet the host forwards nothing from one to the other: Docker's `iptables`
# rules drop it. The figure draws that isolation as a cut between them, not as a path through the host.

# %%
lab.remove("hostview")
lab.remove("noneview")
lab.network("otherBridge")
lab.run("tomcat2", network="otherBridge")
lesson.topology(lab, "two bridges, isolated from each other")

# %% [markdown]
# The evidence for the cut: `tomcat2` pings `tomcat1`'s address and gets no answer, although both bridges are
# in the same host. Chapter 06 measures the whole matrix, and shows the way across.

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
