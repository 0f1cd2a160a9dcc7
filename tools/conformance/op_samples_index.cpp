// Samples for joining and indexing (cat, index_select, gather, scatter, masked_fill), and for the
// two kernels every device needs first: fill_ and _copy_same_device_ (the latter from the
// sample dtype into every dtype, since its dtype mask is checked on the source only).
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

using Ints = std::vector<int64_t>;

void cat_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](const std::string& label, std::vector<Tensor> tensors, int64_t dim) {
    b.add(label, complete_arguments(s, {{"tensors", IValue(std::move(tensors))}, {"dim", IValue(dim)}, {"out", b.out()}}));
  };
  add("[2, 3] + [4, 3] dim 0", {b.tensor({2, 3}), b.tensor({4, 3})}, 0);
  add("[2, 3] + [2, 5] dim 1", {b.tensor({2, 3}), b.tensor({2, 5})}, 1);
  add("three, transposed and sliced, dim -1",
      {b.tensor({3, 2}), b.tensor({3, 4}, Values::Any, Layout::Transposed), b.tensor({3, 1}, Values::Any, Layout::Sliced)}, -1);
  add("legacy empty [0] skipped", {b.tensor({2, 3}), b.tensor({0}), b.tensor({1, 3})}, 0);
  add("zero size along dim: [2, 0] + [2, 3]", {b.tensor({2, 0}), b.tensor({2, 3})}, 1);
  add("large [129, 257] + [129, 3] dim 1", {b.tensor({129, 257}), b.tensor({129, 3})}, 1);
}

void index_select_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](const std::string& label, Tensor self, int64_t dim, Tensor index) {
    b.add(label, complete_arguments(s, {{"self", self}, {"dim", IValue(dim)}, {"index", index}, {"out", b.out()}}));
  };
  add("[5, 4] dim 0, index [6] with repeats", b.tensor({5, 4}), 0, b.indices({6}, 5));
  add("[5, 4] dim 1, int32 index", b.tensor({5, 4}), 1, b.indices({3}, 4, Layout::Contiguous, kInt32));
  add("transposed [4, 6] dim 0, sliced index", b.tensor({4, 6}, Values::Any, Layout::Transposed), 0,
      b.indices({5}, 4, Layout::Sliced));
  add("[3, 4, 2] dim -1, 0-d index", b.tensor({3, 4, 2}), -1, b.indices({}, 2));
  add("[5, 4] dim 0, empty index", b.tensor({5, 4}), 0, b.indices({0}, 5));
  add("0-d self", b.tensor({}), 0, b.indices({2}, 1));
}

void gather_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](const std::string& label, Tensor self, int64_t dim, Tensor index) {
    b.add(label, complete_arguments(s, {{"self", self}, {"dim", IValue(dim)}, {"index", index}, {"out", b.out()}}));
  };
  add("[4, 5] dim 1, index [4, 3]", b.tensor({4, 5}), 1, b.indices({4, 3}, 5));
  add("[4, 5] dim 0, index [6, 5]", b.tensor({4, 5}), 0, b.indices({6, 5}, 4));
  add("transposed [4, 5] dim 1, transposed index", b.tensor({4, 5}, Values::Any, Layout::Transposed), 1,
      b.indices({3, 4}, 5, Layout::Transposed));
  add("[2, 3, 4] dim -1, index [2, 3, 2]", b.tensor({2, 3, 4}), -1, b.indices({2, 3, 2}, 4));
  add("empty index [0, 5]", b.tensor({4, 5}), 0, b.indices({0, 5}, 4));
}

// scatter_.src, scatter_.value and scatter_add_: self is written in place.
void scatter_samples(const FunctionSchema& s, SampleBuilder& b) {
  const bool add_mode = s.name() == "scatter_add_";
  const bool value_mode = s.overload() == "value";
  if (add_mode) b.set_tolerance_scale(4);
  struct Case { std::string label; Shape self, index, src; int64_t dim; Layout layout; };
  const std::vector<Case> cases = {
      {"self [5, 4] dim 0, index [3, 4]", {5, 4}, {3, 4}, {3, 4}, 0, Layout::Contiguous},
      {"self [4, 6] dim 1, index [4, 3], src [4, 5]", {4, 6}, {4, 3}, {4, 5}, 1, Layout::Contiguous},
      {"transposed self [5, 4] dim -1", {5, 4}, {5, 2}, {5, 2}, -1, Layout::Transposed},
      {"sliced self [3, 4, 5] dim 1", {3, 4, 5}, {3, 2, 5}, {3, 2, 5}, 1, Layout::Sliced},
      {"empty index", {4, 5}, {0, 5}, {0, 5}, 0, Layout::Contiguous},
  };
  for (const Case& c : cases) {
    const int64_t dim = c.dim < 0 ? c.dim + static_cast<int64_t>(c.self.size()) : c.dim;
    const int64_t high = c.self[static_cast<size_t>(dim)];
    // Repeated indices are well defined only when adding; scatter_ keeps one per line.
    Tensor index = add_mode ? b.indices(c.index, high) : b.unique_indices(c.index, dim, high);
    std::map<std::string, IValue> given{{"self", b.tensor(c.self, Values::Any, c.layout)}, {"dim", IValue(c.dim)}, {"index", index}};
    if (value_mode) given["value"] = b.scalar(2.5, 7);
    else given["src"] = b.tensor(c.src);
    b.add(c.label, complete_arguments(s, given));
  }
}

