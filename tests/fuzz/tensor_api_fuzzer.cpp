// Fuzz target: the public tensor API, through a small program interpreter.
//
// A program works on six tensor registers. Its instructions make tensors (every dtype, 0-4 dims,
// sizes 0-5, extreme values, non-contiguous views, requires_grad), take views with extreme
// arguments (as_strided, slice, narrow, select, chunk, split, unbind, expand, permute, view),
// run backward, and - most of all - call any operator of ops.yaml through the boxed API with
// arguments built from its schema: registers (also as out= and in-place targets, so outputs alias
// inputs), extreme integers, floats and scalars, int lists, dtypes, strings, None. That covers
// broadcasting, reductions with dims, indexing, matmul, conv, factories and in-place ops.
//
// Every call must succeed or throw a typed ember::Error. Every tensor a call returns must lie
// inside its storage; its elements are read, so a view that escapes its storage is caught by
// ASan. Work is bounded: an op is not called on a tensor with more than kMaxNumel elements
// (its result could be legitimately huge; that is slowness, not a bug).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/device_runtime.h"
#include "dispatcher/dispatcher.h"
#include "dispatcher/library.h"
#include "fuzz_support.h"
#include "tensor_values.h"

namespace {

using ember::IValue;
using ember::Tensor;
using ember_fuzz::FuzzInput;

constexpr size_t kRegisters = 6;
constexpr int kMaxInstructions = 12;
constexpr int64_t kMaxNumel = 4096;

struct Machine {
  FuzzInput& in;
  std::vector<Tensor> regs;

  Tensor& reg() { return regs[in.below(kRegisters)]; }
};

// The operators, by name (a stable order: the program's op numbers mean the same in every run).
const std::vector<ember::OperatorHandle>& operators() {
  static const std::vector<ember::OperatorHandle>* ops = [] {
    auto* v = new std::vector<ember::OperatorHandle>(ember::Dispatcher::singleton().all_operators());
    std::sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a.name() < b.name(); });
    return v;
  }();
  return *ops;
}

// A non-empty tensor's elements all lie in its storage; reading each one lets ASan check it.
void check_tensor(const Tensor& t) {
  if (!t.defined() || !t.is_cpu()) return;
  if (t.numel() == 0) return;
  int64_t max_index = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) max_index += (t.size(d) - 1) * t.stride(d);
  ember_fuzz::require(t.stride(0) >= 0 || t.dim() == 0, "non-negative strides");
  ember_fuzz::require((max_index + 1) * static_cast<int64_t>(t.element_size()) <=
                          static_cast<int64_t>(t.impl()->storage()->nbytes()),
                      "a tensor lies inside its storage");
  if (t.numel() > kMaxNumel) return;
  const char* base = static_cast<const char*>(t.impl()->storage()->data()) + t.storage_offset() * t.element_size();
  std::vector<int64_t> index(static_cast<size_t>(t.dim()), 0);
  volatile char sink = 0;
  for (int64_t n = 0; n < t.numel(); ++n) {
    int64_t offset = 0;
    for (int64_t d = 0; d < t.dim(); ++d) offset += index[static_cast<size_t>(d)] * t.stride(d);
    sink = sink ^ base[offset * static_cast<int64_t>(t.element_size())];
    for (int64_t d = t.dim() - 1; d >= 0; --d) {
      if (++index[static_cast<size_t>(d)] < t.size(d)) break;
      index[static_cast<size_t>(d)] = 0;
    }
  }
}

bool too_big(const Tensor& t) { return t.defined() && t.numel() > kMaxNumel; }

