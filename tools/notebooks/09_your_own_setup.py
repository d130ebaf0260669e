# %% [markdown]
# # 09 · Your own setup: any containers, and a Compose file before it runs
#
# The series so far worked on containers the lab made. Back at your own project, the containers were
# started by hand or, more often, by **Docker Compose** (the article series' next topic), and the question
# is the same as in every chapter: *why can't my app reach my database?* dockerlab answers it for any
# containers, with the rules you learned in chapters 01-07:
#
# - `dockerlab predict`, `dockerlab explain A B` and `dockerlab graph` read any containers on the engine,
#   **without changing anything** (their `/etc/hosts` is read through the archive API, as `docker cp` does,
#   never with `docker exec`); `--measure` also pings between them, when you ask for it;
# - `dockerlab compose predict docker-compose.yml` says who will reach whom **before the file runs**, and
#   `dockerlab compose compare` checks it after `docker compose up`.
#
# This notebook does both, in Python, on the article's two-service app written as a Compose file. Then it
# breaks the app the way learners break it, and explains each break before running it.

# %% [markdown] lang=zh-CN
# # 09 · 你自己的容器：任意容器，以及运行之前的 Compose 文件
#
# 前面几章用的都是实验环境创建的容器。回到自己的项目时，容器要么是手动启动的，更常见的是由 **Docker Compose**（本系列文章的下一个主题）启动的。问题却和每一章一样：*为什么我的应用连不上数据库？* dockerlab 可以用第 01-07 章学到的规则来回答任意容器的这个问题：
#
# - `dockerlab predict`、`dockerlab explain A B` 和 `dockerlab graph` 读取引擎上的任意容器，**不做任何改动**（它们的 `/etc/hosts` 通过归档 API 读取，和 `docker cp` 一样，从不使用 `docker exec`）；只有在你要求时，`--measure` 才会在容器之间真正 ping 一次；
# - `dockerlab compose predict docker-compose.yml` 在**文件运行之前**就说出谁能访问谁，`docker compose up` 之后再用 `dockerlab compose compare` 加以验证。
#
# 本章用 Python 把这两件事都做一遍，对象是文章中的两个服务组成的应用，写成一个 Compose 文件。然后按照初学者常见的方式把它弄坏，并在运行之前解释每一种故障。

# %%
import tempfile
from pathlib import Path

from dockerlab import analyse, display, export, lesson
from dockerlab.errors import DockerlabError
from dockerlab.engines.image import IMAGE

folder = Path(tempfile.gettempdir()) / "dockerlab-09"
folder.mkdir(exist_ok=True)
compose_file = folder / "docker-compose.yml"

# %% [markdown]
# ## The article's app as a Compose file
#
# Two services, `tomcat` (the web app) and `mysql` (its database). Neither says `networks:`, so Compose puts
# both on the project's own network, `<project>_default`, a user-defined bridge like `myBridge` in chapter
# 05. `pull_policy: never` keeps Compose from downloading anything (the lab image is already here), and
# `dns: 127.0.0.1` keeps every name lookup inside this machine, as the lab does.

# %% [markdown] lang=zh-CN
# ## 把文章中的应用写成 Compose 文件
#
# 两个服务：`tomcat`（Web 应用）和 `mysql`（它的数据库）。两者都没有写 `networks:`，所以 Compose 把它们都放在项目自己的网络 `<项目名>_default` 上，这是一个自定义网络（用户自定义网桥），和第 05 章的 `myBridge` 一样。`pull_policy: never` 让 Compose 不去下载任何镜像（实验镜像已经在本机），`dns: 127.0.0.1` 让所有名称解析都留在本机内部，和实验环境的做法相同。

# %%
ARTICLE = f"""\
x-lab: &lab
  image: {IMAGE}
  pull_policy: never
  dns: 127.0.0.1
services:
  tomcat:
    <<: *lab
    depends_on: [mysql]
  mysql:
    <<: *lab
"""
compose_file.write_text(ARTICLE)
print(ARTICLE)

# %% [markdown]
# dockerlab reads the file in its **canonical form**, the one Compose itself prints with
# `docker compose config`: variables interpolated, `extends` and profiles applied, the `x-lab` block merged
# in. Nothing runs yet. (`down` first removes what an earlier run of this notebook may have left: it touches
# the project `dockerlab-09` only.) On dockerlab's simulator Compose is not asked: the file is read as plain
# YAML, and `up` and `down` make on the simulator the networks and containers Compose would, and say so.

# %% [markdown] lang=zh-CN
# dockerlab 读取的是文件的**规范形式**，也就是 Compose 自己用 `docker compose config` 打印出来的形式：变量已经替换，`extends` 和 profiles 已经生效，`x-lab` 块也已合并进去。此时还没有运行任何东西。（先执行的 `down` 会清除本笔记本上次运行可能留下的东西：它只涉及 `dockerlab-09` 这个项目。）在 dockerlab 的模拟器上不会调用 Compose：文件按普通 YAML 读取，`up` 和 `down` 在模拟器里创建和删除 Compose 本会创建的网络和容器，并注明是模拟的。

