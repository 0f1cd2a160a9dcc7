// placeholder: batch_norm (written below)
