# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex08")
task = exercises.setup("ex08", lab)
task
# %% [markdown]
# ## Look first: diagnose before you change anything
# %% [markdown] lang=zh-CN
# ## 先观察：动手修改之前，先诊断

# %%
display.matrix(lab.reachability("name"), "by name")

# %%
lab.addresses()

# %% [markdown]
# ## Your repairs
# %% [markdown] lang=zh-CN
# ## 你的修复

# %%
### BEGIN SOLUTION
lab.start("e8-cache")
lab.connect("e8-net", "e8-db")
lab.run("e8-web", network="e8-net")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex08", lab)