# %%
app = analyse.ComposeApp(compose_file, "dockerlab-09")
app.down()

# %% tags=["nbval-ignore-output"]
lesson.say("canonical form from: {tool}", tool=app.project.tool)

# %% [markdown]
# ## Your prediction
#
# Both services are on the project's network, a user-defined one. By **service name** (the name your app's
# configuration would use: `mysql`, not an address), who reaches whom? Commit to an answer before anything
# runs: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and run it. (Run All stops at this comparison until every `...` is answered.)

# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 两个服务都在项目的网络上，这是一个自定义网络。按**服务名**（应用配置里会写的名字：`mysql`，而不是地址），谁能访问谁？在任何东西运行之前先给出你的答案：填写 `mine`（`True`：能访问，`False`：不能；你的副本里每个答案起初都是 `...`）并运行。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat", "mysql"): True, ("mysql", "tomcat"): False}

# %% [markdown]
# dockerlab's prediction, from the file alone (rows reach columns):

# %% [markdown] lang=zh-CN
# dockerlab 仅根据文件做出的预测（行能否访问列）：

# %%
display.matrix(app.predict(), "predicted before up")

# %%
app.explain("mysql", "tomcat")

# %% [markdown]
# (The address in that sentence is a placeholder: the engine picks the real one at `up`. By name, no
# verdict depends on which address it will be.) Now run it, and score your prediction against real pings (on
# the simulator, simulated ones, answered by the same rules):

# %% [markdown] lang=zh-CN
# （这句话里的地址只是占位用的：真正的地址由引擎在 `up` 时分配。按名称访问时，结论与具体是哪个地址无关。）现在运行它，并用真实的 ping 给你的预测打分（在模拟器上则是模拟的 ping，按同样的规则应答）：

# %%
app.up()

# %%
app.compare(mine=mine)

# %% [markdown]
# Both ways: each service name is a DNS name on the project's network, answered by Docker's embedded DNS
# (chapter 05), and so is each container's own name (`dockerlab-09-mysql-1`). dockerlab's own prediction
# came true too:

# %% [markdown] lang=zh-CN
# 双向都通：每个服务名都是项目网络上的一个 DNS 名称，由 Docker 的内嵌 DNS 应答（第 05 章），每个容器自己的名字（`dockerlab-09-mysql-1`）也是。dockerlab 自己的预测也全部成立：

# %%
app.compare()

# %% [markdown]
# ## The same analysis for any containers, read only
#
# Once the project runs, its containers are like any others on the engine. `dockerlab predict --project
# dockerlab-09` in a terminal, or in Python `analyse.inspect_engine(project=...)`, reads them (inspect data,
# every network, each `/etc/hosts` through the archive API) and changes nothing. `dockerlab graph --project
# dockerlab-09 -o app.mmd` writes the graph for a README or an issue thread, as Mermaid (or `.dot`, `.svg`,
# `.png`):

# %% [markdown] lang=zh-CN
# 项目运行起来之后，它的容器和引擎上的其他容器没有区别。在终端里执行 `dockerlab predict --project dockerlab-09`，或在 Python 中调用 `analyse.inspect_engine(project=...)`，就能读取它们（inspect 数据、所有网络、通过归档 API 读取的每个 `/etc/hosts`），而不做任何改动。`dockerlab graph --project dockerlab-09 -o app.mmd` 会把关系图写成 Mermaid（也可以是 `.dot`、`.svg`、`.png`），方便放进 README 或 issue 讨论中：

# %%
running = analyse.inspect_engine(project="dockerlab-09")
print(export.to_mermaid(running.graph()))

# %%
lesson.draw(running.graph(), "the article's app, run by Compose")

# %% [markdown]
# ## Break 1: the database on a second network
#
# A classic: the database is moved to a `back` network "for security", and the app is left where it was.
# Predict first:

# %% [markdown] lang=zh-CN
# ## 故障 1：数据库放到了另一个网络上
#
# 一个经典错误：出于“安全”考虑，把数据库移到了 `back` 网络上，应用却留在原来的网络。先预测：

# %%
SECOND_NETWORK = ARTICLE.replace(
    "  mysql:\n    <<: *lab\n", "  mysql:\n    <<: *lab\n    networks: [back]\nnetworks:\n  back: {}\n"
)
compose_file.write_text(SECOND_NETWORK)
app.reload()
display.matrix(app.predict(), "predicted: mysql on back only")

# %%
app.explain("tomcat", "mysql")

# %% [markdown]
# The embedded DNS answers only for the networks a container is on (chapter 05), and bridges are isolated
# from each other (chapter 06): `tomcat` does not even find the name. The measurement agrees:

# %% [markdown] lang=zh-CN
# 内嵌 DNS 只为容器所在的网络应答（第 05 章），而各个网桥之间是隔离的（第 06 章）：`tomcat` 连这个名字都解析不到。实测结果一致：

# %%
app.up()
app.compare()

# %% [markdown]
# The fix is to put the app on both networks (`networks: [default, back]` for `tomcat`): the Compose form of
# chapter 06's `docker network connect`.

