# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex03")
task = exercises.setup("ex03", lab)
task
# %% [markdown]
# ## Look first

# %%
print(lab.ping("e3-front", "e3-back"))
print(lab.ping("e3-front", "backend"))
lab.addresses()

# %% [markdown]
# ## Your change

# %%
### BEGIN SOLUTION
for name, alias in [("e3-back", "backend"), ("e3-front", "frontend")]:
    lab.disconnect("e3-net", name)
    lab.connect("e3-net", name, aliases=[alias])
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex03", lab)
