// nn::utils: gradient clipping, parameter/vector conversion, and packed sequences (utils::rnn).
#pragma once

#include "nn/utils/clip_grad.h"
#include "nn/utils/rnn.h"
