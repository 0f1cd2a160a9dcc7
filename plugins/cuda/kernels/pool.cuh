// placeholder: pool (written below)
