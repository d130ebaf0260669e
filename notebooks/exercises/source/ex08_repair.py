# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex08")
task = exercises.setup("ex08", lab)
task
# %% [markdown]
# ## Look first: diagnose before you change anything

# %%
display.matrix(lab.reachability("name"), "by name")

# %%
lab.addresses()

# %% [markdown]
# ## Your repairs

# %%
### BEGIN SOLUTION
lab.start("e8-cache")
lab.connect("e8-net", "e8-db")
lab.run("e8-web", network="e8-net")
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex08", lab)
