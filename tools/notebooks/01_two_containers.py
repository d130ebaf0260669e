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
# %% [markdown] lang=zh-CN
# # 01 · 两个容器通过 IP 地址通信
# ## 1、需求 · 1.1 准备两个镜像 · 1.2 启动容器 · 1.3 通过 IP 通信
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 1 节。
#
# 一个 Web 项目上线时，服务通常部署在 **Tomcat** 服务器里，持久化数据则存放在 **MySQL** 数据库中，所以 Tomcat 少不了要和 MySQL 交互。放到 Docker 里，就是 Tomcat 容器和 MySQL 容器之间的交互。于是原文提出了问题：*两个容器之间怎么通信呢？*
#
# 本章照着第 1 节来做：启动 `tomcat1` 和 `mysql1` 两个容器，用 `ip addr` 查看它们的地址，再从一个容器通过 IP 去 ping 另一个容器。

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# ## 1.1 准备两个镜像 — the article's two images
#
# The article builds its two images from these Dockerfiles. They ship with dockerlab (`dockerlab/article/`):
# %% [markdown] lang=zh-CN
# ## 1.1 准备两个镜像
#
# 原文用下面两个 Dockerfile 构建它的两个镜像。dockerlab 也附带了这两个文件（`dockerlab/article/`）：

# %%
print(lesson.article_dockerfile("tomcat"))

# %%
print(lesson.article_dockerfile("mysql"))

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
# %% [markdown] lang=zh-CN
# 两个镜像都基于镜像仓库中的镜像（`tomcat:latest`、`mysql:8.0`），并安装了 `iproute2`（提供 `ip`）和 `iputils-ping`（提供 `ping`），因为官方镜像里没有这些网络查看命令。构建它们需要访问镜像仓库和互联网，而本教程不依赖这两样：**这里的每个容器运行的都是小巧的实验镜像 `dockerlab/labbox`**（基于 busybox，约 2 MB），它自带 `ip` 和 `ping`。容器沿用原文里的名字 `tomcat1` 和 `mysql1`。网络并不关心容器里运行的是什么软件：你在这里看到的地址和名字，与 Tomcat、MySQL 容器里看到的完全一样。
#
# ## 1.2 启动容器
#
# 原文执行 `docker run -it -p 8080:8080 --name tomcat1 itcoke/mytomcat8:1.0 /bin/bash`，并在容器里打开一个 shell。这里的容器改在后台运行（`-d`），我们用 `docker exec` 把命令送进容器执行。容器之间通信并不需要端口映射（`-p`），第 07 章会再讲到它。这里也不加 `--network` 选项：和原文一样，两个容器都加入 Docker 的**默认网桥**网络。

# %%
tomcat1 = lab.run("tomcat1")
mysql1 = lab.run("mysql1")

# %% [markdown]
# ## 1.3 通过 IP 通信 — talk by IP
#
# Which address did each container get? Inside the container, `ip addr` lists its interfaces:
# %% [markdown] lang=zh-CN
# ## 1.3 通过 IP 通信
#
# 每个容器分到了什么地址？在容器内部，`ip addr` 会列出它的网络接口：

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
# %% [markdown] lang=zh-CN
# 每个容器都有两个接口：
#
# - `lo`，本地回环接口，地址为 `127.0.0.1`：容器用它和自己通信；
# - `eth0`，容器通往外部的接口，带有一个默认网桥子网内的 IPv4 地址（通常是 `172.17.0.0/16`；`eth0` 后面的 `@ifN` 是一条线索，第 04 章会顺着它找下去）。
#
# **这些地址是引擎在容器启动时分配的。** 所以代码里从不写死地址，而是像 `docker inspect` 那样向引擎查询。

# %%
mysql1_ip = lab["mysql1"].ip
tomcat1_ip = lab["tomcat1"].ip
lesson.say("{name} has {ip}", name="mysql1", ip=mysql1_ip)
lesson.say("{name} has {ip}", name="tomcat1", ip=tomcat1_ip)

