// gradcheck for every differentiable operator, driven by ops.yaml: the ops whose OpInfo says
// autograd == "formula" (their own `derivatives:` or those their structured group shares, in-place
// forms included) are enumerated at start-up, so a new op with derivatives is checked without
// anyone listing it, and fails here until grad_samples.h has samples for it.
//
// Each sample runs twice, as given and with every tensor argument made non-contiguous (same
// values, transposed or strided storage); each run checks first derivatives with gradcheck and
// second derivatives with gradgradcheck, for every floating tensor argument that the formulas do
// not mark non_differentiable. Second derivatives that reach an op without derivatives (the
// backward ops of nn ops, mostly) make that test a skip that names the op. In-place ops run on a clone of self, so the in-place kernel is the
// one under test.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "autograd/gradcheck.h"
#include "core/device_runtime.h"
#include "core/runtime_hook.h"
#include "dispatcher/default_value.h"
#include "generated/op_info.h"
#include "grad_samples.h"

namespace ember_test {
namespace {

using namespace ember;
using grad_samples::GradSample;

std::vector<std::string> differentiable_ops() {
  std::vector<std::string> names;
  for (size_t i = 0; i < num_op_infos(); ++i)
    if (std::string(op_infos()[i].autograd) == "formula") names.push_back(op_infos()[i].name);
  return names;
}

const OpInfo& info_of(const std::string& name) {
  for (size_t i = 0; i < num_op_infos(); ++i)
    if (name == op_infos()[i].name) return op_infos()[i];
  throw std::runtime_error("no op info for " + name);
}

// Arguments the formulas mark non_differentiable (from the op, or the op that owns its formulas).
std::set<std::string> non_differentiable_args(const OpInfo& info) {
  std::string text = info.derivatives;
  if (text.empty()) {
    for (size_t i = 0; i < num_op_infos(); ++i) {
      const OpInfo& o = op_infos()[i];
      if (std::string(o.backward_name) == info.backward_name && *o.derivatives) text = o.derivatives;
    }
  }
  std::set<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("; ", start);
    if (end == std::string::npos) end = text.size();
    std::string entry = text.substr(start, end - start);
    size_t colon = entry.find(": ");
    if (colon != std::string::npos && entry.substr(colon + 2) == "non_differentiable") out.insert(entry.substr(0, colon));
    start = end + 2;
  }
  return out;
}

// The device the samples run on: cpu, or EMBER_TEST_DEVICE (e.g. cuda, for the CUDA plugin's
// gradcheck on the device machine).
Device test_device() {
  const char* d = std::getenv("EMBER_TEST_DEVICE");
  return Device(d && *d ? d : "cpu");
}

// Same values, non-contiguous memory.
Tensor non_contiguous(const Tensor& t) {
  if (t.dim() >= 2) return t.transpose(0, 1).contiguous().transpose(0, 1);
  if (t.dim() == 1 && t.numel() >= 2) return ember::stack({t, t}, 1).select(1, 0);
  return t.clone();
}

// One prepared call: the boxed arguments, and where the differentiable tensors go.
struct PreparedCall {
  Stack args;
  struct Slot {
    size_t arg;
    int element;  // -1 for a Tensor argument, else the index in a Tensor[] argument
  };
  std::vector<Slot> slots;
  std::vector<Tensor> inputs;  // leaves that require grad, parallel to slots
};

PreparedCall prepare(const FunctionSchema& s, const GradSample& sample, bool make_non_contiguous,
                     const std::set<std::string>& non_differentiable) {
  NoGradGuard no_grad;
  PreparedCall call;
  const Device device = test_device();
  auto fresh = [&](const Tensor& t) {
    const Tensor on = t.to(device);
    return make_non_contiguous ? non_contiguous(on) : on.clone();
  };
  for (size_t i = 0; i < s.arguments().size(); ++i) {
    const Argument& a = s.arguments()[i];
    auto it = sample.args.find(a.name);
    IValue v = it != sample.args.end() ? it->second : a.default_text ? default_value(a) : IValue();
    bool differentiable = !non_differentiable.count(a.name);
    if (v.is_tensor()) {
      Tensor t = fresh(v.to_tensor());
      if (differentiable && t.is_floating_point()) {
        t.requires_grad_();
        call.slots.push_back({i, -1});
        call.inputs.push_back(t);
      }
      v = IValue(t);
    } else if (v.is_tensor_list()) {
      std::vector<Tensor> list;
      for (const Tensor& e : v.to_tensor_list()) {
        Tensor t = fresh(e);
        if (differentiable && t.is_floating_point()) {
          t.requires_grad_();
          call.slots.push_back({i, static_cast<int>(list.size())});
          call.inputs.push_back(t);
        }
        list.push_back(t);
      }
      v = IValue(list);
    }
    call.args.push_back(v);
  }
  return call;
}

struct OpUnderTest {
  OperatorHandle op;
  bool inplace = false;
  bool seeded = false;
  int self_index = -1;
};

std::vector<Tensor> run(const OpUnderTest& o, const PreparedCall& call, const std::vector<Tensor>& xs,
                        const std::vector<size_t>& wanted) {
  Stack st = call.args;
  for (size_t k = 0; k < call.slots.size(); ++k) {
    const auto& slot = call.slots[k];
    if (slot.element < 0) {
      st[slot.arg] = IValue(xs[k]);
    } else {
      std::vector<Tensor> list = st[slot.arg].to_tensor_list();
      list[static_cast<size_t>(slot.element)] = xs[k];
      st[slot.arg] = IValue(list);
    }
  }
  if (o.inplace) st[static_cast<size_t>(o.self_index)] = IValue(st[static_cast<size_t>(o.self_index)].to_tensor().clone());
  if (o.seeded) manual_seed(7);
  o.op.call_boxed(&st);
  std::vector<Tensor> outs;
  for (size_t j = 0; j < st.size(); ++j) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), j) == wanted.end()) continue;
    if (st[j].is_tensor()) outs.push_back(st[j].to_tensor());
  }
  return outs;
}

