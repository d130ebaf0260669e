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

# %%
from dockerlab import lesson

lab = lesson.start("article")

# %% [markdown]
# ## The network
#
# Both go on a user-defined bridge, so that names work both ways (notebook 05). The article's subnet where
# it is free, a free one otherwise:

# %%
choice = lesson.choose_subnet(lab, "192.168.0.0/16", "192.168.0.1")
lab.network("myBridge", subnet=choice.subnet, gateway=choice.gateway)

# %% [markdown]
# ## The service: mysql1 on port 3306
#
# `nc -ll -p 3306 -e echo ...`: listen on port 3306, for ever (`-ll`), and for each connection run `echo`.
# No `-p` option on `docker run`: the database is **not published**; only containers on `myBridge` can
# reach it. That is usually what you want for a database.

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

# %%
port = lesson.free_port(8080)
tomcat1 = lab.run("tomcat1", network="myBridge", ports={8080: port},
                  command=lesson.app_command(service="mysql1", service_port=3306, port=8080))

# %% [markdown]
# ## Your prediction
#
# The app and its database are both on `myBridge`. By **name**, who reaches whom? Commit to an answer before
# you measure: edit `mine` (`True`: reaches, `False`: does not) and
# run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one wrong
# cell, so that you can see what a miss looks like.)

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

# %%
lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")

# %% [markdown]
# ## Redeploy the database
#
# Notebook 02 showed the problem that started the article's search: a recreated container gets another
# address. Let us redeploy `mysql1` (a `newcomer` takes the freed address in between) and ask the app again,
# **without touching the app**:

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
# Start `mysql1` and `tomcat1` again, but put `tomcat1` on the default bridge (no `network=` argument; keep
# `ports` and `command`). What does `lesson.fetch(f"http://127.0.0.1:{port}/cgi-bin/db")` return now, and
# why? Then fix it without recreating anything: `lab.connect("myBridge", "tomcat1")` (notebook 06).