# %% [markdown]
# ## Your prediction
#
# Both containers are on the default bridge. Does each reach the other at its address? Commit to an answer
# before you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and
# run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 两个容器都在默认网桥上。它们能通过对方的 IP 地址互相连通吗？测量之前，先写下你的答案：填写 `mine`（`True` 表示能访问到，`False` 表示不能；你的副本里每个答案起初都是 `...`）并运行，再运行下面的测量。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# Now the article's own test, by hand: from `tomcat1`, ping `mysql1` by its address. One packet is enough
# (`-c 1`), and we wait at most one second for the reply (`-W 1`).
# %% [markdown] lang=zh-CN
# 现在亲手做一遍原文里的测试：在 `tomcat1` 里通过 IP 地址 ping `mysql1`。发一个包就够了（`-c 1`），最多等一秒回复（`-W 1`）。

# %%
lab.ping("tomcat1", mysql1_ip)

# %% [markdown]
# A reply came back. The other way works too:
# %% [markdown] lang=zh-CN
# 收到了回复。反方向也能通：

# %%
lab.ping("mysql1", tomcat1_ip)

# %% [markdown]
# ## Who reaches whom, by IP
#
# Every container pings every address of every other container. The matrix reads *does the row reach the
# column?*; the column names a container and the network of the address that was pinged. Both are on the
# default `bridge` network, so both directions work: the graph has an arrow each way.
# %% [markdown] lang=zh-CN
# ## 谁能访问到谁（通过 IP）
#
# 每个容器都去 ping 其他每个容器的每一个地址。矩阵的读法是：*行能否访问到列？* 列标题给出容器名，以及被 ping 的地址所在的网络。两个容器都在默认的 `bridge` 网络上，所以两个方向都通：图中每个方向各有一个箭头。

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# Why does it work? Both containers are plugged into the same virtual switch, the Linux bridge `docker0`
# on the host, and have addresses on the same subnet: a ping from one is delivered straight to the other,
# like between two machines on one Ethernet switch. Notebook 04 opens the box.
#
# The article concludes here: 自此大功告成 — “done: containers talk to each other by IP.” Notebook 02
# shows why that is not the end of the story.
# %% [markdown] lang=zh-CN
# 为什么能通？两个容器都插在同一台虚拟交换机上，也就是宿主机上的 Linux 网桥 `docker0`，而且地址在同一个子网里：一个容器发出的 ping 会被直接送到另一个容器，就像接在同一台以太网交换机上的两台机器。第 04 章会打开这个黑盒一探究竟。
#
# 原文在这里下了结论：“自此大功告成，我们可以说容器间通信使用 IP 就行。”第 02 章会告诉你，为什么事情还没有完。

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
# Run the notebook again from the top, but stop before the `lab.reset()` cell, which removes everything.
# Then start a third container, `lab.run("tomcat2")`, and run `lesson.reachability(lab, "ip")` again: which
# address did the engine give it, and does every container reach it? (Run `lab.reset()` when you are done.)
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 原文里的 Tomcat 和 MySQL 镜像需要镜像仓库；这里用实验镜像代替，网络行为完全一样。
# - 启动时没有指定 `--network` 的容器会加入 Docker 默认的 `bridge` 网络，并获得一个由引擎分配的地址：在容器内用 `ip addr` 可以看到（在容器外用 `docker inspect`）。
# - 同一网桥上的两个容器可以通过 IP 地址互相通信，双向都通。
#
# ## 动手试试
#
# 从头再运行一遍本笔记本，但在 `lab.reset()` 那个单元格之前停下（它会删掉一切）。然后再启动第三个容器 `lab.run("tomcat2")`，并重新运行 `lesson.reachability(lab, "ip")`：引擎给它分配了什么地址？每个容器都能访问到它吗？（做完后运行 `lab.reset()`。）
