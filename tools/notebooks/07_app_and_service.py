# %% [markdown]
# # 07 · Finale: the web app talks to its database by name
# ## 回到 1、需求 — back to the need that started it all
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>. This notebook returns to section 1's motive.
#
# The article began with a web project: the application runs in **Tomcat**, its data lives in **MySQL**, and
# 少不了 Tomcat 和 Mysql 的交互 — Tomcat has to talk to MySQL. Pings showed that packets get through; an
# application needs more: a **TCP connection to a port** of the database, by a **name** that survives
# redeployments, and its own port **published** so that users (here: this notebook) can reach it.
#
# **Stand-ins, plainly:** the lab image has no Tomcat and no MySQL. `mysql1` runs busybox **`nc`**
# listening on MySQL's port 3306, answering each connection with one line. `tomcat1` runs busybox **`httpd`**
# on Tomcat's port 8080, with one page, `/cgi-bin/db`, that opens a TCP connection to `mysql1:3306` and
# shows what came back, like a web page that reads from its database. (`cgi-bin` is where a web server keeps
# small programs it runs for each request, by the old CGI convention: here, a shell script.) The networking is exactly what the
# real pair would need.
#
# (Without Docker, the simulator plays both stand-ins and Docker's port forwarding: the page is still
# fetched from a real port on this machine's loopback, but what answers is computed from Docker's rules.)
# %% [markdown] lang=zh-CN
# # 07 · 终章：Web 应用通过名字访问它的数据库
# ## 回到 1、需求
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>。本章回到第 1 节提出的需求。
#
# 原文从一个 Web 项目讲起：应用部署在 **Tomcat** 里，数据存放在 **MySQL** 中，服务运行时少不了 Tomcat 和 Mysql 的交互。ping 只能说明数据包走得通，应用需要的更多：要通过一个重新部署后依然有效的**名字**，与数据库的某个**端口**建立 **TCP 连接**；还要把自己的端口**发布**出去，让用户（在这里就是本笔记本）能够访问。
#
# **先说清楚，这里用的是替身：** 实验镜像里既没有 Tomcat，也没有 MySQL。`mysql1` 运行的是 busybox 的 **`nc`**，在 MySQL 的 3306 端口监听，每来一个连接就回复一行文字。`tomcat1` 运行的是 busybox 的 **`httpd`**，监听 Tomcat 的 8080 端口，只有一个页面 `/cgi-bin/db`：它与 `mysql1:3306` 建立 TCP 连接，并显示收到的内容，就像一个从数据库读取数据的网页。（按照老式的 CGI 约定，`cgi-bin` 是 Web 服务器存放小程序的目录，每个请求都会运行一次这样的程序；这里的程序是一个 shell 脚本。）在网络方面，替身需要的东西与真正的 Tomcat 和 MySQL 完全一样。
#
# （没有 Docker 时，由模拟器来扮演这两个替身以及 Docker 的端口转发：页面仍然是从本机回环地址上的一个真实端口取回的，只是应答内容由 Docker 的规则计算得出。）

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# ## The network
#
# Both go on a user-defined bridge, so that names work both ways (notebook 05). The article's subnet where
# it is free, a free one otherwise:
# %% [markdown] lang=zh-CN
# ## 网络
#
# 两者都接入一个自定义网桥，这样名字在两个方向上都能用（第 05 章）。原文的子网空闲就用它，否则换一个空闲的子网：

# %%
choice = lesson.choose_subnet(lab, "192.168.0.0/16", "192.168.0.1")
lab.network("myBridge", subnet=choice.subnet, gateway=choice.gateway)

# %% [markdown]
# ## The service: mysql1 on port 3306
#
# `nc -ll -p 3306 -e echo ...`: listen on port 3306, for ever (`-ll`), and for each connection run `echo`.
# No `-p` option on `docker run`: the database is **not published**; only containers on `myBridge` can
# reach it. That is usually what you want for a database.
# %% [markdown] lang=zh-CN
# ## 服务：在 3306 端口监听的 mysql1
#
# `nc -ll -p 3306 -e echo ...`：在 3306 端口持续监听（`-ll`），每来一个连接就运行一次 `echo`。`docker run` 没有加 `-p` 参数：数据库的端口**没有发布**，只有 `myBridge` 上的容器才能访问它。对数据库来说，这通常正是你想要的。