void masked_fill_samples(const FunctionSchema& s, SampleBuilder& b) {
  auto add = [&](const std::string& label, Tensor self, Tensor mask) {
    b.add(label, complete_arguments(s, {{"self", self}, {"mask", mask}, {"value", b.scalar(-2.5, 7)}}));
  };
  add("[4, 5] mask [4, 5]", b.tensor({4, 5}), b.mask({4, 5}));
  add("mask broadcast [1, 5]", b.tensor({4, 5}), b.mask({1, 5}));
  add("transposed self, sliced mask", b.tensor({5, 4}, Values::Any, Layout::Transposed), b.mask({5, 4}, Layout::Sliced));
  add("0-d", b.tensor({}), b.mask({}));
  add("empty [0, 3]", b.tensor({0, 3}), b.mask({0, 3}));
  add("large [129, 257]", b.tensor({129, 257}), b.mask({129, 257}));
}

void fill_samples(const FunctionSchema& s, SampleBuilder& b) {
  struct Case { std::string label; Shape shape; Layout layout; };
  const std::vector<Case> cases = {
      {"[4, 5]", {4, 5}, Layout::Contiguous},      {"transposed [4, 5]", {4, 5}, Layout::Transposed},
      {"sliced [3, 6]", {3, 6}, Layout::Sliced},   {"0-d", {}, Layout::Contiguous},
      {"empty [0, 3]", {0, 3}, Layout::Contiguous}, {"large [129, 257]", {129, 257}, Layout::Contiguous},
  };
  for (const Case& c : cases)
    b.add(c.label, complete_arguments(s, {{"self", b.tensor(c.shape, Values::Any, c.layout)}, {"value", b.scalar(2.5, 7)}}));
  // A value of the other kind is converted as PyTorch's Scalar::to<T> does.
  const IValue other_kind = b.floating() ? IValue(int64_t{-3}) : IValue(2.75);
  b.add("[4, 5] value " + value_label(other_kind),
        complete_arguments(s, {{"self", b.tensor({4, 5})}, {"value", other_kind}}));
  b.add("[4, 5] value True", complete_arguments(s, {{"self", b.tensor({4, 5})}, {"value", IValue(true)}}));
}

void copy_samples(const FunctionSchema& s, SampleBuilder& b) {
  const ScalarType src = b.dtype();
  auto add = [&](const std::string& label, Tensor self, Tensor source) {
    b.add(label, complete_arguments(s, {{"self", self}, {"src", source}}));
  };
  for (int t = 0; t < kNumScalarTypes; ++t) {
    const ScalarType to = static_cast<ScalarType>(t);
    const std::string name = std::string("to ") + scalar_type_name(to);
    add(name + " [4, 5]", b.tensor_of(to, {4, 5}), b.tensor({4, 5}));
    add(name + " from transposed [4, 5]", b.tensor_of(to, {4, 5}), b.tensor({4, 5}, Values::Any, Layout::Transposed));
  }
  add("broadcast src [1, 5] -> [4, 5]", b.tensor({4, 5}), b.tensor({1, 5}));
  add("sliced self, expanded src", b.tensor({3, 6}, Values::Any, Layout::Sliced), b.tensor({3, 6}, Values::Any, Layout::Expanded));
  add("0-d", b.tensor({}), b.tensor({}));
  add("empty [0, 3]", b.tensor({0, 3}), b.tensor({0, 3}));
  add("large [129, 257]", b.tensor({129, 257}), b.tensor({129, 257}));
  add("large, transposed src [129, 257]", b.tensor({129, 257}), b.tensor({129, 257}, Values::Any, Layout::Transposed));
  Tensor same = b.tensor_of(src, {4, 5});
  add("self is src", same, same);
}

}  // namespace

void register_index_samples(SampleRegistry& r) {
  r["cat.out"] = &cat_samples;
  r["index_select.out"] = &index_select_samples;
  r["gather.out"] = &gather_samples;
  r["scatter_.src"] = &scatter_samples;
  r["scatter_.value"] = &scatter_samples;
  r["scatter_add_"] = &scatter_samples;
  r["masked_fill_.Scalar"] = &masked_fill_samples;
  r["fill_.Scalar"] = &fill_samples;
  r["_copy_same_device_"] = &copy_samples;
}

}  // namespace conformance
}  // namespace ember
