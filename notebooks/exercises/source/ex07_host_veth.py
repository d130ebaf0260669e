# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex07")
task = exercises.setup("ex07", lab)
task
# %% [markdown]
# ## Look first
# Inside the container, `ip link` names eth0 after its peer's index: `44: eth0@if45` is interface 44,
# tied to interface 45 somewhere else. Which numbers does e7-box show?

# %%
lab.exec("e7-box", "ip link")

# %% [markdown]
# ## Your answer
# Fill `answer` with the host-side veth name (as `ip link` on the host prints it, without `@ifN`), its
# bridge, and your evidence: the two names `ip link` prints for the pair, for example
# `"eth0@if45 inside, veth8eb364e@if44 on the host"` (with your own numbers).

# %%
answer = {"veth": None, "bridge": None, "evidence": None}
### BEGIN SOLUTION
import re

own, peer = re.search(r"(\d+): eth0@if(\d+)", lab.exec("e7-box", "ip link").output).groups()
host_line = next(line for line in lab.host_snapshot().splitlines() if line.startswith(f"{peer}: "))
veth, back = re.match(r"\d+: ([^@:]+)@if(\d+)", host_line).groups()
assert back == own, f"interface {peer} on the host does not point back at eth0 ({own})"
bridge = host_line.split(" master ")[1].split()[0]
evidence = f"eth0@if{peer} inside e7-box, {veth}@if{back} on the host"
answer = {"veth": veth, "bridge": bridge, "evidence": evidence}
### END SOLUTION

# %% [markdown]
# ## Check

# %%
exercises.check("ex07", lab, answer=answer)
