#!/usr/bin/env python
# coding: utf-8

# In[1]:


import numpy as np
get_ipython().run_line_magic('matplotlib', 'inline')


# In[2]:


def relu(Z):
    A = np.maximum(0, Z)
    return A

relu(np.array([1.0, -1.0]))
