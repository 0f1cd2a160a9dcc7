// The container modules: Sequential, ModuleList, ModuleDict, ParameterDict, ParameterList,
// Functional, and AnyModule / AnyValue that Sequential is built on. See each header.
#pragma once

#include "nn/modules/container/any_module.h"
#include "nn/modules/container/any_value.h"
#include "nn/modules/container/functional.h"
#include "nn/modules/container/modulelist.h"
#include "nn/modules/container/parameter_containers.h"
#include "nn/modules/container/sequential.h"
