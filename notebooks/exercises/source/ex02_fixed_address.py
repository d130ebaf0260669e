# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex02")
task = exercises.setup("ex02", lab)
task
# %% [markdown]
# ## Look first
# The values you must use are in `task.params` (printed above). Which networks exist already?
# %% [markdown] lang=zh-CN
# ## 先观察
# 要用到的值都在 `task.params` 里（上面已经打印出来了）。现在已经有哪些网络？

# %%
lab.networks()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
p = task.params
lab.network("e2-net", subnet=p["subnet"], gateway=p["gateway"])
lab.run("e2-db", network="e2-net", ip=p["ip"])
lab.connect("e2-net", "e2-app")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex02", lab)
