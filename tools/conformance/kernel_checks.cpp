// Tier 3: plugin kernels against the CPU reference (see kernel_checks.h).
#include "tools/conformance/kernel_checks.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "ops/backend/kernel_call.h"
#include "core/generator.h"
#include "tools/conformance/host_values.h"
#include "tools/conformance/op_samples.h"

namespace ember {
namespace conformance {
namespace {

const char* short_dtype_name(ScalarType t) {
  static const char* names[] = {"bool", "u8", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"};
  int i = static_cast<int>(t);
  return i >= 0 && i < kNumScalarTypes ? names[i] : "?";
}

std::string op_name(const FunctionSchema& s) { return s.ns() == "aten" ? s.name_with_overload() : s.full_name(); }

struct CaseResult {
  enum Kind { Passed, Failed, Skipped } kind = Passed;
  std::string message;
  double max_error = 0;
};

// Copies the arguments to a device (or widened to the reference dtypes), keeping layouts.
std::vector<IValue> mirror_args(const FunctionSchema& schema, const std::vector<IValue>& args, Device device, bool widen) {
  TensorMirror mirror(device, widen);
  std::vector<IValue> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_dtype_arg = i < schema.arguments().size() && schema.arguments()[i].type.base == BaseType::ScalarType;
    out.push_back(mirror.mirror(args[i], is_dtype_arg));
  }
  return out;
}

void call(const OperatorHandle& op, std::vector<IValue> args) {
  Stack stack(std::move(args));
  op.call_boxed(&stack);
}

// Compares every tensor argument after the call (written ones, and inputs a kernel must leave
// alone or updates on the side, like batch norm's running statistics).
CaseResult compare_arguments(const FunctionSchema& schema, const std::vector<IValue>& actual,
                             const std::vector<IValue>& expected, double tolerance_scale) {
  CaseResult r;
  for (size_t i = 0; i < actual.size(); ++i) {
    const std::string name = i < schema.arguments().size() ? schema.arguments()[i].name : "arg" + std::to_string(i);
    std::vector<Tensor> a, e;
    if (actual[i].is_tensor()) {
      a.push_back(actual[i].to_tensor());
      e.push_back(expected[i].to_tensor());
    } else if (actual[i].is_tensor_list()) {
      a = actual[i].to_tensor_list();
      e = expected[i].to_tensor_list();
    }
    for (size_t k = 0; k < a.size(); ++k) {
      Comparison c = compare_storages(fetch_to_host(a[k]), fetch_to_host(e[k]),
                                      a.size() > 1 ? name + "[" + std::to_string(k) + "]" : name, tolerance_scale);
      r.max_error = std::max(r.max_error, c.max_abs_error);
      if (!c.ok) {
        r.kind = CaseResult::Failed;
        r.message = c.mismatch;
        return r;
      }
    }
  }
  return r;
}

CaseResult run_value_case(const PluginKernel& k, const OpSample& sample, double tolerance_scale) {
  const FunctionSchema& schema = k.op.schema();
  const Device device(k.device, 0);
  const bool on_cpu = device.is_cpu();
  CaseResult r;
  std::vector<IValue> reference = mirror_args(schema, sample.args, Device("cpu"), /*widen=*/on_cpu);
  try {
    call(k.op, reference);
  } catch (const std::exception& e) {
    r.kind = CaseResult::Skipped;
    r.message = std::string("the reference rejects this sample: ") + e.what();
    return r;
  }
  std::vector<IValue> actual = mirror_args(schema, sample.args, device, false);
  try {
    call(k.op, actual);
  } catch (const std::exception& e) {
    r.kind = CaseResult::Failed;
    r.message = std::string("raised: ") + e.what();
    return r;
  }
  return compare_arguments(schema, actual, reference, tolerance_scale);
}

// Random ops: the same seed twice must give the same values; the values must follow the
// sample's distribution; storage outside the written view must be left alone.
CaseResult run_random_case(const PluginKernel& k, const OpSample& sample) {
  const FunctionSchema& schema = k.op.schema();
  const Device device(k.device, 0);
  int generator_index = -1, written_index = -1;
  for (size_t i = 0; i < schema.arguments().size(); ++i) {
    const Argument& a = schema.arguments()[i];
    if (a.type.base == BaseType::Generator) generator_index = static_cast<int>(i);
    if (written_index < 0 && a.alias && a.alias->is_write) written_index = static_cast<int>(i);
  }
  CaseResult r;
  if (generator_index < 0 || written_index < 0) {
    r.kind = CaseResult::Skipped;
    r.message = "a random sample needs a Generator argument and a written tensor";
    return r;
  }
  HostTensor runs[2];
  for (HostTensor& run : runs) {
    std::vector<IValue> args = mirror_args(schema, sample.args, device, false);
    args[static_cast<size_t>(generator_index)] = IValue(Generator(kSampleSeed));
    try {
      call(k.op, args);
    } catch (const std::exception& e) {
      r.kind = CaseResult::Failed;
      r.message = std::string("raised: ") + e.what();
      return r;
    }
    run = fetch_to_host(args[static_cast<size_t>(written_index)].to_tensor());
  }
  Comparison same = compare_storages(runs[1], runs[0], "second run with the same seed");
  if (!same.ok || same.max_abs_error != 0) {
    r.kind = CaseResult::Failed;
    r.message = "not deterministic: " + (same.ok ? "values differ" : same.mismatch);
    return r;
  }
  // Storage elements outside the view keep the sample's values.
  const HostTensor original = fetch_to_host(sample.args[static_cast<size_t>(written_index)].to_tensor());
  std::vector<bool> in_view(static_cast<size_t>(original.storage_elements()), false);
  {
    std::vector<int64_t> index(original.sizes.size(), 0);
    for (int64_t i = 0; i < original.numel(); ++i) {
      int64_t e = original.offset;
      for (size_t d = 0; d < index.size(); ++d) e += index[d] * original.strides[d];
      in_view[static_cast<size_t>(e)] = true;
      for (size_t d = index.size(); d-- > 0;) {
        if (++index[d] < original.sizes[d]) break;
        index[d] = 0;
      }
    }
  }
  for (int64_t i = 0; i < original.storage_elements(); ++i) {
    if (in_view[static_cast<size_t>(i)] || runs[0].storage_value(i) == original.storage_value(i)) continue;
    r.kind = CaseResult::Failed;
    r.message = "wrote storage element " + std::to_string(i) + ", outside the view";
    return r;
  }
  const std::vector<double> values = runs[0].values();
  std::string off = check_moments(*sample.distribution, moments_of(values), static_cast<int64_t>(values.size()), runs[0].dtype);
  if (!off.empty()) {
    r.kind = CaseResult::Failed;
    r.message = "distribution: " + off;
  }
  return r;
}

}  // namespace

std::string dtype_mask_text(uint32_t mask) {
  if (mask == EMBER_DTYPES_ALL) return "all";
  if (mask == (EMBER_DTYPES_ALL & ~EMBER_DTYPE_BIT(EMBER_DTYPE_BOOL))) return "all but bool";
  std::string s;
  for (int d = 0; d < kNumScalarTypes; ++d)
    if ((mask >> d) & 1u) s += (s.empty() ? "" : ",") + std::string(short_dtype_name(static_cast<ScalarType>(d)));
  return s.empty() ? "none" : s;
}

std::vector<PluginKernel> find_plugin_kernels(const std::string& provider, DeviceTypeId device) {
  std::vector<PluginKernel> kernels;
  for (const OperatorHandle& op : Dispatcher::singleton().all_operators()) {
    const OperatorEntry* entry = op.entry();
    // A structured op's kernels live in its backend table; a plugin-defined op's in the dispatch
    // table, behind the boxed entry whose context is the plugin's BackendKernel.
    const BackendKernel* backend = nullptr;
    if (const structured::BackendOp* table = structured::find_backend_op(*entry)) {
      backend = table->own_kernel(device);
    } else {
      const KernelFunction& k = entry->lookup(DispatchKeySet::backend(device));
      if (k.boxed == &structured::backend_kernel_boxed_entry) backend = static_cast<const BackendKernel*>(k.boxed_ctx);
    }
    if (backend == nullptr || backend->provider == nullptr || provider != backend->provider) continue;
    kernels.push_back(PluginKernel{op, op_name(op.schema()), device, backend->dtypes});
  }
  std::sort(kernels.begin(), kernels.end(), [](const PluginKernel& a, const PluginKernel& b) { return a.name < b.name; });
  return kernels;
}

CheckResult check_kernel(const PluginKernel& k) {
  const auto start = std::chrono::steady_clock::now();
  CheckResult result;
  result.tier = "kernels";
  result.name = k.name;
  result.max_error = 0;
  uint32_t tested = 0;
  int skipped_cases = 0;
  std::string skip_reason;
  for (int d = 0; d < kNumScalarTypes; ++d) {
    if (((k.dtypes >> d) & 1u) == 0) continue;
    const ScalarType dtype = static_cast<ScalarType>(d);
    OpSampleSet set;
    try {
      set = samples_for(k.name, dtype);
    } catch (const std::exception& e) {
      result.details.push_back(std::string(short_dtype_name(dtype)) + ": making samples failed: " + e.what());
      continue;
    }
    if (set.samples.empty()) {
      if (skip_reason.empty()) skip_reason = set.skip_reason;
      continue;
    }
    tested |= 1u << d;
    for (const OpSample& sample : set.samples) {
      CaseResult c = sample.distribution ? run_random_case(k, sample) : run_value_case(k, sample, set.tolerance_scale);
      if (c.kind == CaseResult::Skipped) {
        ++skipped_cases;
        if (skip_reason.empty()) skip_reason = c.message;
        continue;
      }
      ++result.cases;
      result.max_error = std::max(result.max_error, c.max_error);
      if (c.kind == CaseResult::Failed)
        result.details.push_back(std::string(short_dtype_name(dtype)) + " '" + sample.label + "': " + c.message);
    }
  }
  // The dtypes tested; when none could be, the ones the kernel claims.
  result.dtypes = dtype_mask_text(tested ? tested : k.dtypes);
  if (!result.details.empty()) {
    result.outcome = Outcome::Fail;
    result.message = result.details.front();
    if (result.details.size() > 1) result.message += " (+" + std::to_string(result.details.size() - 1) + " more)";
  } else if (result.cases == 0) {
    result.outcome = Outcome::Skip;
    result.max_error = -1;
    result.message = skip_reason.empty() ? "no samples" : skip_reason;
  } else {
    result.outcome = Outcome::Pass;
    if (tested != k.dtypes) result.message = "untested dtypes: " + dtype_mask_text(k.dtypes & ~tested) + " (" + skip_reason + ")";
    else if (skipped_cases > 0) result.message = std::to_string(skipped_cases) + " sample(s) rejected by the core";
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace conformance
}  // namespace ember
