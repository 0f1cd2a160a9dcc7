// libtorch's storage and blob API: Tensor::storage() with its DataPtr (address, deleter context,
// device), shared by views and not by copies; from_blob with the deleter before the options (it
// runs when the last tensor over the blob dies, and not before); requires_grad_ on a const tensor
// with libtorch's dtype error.
#include <vector>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(StorageHandle, SharedByViewsNotByCopies) {
  Tensor t = ember::arange(6, kFloat32);
  Storage s = t.storage();
  EXPECT_TRUE(s.defined());
  EXPECT_EQ(s.nbytes(), 6 * sizeof(float));
  EXPECT_EQ(s.data(), t.data_ptr());
  EXPECT_EQ(s.device(), Device("cpu"));
  EXPECT_TRUE(t.view({2, 3}).storage().is_alias_of(s));
  EXPECT_TRUE(t.narrow(0, 2, 2).is_alias_of(t));
  EXPECT_FALSE(t.clone().is_alias_of(t));
  // ember's allocator memory: the context is the address (as libtorch's CPU allocator's).
  EXPECT_EQ(s.data_ptr().get(), t.data_ptr());
  EXPECT_EQ(s.data_ptr().get_context(), t.data_ptr());
  EXPECT_EQ(s.data_ptr().device(), Device("cpu"));
}

TEST(StorageHandle, FromBlobWithoutDeleterHasNoContext) {
  std::vector<double> v = {1.0, 2.0, 3.0};
  Tensor t = ember::from_blob(v.data(), {3}, TensorOptions(kFloat64).requires_grad(true));
  EXPECT_TRUE(t.requires_grad());
  EXPECT_EQ(t.storage().data_ptr().get(), v.data());
  EXPECT_EQ(t.storage().data_ptr().get_context(), nullptr);
  EXPECT_EQ(t[2].item<double>(), 3.0);
}

TEST(StorageHandle, FromBlobRunsItsDeleterWhenTheLastTensorDies) {
  int calls = 0;
  void* freed = nullptr;
  std::vector<int32_t> v = {1, 2, 3};
  {
    Tensor view;
    {
      Tensor t = ember::from_blob(
          v.data(), {3},
          [&](void* p) {
            ++calls;
            freed = p;
          },
          kInt32);
      EXPECT_NE(t.storage().data_ptr().get_context(), nullptr);
      EXPECT_TRUE(matches(t, {3}, kInt32, {1, 2, 3}));
      view = t.narrow(0, 1, 2);
    }
    EXPECT_EQ(calls, 0);  // the view still uses the blob
    EXPECT_TRUE(matches(view, {2}, kInt32, {2, 3}));
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(freed, v.data());
  // With strides too.
  calls = 0;
  {
    Tensor t = ember::from_blob(v.data(), {2}, {2}, [&](void*) { ++calls; }, kInt32);
    EXPECT_TRUE(matches(t, {2}, kInt32, {1, 3}));
  }
  EXPECT_EQ(calls, 1);
}

TEST(StorageHandle, RequiresGradOnAConstTensor) {
  const Tensor f = ember::ones({2});
  f.requires_grad_(true);
  EXPECT_TRUE(f.requires_grad());
  const Tensor i = ember::ones({2}, kInt64);
  EXPECT_THROW_MSG(i.requires_grad_(true), RuntimeError,
                   "Only Tensors of floating point and complex dtype can require gradients");
}

}  // namespace
}  // namespace ember_test
