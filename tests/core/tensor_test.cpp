// Tensor metadata (sizes, strides, dim, numel, size/stride with negative dims, dtype, device,
// contiguity, storage offset, element size, key set), item/data_ptr, the creation API
// (ember::tensor, scalar_tensor, tensor_from_doubles, from_blob with strides and deleters), handle
// semantics (copies share the TensorImpl), storage ids and write tracking (what plugin kernels'
// content versions rest on) and the errors of an undefined tensor.
#include <vector>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(TensorMetadata, ShapeStridesAndSizes) {
  Tensor t = ember::zeros({2, 3, 4});
  EXPECT_TRUE(t.defined());
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.ndimension(), 3);
  EXPECT_EQ(t.sizes().vec(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(t.strides().vec(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.size(-1), 4);
  EXPECT_EQ(t.size(-3), 2);
  EXPECT_EQ(t.stride(1), 4);
  EXPECT_EQ(t.stride(-1), 1);
  EXPECT_EQ(t.scalar_type(), kFloat32);
  EXPECT_EQ(t.dtype(), kFloat32);
  EXPECT_EQ(t.device(), Device("cpu"));
  EXPECT_TRUE(t.is_cpu());
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_TRUE(t.is_floating_point());
  EXPECT_EQ(t.storage_offset(), 0);
  EXPECT_EQ(t.element_size(), 4u);
  EXPECT_EQ(t.itemsize(), 4u);
  EXPECT_EQ(t.nbytes(), 96u);
  EXPECT_EQ(t.options().dtype_opt(), std::optional<ScalarType>(kFloat32));
  EXPECT_TRUE(t.key_set().has_backend(Device("cpu").type()));
  // "Dimension out of range (expected to be in range of [-3, 2], but got 3)"
  EXPECT_THROW_MSG(t.size(3), IndexError, "[size] dimension out of range (expected to be in range of [-3, 2], but got 3)");
  EXPECT_THROW_MSG(t.stride(-4), IndexError, "but got -4");
  // A view: non-contiguous, with an offset.
  Tensor v = t.select(1, 2).t();
  EXPECT_EQ(v.sizes().vec(), (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(v.strides().vec(), (std::vector<int64_t>{1, 12}));
  EXPECT_EQ(v.storage_offset(), 8);
  EXPECT_FALSE(v.is_contiguous());
  EXPECT_EQ(static_cast<char*>(v.data_ptr()) - static_cast<char*>(t.data_ptr()), 32);
  // 0-d: size(0) and size(-1) are 1, as PyTorch allows dim 0 / -1 on scalars.
  Tensor s = make({5}, {}, kInt16);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_TRUE(s.sizes().empty());
  EXPECT_EQ(s.size(0), 1);
  EXPECT_EQ(s.size(-1), 1);
  EXPECT_THROW_MSG(s.size(1), IndexError, "expected to be in range of [-1, 0], but got 1");
  EXPECT_FALSE(s.is_floating_point());
  EXPECT_EQ(s.nbytes(), 2u);
  // Empty: numel 0 and contiguous strides that skip the zero size.
  Tensor e = ember::empty({3, 0, 2});
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.nbytes(), 0u);
  EXPECT_TRUE(e.is_contiguous());
}

TEST(TensorMetadata, ItemAndDataPtr) {
  EXPECT_EQ(make({2.5}, {}).item().to_double(), 2.5);
  EXPECT_EQ(make({-3}, {}, kInt8).item().tag(), Scalar::Tag::Int);
  EXPECT_EQ(make({-3}, {}, kInt8).item<int64_t>(), -3);
  EXPECT_EQ(make({1}, {}, kBool).item().tag(), Scalar::Tag::Bool);
  EXPECT_EQ(make({0.5}, {1}, kFloat16).item<double>(), 0.5);
  EXPECT_EQ(make({3}, {1, 1}, kBFloat16).item<float>(), 3.0f);
  EXPECT_EQ(make1d({1, 7}).select(0, 1).item<int>(), 7);
  EXPECT_THROW_MSG(make1d({1, 2}).item(), ValueError, "[item] a Tensor with 2 elements cannot be converted to Scalar");
  EXPECT_THROW_MSG(ember::empty({0}).item(), ValueError, "a Tensor with 0 elements");
  Tensor f = make1d({1, 2}, kFloat64);
  EXPECT_EQ(f.data_ptr<double>()[1], 2.0);
  EXPECT_THROW_MSG(f.data_ptr<float>(), TypeError, "[data_ptr] expected dtype Float, got Double");
  f.data_ptr<double>()[0] = 9;  // raw writes are visible
  EXPECT_TRUE(all_close(f, {9, 2}));
}

TEST(TensorMetadata, HandlesShareTheImpl) {
  Tensor a = make1d({1, 2});
  uint32_t n = a.use_count();
  Tensor b = a;
  EXPECT_TRUE(b.is_same(a));
  EXPECT_EQ(a.use_count(), n + 1);
  b.add_(1.0);
  EXPECT_TRUE(all_close(a, {2, 3}));
  b.reset();
  EXPECT_FALSE(b.defined());
  EXPECT_EQ(a.use_count(), n);
  Tensor c = std::move(a);
  EXPECT_TRUE(c.defined());
  EXPECT_FALSE(a.defined());  // NOLINT: moved-from handle is empty
}

TEST(TensorMetadata, UndefinedTensorErrors) {
  Tensor u;
  EXPECT_FALSE(u.defined());
  EXPECT_EQ(u.use_count(), 0u);
  EXPECT_THROW_MSG(u.dim(), ValueError, "[Tensor] the tensor is undefined");
  EXPECT_THROW_MSG(u.sizes(), ValueError, "the tensor is undefined");
  EXPECT_THROW_MSG(u.scalar_type(), ValueError, "the tensor is undefined");
  EXPECT_THROW_MSG(u.numel(), ValueError, "the tensor is undefined");
  EXPECT_THROW_MSG(u.data_ptr(), ValueError, "the tensor is undefined");
  EXPECT_THROW_MSG(u.size(0), ValueError, "the tensor is undefined");
}

TEST(TensorCreation, FromInitializerLists) {
  EXPECT_TRUE(matches(ember::tensor({1.0, 2.5}), {2}, kFloat32, {1, 2.5}));
  EXPECT_TRUE(matches(ember::tensor({1.0, 2.5}, kFloat64), {2}, kFloat64, {1, 2.5}));
  EXPECT_TRUE(matches(ember::tensor({{1.0, 2.0}, {3.0, 4.0}}), {2, 2}, kFloat32, {1, 2, 3, 4}));
  EXPECT_TRUE(matches(ember::tensor({1, 2, 3}), {3}, kInt64, {1, 2, 3}));
  EXPECT_TRUE(matches(ember::tensor({int64_t(5)}), {1}, kInt64, {5}));
  EXPECT_TRUE(matches(ember::tensor({{1, 2}, {3, 4}}, kInt8), {2, 2}, kInt8, {1, 2, 3, 4}));
  EXPECT_TRUE(matches(ember::tensor({true, false}), {2}, kBool, {1, 0}));
  EXPECT_TRUE(matches(ember::tensor({1, 2}, kFloat16), {2}, kFloat16, {1, 2}));
  EXPECT_TRUE(matches(ember::scalar_tensor(3), {}, kInt64, {3}));
  EXPECT_TRUE(matches(ember::scalar_tensor(1.5), {}, kFloat32, {1.5}));
  EXPECT_TRUE(matches(ember::scalar_tensor(true), {}, kBool, {1}));
  EXPECT_TRUE(matches(ember::scalar_tensor(2, kFloat64), {}, kFloat64, {2}));
  EXPECT_TRUE(matches(ember::tensor_from_doubles({1, 2, 3, 4, 5, 6}, {3, 2}, kInt32), {3, 2}, kInt32, {1, 2, 3, 4, 5, 6}));
  EXPECT_THROW_MSG(ember::tensor_from_doubles({1, 2, 3}, {2, 2}, kFloat32), ValueError, "[tensor] 3 values do not fill a tensor of size [2, 2]");
  EXPECT_THROW_MSG(ember::tensor({{1.0, 2.0}, {3.0}}), ValueError,
                   "Expected all sub-lists to have sizes: 2 (e.g. {1, 2}), but got sub-list {3} with sizes: 1");
  EXPECT_THROW_MSG(ember::tensor({{1, 2}, {3}}), ValueError, "but got sub-list {3} with sizes: 1");
  EXPECT_THROW_MSG(ember::tensor({1, 2.5}), TypeError,
                   "Expected all elements of the tensor to have the same scalar type: Int, but got element of scalar type: Double");
  // Nested lists of any depth, scalars, vectors; libtorch's dtype rules.
  EXPECT_TRUE(matches(ember::tensor({{{1, 2}}, {{3, 4}}}), {2, 1, 2}, kInt64, {1, 2, 3, 4}));
  EXPECT_TRUE(matches(ember::tensor({{{{1.5}}}}), {1, 1, 1, 1}, kFloat32, {1.5}));
  EXPECT_TRUE(matches(ember::tensor(7), {}, kInt64, {7}));
  EXPECT_TRUE(matches(ember::tensor(2.5, kFloat64), {}, kFloat64, {2.5}));
  EXPECT_TRUE(matches(ember::tensor(std::vector<float>{1, 2}), {2}, kFloat32, {1, 2}));
  EXPECT_TRUE(matches(ember::tensor(std::vector<bool>{true, false}), {2}, kBool, {1, 0}));
  EXPECT_TRUE(matches(ember::tensor(std::vector<int16_t>{-1, 2}), {2}, kInt16, {-1, 2}));
  EXPECT_TRUE(matches(ember::tensor({}), {0}, kFloat32, {}));
  EXPECT_EQ(ember::tensor({1, 2})._version(), 0u);
  // scalar_to_tensor makes a wrapped number (it promotes like a Python number).
  Tensor w = scalar_to_tensor(2.5, Device("cpu"));
  EXPECT_TRUE(w.impl()->is_wrapped_number());
  EXPECT_EQ(w.scalar_type(), kFloat64);
  EXPECT_EQ((make1d({1}, kFloat16) + w).scalar_type(), kFloat16);
  EXPECT_FALSE(ember::scalar_tensor(2.5).impl()->is_wrapped_number());
}

TEST(TensorCreation, FromBlob) {
  std::vector<float> data = {0, 1, 2, 3, 4, 5};
  Tensor t = ember::from_blob(data.data(), {2, 3}, kFloat32);
  EXPECT_EQ(t.data_ptr(), data.data());  // no copy
  EXPECT_TRUE(matches(t, {2, 3}, kFloat32, {0, 1, 2, 3, 4, 5}));
  t.mul_(2.0);
  EXPECT_EQ(data[5], 10.0f);  // writes go to the caller's memory
  // Explicit strides: a transposed view of the same memory.
  Tensor tt = ember::from_blob(data.data(), {3, 2}, {1, 3}, kFloat32);
  EXPECT_TRUE(matches(tt, {3, 2}, kFloat32, {0, 6, 2, 8, 4, 10}));
  EXPECT_FALSE(tt.is_contiguous());
  // The deleter runs once, when the last view is gone.
  int deleted = 0;
  {
    std::vector<int64_t> owned = {7, 8, 9};
    Tensor b = ember::from_blob(owned.data(), {3}, kInt64, [&](void* p) {
      EXPECT_EQ(p, owned.data());
      ++deleted;
    });
    Tensor view = b.slice(0, 1);
    b.reset();
    EXPECT_EQ(deleted, 0);
    EXPECT_TRUE(matches(view, {2}, kInt64, {8, 9}));
    view.reset();
    EXPECT_EQ(deleted, 1);
  }
  EXPECT_EQ(deleted, 1);
}

// Storage ids are unique, never reused; a storage stays "tracked" (every write bumps its version)
// until the application takes its address for writing: data_ptr, mutable_data_ptr,
// Storage::data / data_ptr, or memory lent through from_blob. Reads (const_data_ptr) and the
// core's own writes (factories, literals, copy_, in-place ops) keep it tracked.
TEST(TensorStorage, WriteTrackingFollowsHowTheAddressIsUsed) {
  auto tracked = [](const Tensor& t) { return t.impl()->storage()->writes_tracked(); };
  auto id = [](const Tensor& t) { return t.impl()->storage()->id(); };
  Tensor a = ember::zeros({4}), b = ember::tensor({1.0f, 2.0f, 3.0f, 4.0f});
  EXPECT_NE(id(a), id(b));
  EXPECT_EQ(id(a.slice(0, 1)), id(a));  // views share the storage
  const uint64_t old_id = id(a);
  a = Tensor();
  EXPECT_NE(id(ember::zeros({4})), old_id);  // even if the allocator hands back the same address
  a = ember::zeros({4});
  EXPECT_TRUE(tracked(a));
  EXPECT_TRUE(tracked(b));
  const uint32_t v0 = a._version();
  a.copy_(b);
  a.add_(1.0);
  EXPECT_EQ(a._version(), v0 + 2);
  EXPECT_EQ(a.const_data_ptr<float>()[3], 5.0f);
  EXPECT_EQ(values(a), (std::vector<double>{2, 3, 4, 5}));
  EXPECT_TRUE(tracked(a));
  EXPECT_TRUE(tracked(a.clone()));
  (void)a.slice(0, 2).data_ptr<float>();  // through a view: the whole storage
  EXPECT_FALSE(tracked(a));
  (void)b.mutable_data_ptr();
  EXPECT_FALSE(tracked(b));
  Tensor c = ember::ones({2});
  (void)c.storage().data_ptr();
  EXPECT_FALSE(tracked(c));
  std::vector<float> data = {1, 2};
  EXPECT_FALSE(tracked(ember::from_blob(data.data(), {2}, kFloat32)));
}

}  // namespace
}  // namespace ember_test
