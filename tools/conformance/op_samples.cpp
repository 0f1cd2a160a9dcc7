// The sample registry: every family's sample functions by op name (see op_samples.h).
#include "tools/conformance/op_samples.h"

#include "core/error.h"
#include "dispatcher/default_value.h"
#include "dispatcher/dispatcher.h"
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

const SampleRegistry& registry() {
  static const SampleRegistry* r = [] {
    auto* table = new SampleRegistry();  // leaked: read until process exit
    register_pointwise_samples(*table);
    register_reduction_samples(*table);
    register_nn_samples(*table);
    register_nn_backward_samples(*table);
    register_index_samples(*table);
    register_optim_samples(*table);
    register_factory_samples(*table);
    return table;
  }();
  return *r;
}

// "aten::add.out" and "add.out" name the same op; the registry uses the short form for aten.
std::string registry_key(const FunctionSchema& schema) {
  return schema.ns() == "aten" ? schema.name_with_overload() : schema.full_name();
}

}  // namespace

std::vector<IValue> complete_arguments(const FunctionSchema& schema, const std::map<std::string, IValue>& given) {
  std::vector<IValue> args;
  for (const Argument& a : schema.arguments()) {
    auto it = given.find(a.name);
    if (it != given.end()) {
      args.push_back(it->second);
    } else if (a.default_text) {
      args.push_back(default_value(a));
    } else if (a.type.optional) {
      args.emplace_back();
    } else {
      EMBER_FAIL(ValueError, "[conformance] no sample value for argument '", a.name, "' of ", schema.full_name());
    }
  }
  return args;
}

OpSampleSet samples_for(const std::string& op, ScalarType dtype) {
  const FunctionSchema& schema = Dispatcher::singleton().find_or_throw(op).schema();
  auto it = registry().find(registry_key(schema));
  if (it == registry().end()) {
    OpSampleSet none;
    none.skip_reason = "no sample inputs for " + registry_key(schema) + " (tools/conformance/op_samples*.cpp)";
    return none;
  }
  SampleBuilder builder(registry_key(schema), dtype);
  it->second(schema, builder);
  OpSampleSet set = builder.take();
  if (set.samples.empty() && set.skip_reason.empty())
    set.skip_reason = std::string("no samples for dtype ") + scalar_type_name(dtype);
  return set;
}

bool has_samples(const std::string& op) {
  auto handle = Dispatcher::singleton().find(op);
  return handle && registry().count(registry_key(handle->schema())) != 0;
}

std::vector<std::string> ops_with_samples() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : registry()) names.push_back(name);
  return names;
}

}  // namespace conformance
}  // namespace ember
