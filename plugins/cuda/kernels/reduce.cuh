// placeholder: reduce (written below)
