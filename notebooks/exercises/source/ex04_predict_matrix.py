# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex04")
task = exercises.setup("ex04", lab)
task
# %% [markdown]
# ## Look first (but do not ping yet)
# Which networks is each container on?
# %% [markdown] lang=zh-CN
# ## 先观察（但先别 ping）
# 每个容器分别在哪些网络上？

# %%
lab.addresses()

# %% [markdown]
# ## Your prediction
# `prediction[("e4-a", "e4-b")] = True` means: e4-a reaches e4-b by name. Fill all 12 ordered pairs.
# %% [markdown] lang=zh-CN
# ## 你的预测
# `prediction[("e4-a", "e4-b")] = True` 表示：e4-a 能通过容器名访问到 e4-b。把全部 12 个有序对都填上。

# %%
prediction = {}  # (source, target) -> True or False
### BEGIN SOLUTION
names = ["e4-a", "e4-b", "e4-c", "e4-d"]
prediction = {(s, t): False for s in names for t in names if s != t}
for s, t in [("e4-a", "e4-b"), ("e4-b", "e4-c")]:
    prediction[(s, t)] = prediction[(t, s)] = True
### END SOLUTION

# %% [markdown]
# ## Check: the lab is measured and compared with your prediction
# %% [markdown] lang=zh-CN
# ## 检查：实测实验环境，并与你的预测逐一对比

# %%
exercises.check("ex04", lab, answer=prediction)
