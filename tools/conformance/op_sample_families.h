// The sample functions of each op family, registered by name into the table op_samples.cpp
// looks up. One file per family: op_samples_pointwise.cpp (generated from the schema for every
// `pointwise` backend op), op_samples_reduce.cpp, op_samples_nn.cpp, op_samples_index.cpp
// (indexing, fill, copy) and op_samples_factory.cpp (ranges and random ops).
//
// Internal to the sample library. The registry is filled once, under a function-local static,
// then only read.
#pragma once

#include <map>
#include <string>

#include "dispatcher/schema.h"
#include "tools/conformance/sample_tensors.h"

namespace ember {
namespace conformance {

// Adds the samples of one (op, dtype) to the builder, or calls builder.skip(reason).
using SampleFunction = void (*)(const FunctionSchema& schema, SampleBuilder& builder);

// op name with overload ("add.out") -> its sample function.
using SampleRegistry = std::map<std::string, SampleFunction>;

void register_pointwise_samples(SampleRegistry& registry);
void register_reduction_samples(SampleRegistry& registry);
void register_nn_samples(SampleRegistry& registry);
void register_nn_backward_samples(SampleRegistry& registry);  // op_samples_nn_backward.cpp
void register_index_samples(SampleRegistry& registry);
void register_factory_samples(SampleRegistry& registry);
void register_optim_samples(SampleRegistry& registry);  // op_samples_optim.cpp

// Fills every argument of schema from `given` (by name), else its default, else None for
// optional arguments; throws ValueError naming a required argument that has none.
std::vector<IValue> complete_arguments(const FunctionSchema& schema, const std::map<std::string, IValue>& given);

}  // namespace conformance
}  // namespace ember
