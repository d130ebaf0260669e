# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex07")
task = exercises.setup("ex07", lab)
task
# %% [markdown]
# ## Look first
# Inside the container, `ip link` names eth0 after its peer's index.

# %%
lab.exec("e7-box", "ip link")

# %% [markdown]
# ## Your answer
# Fill `answer` with the host-side veth name (as `ip link` on the host prints it, without `@ifN`) and its bridge.

# %%
answer = {"veth": None, "bridge": None}
### BEGIN SOLUTION
row = lab.interfaces().set_index("container").loc["e7-box"]
answer = {"veth": row["host_interface"], "bridge": row["bridge"]}
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex07", lab, answer=answer)
