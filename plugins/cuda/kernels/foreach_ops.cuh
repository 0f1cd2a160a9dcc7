// placeholder: foreach_ops (written below)
