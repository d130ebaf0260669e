# %% [markdown]
# This exercise runs on chapter 08's three hosts, chosen as chapter 08 chooses them: real extra Docker engines
# where they can be started (root on Linux; reused when chapter 08 left them up), else dockerlab's simulated
# swarm, which says so first.
# %% [markdown] lang=zh-CN
# 本练习运行在第 08 章的三台主机上，选择方式与第 08 章相同：能启动额外 Docker 引擎的地方（Linux 上的 root；
# 第 08 章留下的主机会被复用）就用真实的引擎，否则用 dockerlab 模拟的 Swarm 集群，并会首先说明这一点。

# %%
from dockerlab import display, exercises
from dockerlab import ClusterLab, close_cluster, open_cluster

cluster = open_cluster(echo=False)  # chapter 08's three hosts: real (reused when up) or simulated
lab = ClusterLab("ex09", cluster)
task = exercises.setup("ex09", lab)
task
# %% [markdown]
# ## Look first
# %% [markdown] lang=zh-CN
# ## 先观察

# %%
display.matrix(lab.reachability("name"), "by name")

# %%
lab.addresses()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
lab.network("e9-ov", "10.197.9.0/24", driver="overlay")
lab.connect("e9-ov", "e9-web")
lab.connect("e9-ov", "e9-api")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex09", lab)

# %% [markdown]
# ## Clean up
#
# `lab.close()` removes the exercise's containers and networks on every host. `close_cluster(cluster)` then
# stops the hosts if this notebook brought them up; hosts that were already up (chapter 08's) stay up, and
# `dockerlab hosts down` removes them when you are done.
# %% [markdown] lang=zh-CN
# ## 清理
#
# `lab.close()` 删除本练习在每台主机上创建的容器和网络。接着 `close_cluster(cluster)` 会停掉由本笔记本启动的
# 主机；之前就已经在运行的主机（第 08 章留下的）会继续运行，用完之后可以用 `dockerlab hosts down` 删除它们。

# %%
lab.close()
close_cluster(cluster)
