# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex06")
task = exercises.setup("ex06", lab)
task
# %% [markdown]
# ## Look first
# %% [markdown] lang=zh-CN
# ## 先观察

# %%
print(lab.ping("e6-web", "e6-db"))
lab.addresses()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
lab.network("e6-back")
lab.connect("e6-back", "e6-app")
lab.connect("e6-back", "e6-db")
lab.disconnect("e6-net", "e6-db")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex06", lab)
