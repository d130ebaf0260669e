# %% [markdown]
# # 03 · `--link`: a name, one way
# ## 3.1 容器单向通信 — one-way communication
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, section 3.1.
#
# The article's first fix for names: start `tomcat1` with `--link mysql1`,
#
# ```bash
# docker run -it -p 8080:8080 --name tomcat1 --link mysql1 3336fdaf451a /bin/bash
# ```
#
# and `tomcat1` can ping `mysql1` by name. Only in that direction, though, which is why the article calls it
# 单向通信, *one-way communication*. Let us see how it works, and why it is one way.
# %% [markdown] lang=zh-CN
# # 03 · `--link`：单向的名字
# ## 3.1 容器单向通信
#
# > 本章跟随 **ysocean** 发表在博客园的 **《Docker从入门到精通（六）——容器通信》**：
# > <https://www.cnblogs.com/ysocean/p/15659138.html>，第 3.1 节。
#
# 为了能用容器名通信，原文给出的第一个办法是：启动 `tomcat1` 时加上 `--link mysql1` 参数，
#
# ```bash
# docker run -it -p 8080:8080 --name tomcat1 --link mysql1 3336fdaf451a /bin/bash
# ```
#
# 这样 `tomcat1` 就能通过容器名 ping 通 `mysql1`。不过只有这一个方向能通，所以原文称之为*单向通信*。下面来看看它是怎么实现的，以及为什么是单向的。

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# A link points at an existing container, so `mysql1` starts first; then `tomcat1`, linked to it.
# Both are on the default bridge, as in the article.
# %% [markdown] lang=zh-CN
# 链接（link）指向的是一个已经存在的容器，所以先启动 `mysql1`，再启动链接到它的 `tomcat1`。和原文一样，两个容器都在默认网桥上。

# %%
mysql1 = lab.run("mysql1")
tomcat1 = lab.run("tomcat1", links=["mysql1"])

# %% [markdown]
# ## Your prediction
#
# `tomcat1` was started with `--link mysql1`. By **name**, who reaches whom now? Commit to an answer before
# you measure: fill in `mine` (`True`: reaches, `False`: does not; in your copy each answer starts as `...`) and
# run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# `tomcat1` 启动时带上了 `--link mysql1`。现在通过**容器名**，谁能访问到谁？测量之前，先写下你的答案：填写 `mine`（`True` 表示能访问到，`False` 表示不能；你的副本里每个答案起初都是 `...`）并运行，再运行下面的测量。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True}

# %%
lab.compare(mine=mine)

# %% [markdown]
# ## tomcat1 reaches mysql1 by name...
# %% [markdown] lang=zh-CN
# ## tomcat1 能通过容器名访问到 mysql1……

# %%
lab.ping("tomcat1", "mysql1")

# %% [markdown]
# ## ...but not the other way
# %% [markdown] lang=zh-CN
# ## ……反过来却不行

# %%
lab.ping("mysql1", "tomcat1")

# %% [markdown]
# ## One way for names, not for packets
#
# The article calls this 单向通信, one-way *communication*. Is it the packets that go one way?
# %% [markdown] lang=zh-CN
# ## 单向的是名字，不是数据包
#
# 原文把这叫作“单向通信”。那么，是数据包只能单向传输吗？

# %% [markdown]
# ## Your prediction
#
# Your second prediction, **by address** this time: can `mysql1` reach `tomcat1` at its IP address, and
# `tomcat1` reach `mysql1` at its? Fill in `mine` and run it, then run the measurement below it. (Run All stops at this comparison until every `...` is answered.)
# %% [markdown] lang=zh-CN
# ## 你的预测
#
# 请做第二次预测，这次按 **IP 地址**：`mysql1` 能通过 IP 地址访问到 `tomcat1` 吗？反过来，`tomcat1` 能通过 IP 地址访问到 `mysql1` 吗？填写 `mine` 并运行，再运行下面的测量。（每个 `...` 都填好之前，“全部运行”会停在这次比较上。）

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare("ip", mine=mine)

# %% [markdown]
# The same by hand: from `mysql1`, ping `tomcat1`'s address.
# %% [markdown] lang=zh-CN
# 再亲手验证一次：在 `mysql1` 里 ping `tomcat1` 的 IP 地址。

# %%
lab.ping("mysql1", tomcat1.ip)