# %%
mysql1 = lab.run("mysql1", network="myBridge", command=lesson.service_command(3306))

# %% [markdown]
# ## The app: tomcat1 on port 8080, published
#
# The article publishes Tomcat with `-p 8080:8080`: connections to port 8080 of the host are forwarded to
# port 8080 of the container. The lab publishes on the host's **loopback address only**
# (`-p 127.0.0.1:8080:8080`), so only this machine can connect, and it uses another host port if 8080 is
# taken. The app's configuration, the last words of its command (`app mysql1 3306 8080`: the database's name,
# its port, the app's own port), names the database **`mysql1`**, never an address.
# %% [markdown] lang=zh-CN
# ## 应用：在 8080 端口监听并发布端口的 tomcat1
#
# 原文用 `-p 8080:8080` 发布 Tomcat 的端口：发往宿主机 8080 端口的连接会被转发到容器的 8080 端口。本实验只在宿主机的**回环地址**上发布（`-p 127.0.0.1:8080:8080`），因此只有本机能够连接；如果 8080 已被占用，就改用宿主机上的另一个端口。应用的配置，也就是它命令的最后几个词（`app mysql1 3306 8080`：数据库的名字、数据库的端口、应用自己的端口），用名字 **`mysql1`** 指定数据库，从不写 IP 地址。

# %%
port = lesson.free_port(8080)
tomcat1 = lab.run("tomcat1", network="myBridge", ports={8080: port},
                  command=lesson.app_command(service="mysql1", service_port=3306, port=8080))

# %% [markdown]
# ## Your prediction
#
# The app and its database are both on `myBridge`. By **name**, who reaches whom? Commit to an answer before
# you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and
# run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 应用和它的数据库都在 `myBridge` 上。通过**容器名**，谁能访问到谁？先给出答案，再动手测量：填写 `mine`（`True`：能访问到，`False`：访问不到；你的副本里每个答案起初都是 `...`）并运行，然后运行它下面的测量单元格。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare(mine=mine)

# %% [markdown]
# ## Is the database ready?
#
# A container that *runs* is not necessarily *listening* yet. Rather than sleeping for a while and hoping,
# we check: from `tomcat1`, connect to `mysql1:3306` by name, again and again for at most a few seconds,
# until it answers. This is a **readiness check**, the same idea as a Compose `healthcheck`.
# %% [markdown] lang=zh-CN
# ## 数据库就绪了吗？
#
# 容器在*运行*，不代表它已经在*监听*。与其先 sleep 一会儿再碰运气，不如直接检查：从 `tomcat1` 按名字连接 `mysql1:3306`，在几秒之内反复尝试，直到它应答为止。这就是**就绪检查**，与 Compose 的 `healthcheck` 是同一个思路。

# %%
lesson.wait_for_service(lab, "tomcat1", "mysql1", 3306)

# %% [markdown]
# That connection is the heart of it: **by name** (`mysql1`, resolved by the embedded DNS at `127.0.0.11`),
# **on a TCP port** (3306), from one container to another.
#
# ## The app, seen from the host
#
# Now the notebook, outside any container, fetches the app's page through the published port, on
# `127.0.0.1` (in a shell: `curl http://127.0.0.1:8080/cgi-bin/db`). The request goes to the host's port, Docker forwards it to `tomcat1:8080`, the page connects
# to `mysql1:3306`, and the answer comes all the way back. (The fetch retries until `httpd` answers: another
# readiness check.)
# %% [markdown] lang=zh-CN
# 这次连接正是一切的核心：**按名字**（`mysql1`，由位于 `127.0.0.11` 的内嵌 DNS 解析），**连到一个 TCP 端口**（3306），从一个容器到另一个容器。
#
# ## 从宿主机访问应用
#
# 现在，由不在任何容器里的本笔记本，通过已发布的端口，在 `127.0.0.1` 上获取应用的页面（在 shell 里相当于 `curl http://127.0.0.1:8080/cgi-bin/db`）。请求先到达宿主机的端口，Docker 把它转发给 `tomcat1:8080`，页面再去连接 `mysql1:3306`，应答沿原路一直返回。（获取页面时会不断重试，直到 `httpd` 应答：这又是一次就绪检查。）