# %% [markdown] lang=zh-CN
# 修复方法是让应用同时接入两个网络（给 `tomcat` 写上 `networks: [default, back]`）：这就是第 06 章 `docker network connect` 在 Compose 中的写法。

# %% [markdown]
# ## Break 2: `network_mode: host`
#
# Another classic: "the app could not connect, so I gave it the host's network". Predict first:

# %% [markdown] lang=zh-CN
# ## 故障 2：`network_mode: host`
#
# 另一个经典错误：“应用连不上，那就让它用宿主机的网络吧”。先预测：

# %%
HOST_MODE = ARTICLE.replace("    depends_on: [mysql]\n", "    depends_on: [mysql]\n    network_mode: host\n")
compose_file.write_text(HOST_MODE)
app.reload()
display.matrix(app.predict(), "predicted: tomcat on the host network")

# %%
app.explain("mysql", "tomcat")

# %% [markdown]
# `tomcat` now uses the host's network stack: it has no endpoint on the project's network, so the embedded
# DNS knows no `tomcat`, and `tomcat`'s own lookups would go to the host's resolver, which knows no
# container names either (so dockerlab does not probe names from it: `·`). It still reaches `mysql`'s
# **address**, as the host reaches every bridge (chapter 04). The measurement:

# %% [markdown] lang=zh-CN
# `tomcat` 现在使用宿主机的网络栈：它在项目网络上没有端点，所以内嵌 DNS 里没有 `tomcat` 这个名字；而 `tomcat` 自己的名称查询会交给宿主机的解析器，它同样不认识任何容器名（因此 dockerlab 不从它按名称探测：`·`）。不过它仍然能访问 `mysql` 的 **IP 地址**，因为宿主机能到达每一个网桥（第 04 章）。实测结果：

# %%
app.up()
app.compare()

# %% [markdown]
# ## Break 3: a hard-coded IP
#
# The third classic: "names are flaky, I'll give the database a fixed address", written as
# `ipv4_address:` on the project's default network. dockerlab refuses it before anything runs, naming the
# file and the line, and says why:

# %% [markdown] lang=zh-CN
# ## 故障 3：写死的 IP 地址
#
# 第三个经典错误：“名字靠不住，给数据库一个固定地址吧”，于是在项目的默认网络上写了 `ipv4_address:`。dockerlab 在任何东西运行之前就拒绝了它，指出文件和行号，并说明原因：

# %%
FIXED_IP = ARTICLE.replace(
    "  mysql:\n    <<: *lab\n", "  mysql:\n    <<: *lab\n    networks:\n      default:\n        ipv4_address: 172.30.0.10\n"
)
compose_file.write_text(FIXED_IP)
app.reload()
try:
    app.predict()
except DockerlabError as error:
    print(error)

# %% [markdown]
# The engine says the same, in its own words, when Compose tries (the simulator answers with the engine's
# words):

# %% [markdown] lang=zh-CN
# Compose 真正去执行时，引擎也这么说，用的是它自己的话（模拟器给出的也是引擎的原话）：

# %%
try:
    app.up()
except DockerlabError as error:
    print(error)

# %% [markdown]
# A fixed address works only on a network with a subnet of your own (chapter 05's `--ip` needed one too),
# and even then it is one more thing to keep in step: the service name finds the database wherever it is.

# %% [markdown] lang=zh-CN
# 固定地址只能用在你自己指定了子网的网络上（第 05 章的 `--ip` 也需要这样），即便如此，它也是又一件需要保持同步的事情：用服务名，无论数据库在哪里都能找到它。

# %%
app.down()

# %% [markdown]
# ## What you learned
#
# - Compose puts a project's services on `<project>_default`, a user-defined network: each **service name**
#   and each container name is a DNS name there, both ways.
# - A service on another network is out of reach, even by address; `network_mode: host` takes a service
#   off the project's network and out of its DNS; a fixed address needs a subnet of your own.
# - `dockerlab compose predict FILE` says all this before the file runs; `dockerlab predict`,
#   `explain` and `graph` read any containers without changing them, and `--measure` checks with real pings.
#
# ## Try it yourself
#
# Run `dockerlab compose predict` on a Compose file of your own, then `docker compose up -d` and
# `dockerlab compose compare` on it. Where they differ, `dockerlab explain` tells you which rule decided.

# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - Compose 把一个项目的服务放在 `<项目名>_default` 这个自定义网络上：在这个网络上，每个**服务名**和每个容器名都是 DNS 名称，双向可用。
# - 在另一个网络上的服务无法访问，即使用 IP 地址也不行；`network_mode: host` 会让服务离开项目网络，也离开它的 DNS；固定地址需要一个你自己指定的子网。
# - `dockerlab compose predict FILE` 在文件运行之前就说出这一切；`dockerlab predict`、`explain` 和 `graph` 读取任意容器而不改变它们，`--measure` 则用真实的 ping 来验证。
#
# ## 自己试试
#
# 对你自己的 Compose 文件运行 `dockerlab compose predict`，然后执行 `docker compose up -d`，再对它运行 `dockerlab compose compare`。两者不一致的地方，用 `dockerlab explain` 看看是哪条规则起了作用。