# %% [markdown]
# It can. Both containers are on the default bridge, and packets flow both ways there, link or not (notebook
# 01): by address, the matrix above is full. What is one-way is only the **name lookup**: `tomcat1` knows the
# name `mysql1`, `mysql1` knows no name for `tomcat1`. The article's 单向通信 is one-way *naming*.
# %% [markdown] lang=zh-CN
# 能。两个容器都在默认网桥上，无论有没有 link，数据包在那里都是双向流通的（见第 01 章）：按 IP 地址，上面的矩阵是满的。单向的只是**名字解析**：`tomcat1` 认识 `mysql1` 这个名字，而 `mysql1` 不知道 `tomcat1` 叫什么。原文所说的“单向通信”，准确地说是单向的*名字*。

# %% [markdown]
# ## What `--link` did: one line in `/etc/hosts`
#
# The article looks into `tomcat1`'s `/etc/hosts` (如果你查看tomcat1 容器的 /etc/hosts 文件，发现 --link 就是增加了名字解析):
# %% [markdown] lang=zh-CN
# ## `--link` 做了什么：在 `/etc/hosts` 里加了一行
#
# 原文查看了 `tomcat1` 的 `/etc/hosts`（“如果你查看tomcat1 容器的 /etc/hosts 文件，发现 --link 就是增加了名字解析”）：

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# Compared with notebook 02, there is one more line: `mysql1`'s address, its name, and its host name
# (its short id). This is the line `--link` wrote:
# %% [markdown] lang=zh-CN
# 和第 02 章相比，这里多了一行：`mysql1` 的地址、它的名字，以及它的主机名（即容器的短 ID）。这一行就是 `--link` 写进去的：

# %%
lab.exec("tomcat1", "grep mysql1 /etc/hosts")

# %% [markdown]
# When `ping` resolves `mysql1`, it reads `/etc/hosts` before asking any DNS server, finds this line, and
# pings the address. `mysql1` got no such line: nobody told the engine that `mysql1` should know `tomcat1`.
# `grep` finds nothing and exits with code 1:
# %% [markdown] lang=zh-CN
# `ping` 解析 `mysql1` 时，会先读 `/etc/hosts`，再去问 DNS 服务器；它在这里找到了这一行，于是 ping 对应的地址。`mysql1` 里没有这样的一行：没有人告诉引擎 `mysql1` 也应该认识 `tomcat1`。`grep` 什么也没找到，以退出码 1 结束：

# %%
lab.exec("mysql1", "grep tomcat1 /etc/hosts")

# %% [markdown]
# Could we not link `mysql1` back to `tomcat1`? A link is set when a container is **created**, and must name
# a container that already exists: `mysql1` was created before `tomcat1` existed. (You could recreate
# `mysql1` with `--link tomcat1` afterwards, but `tomcat1`'s link names the *old* `mysql1` container: the
# engine refuses to run commands in `tomcat1` while the container its link points at is gone.)
#
# ## Predict, then measure
#
# A link is one line in one file. With that, predict the whole matrix by name before you measure it; then
# compare with what dockerlab predicts from the engine's state (no packet sent) and with real pings. Each cell
# of the comparison reads *predicted/measured*; a `!` would mark a prediction that did not come true:
# %% [markdown] lang=zh-CN
# 能不能再把 `mysql1` 反过来链接到 `tomcat1` 呢？链接是在容器**创建**时设定的，而且必须指向一个已经存在的容器：`mysql1` 创建时，`tomcat1` 还不存在。（事后你可以带上 `--link tomcat1` 重新创建 `mysql1`，但 `tomcat1` 的链接指向的是*旧的* `mysql1` 容器：只要它链接的那个容器已经不在了，引擎就拒绝在 `tomcat1` 里执行命令。）
#
# ## 先预测，再测量
#
# 一个链接就是一个文件里的一行。知道了这一点，在测量之前先预测整个矩阵里谁能通过容器名访问到谁；然后与 dockerlab 根据引擎状态做出的预测（不发送任何数据包）以及真实的 ping 结果对比。对比表里每一格的读法是*预测/实测*；如果某个预测没有应验，会用 `!` 标出来：

# %%
lab.explain("mysql1", "tomcat1")

# %%
lab.compare()

# %% [markdown]
# ## Who reaches whom
#
# By name, the graph has a single arrow, dashed because it goes one way only:
# %% [markdown] lang=zh-CN
# ## 谁能访问到谁
#
# 通过容器名，图中只有一个箭头，画成虚线，因为它只有一个方向：

# %%
lesson.reachability(lab)

# %% [markdown]
# ## When mysql1 comes back with a new address
#
# The line holds an address. What happens to it when `mysql1` restarts and gets another one? Let us make
# that happen: stop `mysql1`, let a `newcomer` take the free address, start `mysql1` again.
# %% [markdown] lang=zh-CN
# ## mysql1 换了新地址回来时
#
# 这一行里写的是地址。当 `mysql1` 重启并拿到另一个地址时，这一行会怎样？我们来制造这种情况：停止 `mysql1`，让 `newcomer` 占用空出来的地址，再重新启动 `mysql1`。

