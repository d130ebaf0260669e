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
# %% [markdown] lang=zh-CN
# ## 先观察
# 在容器里，`ip link` 会在 eth0 后面标出对端的编号：`44: eth0@if45` 表示这是 44 号接口，与别处的 45 号接口相连。e7-box 显示的是哪两个数字？

# %%
lab.exec("e7-box", "ip link")

# %% [markdown]
# ## Your answer
# Fill `answer` with the host-side veth name (as `ip link` on the host prints it, without `@ifN`), its
# bridge, and your evidence: the two names `ip link` prints for the pair, for example
# `"eth0@if45 inside, veth8eb364e@if44 on the host"` (with your own numbers).
# %% [markdown] lang=zh-CN
# ## 你的答案
# 在 `answer` 里填上宿主机一端的 veth 名字（按宿主机上 `ip link` 显示的写法，去掉 `@ifN`）、它所接的网桥，以及你的证据：`ip link` 为这一对接口显示的两个名字，例如 `"容器内 eth0@if45，宿主机上 veth8eb364e@if44"`（换成你自己的编号）。

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
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex07", lab, answer=answer)
