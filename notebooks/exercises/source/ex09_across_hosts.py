# %%
from dockerlab import display, exercises
from dockerlab import ClusterLab
from dockerlab import Cluster

cluster = Cluster(echo=False)
cluster.up()  # the three hosts of chapter 08 (reused when they are up)
lab = ClusterLab("ex09", cluster)
task = exercises.setup("ex09", lab)
task
# %% [markdown]
# ## Look first
# %% [markdown] lang=zh-CN
# ## 先观察

# %%
display.matrix(lab.reachability("name"), "by name")

# %%
lab.addresses()

# %% [markdown]
# ## Your change
# %% [markdown] lang=zh-CN
# ## 你的修改

# %%
### BEGIN SOLUTION
lab.network("e9-ov", "10.197.9.0/24", driver="overlay")
lab.connect("e9-ov", "e9-web")
lab.connect("e9-ov", "e9-api")
### END SOLUTION

# %% [markdown]
# ## Check
# %% [markdown] lang=zh-CN
# ## 检查

# %%
exercises.check("ex09", lab)
