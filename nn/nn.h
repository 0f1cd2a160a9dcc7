// The C++ frontend: modules, holders, options, init, functional, losses, state dicts and
// optimizers. Included by <ember/ember.h>; see docs/NN.md.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional.h"
#include "nn/init.h"
#include "nn/module.h"
#include "nn/module_holder.h"
#include "nn/modules/activation.h"
#include "nn/modules/container.h"
#include "nn/modules/conv.h"
#include "nn/modules/embedding.h"
#include "nn/modules/linear.h"
#include "nn/modules/loss.h"
#include "nn/modules/normalization.h"
#include "nn/modules/pooling.h"
#include "nn/options.h"
#include "nn/ordered_dict.h"
#include "nn/serialize.h"
#include "nn/optim/optim.h"
