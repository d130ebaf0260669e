# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex01")
task = exercises.setup("ex01", lab)
task
# %% [markdown]
# ## Look first
# Try both directions by name, then read who knows whose name.

# %%
print(lab.ping("e1-web", "e1-db"))
print(lab.ping("e1-db", "e1-web"))
print(lab.read_file("e1-web", "/etc/hosts"))

# %% [markdown]
# ## Your change

# %%
### BEGIN SOLUTION
lab.run("e1-web", links=["e1-db"])
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex01", lab)