// EMBER_FUZZ_TRACE=1 prints each call with its arguments' geometry, to turn a crash input into a
// regression test.
bool tracing() {
  static const bool on = std::getenv("EMBER_FUZZ_TRACE") != nullptr;
  return on;
}
void trace_value(const IValue& v) {
  if (v.is_tensor()) {
    const Tensor& t = v.to_tensor();
    std::cerr << "Tensor(" << t.scalar_type() << ", sizes " << t.sizes() << ", strides " << t.strides() << ", offset "
              << t.storage_offset() << ", storage " << t.impl()->storage() << " of " << t.impl()->storage()->nbytes() << " bytes)";
  } else if (v.is_tensor_list()) {
    std::cerr << "[";
    for (const Tensor& t : v.to_tensor_list()) trace_value(IValue(t)), std::cerr << " ";
    std::cerr << "]";
  } else {
    std::cerr << v;
  }
}

// One argument of a schema type, from the input and the registers. Returns false when the call
// should be skipped (a tensor argument is too big to work on).
bool build_argument(Machine& m, const ember::Argument& arg, IValue& out) {
  FuzzInput& in = m.in;
  const ember::SchemaType& t = arg.type;
  if (t.optional && in.byte() % 3 == 0) {
    out = IValue();
    return true;
  }
  using ember::BaseType;
  if (t.is_list) {
    size_t n = t.list_size >= 0 && in.byte() % 4 != 0 ? static_cast<size_t>(t.list_size) : in.byte() % 5;
    switch (t.base) {
      case BaseType::Tensor: {
        std::vector<Tensor> list;
        for (size_t i = 0; i < n; ++i) {
          list.push_back(m.reg());
          if (too_big(list.back()) || !list.back().defined()) return false;
        }
        out = IValue(std::move(list));
        return true;
      }
      case BaseType::Float: {
        std::vector<double> list(n);
        for (auto& v : list) v = ember_fuzz::any_double(in);
        out = IValue(std::move(list));
        return true;
      }
      case BaseType::Bool: {
        std::vector<bool> list(n);
        for (size_t i = 0; i < n; ++i) list[i] = in.flag();
        out = IValue(std::move(list));
        return true;
      }
      default: {
        std::vector<int64_t> list(n);
        for (auto& v : list) v = ember_fuzz::small_int(in);
        out = IValue(std::move(list));
        return true;
      }
    }
  }
  switch (t.base) {
    case BaseType::Tensor: {
      if (arg.is_out() && in.flag()) {  // a fresh out= tensor of any dtype, to be resized
        out = IValue(ember::empty({in.byte() % 3}, ember::TensorOptions(ember_fuzz::any_dtype(in))));
        return true;
      }
      Tensor r = m.reg();
      if (too_big(r)) return false;
      out = r.defined() ? IValue(r) : IValue();
      return true;
    }
    case BaseType::Int: out = IValue(ember_fuzz::small_int(in)); return true;
    case BaseType::Float: out = IValue(ember_fuzz::any_double(in)); return true;
    case BaseType::Bool: out = IValue(in.flag()); return true;
    case BaseType::Str: out = IValue(std::string(in.pick(ember_fuzz::kStrings))); return true;
    case BaseType::Scalar: out = IValue(ember_fuzz::any_scalar(in)); return true;
    case BaseType::ScalarType: out = IValue(static_cast<int64_t>(in.byte() % 12) - 1); return true;
    case BaseType::Layout: out = IValue(static_cast<int64_t>(in.byte() % 3)); return true;
    case BaseType::MemoryFormat: out = IValue(static_cast<int64_t>(in.byte() % 6) - 1); return true;
    case BaseType::Device: out = IValue(ember::Device("cpu")); return true;
    case BaseType::Generator: out = IValue(ember::Generator(in.u64())); return true;
    default: return false;  // script-only types (Any, NoneType, type variables, ...): not fuzzed
  }
}

