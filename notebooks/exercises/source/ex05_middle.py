# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex05")
task = exercises.setup("ex05", lab)
task
# %% [markdown]
# ## Look first

# %%
lab.addresses()

# %% [markdown]
# ## Your change

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

# %%
exercises.check("ex05", lab)
