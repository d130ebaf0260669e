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
# | 08 | (beyond the article: 跨主机通信) | containers on three hosts, an overlay network, VXLAN |
# | 09 | (beyond the article: your own containers) | any containers and a Compose file, predicted before they run |
#
# Each notebook runs on its own, top to bottom, and cleans up after itself.
# %% [markdown] lang=zh-CN
# # 00 · 准备工作：引擎、实验镜像和实验环境
#
# > 本系列跟随 **ysocean** 发表在博客园的文章 **《Docker从入门到精通（六）——容器通信》**：<https://www.cnblogs.com/ysocean/p/15659138.html>。每一章开头都标出了它对应的原文小节，方便你对照阅读。
#
# 本系列讲的是容器之间如何**找到彼此**：通过 IP 地址、通过容器名、通过 `--link`、通过自定义网络，以及跨网络通信。每一步都在真实的 Docker 引擎上实时运行，并打印出它所对应的 `docker` 命令行，你可以在终端里输入同样的命令。
#
# | 章节 | 原文小节 | 你会看到 |
# | --- | --- | --- |
# | 00 | | 本章的准备工作 |
# | 01 | 1、需求 · 1.1 准备两个镜像 · 1.2 启动容器 · 1.3 通过 IP 通信 | `tomcat1` 和 `mysql1`，通过 IP 互相 ping |
# | 02 | 2、问题 · 3、容器名通信 | 地址会变；在默认网桥上，容器名不通 |
# | 03 | 3.1 容器单向通信 | `--link`，以及它写进 `/etc/hosts` 的那一行 |
# | 04 | 4、通信原理 · 4.1 veth-pair | `lo`、`docker0`、veth pair 和网络驱动 |
# | 05 | 5、容器间双向通信 | 自定义网桥和它的 DNS 服务器 |
# | 06 | 5.1 不同bridge 网络通信 | 网络之间的隔离，以及 `docker network connect` |
# | 07 | （回到 1、需求 提出的场景） | 应用通过容器名访问数据库的 TCP 端口 |
# | 08 | （原文之外：跨主机通信） | 三台主机上的容器、覆盖网络（overlay）和 VXLAN |
# | 09 | （原文之外：你自己的容器） | 任意容器和 Compose 文件，运行之前先预测 |
#
# 每一章都可以单独从头到尾运行，并在结束时自行清理。

# %% [markdown]
# ## Is there a Docker engine?
#
# Everything here talks to a Docker engine through the same socket the `docker` command uses
# (or `DOCKER_HOST`, if you set it). Let us ask it who it is, like `docker version` does:
# %% [markdown] lang=zh-CN
# ## 有 Docker 引擎吗？
#
# 这里的一切都通过 `docker` 命令所用的同一个套接字（socket）与 Docker 引擎通信（如果你设置了 `DOCKER_HOST`，就用它指定的地址）。我们像 `docker version` 那样，问问引擎是谁：

# %%
from dockerlab import lesson

lesson.check_engine()

# %% [markdown]
# If that cell failed with **“No Docker engine answers”**, its message lists what to do (start Docker
# Desktop or the `docker` service, join the `docker` group, or set `DOCKER_HOST`); then run it again.
# %% [markdown] lang=zh-CN
# 如果这个单元格报错 **“没有 Docker 引擎响应。”**，错误信息里会列出该怎么做：启动 Docker Desktop 或 `docker` 服务、把当前用户加入 `docker` 组，或者设置 `DOCKER_HOST`。处理好之后再运行一次。

# %% [markdown]
# ## The lab image
#
# The article builds a Tomcat and a MySQL image with `ping` added (notebook 01 shows its Dockerfiles),
# which needs a registry and a few hundred megabytes. The lessons only need the network tools, so every
# container here runs one small image, **`dockerlab/labbox`**: a static busybox (about 2 MB) with `ip`,
# `ping`, `nslookup`, `nc` and `httpd`, built **offline** from this machine's busybox. Nothing is pulled
# unless you ask.
# %% [markdown] lang=zh-CN
# ## 实验镜像
#
# 原文构建了加装 `ping` 的 Tomcat 镜像和 MySQL 镜像（第 01 章展示了它们的 Dockerfile），这需要镜像仓库和几百 MB 的下载。本教程只需要网络工具，所以这里的每个容器都运行同一个小镜像 **`dockerlab/labbox`**：一个静态编译的 busybox（约 2 MB），带有 `ip`、`ping`、`nslookup`、`nc` 和 `httpd`，由本机的 busybox **离线**构建；除非你明确要求，否则不拉取任何东西。

