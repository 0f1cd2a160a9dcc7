// placeholder: softmax (written below)
