// copy_ and the conversion family (_copy_same_device_, clone, contiguous, to, _to_copy) across all
// 100 dtype pairs: float -> int truncates toward zero, int -> narrower int wraps, anything -> bool
// is "non-zero", rounding to float16 / bfloat16; broadcasting sources, non-contiguous sources
// and destinations, version counters and shape errors.
#include <cmath>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

EMBER_TESTED_OPS("copy_", "_copy_same_device_", "clone", "contiguous", "to.dtype", "to.device", "to.dtype_layout",
                 "_to_copy");

// Source values of dtype src that convert to dst without undefined behaviour (no negative
// floats into uint8, floats in the range of every integer type).
std::vector<double> source_values(ScalarType src, ScalarType dst) {
  if (src == kBool) return {0, 1, 1, 0};
  if (src == kUInt8) return {0, 1, 3, 200};
  if (is_float(src)) return dst == kUInt8 ? std::vector<double>{0, 2.75, 1.5, 100.25} : std::vector<double>{0, -2.75, 1.5, 100.25};
  return {0, -1, 3, 100};
}

// The conversion PyTorch does: non-zero -> true; float -> integer truncates toward zero, then
// integers wrap into the destination; floating destinations round to nearest.
double convert(double v, ScalarType dst) {
  if (dst == kBool) return v != 0;
  if (!is_float(dst)) return round_to_dtype(dst, std::trunc(v));
  return round_to_dtype(dst, v);
}

TEST(Copy, EveryDtypePair) {
  for (ScalarType src : all_dtypes()) {
    for (ScalarType dst : all_dtypes()) {
      SCOPED_TRACE(dtype_str(src) + " -> " + dtype_str(dst));
      std::vector<double> v = source_values(src, dst);
      Tensor s = make1d(v, src);
      std::vector<double> sv = values(s);  // as stored in the source dtype
      std::vector<double> want;
      for (double x : sv) want.push_back(convert(x, dst));
      Tensor d = ember::empty({4}, dst);
      EXPECT_TRUE(d.copy_(s).is_same(d));
      EXPECT_TRUE(matches(d, {4}, dst, want));
      EXPECT_TRUE(matches(s.to(dst), {4}, dst, want));
      EXPECT_TRUE(matches(ember::_to_copy(s, dst), {4}, dst, want));
      Tensor d2 = ember::empty({4}, dst);
      ember::_copy_same_device_(d2, s);
      EXPECT_TRUE(matches(d2, {4}, dst, want));
    }
  }
}

TEST(Copy, PyTorchConversions) {
  // torch.tensor([-2.7, -0.5, 0., 0.5, 1.9, 3.]).to(int32) -> [-2, 0, 0, 0, 1, 3]
  Tensor f = make1d({-2.7, -0.5, 0, 0.5, 1.9, 3});
  EXPECT_TRUE(matches(f.to(kInt32), {6}, kInt32, {-2, 0, 0, 0, 1, 3}));
  // .to(bool): non-zero is True, so -0.5 and 0.5 are True; NaN is True.
  EXPECT_TRUE(matches(f.to(kBool), {6}, kBool, {1, 1, 0, 1, 1, 1}));
  EXPECT_TRUE(matches(make1d({NAN, 0}).to(kBool), {2}, kBool, {1, 0}));
  // int64 -> uint8 wraps: tensor([0, 1, -1, 256, -3]).to(uint8) -> [0, 1, 255, 0, 253]; -> bool.
  Tensor i = make1d({0, 1, -1, 256, -3}, kInt64);
  EXPECT_TRUE(matches(i.to(kUInt8), {5}, kUInt8, {0, 1, 255, 0, 253}));
  EXPECT_TRUE(matches(i.to(kBool), {5}, kBool, {0, 1, 1, 1, 1}));
  // float16 overflow and rounding: tensor([70000., 1e-8, 65504., 65520.]).to(float16) -> [inf, 0, 65504, inf]
  EXPECT_TRUE(matches(make1d({70000, 1e-8, 65504, 65520}).to(kFloat16), {4}, kFloat16, {INFINITY, 0, 65504, INFINITY}));
  // bfloat16: tensor([3.14159265, 1e39]) -> [3.1406, inf] (1e39 is already inf in float32).
  EXPECT_TRUE(matches(make1d({3.14159265, 3e38}, kFloat64).to(kBFloat16), {2}, kBFloat16, {3.140625, round_bf16(3e38)},
                      Tol{0, 0}));
  // float -> float16 rounds to nearest even: tensor([255.9]).to(float16) -> 255.875; 1.9 -> 1.9004
  EXPECT_TRUE(matches(make1d({255.9, 1.9}).to(kFloat16), {2}, kFloat16, {255.875, round_half(static_cast<float>(1.9))}, Tol{0, 0}));
  // bool -> float / int: 1 and 0.
  EXPECT_TRUE(matches(make1d({1, 0}, kBool).to(kFloat32), {2}, kFloat32, {1, 0}));
  EXPECT_TRUE(matches(make1d({1, 0}, kBool).to(kInt8), {2}, kInt8, {1, 0}));
}