# %% [markdown]
# Which way will the image come? `image_plan()` says so and changes nothing: it is already there; it will be
# built offline from this computer's static busybox (`docker import`); or, where no busybox here fits your
# engine (a Mac, Windows, an engine of another architecture such as Apple silicon), only a download is left,
# which dockerlab never does by itself: then run `Lab("article").provision(pull=True)` instead of the cell
# after it. That pulls Docker's busybox pinned by digest (the engine takes the image of its own
# architecture), with a progress bar, and builds the lab image on it.
# %% [markdown] lang=zh-CN
# 实验镜像从哪里来？`image_plan()` 会告诉你，而且不做任何改动。有三种可能：镜像已经在引擎上；用这台计算机上的静态 busybox 离线构建（`docker import`）；或者本机没有适合你的引擎的 busybox（Mac、Windows，或 Apple 芯片这类架构不同的引擎），只能下载，而 dockerlab 从不自作主张地下载：这时请运行 `Lab("article").provision(pull=True)`，代替再下面那个单元格。它会按摘要（digest）拉取 Docker 官方的 busybox（引擎会选取与自己架构匹配的镜像），显示进度条，并在其上构建实验镜像。

# %%
from dockerlab.lab import Lab

Lab("article").image_plan()

# %%
from dockerlab.views.progress import ProgressBar

with ProgressBar("lab image") as bar:
    Lab("article").provision(progress=bar)

# %% [markdown]
# Every notebook begins with `lesson.start("article")`: connect to the engine, provision the image,
# and reset the lab.
# %% [markdown] lang=zh-CN
# 每一章都以 `lesson.start("article")` 开头：连接引擎、准备好镜像，并重置实验环境。

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
# %% [markdown] lang=zh-CN
# ## 什么是实验环境
#
# *实验环境*（lab）就是一节课用到的那些容器和网络。它创建的一切都带有标签 `dockerlab.lab=article`，而且它只列出、修改或删除带这个标签的对象：你的其他容器绝不会被碰到。整个系列共用这一个实验环境，所以每一章的第一个单元格都会先清理别的章节留下的东西。实验环境沿用原文里的名字（`tomcat1`、`mysql1`、`myBridge`……）；如果某个同名容器不是它自己创建的，它会拒绝操作。

# %%
lab.label

# %% [markdown]
# Let us start the article's `tomcat1`; the cell prints the `docker run` it performs. Two options are
# the lab's own: `--label dockerlab.lab=article` marks the container as the lab's, and `--dns 127.0.0.1`
# makes a name the lab cannot resolve fail at once, inside the container, instead of going out to your
# network's DNS server. Neither changes what the article shows.
# %% [markdown] lang=zh-CN
# 我们来启动原文中的 `tomcat1`；单元格会打印它执行的 `docker run` 命令。其中有两个选项是实验环境自己加的：`--label dockerlab.lab=article` 把容器标记为实验环境所有；`--dns 127.0.0.1` 让实验环境解析不了的名字在容器内立即失败，而不会发到你所在网络的 DNS 服务器上。这两个选项都不会改变原文所展示的现象。

# %%
tomcat1 = lab.run("tomcat1")
tomcat1

# %% [markdown]
# `lab.containers` lists the lab's containers (`docker ps --filter label=dockerlab.lab=article`), and
# `lab.exec` runs a command inside one (`docker exec`). The container's host name is its short id:
# %% [markdown] lang=zh-CN
# `lab.containers` 列出实验环境的容器（`docker ps --filter label=dockerlab.lab=article`），`lab.exec` 在某个容器里执行一条命令（`docker exec`）。容器的主机名就是它的短 ID：

# %%
lab.containers

# %%
lab.exec("tomcat1", "hostname")

# %% [markdown]
# Every notebook measures **who reaches whom** the same way: each container pings every other, and the
# answers fill a matrix (✓ reachable, ✗ not; read it as *does the row reach the column?*) and a graph,
# in which each network keeps its colour across the series. With one container there is nobody to reach yet:
# %% [markdown] lang=zh-CN
# 每一章都用同样的方式测量**谁能访问到谁**：每个容器都去 ping 其他每个容器，结果填进一个矩阵（✓ 表示可达，✗ 表示不可达；读法是*行能否访问到列？*）和一张图；在整个系列中，每个网络始终使用同一种颜色。现在只有一个容器，还没有谁可以访问：

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
# %% [markdown] lang=zh-CN
# ## 清理
#
# `lab.reset()` 先删除实验环境的容器，再删除它的网络，只按标签选择要删除的对象（运行两次也没关系）：
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
# %% [markdown] lang=zh-CN
# 实验环境把它执行过的每条命令都按顺序记在 `lab.history` 里：这是一份可以在终端里照着重放的记录。

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
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 本教程用一个离线构建的小镜像 `dockerlab/labbox` 代替原文的 Tomcat 和 MySQL 镜像。
# - 实验环境就是一个标签：它只创建、列出和删除带有 `dockerlab.lab=article` 标签的对象。
# - 每一步都会显示对应的 `docker` 命令行；`lab.reset()` 负责清理。
#
# ## 动手试试
#
# 再运行一次 `lab.run("tomcat1")`，然后在终端里查看它：先运行 `docker ps --filter label=dockerlab.lab=article`，再运行 `docker inspect tomcat1 --format '{{json .Config.Labels}}'`。最后运行 `lab.reset()`。
