# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex02")
task = exercises.setup("ex02", lab)
task
# %% [markdown]
# ## Look first
# The values you must use are in `task.params` (printed above). Which networks exist already?

# %%
lab.networks()

# %% [markdown]
# ## Your change

# %%
### BEGIN SOLUTION
p = task.params
lab.network("e2-net", subnet=p["subnet"], gateway=p["gateway"])
lab.run("e2-db", network="e2-net", ip=p["ip"])
lab.connect("e2-net", "e2-app")
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex02", lab)
