// Tensor printing compared with PyTorch 1.13's repr, character for character. Every expected
// string below is the output of repr(t) in PyTorch 1.13 for the same tensor (dtypes, 0-d, empty
// with size=, 3-D, negative numbers, scientific mode, integer-valued floats, nan/inf,
// summarization past 1000 elements, rows wrapped at 80 columns).
#include <cmath>
#include <functional>
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

struct ReprCase {
  std::function<Tensor()> make_tensor;
  const char* torch_repr;
};

// Generated with PyTorch 1.13: print(repr(t)) for each tensor.
const ReprCase kCases[] = {
  {[] { return make1d({1, 2, 3}, kInt64); },
   "tensor([1, 2, 3])"},
  {[] { return make1d({1.5, -2.25, 3}); },
   "tensor([ 1.5000, -2.2500,  3.0000])"},
  {[] { return make1d({1, 2, 3}); },
   "tensor([1., 2., 3.])"},
  {[] { return make1d({1, 0, 1}, kBool); },
   "tensor([ True, False,  True])"},
  {[] { return make1d({0.1, 0.25}, kFloat64); },
   "tensor([0.1000, 0.2500], dtype=torch.float64)"},
  {[] { return make1d({1.5, 2}, kFloat16); },
   "tensor([1.5000, 2.0000], dtype=torch.float16)"},
  {[] { return make1d({1.5, 2}, kBFloat16); },
   "tensor([1.5000, 2.0000], dtype=torch.bfloat16)"},
  {[] { return make1d({1, 2}, kInt32); },
   "tensor([1, 2], dtype=torch.int32)"},
  {[] { return make1d({200, 3}, kUInt8); },
   "tensor([200,   3], dtype=torch.uint8)"},
  {[] { return make1d({-5, 3}, kInt8); },
   "tensor([-5,  3], dtype=torch.int8)"},
  {[] { return make1d({-5, 300}, kInt16); },
   "tensor([ -5, 300], dtype=torch.int16)"},
  {[] { return make({3.5}, {}); },
   "tensor(3.5000)"},
  {[] { return make({7}, {}, kInt64); },
   "tensor(7)"},
  {[] { return make({1}, {}, kBool); },
   "tensor(True)"},
  {[] { return make({2.5}, {}, kFloat64); },
   "tensor(2.5000, dtype=torch.float64)"},
  {[] { return ember::empty({0}); },
   "tensor([])"},
  {[] { return ember::empty({0}, kInt64); },
   "tensor([], dtype=torch.int64)"},
  {[] { return ember::empty({2, 0}); },
   "tensor([], size=(2, 0))"},
  {[] { return ember::empty({0, 3}, kFloat64); },
   "tensor([], size=(0, 3), dtype=torch.float64)"},
  {[] { return make(iota(6, -2), {2, 3}); },
   "tensor([[-2., -1.,  0.],\n        [ 1.,  2.,  3.]])"},
  {[] { return make(iota(12), {2, 2, 3}, kInt64); },
   "tensor([[[ 0,  1,  2],\n         [ 3,  4,  5]],\n\n        [[ 6,  7,  8],\n         [ 9, 10, 11]]])"},
  {[] { return make({1e-5, 1, 1000}, {3}); },
   "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])"},
  {[] { return make({12345678, 0.5}, {2}); },
   "tensor([1.2346e+07, 5.0000e-01])"},
  {[] { return make({1e10, 1}, {2}); },
   "tensor([1.0000e+10, 1.0000e+00])"},
  {[] { return make({1e-8, 2e-8}, {2}); },
   "tensor([1.0000e-08, 2.0000e-08])"},
  {[] { return make({NAN, INFINITY, -INFINITY, 1.5}, {4}); },
   "tensor([   nan,    inf,   -inf, 1.5000])"},
  {[] { return make({NAN, 1, 2}, {3}); },
   "tensor([nan, 1., 2.])"},
  {[] { return make({-0.0, 0.0}, {2}); },
   "tensor([-0., 0.])"},
  {[] { return make({1000, 2000}, {2}); },
   "tensor([1000., 2000.])"},
  {[] { return make({123456789, 1}, {2}, kFloat64); },
   "tensor([1.2346e+08, 1.0000e+00], dtype=torch.float64)"},
  {[] { return make(iota(1001), {1001}); },
   "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])"},
  {[] { return make(iota(2000), {40, 50}, kInt64); },
   "tensor([[   0,    1,    2,  ...,   47,   48,   49],\n        [  50,   51,   52,  ...,   97,   98,   99],\n        [ 100,  101,  102,  ...,  147,  148,  149],\n        ...,\n        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])"},
  {[] { return make(iota(30, 0, 0.5), {30}); },
   "tensor([ 0.0000,  0.5000,  1.0000,  1.5000,  2.0000,  2.5000,  3.0000,  3.5000,\n         4.0000,  4.5000,  5.0000,  5.5000,  6.0000,  6.5000,  7.0000,  7.5000,\n         8.0000,  8.5000,  9.0000,  9.5000, 10.0000, 10.5000, 11.0000, 11.5000,\n        12.0000, 12.5000, 13.0000, 13.5000, 14.0000, 14.5000])"},
  {[] { return make(iota(40, 100000), {40}, kInt64); },
   "tensor([100000, 100001, 100002, 100003, 100004, 100005, 100006, 100007, 100008,\n        100009, 100010, 100011, 100012, 100013, 100014, 100015, 100016, 100017,\n        100018, 100019, 100020, 100021, 100022, 100023, 100024, 100025, 100026,\n        100027, 100028, 100029, 100030, 100031, 100032, 100033, 100034, 100035,\n        100036, 100037, 100038, 100039])"},
  {[] { return make(iota(8, -3), {2, 2, 2}); },
   "tensor([[[-3., -2.],\n         [-1.,  0.]],\n\n        [[ 1.,  2.],\n         [ 3.,  4.]]])"},
  {[] { return make(iota(4, 0, 0.1), {4}, kFloat64); },
   "tensor([0.0000, 0.1000, 0.2000, 0.3000], dtype=torch.float64)"},
  {[] { return make({1, 0, 0, 1}, {2, 2}, kBool); },
   "tensor([[ True, False],\n        [False,  True]])"},
  {[] { return make({0.001, 0.0001}, {2}); },
   "tensor([1.0000e-03, 1.0000e-04])"},
  {[] { return make({1.5, 2}, {1, 2}, kFloat16); },
   "tensor([[1.5000, 2.0000]], dtype=torch.float16)"},
  {[] { return make({0, 0}, {2}); },
   "tensor([0., 0.])"},
  {[] { return make({100, -1}, {2}); },
   "tensor([100.,  -1.])"},
  {[] { return make(iota(6), {3, 2}).t(); },
   "tensor([[0., 2., 4.],\n        [1., 3., 5.]])"},
  {[] { return make(iota(2002, -1001), {2002}, kInt64); },
   "tensor([-1001, -1000,  -999,  ...,   998,   999,  1000])"},
  {[] { return make(iota(1200, 0, 0.5), {3, 400}); },
   "tensor([[0.0000e+00, 5.0000e-01, 1.0000e+00,  ..., 1.9850e+02, 1.9900e+02,\n         1.9950e+02],\n        [2.0000e+02, 2.0050e+02, 2.0100e+02,  ..., 3.9850e+02, 3.9900e+02,\n         3.9950e+02],\n        [4.0000e+02, 4.0050e+02, 4.0100e+02,  ..., 5.9850e+02, 5.9900e+02,\n         5.9950e+02]])"},
  {[] { return make(iota(40, 0, 1.5), {2, 20}); },
   "tensor([[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n         12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n         24.0000, 25.5000, 27.0000, 28.5000],\n        [30.0000, 31.5000, 33.0000, 34.5000, 36.0000, 37.5000, 39.0000, 40.5000,\n         42.0000, 43.5000, 45.0000, 46.5000, 48.0000, 49.5000, 51.0000, 52.5000,\n         54.0000, 55.5000, 57.0000, 58.5000]])"},
  {[] { return make({1.23456, 100.5}, {2}); },
   "tensor([  1.2346, 100.5000])"},
  {[] { return make({-1.5, 2}, {2}, kFloat16); },
   "tensor([-1.5000,  2.0000], dtype=torch.float16)"},
  {[] { return make({3, 4}, {2}, kBFloat16); },
   "tensor([3., 4.], dtype=torch.bfloat16)"},
  {[] { return make({1e-3}, {}); },
   "tensor(0.0010)"},
  {[] { return make({1e9}, {}, kFloat64); },
   "tensor(1.0000e+09, dtype=torch.float64)"},
  {[] { return make({NAN}, {}); },
   "tensor(nan)"},
  {[] { return make({0, 0.5, -0.25}, {3}); },
   "tensor([ 0.0000,  0.5000, -0.2500])"},
  {[] { return make({-0.0, 1.5}, {2}); },
   "tensor([-0.0000, 1.5000])"},
  {[] { return make({INFINITY, 1e-5, 1}, {3}); },
   "tensor([       inf, 1.0000e-05, 1.0000e+00])"},
  {[] { return make({-INFINITY, 0, 5}, {3}); },
   "tensor([-inf, 0., 5.])"},
  {[] { return make({NAN, NAN}, {2}); },
   "tensor([nan, nan])"},
};