class GradcheckAllOps : public ::testing::TestWithParam<std::string> {};

void check_op(const std::string& name, bool second_order) {
  if (const char* d = std::getenv("EMBER_TEST_DEVICE"); d && *d) {
    detail::ensure_runtime_initialized();
    const DeviceTypeId t = find_device_type(d);
    if (t == kInvalidDeviceType || device_type_info(t).device_count == 0)
      GTEST_SKIP() << "EMBER_TEST_DEVICE=" << d << " is not available here";
  }
  const OpInfo& info = info_of(name);
  std::string short_name = name.substr(name.find("::") + 2);
  std::vector<GradSample> samples = grad_samples::samples_for(short_name);
  ASSERT_FALSE(samples.empty()) << short_name << " has derivatives but no samples in tests/autograd/grad_samples.h";
  OpUnderTest o;
  o.op = Dispatcher::singleton().find_or_throw(name);
  const FunctionSchema& s = o.op.schema();
  int self = s.argument_index("self");
  o.inplace = self >= 0 && !s.is_out() && s.arguments()[static_cast<size_t>(self)].alias &&
              s.arguments()[static_cast<size_t>(self)].alias->is_write;
  o.self_index = self;
  o.seeded = std::string(info.tags).find("nondeterministic_seeded") != std::string::npos;
  bool borrowed = o.inplace && !grad_samples::table().count(short_name);  // functional op's samples
  std::set<std::string> non_differentiable = non_differentiable_args(info);
  int ran = 0;
  std::string not_implemented;
  for (const GradSample& sample : samples) {
    for (bool nc : {false, true}) {
      std::string label = short_name + " [" + sample.label + (nc ? ", non-contiguous" : "") + "]";
      SCOPED_TRACE(label);
      PreparedCall call = prepare(s, sample, nc, non_differentiable);
      if (call.inputs.empty()) continue;
      auto fn = [&](const std::vector<Tensor>& xs) { return run(o, call, xs, sample.outputs); };
      try {
        NoGradGuard no_grad;
        fn(call.inputs);
      } catch (const std::exception& e) {
        // In-place forms cannot broadcast self; views of non-contiguous inputs may not exist.
        if (nc || borrowed) continue;
        ADD_FAILURE() << label << " raised: " << e.what();
        continue;
      }
      ++ran;
      autograd::GradcheckResult r;
      try {
        r = second_order ? autograd::gradgradcheck(fn, call.inputs) : autograd::gradcheck(fn, call.inputs);
      } catch (const NotImplementedError& e) {
        // Double backward through an op whose backward op has no derivatives yet (relu's
        // threshold_backward, ...): reported as a skip, not hidden.
        if (!second_order || std::string(e.what()).find("the derivative for") == std::string::npos) throw;
        not_implemented = e.what();
        continue;
      }
      EXPECT_TRUE(r.ok) << label << ": " << r.message;
    }
  }
  EXPECT_GT(ran, 0) << short_name << ": every sample was skipped";
  if (!not_implemented.empty()) GTEST_SKIP() << short_name << ": no double backward: " << not_implemented;
}

TEST_P(GradcheckAllOps, FirstDerivatives) { check_op(GetParam(), false); }
TEST_P(GradcheckAllOps, SecondDerivatives) { check_op(GetParam(), true); }

std::string test_name(const ::testing::TestParamInfo<std::string>& p) {
  std::string n = p.param.substr(p.param.find("::") + 2);
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Ops, GradcheckAllOps, ::testing::ValuesIn(differentiable_ops()), test_name);

TEST(GradcheckAllOpsCoverage, EveryDifferentiableOpHasSamples) {
  std::string missing;
  for (const std::string& name : differentiable_ops()) {
    std::string short_name = name.substr(name.find("::") + 2);
    if (grad_samples::samples_for(short_name).empty()) missing += "\n  " + short_name;
  }
  EXPECT_TRUE(missing.empty()) << "ops with derivatives but no gradcheck samples (tests/autograd/grad_samples.h):"
                               << missing;
  EXPECT_GT(differentiable_ops().size(), 70u);
}

}  // namespace
}  // namespace ember_test
