# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex03")
task = exercises.setup("ex03", lab)
task
# %% [markdown]
# ## Look first
# %% [markdown] lang=zh-CN
# ## 先观察

# %%
print(lab.ping("e3-front", "e3-back"))
print(lab.ping("e3-front", "backend"))
lab.addresses()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
for name, alias in [("e3-back", "backend"), ("e3-front", "frontend")]:
    lab.disconnect("e3-net", name)
    lab.connect("e3-net", name, aliases=[alias])
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex03", lab)
