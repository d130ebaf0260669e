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

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# A link points at an existing container, so `mysql1` starts first; then `tomcat1`, linked to it.
# Both are on the default bridge, as in the article.

# %%
mysql1 = lab.run("mysql1")
tomcat1 = lab.run("tomcat1", links=["mysql1"])

# %% [markdown]
# ## Your prediction
#
# `tomcat1` was started with `--link mysql1`. By **name**, who reaches whom now? Commit to an answer before
# you measure: edit `mine` (`True`: reaches, `False`: does not) and
# run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one wrong
# cell, so that you can see what a miss looks like.)

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): True}

# %%
lab.compare(mine=mine)

# %% [markdown]
# ## tomcat1 reaches mysql1 by name...

# %%
lab.ping("tomcat1", "mysql1")

# %% [markdown]
# ## ...but not the other way

# %%
lab.ping("mysql1", "tomcat1")

# %% [markdown]
# ## One way for names, not for packets
#
# Is it the packets that go one way? Before you run the next cell, decide: can `mysql1` ping `tomcat1` **by
# its address**?

# %%
lab.ping("mysql1", tomcat1.ip)

# %% [markdown]
# It can. Both containers are on the default bridge, and packets flow both ways there, link or not (notebook
# 01). What is one-way is only the **name lookup**: `tomcat1` knows the name `mysql1`, `mysql1` knows no name
# for `tomcat1`. The article's 单向通信 is one-way *naming*. By address, the matrix is full:

# %%
lesson.reachability(lab, "ip")

# %% [markdown]
# ## What `--link` did: one line in `/etc/hosts`
#
# The article looks into `tomcat1`'s `/etc/hosts` (如果你查看tomcat1 容器的 /etc/hosts 文件，发现 --link 就是增加了名字解析):

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# Compared with notebook 02, there is one more line: `mysql1`'s address, its name, and its host name
# (its short id). This is the line `--link` wrote:

# %%
lab.exec("tomcat1", "grep mysql1 /etc/hosts")

# %% [markdown]
# When `ping` resolves `mysql1`, it reads `/etc/hosts` before asking any DNS server, finds this line, and
# pings the address. `mysql1` got no such line: nobody told the engine that `mysql1` should know `tomcat1`.
# `grep` finds nothing and exits with code 1:

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
# compare with what dockerlab predicts from the engine's state (no packet sent) and with real pings:

# %%
lab.explain("mysql1", "tomcat1")

# %%
lab.compare()

# %% [markdown]
# ## Who reaches whom
#
# By name, the graph has a single arrow, dashed because it goes one way only:

# %%
lesson.reachability(lab)

# %% [markdown]
# ## When mysql1 comes back with a new address
#
# The line holds an address. What happens to it when `mysql1` restarts and gets another one? Let us make
# that happen: stop `mysql1`, let a `newcomer` take the free address, start `mysql1` again.

# %%
line_before = lab.exec("tomcat1", "grep mysql1 /etc/hosts").output
before = lab["mysql1"].ip

lab.stop("mysql1")
newcomer = lab.run("newcomer")
mysql1 = lab.start("mysql1")

lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %%
line_after = lab.exec("tomcat1", "grep mysql1 /etc/hosts").output
print("before:", line_before, end="")
print("after: ", line_after, end="")
print("the engine rewrote tomcat1's line for mysql1:", line_before != line_after)

# %% [markdown]
# The engine keeps track of links: when `mysql1` restarts, it rewrites the line in the `/etc/hosts` of every
# container linked to it. So the name still works:

# %%
lab.ping("tomcat1", "mysql1")

# %%
lab.remove("newcomer")

# %% [markdown]
# ## `--link` is legacy
#
# `--link` predates Docker's networks. Docker's documentation calls it a *legacy feature* that may eventually
# be removed, and since Engine v26.0 `--link` on the default bridge is formally **deprecated** (the engine
# warns about it), to be removed in a future release. (On a user-defined network `--link` only adds an alias
# for a container that is reachable by name anyway.) Its limits are the ones you just met: one way only,
# fixed at creation, tied to one container instance. Should your engine refuse it, dockerlab says so with a
# `LinkUnsupported` error that points you to the replacement.
#
# What replaces it is a **user-defined network** (notebook 05): every container on it reaches every other
# by name, both ways, through Docker's embedded DNS server, with nothing written in `/etc/hosts`.

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
