# %% [markdown]
# # 00 · Setup: an engine, the lab image, and a lab
#
# > This series follows the article **“Docker从入门到精通（六）——容器通信”**
# > (*Docker from beginner to expert, part 6: how containers communicate*) by **ysocean**,
# > published on cnblogs: <https://www.cnblogs.com/ysocean/p/15659138.html>.
# > Each notebook keeps the article's Chinese section title beside the English one, so you can read along.
#
# You know what a container is. This series is about how containers **find each other**: by IP address,
# by name, through `--link`, through a user-defined network, and across networks. Every step runs live on
# a real Docker engine, and every step prints the `docker` command line it is equivalent to, so you can
# type the same thing in a shell.
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
# If that cell failed with **“No Docker engine answers”**, the message lists what to do. In short:
#
# - **Docker Desktop** (Windows, macOS): start it and wait until it says it is running, then run the cell again.
# - **Linux**: start the service, `sudo systemctl start docker`. On Debian or Ubuntu without Docker,
#   `sudo scripts/ensure-engine.sh` from this repository installs and starts one.
# - **Permission denied** on `/var/run/docker.sock`: add yourself to the `docker` group
#   (`sudo usermod -aG docker $USER`, then log in again). Be aware that this group is as powerful as root.
# - **A remote engine**: set `DOCKER_HOST`, for example `DOCKER_HOST=ssh://user@host`, before starting JupyterLab.

# %% [markdown]
# ## The lab image
#
# The article builds two images, one from `tomcat:latest` and one from `mysql:8.0`, adding `iproute2`
# and `ping` with `apt` (you will read its Dockerfiles in notebook 01). That needs a registry, the
# Internet and a few hundred megabytes. The lessons only need the network tools, so every container here
# runs one small image, **`dockerlab/labbox`**: a static busybox (about 2 MB) with `ip`, `ping`,
# `nslookup`, `nc` and `httpd`. It is built **offline** from the busybox on this machine and imported
# into the engine; nothing is ever pulled.
#
# Provisioning is explicit: the next cell makes sure the image is on the engine, with a progress bar.
# Where it is missing, it builds the root filesystem and imports it; each step also names the `docker`
# command it stands for (`docker import`). Where it is there already, it is reused.

# %%
from dockerlab.lab import Lab
from dockerlab.progress import ProgressBar

with ProgressBar("lab image") as bar:
    Lab("article").provision(progress=bar)

# %% [markdown]
# `lesson.start("article")` does the three things every notebook begins with, printing each step:
# it connects to the engine, **provisions** the image (reusing it, now that it is there),
# and **resets** the lab.

# %%
lab = lesson.start("article")

# %% [markdown]
# ## What a lab is
#
# A *lab* is the set of containers and networks of one lesson. Everything the lab creates carries the
# label `dockerlab.lab=article`, and the lab only ever lists, changes or removes things with that label:
# your other containers are never touched. All the notebooks of this series share the one lab named
# `article`, so whichever notebook you open, its first cell clears what another one left behind.
#
# Names of containers and networks are global on an engine. The lab uses the article's names
# (`tomcat1`, `mysql1`, `myBridge`...) and refuses, with an explanation, to reuse or remove a container
# of that name that is not its own.

# %%
lab.label

# %% [markdown]
# Let us start one container, the article's `tomcat1`. The cell prints the `docker run` it performs.
# Two options there are the lab's own:
#
# - `--label dockerlab.lab=article` marks the container as the lab's;
# - `--dns 127.0.0.1` makes the container ask **itself** (where nothing listens) for names it does not
#   know. A name the lab cannot resolve then fails at once, inside the lab, and is never sent to your
#   network's DNS server. This changes nothing to what the article shows.

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
# Every notebook measures **who reaches whom** the same way: each container pings every other one, all at
# once, and the answers fill a matrix (✓ reachable, ✗ not; read it as *does the row reach the column?*) and
# a graph. Colours and layout stay the same across the series: Docker's default `bridge` network is blue,
# and each other network keeps its own colour. With one container there is nobody to reach yet:

# %%
lesson.reachability(lab)

# %% [markdown]
# ## Cleaning up
#
# `lab.reset()` removes the lab's containers, then its networks, selected by label only. It is the same
# as these two shell lines, and it is safe to run twice:
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
# - A Docker engine answers on a socket; `check_engine()` asks it who it is and, when it does not answer,
#   the error says what to do.
# - The lessons run one small offline image, `dockerlab/labbox`, standing in for the article's Tomcat and MySQL images.
# - A lab is a label: it creates, lists and removes only what carries `dockerlab.lab=article`.
# - Every step shows its `docker` command line; `lab.reset()` cleans up, and every notebook starts with it.
#
# ## Try it yourself
#
# Open a terminal beside this notebook, run the cell with `lab.run("tomcat1")` again, and look at the
# container from the shell: `docker ps --filter label=dockerlab.lab=article`, then
# `docker inspect tomcat1 --format '{{json .Config.Labels}}'`. Finish with `lab.reset()` and check that
# `docker ps -a` no longer lists it.
