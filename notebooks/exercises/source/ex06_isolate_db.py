# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex06")
task = exercises.setup("ex06", lab)
task
# %% [markdown]
# ## Look first

# %%
print(lab.ping("e6-web", "e6-db"))
lab.addresses()

# %% [markdown]
# ## Your change

# %%
### BEGIN SOLUTION
lab.network("e6-back")
lab.connect("e6-back", "e6-app")
lab.connect("e6-back", "e6-db")
lab.disconnect("e6-net", "e6-db")
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex06", lab)
