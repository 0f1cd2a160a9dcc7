// placeholder: index_ops (written below)
