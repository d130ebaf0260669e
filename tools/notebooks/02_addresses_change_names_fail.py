# %% [markdown]
# # 02 · Addresses change, and names do not work (yet)
# ## 2、问题 — the problem · 3、容器名通信 — talking by container name
#
# > Following **“Docker从入门到精通（六）——容器通信”** by **ysocean** (cnblogs):
# > <https://www.cnblogs.com/ysocean/p/15659138.html>, sections 2 and 3.
#
# Talking by IP works, but the address is a virtual one **the engine hands out when the container starts**.
# Rebuild a container and it may come back with another address; every service configured with the old
# one breaks. With tens or hundreds of containers in production, that is a lot of configuration to fix.
# DNS solved this long ago for machines: keep the *name*, let the address change. So the article asks:
# *can containers talk by container name?* (有没有办法通过容器名来通信呢？)

# %%
from dockerlab import lesson

lab = lesson.start("article")
tomcat1 = lab.run("tomcat1")
mysql1 = lab.run("mysql1")

# %% [markdown]
# ## 2、问题 — recreate a container, watch its address change
#
# Note `mysql1`'s address, then rebuild the container the way a deployment does: remove it and run it again.
# On a real host other containers start in between and take the free addresses; we play that part with a
# container called `newcomer`.

# %%
before = lab["mysql1"].ip
print("mysql1 has", before)

# %% [markdown]
# First, the quiet case: restart `mysql1` while nothing else happens. Decide before you run the cell: will it
# come back with the same address or a new one?

# %%
lab.restart("mysql1")
lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %% [markdown]
# The same one. The engine frees a container's address when it stops and hands out the **lowest free
# address** of the network when it starts, and nobody took `mysql1`'s in between. That is why hard-coded
# addresses often seem to work. Now the busy case:

# %%
lab.remove("mysql1")
newcomer = lab.run("newcomer")  # another container starts while mysql1 is gone
mysql1 = lab.run("mysql1")      # mysql1 is back: same name, same image, new container

# %%
lesson.AddressChange("mysql1", before, lab["mysql1"].ip)

# %% [markdown]
# The address changed (the printed ones are live values from the engine: yours may differ, the change will
# not). The newcomer holds the old address now, so anything that still points at it reaches the **wrong
# container**, and gets an answer:

# %%
lab.ping("tomcat1", before)

# %%
lab.explain("tomcat1", before, by="ip")

# %% [markdown]
# That is the real danger of hard-coded addresses: not a failure, but a reply from the wrong machine.
# We no longer need the newcomer:

# %%
lab.remove("newcomer")

# %% [markdown]
# ## 3、容器名通信 — ping by name
#
# When we started them, we named the containers `tomcat1` and `mysql1`. Does `tomcat1` reach `mysql1` by
# that name?

# %% [markdown]
# ## Your prediction
#
# They are named `tomcat1` and `mysql1`. By **name**, who reaches whom? Commit to an answer before you
# measure: edit `mine` (`True`: reaches, `False`: does not) and
# run it, then run the measurement below it. (The stored notebook keeps one learner's answer, with one wrong
# cell, so that you can see what a miss looks like.)

# %%
mine = {("tomcat1", "mysql1"): True, ("mysql1", "tomcat1"): False}

# %%
lab.compare(mine=mine)

# %%
lab.ping("tomcat1", "mysql1")

# %% [markdown]
# `ping: bad address 'mysql1'`: ping could not even turn the name into an address, so no packet was sent.
# The article hits the same failure (its Debian-based images word the error differently, the meaning is the same).
#
# ## Why: where a container looks names up
#
# A Linux program resolves a name in two places, in this order:
#
# 1. **`/etc/hosts`**, a fixed list of names and addresses;
# 2. the **DNS servers** listed in **`/etc/resolv.conf`**.
#
# Docker writes both files into every container. Here is `tomcat1`'s `/etc/hosts`:

# %%
lab.exec("tomcat1", "cat /etc/hosts")

# %% [markdown]
# `localhost` and the container's own address under its own host name (its short id), nothing about
# `mysql1`. And its `/etc/resolv.conf`:

# %%
lab.exec("tomcat1", "cat /etc/resolv.conf")

# %% [markdown]
# The only DNS server is `127.0.0.1`, the container itself, where nothing listens: that is the lab's
# `--dns 127.0.0.1` (notebook 00), so that unknown names fail here and are never asked of your network.
# Without it, Docker would have copied **your host's** DNS servers into the file, and they do not know
# Docker's container names either: the ping would fail the same way, only more slowly.
#
# The real reason is that **Docker's default bridge network has no DNS server of its own**. Docker knows
# every container's name and address, but on the default bridge it tells nobody: it writes no line into
# `/etc/hosts` for the other containers, and points `/etc/resolv.conf` at no server that knows them. (On a
# *user-defined* network, the subject of notebook 05, Docker runs an embedded DNS server at `127.0.0.11`
# that answers with container names.)
#
# ## Predict, then measure
#
# You now know where a container looks names up. Before measuring, predict for yourself: which pairs reach
# each other **by name**, and which **by IP**? dockerlab predicts too, from the engine's state alone (the
# containers' networks, links and `/etc/hosts`; no packet is sent), and says why for any pair:

# %%
lab.explain("tomcat1", "mysql1")

# %%
lab.explain("tomcat1", "mysql1", by="ip")

# %% [markdown]
# `lab.compare()` predicts the whole matrix, then measures it with real pings. Each cell reads
# *predicted/measured*; a `!` would mark a prediction that did not come true:

# %%
lab.compare(by="name")

# %% [markdown]
# ## Who reaches whom
#
# By name, nobody reaches anybody; by IP, everybody still does:

# %%
by_name = lesson.reachability(lab, "name")
by_name

# %%
by_ip = lesson.reachability(lab, "ip")
by_ip

# %%
lesson.side_by_side(by_ip, by_name, titles=["by IP", "by name"])

# %%
lab.reset()

# %% [markdown]
# ## What you learned
#
# - The engine assigns a container's address when it starts: recreate the container, and the address may change.
# - On Docker's default bridge network, containers cannot reach each other by name: `ping: bad address`.
# - A container resolves names through `/etc/hosts` and the DNS servers in `/etc/resolv.conf`; on the default
#   bridge neither knows the other containers, because that network has no embedded DNS.
#
# ## Try it yourself
#
# Start the two containers again and write the missing line into `tomcat1`'s `/etc/hosts` yourself:
# `lab.exec("tomcat1", ["sh", "-c", f"echo {lab['mysql1'].ip} mysql1 >> /etc/hosts"])`. Then ping `mysql1`
# by name from `tomcat1`, and from `mysql1` ping `tomcat1`. What you did by hand is close to what `--link`
# does (notebook 03); the difference is that the engine keeps a link's line up to date, and nobody updates yours.
