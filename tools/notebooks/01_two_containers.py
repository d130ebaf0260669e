# %% [markdown]
# # 01 · Two containers that talk by IP address
# ## 1、需求 — the need · 1.1 准备两个镜像 — two images · 1.2 启动容器 — start the containers · 1.3 通过 IP 通信 — talk by IP
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 1.
#
# A web project usually runs in a **Tomcat** server and keeps its data in a **MySQL** database, so Tomcat
# has to talk to MySQL. In Docker that is a Tomcat container talking to a MySQL container, and the
# article's question is: *how do two containers communicate?* (两个容器之间怎么通信呢？)
#
# This notebook does what section 1 does: start the two containers `tomcat1` and `mysql1`, look at their
# addresses with `ip addr`, and ping one from the other by IP.

# %%
from pathlib import Path

from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# ## 1.1 准备两个镜像 — the article's two images
#
# The article builds its two images from these Dockerfiles. They ship in this repository under `docker/`:

# %%
print(Path("../docker/tomcat/Dockerfile").read_text())

# %%
print(Path("../docker/mysql/Dockerfile").read_text())

# %% [markdown]
# Both start from an image on a registry (`tomcat:latest`, `mysql:8.0`) and install `iproute2` (for `ip`)
# and `iputils-ping` (for `ping`), because the official images lack them. Building them needs a registry
# and the Internet, which the lessons do without: **every container here runs the small lab image
# `dockerlab/labbox`** (busybox, about 2 MB), which already has `ip` and `ping`. The containers keep the
# article's names, `tomcat1` and `mysql1`, and networking does not care what software runs inside:
# what you see about addresses and names is exactly what the Tomcat and MySQL containers would show.
#
# ## 1.2 启动容器 — start the containers
#
# The article runs `docker run -it -p 8080:8080 --name tomcat1 itcoke/mytomcat8:1.0 /bin/bash` and opens
# a shell in it. Here the containers run in the background (`-d`) and we send commands into them with
# `docker exec`. Publishing ports (`-p`) is not needed for containers to talk to each other; it comes back
# in notebook 07. No `--network` option: both join Docker's **default bridge** network, like the article's.

# %%
tomcat1 = lab.run("tomcat1")
mysql1 = lab.run("mysql1")

# %% [markdown]
# ## 1.3 通过 IP 通信 — talk by IP
#
# Which address did each container get? Inside the container, `ip addr` lists its interfaces:

# %%
lab.exec("tomcat1", "ip addr")

# %%
lab.exec("mysql1", "ip addr")

# %% [markdown]
# Each container has two interfaces:
#
# - `lo`, the loopback, `127.0.0.1`: the container talking to itself;
# - `eth0`, its link to the outside, with an IPv4 address on the default bridge's subnet (often
#   `172.17.0.0/16`; the `@ifN` after `eth0` is a clue we follow in notebook 04).
#
# **The engine chose these addresses** when the containers started. So we never write an address in the
# code: we ask the engine for it, as `docker inspect` would.

# %%
mysql1_ip = lab["mysql1"].ip
tomcat1_ip = lab["tomcat1"].ip
print("mysql1 has", mysql1_ip)
print("tomcat1 has", tomcat1_ip)

# %% [markdown]
# Now the article's test: from `tomcat1`, ping `mysql1` by its address. One packet is enough
# (`-c 1`), and we wait at most one second for the reply (`-W 1`).

# %%
lab.ping("tomcat1", mysql1_ip)

# %% [markdown]
# A reply came back. The other way works too:

# %%
lab.ping("mysql1", tomcat1_ip)

# %% [markdown]
# ## Your prediction
#
# Both containers are on the default bridge. Does each reach the other at its address? Commit to an answer
# before you measure: edit `mine` (`True`: reaches, `False`: does not) and
# run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one wrong
# cell, so that you can see what a miss looks like.)

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# ## Who reaches whom, by IP
#
# Every container pings every address of every other container. The matrix reads *does the row reach the
# column?*; the column names a container and the network of the address that was pinged. Both are on the
# default `bridge` network, so both directions work: the graph has an arrow each way.

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# Why does it work? Both containers are plugged into the same virtual switch, the Linux bridge `docker0`
# on the host, and have addresses on the same subnet: a ping from one is delivered straight to the other,
# like between two machines on one Ethernet switch. Notebook 04 opens the box.
#
# The article concludes here: 自此大功告成 — “done: containers talk to each other by IP.” Notebook 02
# shows why that is not the end of the story.

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - The article's Tomcat and MySQL images need a registry; the lab image stands in, and networking behaves the same.
# - A container started without `--network` joins Docker's default `bridge` network and gets an address the
#   engine chooses, shown by `ip addr` inside it (or `docker inspect` outside).
# - Two containers on the same bridge reach each other by IP address, both ways.
#
# ## Try it yourself
#
# Start a third container, `lab.run("tomcat2")`, then run `lesson.reachability(lab, "ip")` again: which
# address did the engine give it, and does every container reach it? (Run `lab.reset()` when you are done.)