# %%
lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")

# %% [markdown]
# ## Redeploy the database
#
# Notebook 02 showed the problem that started the article's search: a recreated container gets another
# address. Let us redeploy `mysql1` (a `newcomer` takes the freed address in between) and ask the app again,
# **without touching the app**:
# %% [markdown] lang=zh-CN
# ## 重新部署数据库
#
# 第 02 章 展示了促使原文寻找新办法的那个问题：重建的容器会得到另一个地址。现在我们重新部署 `mysql1`（在此期间，让 `newcomer` 占用释放出来的地址），然后再次请求应用，**应用本身一点不动**：

# %%
before = lab["mysql1"].ip
lab.remove("mysql1")
newcomer = lab.run("newcomer", network="myBridge")
mysql1 = lab.run("mysql1", network="myBridge", command=lesson.service_command(3306))
lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %%
lesson.wait_for_service(lab, "tomcat1", "mysql1", 3306)
lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")

# %% [markdown]
# The address changed, the name did not, and the app still works: the embedded DNS answers with the new
# address. With `--link` (notebook 03) a redeploy breaks `tomcat1` instead: it keeps running, with a stale
# line in `/etc/hosts`, but its link stays bound to the removed `mysql1`, so the engine refuses every new
# `docker exec` in it, and a restart, until `tomcat1` is recreated.
#
# ## The path of one request
#
# What the finale added to the earlier chapters is this path: a port published on the host, the engine's
# `docker-proxy` passing each connection to the app's port, and the app reaching its database **by name**
# on their network:
# %% [markdown] lang=zh-CN
# 地址变了，名字没变，应用照常工作：内嵌 DNS 返回的是新地址。如果用的是 `--link`（第 03 章），重新部署反而会让 `tomcat1` 出问题：它仍在运行，`/etc/hosts` 里留着一条过时的记录，但它的链接仍然绑定在已删除的 `mysql1` 上，因此引擎会拒绝在它里面执行任何新的 `docker exec`，也拒绝重启它，直到重新创建 `tomcat1` 为止。
#
# ## 一次请求的路径
#
# 终章在前面各章的基础上补充的，就是这条路径：宿主机上发布的端口，引擎的 `docker-proxy` 把每个连接转交给应用的端口，应用再在它们共同所在的网络上**按名字**访问数据库：

# %%
lab.remove("newcomer")
lesson.service_path(lab, "tomcat1", "mysql1", 3306)

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - An app reaches its database on a user-defined network by the database container's **name** and **port**
#   (`mysql1:3306`); the embedded DNS keeps the name right when the address changes.
# - `-p HOST_PORT:CONTAINER_PORT` publishes a container's port on the host; only the app needs it, the
#   database stays private to the network.
# - Wait for a service with a readiness check (try, retry, give up after a bound), never a fixed sleep.
#
# ## Try it yourself
#
# Run the notebook again from the top, but stop before the `lab.reset()` cell, which removes everything.
# Then run `tomcat1` again on the default bridge (no `network=` argument; keep `ports` and `command`). What does `lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")` return now, and
# why? Then fix it without recreating anything: `lab.connect("myBridge", "tomcat1")` (notebook 06).
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - 在自定义网络上，应用通过数据库容器的**名字**和**端口**（`mysql1:3306`）访问数据库；地址变化时，内嵌 DNS 会让名字始终指向正确的地址。
# - `-p HOST_PORT:CONTAINER_PORT` 把容器的端口发布到宿主机上；只有应用需要发布端口，数据库只在网络内部可见。
# - 等待服务时要用就绪检查（尝试、重试、超过上限就放弃），而不是固定时长的 sleep。
#
# ## 动手试试
#
# 从头再运行一遍本笔记本，但在 `lab.reset()` 那个单元格之前停下（它会删掉一切）。然后把 `tomcat1` 重新运行在默认网桥上（不传 `network=` 参数；保留 `ports` 和 `command`）。这时 `lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")` 返回什么？为什么？然后在不重建任何容器的前提下修好它：`lab.connect("myBridge", "tomcat1")`（第 06 章）。