TEST(Copy, BroadcastAndNonContiguous) {
  // A [3] source broadcast into a [2, 3] destination, with a dtype change.
  Tensor d = ember::empty({2, 3}, kFloat64);
  d.copy_(make1d({1, 2, 3}, kInt32));
  EXPECT_TRUE(matches(d, {2, 3}, kFloat64, {1, 2, 3, 1, 2, 3}));
  // A 0-d source fills everything.
  d.copy_(make({7}, {}));
  EXPECT_TRUE(all_close(d, {7, 7, 7, 7, 7, 7}));
  // Transposed source into a contiguous destination.
  Tensor src = make(iota(6), {2, 3});
  Tensor dt = ember::empty({3, 2});
  dt.copy_(src.t());
  EXPECT_TRUE(all_close(dt, {0, 3, 1, 4, 2, 5}));
  // Into a non-contiguous destination (a column view): writes reach the base only there.
  Tensor base = ember::zeros({3, 3});
  base.select(1, 1).copy_(make1d({1, 2, 3}));
  EXPECT_TRUE(all_close(base, {0, 1, 0, 0, 2, 0, 0, 3, 0}));
  // Into a stepped slice, from a stepped slice.
  Tensor a = ember::zeros({6});
  a.slice(0, 0, 6, 2).copy_(make(iota(6, 10), {6}).slice(0, 1, 6, 2));
  EXPECT_TRUE(all_close(a, {11, 0, 13, 0, 15, 0}));
  // Overlapping views of one storage: copying a tensor into itself is a no-op.
  Tensor same = make1d({1, 2, 3});
  same.copy_(same);
  EXPECT_TRUE(all_close(same, {1, 2, 3}));
  // Version counter.
  uint32_t v0 = base._version();
  base.copy_(ember::ones({3, 3}));
  EXPECT_GT(base._version(), v0);
  // Empty.
  Tensor e = ember::empty({0, 2});
  e.copy_(ember::empty({0, 2}, kInt64));
  EXPECT_EQ(e.numel(), 0);
  // PyTorch 1.13: "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"
  EXPECT_THROW_MSG(ember::empty({3}).copy_(make1d({1, 2})), ValueError,
                   "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0");
  EXPECT_THROW_MSG(ember::empty({3}).copy_(ember::ones({2, 3})), ValueError, "cannot be broadcast to");
}

TEST(Copy, CloneContiguousTo) {
  Tensor m = make(iota(6), {2, 3});
  Tensor t = m.t();
  // clone: new storage, same values and shape; writes do not reach the original.
  Tensor c = t.clone();
  EXPECT_TRUE(matches(c, {3, 2}, kFloat32, {0, 3, 1, 4, 2, 5}));
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_NE(c.data_ptr(), t.data_ptr());
  c.fill_(0);
  EXPECT_TRUE(all_close(m, iota(6)));
  EXPECT_TRUE(matches(ember::clone(make1d({1, 2}, kInt16)), {2}, kInt16, {1, 2}));
  // contiguous: the same tensor when already contiguous, else a copy.
  EXPECT_TRUE(m.contiguous().is_same(m));
  Tensor tc = t.contiguous();
  EXPECT_TRUE(tc.is_contiguous());
  EXPECT_FALSE(tc.is_same(t));
  EXPECT_TRUE(matches(tc, {3, 2}, kFloat32, {0, 3, 1, 4, 2, 5}));
  // to(): the same tensor when nothing changes (unless copy=true).
  EXPECT_TRUE(m.to(kFloat32).is_same(m));
  Tensor copied = m.to(kFloat32, false, true);
  EXPECT_FALSE(copied.is_same(m));
  EXPECT_NE(copied.data_ptr(), m.data_ptr());
  EXPECT_TRUE(all_close(copied, iota(6)));
  EXPECT_TRUE(matches(m.to(TensorOptions(kInt64)), {2, 3}, kInt64, iota(6)));
  EXPECT_TRUE(m.to(TensorOptions()).is_same(m));
  // to.device with the tensor's own device and a dtype.
  EXPECT_TRUE(matches(m.to(Device("cpu"), kFloat64), {2, 3}, kFloat64, iota(6)));
  EXPECT_TRUE(m.to(Device("cpu"), kFloat32).is_same(m));
  EXPECT_TRUE(matches(m.to(TensorOptions(kInt8).device(Device("cpu"))), {2, 3}, kInt8, iota(6)));
  // _to_copy always copies.
  Tensor tcopy = ember::_to_copy(m);
  EXPECT_FALSE(tcopy.is_same(m));
  EXPECT_TRUE(matches(tcopy, {2, 3}, kFloat32, iota(6)));
}

}  // namespace
}  // namespace ember_test
