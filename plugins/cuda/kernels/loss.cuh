// placeholder: loss (written below)