TEST(Printing, MatchesPyTorchRepr) {
  int i = 0;
  for (const ReprCase& c : kCases) {
    SCOPED_TRACE("case " + std::to_string(i++));
    Tensor t = c.make_tensor();
    EXPECT_EQ(t.toString(), c.torch_repr);
  }
  EXPECT_GE(i, 20);
}

TEST(Printing, StreamsAndUndefined) {
  std::ostringstream os;
  os << make1d({1, 2}, kInt64);
  EXPECT_EQ(os.str(), "tensor([1, 2])");
  EXPECT_EQ(Tensor().toString(), "[ Tensor (undefined) ]");
  // Printing does not change the tensor or its version.
  Tensor t = make(iota(6), {2, 3}).t();
  uint32_t v = t._version();
  (void)t.toString();
  EXPECT_EQ(t._version(), v);
  EXPECT_TRUE(all_close(t, {0, 3, 1, 4, 2, 5}));
}

TEST(Printing, DefaultDtypeIsNotShown) {
  // With torch.set_default_dtype(torch.float64), float64 tensors print without a dtype and
  // float32 ones with it: repr(torch.tensor([1.5], dtype=torch.float32)) ->
  // "tensor([1.5000], dtype=torch.float32)".
  ScalarType saved = default_dtype();
  set_default_dtype(kFloat64);
  EXPECT_EQ(make1d({1.5}, kFloat64).toString(), "tensor([1.5000])");
  EXPECT_EQ(make1d({1.5}, kFloat32).toString(), "tensor([1.5000], dtype=torch.float32)");
  set_default_dtype(saved);
  EXPECT_EQ(make1d({1.5}, kFloat64).toString(), "tensor([1.5000], dtype=torch.float64)");
}

}  // namespace
}  // namespace ember_test
