// The umbrella header of ember's C++ API: tensors, operators, the dispatcher's registration API,
// start-up and configuration, the C++ frontend (ember::nn, ember::optim) and distributed training
// (ember::distributed, ember::nn::parallel::DistributedDataParallel).
// `#include <ember/ember.h>` and link ember::ember.
#pragma once

#include "autograd/anomaly_mode.h"
#include "autograd/custom_function.h"
#include "autograd/function.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/not_implemented_fallback.h"
#include "core/device.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/generator.h"
#include "core/ivalue.h"
#include "core/scalar.h"
#include "core/tensor.h"
#include "data/data.h"
#include "dispatcher/dispatcher.h"
#include "dispatcher/library.h"
#include "distributed/distributed.h"
#include "generated/functions.h"
#include "nn/nn.h"
#include "nn/parallel/distributed.h"
#include "ops/accelerator.h"
#include "ops/creation.h"
#include "ops/indexing.h"
#include "ops/tensor_operators.h"
#include "registry/runtime.h"