# %%
line_before = lab.exec("tomcat1", "grep mysql1 /etc/hosts").output
before = lab["mysql1"].ip

lab.stop("mysql1")
newcomer = lab.run("newcomer")
mysql1 = lab.start("mysql1")

lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %%
line_after = lab.exec("tomcat1", "grep mysql1 /etc/hosts").output
lesson.say("before: {line}", line=line_before.rstrip("\n"))
lesson.say("after:  {line}", line=line_after.rstrip("\n"))
lesson.say("the engine rewrote tomcat1's line for mysql1: {changed}", changed=line_before != line_after)

# %% [markdown]
# The engine keeps track of links: when `mysql1` restarts, it rewrites the line in the `/etc/hosts` of every
# container linked to it. So the name still works:
# %% [markdown] lang=zh-CN
# 引擎会跟踪链接：`mysql1` 重启时，引擎会改写每个链接到它的容器的 `/etc/hosts` 中的那一行。所以名字依然可用：

# %%
lab.ping("tomcat1", "mysql1")

# %%
lab.remove("newcomer")

# %% [markdown]
# ## `--link` is legacy
#
# `--link` predates Docker's networks. Docker's documentation calls it a *legacy feature* that may eventually
# be removed, and Docker's deprecation list marks `--link` on the default bridge as formally **deprecated**
# since Engine v26.0, to be removed in a future release. (On a user-defined network `--link` only adds an alias
# for a container that is reachable by name anyway.) Its limits are the ones you just met: one way only,
# fixed at creation, tied to one container instance. Should your engine refuse it, dockerlab says so with a
# `LinkUnsupported` error that points you to the replacement.
#
# What replaces it is a **user-defined network** (notebook 05): every container on it reaches every other
# by name, both ways, through Docker's embedded DNS server, with nothing written in `/etc/hosts`.
# %% [markdown] lang=zh-CN
# ## `--link` 是遗留功能
#
# `--link` 出现在 Docker 的网络功能之前。Docker 文档称它为*遗留功能*（legacy feature），将来可能会被移除；Docker 的弃用功能列表注明：从 Engine v26.0 起，在默认网桥上使用 `--link` 已被正式**弃用**，并将在未来的版本中移除。（在自定义网络上，`--link` 只是为一个本来就能通过名字访问的容器添加一个别名。）它的局限就是你刚刚见到的那些：只有单向，在创建时就已固定，而且绑定在某一个容器实例上。如果你的引擎拒绝执行它，dockerlab 会抛出 `LinkUnsupported` 错误，并告诉你该用什么替代。
#
# 替代它的是**自定义网络**（第 05 章）：网络上的每个容器都能通过容器名访问到其他所有容器，而且是双向的，靠的是 Docker 的内嵌 DNS 服务器，`/etc/hosts` 里什么也不用写。

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - `--link mysql1` writes one line, `address  mysql1  id`, into `tomcat1`'s `/etc/hosts`: `tomcat1` reaches
#   `mysql1` by name, `mysql1` does not reach `tomcat1`.
# - The engine rewrites that line when `mysql1` restarts with another address.
# - `--link` is a legacy feature; user-defined networks replace it.
#
# ## Try it yourself
#
# `--link` also accepts an alias: `lab.run("tomcat1", links={"mysql1": "db"})` is `--link mysql1:db`. Start
# `mysql1`, then `tomcat1` with that link, and look at `tomcat1`'s `/etc/hosts`: which names does the line
# carry now? Does `lab.ping("tomcat1", "db")` work?
# %% [markdown] lang=zh-CN
# ## 本章小结
#
# - `--link mysql1` 会在 `tomcat1` 的 `/etc/hosts` 里写入一行 `地址  mysql1  ID`：`tomcat1` 能通过容器名访问到 `mysql1`，`mysql1` 却访问不到 `tomcat1`。
# - `mysql1` 以新地址重启时，引擎会改写这一行。
# - `--link` 是遗留功能，已被自定义网络取代。
#
# ## 动手试试
#
# `--link` 还可以带一个别名：`lab.run("tomcat1", links={"mysql1": "db"})` 就相当于 `--link mysql1:db`。先启动 `mysql1`，再用这个链接启动 `tomcat1`，然后查看 `tomcat1` 的 `/etc/hosts`：这一行现在带着哪些名字？`lab.ping("tomcat1", "db")` 能通吗？
