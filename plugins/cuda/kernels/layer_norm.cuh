// placeholder: layer_norm (written below)
