# %%
from dockerlab import display, exercises
from dockerlab.lab import Lab

lab = Lab("ex01")
task = exercises.setup("ex01", lab)
task
# %% [markdown]
# ## Look first
# Try both directions by name, then read who knows whose name.
# %% [markdown] lang=zh-CN
# ## 先观察
# 用容器名分别试试两个方向，再读一读 `e1-web` 的 `/etc/hosts`：谁记着谁的名字？

# %%
print(lab.ping("e1-web", "e1-db"))
print(lab.ping("e1-db", "e1-web"))
print(lab.read_file("e1-web", "/etc/hosts"))

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
lab.run("e1-web", links=["e1-db"])
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex01", lab)
