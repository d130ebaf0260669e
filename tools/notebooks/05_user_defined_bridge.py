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

# %% tags=["nbval-ignore-output"]
choice = lesson.choose_subnet(lab, "192.168.0.0/16", "192.168.0.1")
choice

# %%
lab.network("myBridge", subnet=choice.subnet, gateway=choice.gateway)

# %% [markdown]
# `docker network ls` now shows `myBridge` beside Docker's own three networks (notebook 04 explains them):

# %%
lesson.table(lab.networks(), ["name", "driver", "subnet"])

# %% [markdown]
# ## Two containers on myBridge
#
# The article starts `tomcat1` and `mysql1` with `--net myBridge` (the same as `--network myBridge`):

# %%
tomcat1 = lab.run("tomcat1", network="myBridge")
mysql1 = lab.run("mysql1", network="myBridge")

# %% [markdown]
# Their addresses come from the network's subnet:

# %%
lesson.table(lab.addresses(), ["container", "network", "ip", "gateway"])

# %%
for name in ("tomcat1", "mysql1"):
    print(f"{name}'s address is inside myBridge's subnet:", lesson.in_subnet(lab[name].ip, choice.subnet))

# %% [markdown]
# ## Your prediction
#
# Both containers are on `myBridge`, a network you created, and neither was started with `--link`. By
# **name**, who reaches whom? Commit to an answer before you measure: edit `mine` (`True`: reaches, `False`:
# does not) and run it, then run the measurement below it. (The stored notebook keeps one learner's answer,
# with one wrong cell, so that you can see what a miss looks like.)

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare(mine=mine)

# %% [markdown]
# ## By name, both ways
#
# 大功告成 — “done”, says the article: by name, in both directions.

# %%
lab.ping("tomcat1", "mysql1")

# %%
lab.ping("mysql1", "tomcat1")

# %% [markdown]
# ## Why: the embedded DNS server at 127.0.0.11
#
# This time `/etc/hosts` has no line for the other container:

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# The answer comes from DNS. Look at `/etc/resolv.conf`:

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

# %%
lab.exec("tomcat1", "nslookup -type=a mysql1")

# %% [markdown]
# Because the engine answers from what it knows *now*, a container that is recreated with a new address is
# found under its name at once: nothing to rewrite, in either direction. That is the difference with
# `--link` (notebook 03), and why user-defined networks replace it. Asked why `mysql1` reaches `tomcat1`
# (the pair that failed in notebook 03), dockerlab answers from the engine's state, without a packet:

# %%
lab.explain("mysql1", "tomcat1")

# %% [markdown]
# ## Who reaches whom
#
# Both containers are the colour of `myBridge`, and the arrows go both ways:

# %%
lesson.reachability(lab)

# %% [markdown]
# ## Two more things your own network allows: a fixed address and extra names
#
# On a network created with an explicit subnet, a container may get a **fixed address** (`--ip`); on any
# user-defined network it may get extra **names** (`--network-alias`), which the embedded DNS answers too.
# Docker refuses both on its default bridge. (Exercises ex02 and ex03 build on them.)

# %%
db2 = lab.run("db2", network="myBridge", ip=choice.address(200), aliases=["database"])
db2.ip == choice.address(200)

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
# Give `mysql1` a second name: `lab.run("mysql1", network="myBridge", aliases=["db"])` (that is
# `--network-alias db`). Then `lab.ping("tomcat1", "db")` and `lab.exec("tomcat1", "nslookup -type=a db")`.
# Does the alias work from a container on the default bridge?
