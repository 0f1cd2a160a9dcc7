// Optimizers and learning-rate schedulers (ember::optim), as torch::optim. See docs/NN.md.
#pragma once

#include "nn/optim/adagrad.h"
#include "nn/optim/adam.h"
#include "nn/optim/lbfgs.h"
#include "nn/optim/lr_scheduler.h"
#include "nn/optim/optimizer.h"
#include "nn/optim/rmsprop.h"
#include "nn/optim/sgd.h"
