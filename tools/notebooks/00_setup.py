# %% [markdown]
# # 00 · Setup: an engine, the lab image, and a lab
#
# > This series follows the article **“Docker从入门到精通（六）——容器通信”**
# > (*Docker from beginner to expert, part 6: how containers communicate*) by **ysocean**,
# > published on cnblogs: <https://www.cnblogs.com/ysocean/p/15659138.html>.
# > Each notebook keeps the article's Chinese section title beside the English one, so you can read along.
#
# This series is about how containers **find each other**: by IP address, by name, through `--link`,
# through a user-defined network, and across networks. Every step runs live on a real Docker engine and
# prints the `docker` command line it stands for, so you can type the same thing in a shell.
#
# | notebook | article section | what you see |
# | --- | --- | --- |
# | 00 | | this setup |
# | 01 | 1、需求 · 1.1 准备两个镜像 · 1.2 启动容器 · 1.3 通过 IP 通信 (the need; two images; start the containers; talk by IP) | `tomcat1` and `mysql1`, ping by IP |
# | 02 | 2、问题 · 3、容器名通信 (the problem; talking by container name) | addresses change; names fail on the default bridge |
# | 03 | 3.1 容器单向通信 (one-way communication) | `--link` and the `/etc/hosts` line it writes |
# | 04 | 4、通信原理 · 4.1 veth-pair (how it works) | `lo`, `docker0`, veth pairs, the network drivers |
# | 05 | 5、容器间双向通信 (two-way communication) | a user-defined bridge and its DNS server |
# | 06 | 5.1 不同bridge 网络通信 (between different bridges) | isolation, and `docker network connect` |
# | 07 | (the motive of 1、需求) | an app reaching its database by name on a TCP port |
#
# Each notebook runs on its own, top to bottom, and cleans up after itself.

# %% [markdown]
# ## Is there a Docker engine?
#
# Everything here talks to a Docker engine through the same socket the `docker` command uses
# (or `DOCKER_HOST`, if you set it). Let us ask it who it is, like `docker version` does:

# %%
from dockerlab import lesson

lesson.check_engine()

# %% [markdown]
# If that cell failed with **“No Docker engine answers”**, its message lists what to do (start Docker
# Desktop or the `docker` service, join the `docker` group, or set `DOCKER_HOST`); then run it again.

# %% [markdown]
# ## The lab image
#
# The article builds a Tomcat and a MySQL image with `ping` added (notebook 01 shows its Dockerfiles),
# which needs a registry and a few hundred megabytes. The lessons only need the network tools, so every
# container here runs one small image, **`dockerlab/labbox`**: a static busybox (about 2 MB) with `ip`,
# `ping`, `nslookup`, `nc` and `httpd`, built **offline** from this machine's busybox. Nothing is pulled.
# The next cell imports it (`docker import`) if the engine lacks it, and reuses it otherwise.

# %%
from dockerlab.lab import Lab
from dockerlab.progress import ProgressBar

with ProgressBar("lab image") as bar:
    Lab("article").provision(progress=bar)

# %% [markdown]
# Every notebook begins with `lesson.start("article")`: connect to the engine, provision the image,
# and reset the lab.

# %%
lab = lesson.start("article")

# %% [markdown]
# ## What a lab is
#
# A *lab* is the containers and networks of one lesson. Everything it creates carries the label
# `dockerlab.lab=article`, and it only lists, changes or removes what has that label: your other
# containers are never touched. The series shares this one lab, so each notebook's first cell clears
# what another left behind. The lab uses the article's names (`tomcat1`, `mysql1`, `myBridge`...) and
# refuses to touch a container of that name that is not its own.

# %%
lab.label

# %% [markdown]
# Let us start the article's `tomcat1`; the cell prints the `docker run` it performs. Two options are
# the lab's own: `--label dockerlab.lab=article` marks the container as the lab's, and `--dns 127.0.0.1`
# makes a name the lab cannot resolve fail at once, inside the container, instead of going out to your
# network's DNS server. Neither changes what the article shows.

# %%
tomcat1 = lab.run("tomcat1")
tomcat1

# %% [markdown]
# `lab.containers` lists the lab's containers (`docker ps --filter label=dockerlab.lab=article`), and
# `lab.exec` runs a command inside one (`docker exec`). The container's host name is its short id:

# %%
lab.containers

# %%
lab.exec("tomcat1", "hostname")

# %% [markdown]
# Every notebook measures **who reaches whom** the same way: each container pings every other, and the
# answers fill a matrix (✓ reachable, ✗ not; read it as *does the row reach the column?*) and a graph,
# in which each network keeps its colour across the series. With one container there is nobody to reach yet:

# %%
lesson.reachability(lab)

# %% [markdown]
# ## Cleaning up
#
# `lab.reset()` removes the lab's containers, then its networks, selected by label only (safe to run twice):
#
# ```bash
# docker ps -aq --filter label=dockerlab.lab=article | xargs -r docker rm -f
# docker network ls -q --filter label=dockerlab.lab=article | xargs -r docker network rm
# ```

# %%
lab.reset()
lab.containers

# %% [markdown]
# The lab kept every command it ran, in order, in `lab.history`: a transcript you can replay in a shell.

# %%
print("\n".join(lab.history))

# %% [markdown]
# ## What you learned
#
# - The lessons run one small offline image, `dockerlab/labbox`, in place of the article's Tomcat and MySQL.
# - A lab is a label: it creates, lists and removes only what carries `dockerlab.lab=article`.
# - Every step shows its `docker` command line; `lab.reset()` cleans up.
#
# ## Try it yourself
#
# Run `lab.run("tomcat1")` again and look at it from a terminal: `docker ps --filter label=dockerlab.lab=article`,
# then `docker inspect tomcat1 --format '{{json .Config.Labels}}'`. Finish with `lab.reset()`.
