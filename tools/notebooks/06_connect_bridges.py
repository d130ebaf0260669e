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
# who reaches whom? Commit to an answer before you measure: edit `mine` (`True`: reaches, `False`: does not)
# and run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one
# wrong cell, so that you can see what a miss looks like.)

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True, ("tomcat1-docker0", "mysql1"): True}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# ## Before: isolated
#
# From `tomcat1-docker0`, by name: the default bridge has no DNS (notebook 02), so the name does not even resolve.

# %%
lab.ping("tomcat1-docker0", "mysql1")

# %% [markdown]
# By address, then: the address is known, the packet leaves... and no reply comes back.

# %%
lab.ping("tomcat1-docker0", lab["mysql1"].ip)

# %% [markdown]
# `tomcat1-docker0` has no interface on `myBridge`'s subnet, so it sends the packet to its default gateway,
# `docker0` on the host. The host could route it to `myBridge`'s bridge, but Docker forbids it: its
# `iptables` rules (the `DOCKER-ISOLATION` chains) **drop traffic between two different bridge networks**.
# That isolation is a feature: it is how a network of your own controls who may talk to whom.
# The routing table of `tomcat1-docker0` shows that it only knows its own bridge's subnet:

# %%
lab.exec("tomcat1-docker0", "ip route")

# %% [markdown]
# The whole lab, by name and by IP: `tomcat1` and `mysql1` reach each other (by name too, thanks to
# `myBridge`'s DNS); `tomcat1-docker0` reaches nobody and nobody reaches it.

# %%
before = lesson.reachability(lab)
before

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# Under the hood (notebook 04): each container has one veth pair, and the two groups hang on two different
# Linux bridges, `docker0` and `myBridge`'s `br-...`:

# %%
lesson.topology(lab, "before: two bridges, one pair per container")

# %% [markdown]
# ## docker network connect
#
# The article's fix: connect the container to the other network as well,
#
# ```bash
# docker network connect [OPTIONS] network container
# docker network connect myBridge tomcat1-docker0
# ```

# Before you run it, predict: after the connect, which pairs will reach each other by IP? dockerlab's
# explanation of the isolation already names the fix:

# %%
lab.explain("tomcat1-docker0", "mysql1", by="ip")

# %%
tomcat1_docker0 = lab.connect("myBridge", "tomcat1-docker0")

# %% [markdown]
# Docker created a second veth pair for `tomcat1-docker0`, plugged its host end into `myBridge`'s bridge, and
# gave the container end, **`eth1`**, an address on `myBridge`. One container, two interfaces, two IPs
# (一个容器，多个ip):

# %%
lab.exec("tomcat1-docker0", "ip addr")

# %%
tomcat1_docker0.ips

# %% [markdown]
# Its routing table now has a route to `myBridge`'s subnet through `eth1` (`ip route show dev eth1` lists
# the routes of that interface only), and, because the container is now on a user-defined network,
# Docker's embedded DNS answers its name lookups:

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

# %%
after = lesson.reachability(lab)
print(after)  # the matrix; the pictures come side by side below

# %% [markdown]
# Was your prediction right? `lab.compare` sets dockerlab's prediction (from the engine's state) beside the
# measurement, by IP; `!` would mark a wrong prediction:

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
# Undo it: `lab.disconnect("myBridge", "tomcat1-docker0")` (that is `docker network disconnect`). Run
# `lab.exec("tomcat1-docker0", "ip addr")` and `lesson.reachability(lab)` again: what disappeared?