// Calls one operator with fuzzed arguments; its tensor results replace registers.
void call_operator(Machine& m) {
  const auto& ops = operators();
  const ember::OperatorHandle& op = ops[m.in.below(ops.size())];
  ember::Stack args;
  for (const ember::Argument& a : op.schema().arguments()) {
    args.emplace_back();
    if (!build_argument(m, a, args.back())) return;
  }
  if (tracing()) {
    std::cerr << op.name() << "(";
    for (const IValue& a : args) trace_value(a), std::cerr << ", ";
    std::cerr << ")\n";
  }
  ember_fuzz::expect_typed([&] {
    op.call_boxed(&args);
    for (IValue& r : args) {
      if (r.is_tensor()) {
        check_tensor(r.to_tensor());
        m.reg() = r.to_tensor();
      } else if (r.is_tensor_list()) {
        for (const Tensor& t : r.to_tensor_list()) check_tensor(t);
        if (!r.to_tensor_list().empty()) m.reg() = r.to_tensor_list().front();
      }
    }
  });
}

// The view ops with the most index arithmetic, with extreme arguments.
void take_view(Machine& m) {
  FuzzInput& in = m.in;
  Tensor self = m.reg();
  if (!self.defined() || too_big(self)) return;  // unbind/split of a huge expanded view is just slow
  std::vector<Tensor> results;
  ember_fuzz::expect_typed([&] {
    int64_t d = ember_fuzz::small_int(in);
    switch (in.byte() % 10) {
      case 0: {
        std::vector<int64_t> sizes(in.byte() % 5), strides(sizes.size());
        for (size_t i = 0; i < sizes.size(); ++i) {
          sizes[i] = ember_fuzz::small_int(in);
          strides[i] = ember_fuzz::small_int(in);
        }
        std::optional<int64_t> offset;
        if (in.flag()) offset = ember_fuzz::any_int(in);
        results.push_back(self.as_strided(sizes, strides, offset));
        break;
      }
      case 1: {
        std::optional<int64_t> start, end;
        if (in.flag()) start = ember_fuzz::any_int(in);
        if (in.flag()) end = ember_fuzz::any_int(in);
        results.push_back(self.slice(d, start, end, ember_fuzz::any_int(in)));
        break;
      }
      case 2: results.push_back(self.narrow(d, ember_fuzz::any_int(in), ember_fuzz::any_int(in))); break;
      case 3: results.push_back(self.select(d, ember_fuzz::any_int(in))); break;
      case 4: results = self.chunk(ember_fuzz::any_int(in), d); break;
      case 5: results = self.split(ember_fuzz::any_int(in), d); break;
      case 6: results = self.unbind(d); break;
      case 7: {
        std::vector<int64_t> sizes(in.byte() % 5);
        for (auto& s : sizes) s = ember_fuzz::small_int(in);
        results.push_back(in.flag() ? self.expand(sizes) : self.view(sizes));
        break;
      }
      case 8: results.push_back(self.unsqueeze(d).transpose(ember_fuzz::small_int(in), ember_fuzz::small_int(in))); break;
      default: {
        std::vector<int64_t> sizes(in.byte() % 5);
        for (auto& s : sizes) s = ember_fuzz::small_int(in);
        results = self.split_with_sizes(sizes, d);
      }
    }
    for (const Tensor& t : results) check_tensor(t);
  });
  if (!results.empty()) m.reg() = results[in.below(results.size())];
}

void backward(Machine& m) {
  Tensor t = m.reg();
  if (!t.defined() || !t.requires_grad() || too_big(t)) return;
  ember_fuzz::expect_typed([&] {
    t.sum().backward();
  });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ember::detail::ensure_runtime_initialized();
  (void)operators();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  Machine m{in, std::vector<Tensor>(kRegisters)};
  for (size_t r = 0; r < 3; ++r) m.regs[r] = ember_fuzz::any_tensor(in);
  for (int step = 0; step < kMaxInstructions && !in.empty(); ++step) {
    switch (in.byte() % 16) {
      case 0: m.reg() = ember_fuzz::any_tensor(in); break;
      case 1: case 2: take_view(m); break;
      case 3: backward(m); break;
      default: call_operator(m);
    }
  }
  return 0;
}
