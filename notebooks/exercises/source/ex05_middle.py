# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex05")
task = exercises.setup("ex05", lab)
task
# %% [markdown]
# ## Look first
# %% [markdown] lang=zh-CN
# ## 先观察

# %%
lab.addresses()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
lab.network("e5-a")
lab.network("e5-b")
lab.run("e5-left", network="e5-a")
lab.run("e5-right", network="e5-b")
lab.run("e5-mid", network="e5-a")
lab.connect("e5-b", "e5-mid")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex05", lab)
