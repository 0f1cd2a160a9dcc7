// Small core types: DimVector (inline and heap storage), ArrayRef / OptionalArrayRef,
// IntrusivePtr, Generator state sharing, DispatchKeySet bit arithmetic, and the error types with
// EMBER_CHECK / EMBER_FAIL / EMBER_INTERNAL_ASSERT.
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(DimVector, InlineAndHeapStorage) {
  DimVector v;
  EXPECT_TRUE(v.empty());
  for (int64_t i = 0; i < 6; ++i) v.push_back(i);  // fits inline
  EXPECT_EQ(v.size(), 6u);
  const int64_t* inline_ptr = v.data();
  v.push_back(6);  // moves to the heap
  EXPECT_NE(v.data(), inline_ptr);
  for (int64_t i = 0; i < 20; ++i) v.push_back(7 + i);
  ASSERT_EQ(v.size(), 27u);
  for (int64_t i = 0; i < 27; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], i);
  EXPECT_EQ(v.back(), 26);
  v.pop_back();
  EXPECT_EQ(v.size(), 26u);
  // insert / erase
  DimVector w = {1, 2, 3};
  w.insert(0, 0);
  w.insert(4, 4);
  w.insert(2, 9);
  EXPECT_EQ(w.vec(), (std::vector<int64_t>{0, 1, 9, 2, 3, 4}));
  w.erase(2);
  EXPECT_EQ(w.vec(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  w.insert(5, 5);
  w.insert(6, 6);  // crosses the inline capacity while inserting
  EXPECT_EQ(w.vec(), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
  // resize, assign, clear
  DimVector r(2, 7);
  EXPECT_EQ(r.vec(), (std::vector<int64_t>{7, 7}));
  r.resize(4, -1);
  EXPECT_EQ(r.vec(), (std::vector<int64_t>{7, 7, -1, -1}));
  r.resize(1);
  EXPECT_EQ(r.vec(), (std::vector<int64_t>{7}));
  r.assign(10, 3);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(r[9], 3);
  r.assign(IntArrayRef({5, 6}));
  EXPECT_EQ(r.vec(), (std::vector<int64_t>{5, 6}));
  r.clear();
  EXPECT_TRUE(r.empty());
}

TEST(DimVector, CopyMoveAndConversions) {
  DimVector big;
  for (int64_t i = 0; i < 10; ++i) big.push_back(i * i);
  DimVector copy = big;
  EXPECT_EQ(copy.vec(), big.vec());
  EXPECT_NE(copy.data(), big.data());  // a deep copy
  copy[0] = 100;
  EXPECT_EQ(big[0], 0);
  const int64_t* heap = big.data();
  DimVector moved = std::move(big);
  EXPECT_EQ(moved.data(), heap);  // the heap buffer moves
  EXPECT_EQ(moved.size(), 10u);
  EXPECT_TRUE(big.empty());  // NOLINT: the moved-from vector is empty and usable
  big.push_back(1);
  EXPECT_EQ(big.vec(), (std::vector<int64_t>{1}));
  DimVector small = {1, 2};
  DimVector small_moved = std::move(small);
  EXPECT_EQ(small_moved.vec(), (std::vector<int64_t>{1, 2}));
  DimVector assigned;
  assigned = small_moved;
  const DimVector& same = assigned;
  assigned = same;  // self-assignment is a no-op
  EXPECT_EQ(assigned.vec(), (std::vector<int64_t>{1, 2}));
  IntArrayRef ref = assigned;
  EXPECT_EQ(ref.size(), 2u);
  EXPECT_EQ(ref[1], 2);
  EXPECT_EQ(DimVector(IntArrayRef({3, 4})).vec(), (std::vector<int64_t>{3, 4}));
  int64_t sum = 0;
  for (int64_t x : moved) sum += x;
  EXPECT_EQ(sum, 285);
}

TEST(ArrayRef, ViewsAndPrinting) {
  std::vector<int64_t> v = {1, 2, 3, 4};
  IntArrayRef a(v);
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(a.front(), 1);
  EXPECT_EQ(a.back(), 4);
  EXPECT_EQ(a.slice(1, 2).vec(), (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(a.equals(IntArrayRef(v)));
  EXPECT_TRUE(a == IntArrayRef({1, 2, 3, 4}));
  EXPECT_TRUE(a != IntArrayRef({1, 2, 3}));
  EXPECT_TRUE(IntArrayRef().empty());
  EXPECT_TRUE(IntArrayRef({}).empty());
  int64_t one = 9;
  EXPECT_EQ(IntArrayRef(one).vec(), (std::vector<int64_t>{9}));
  const int64_t arr[3] = {7, 8, 9};
  EXPECT_EQ(IntArrayRef(arr).size(), 3u);
  std::ostringstream os;
  os << a << " " << IntArrayRef();
  EXPECT_EQ(os.str(), "[1, 2, 3, 4] []");
  // OptionalIntArrayRef keeps what the caller wrote alive for the call.
  OptionalIntArrayRef none = std::nullopt;
  EXPECT_FALSE(none.has_value());
  int64_t three = 3;  // OptionalIntArrayRef does not own: the value must outlive it
  OptionalIntArrayRef single = three;
  ASSERT_TRUE(single.has_value());
  EXPECT_EQ((*single)[0], 3);
  OptionalIntArrayRef from_vec = v;
  EXPECT_EQ(from_vec->size(), 4u);
  std::optional<IntArrayRef> as_opt = from_vec;
  EXPECT_TRUE(as_opt.has_value());
}

struct Counted : RefCounted {
  explicit Counted(int* d) : deleted(d) {}
  ~Counted() override { ++*deleted; }
  int* deleted;
};

TEST(IntrusivePtr, CountsAndDeletes) {
  int deleted = 0;
  {
    IntrusivePtr<Counted> p = make_intrusive<Counted>(&deleted);
    EXPECT_EQ(p.use_count(), 1u);
    IntrusivePtr<Counted> q = p;
    EXPECT_EQ(p.use_count(), 2u);
    EXPECT_TRUE(p == q);
    IntrusivePtr<Counted> r = std::move(q);
    EXPECT_FALSE(static_cast<bool>(q));  // NOLINT
    EXPECT_EQ(r.use_count(), 2u);
    r.reset();
    EXPECT_EQ(p.use_count(), 1u);
    EXPECT_EQ(deleted, 0);
  }
  EXPECT_EQ(deleted, 1);
  IntrusivePtr<Counted> empty;
  EXPECT_EQ(empty.use_count(), 0u);
  EXPECT_EQ(empty.get(), nullptr);
}

TEST(Generator, CopiesShareStateAndReserveAdvances) {
  Generator g(10);
  Generator copy = g;
  EXPECT_EQ(g.reserve(4), 0u);
  EXPECT_EQ(copy.reserve(4), 4u);  // the same counter
  copy.manual_seed(11);
  EXPECT_EQ(g.seed(), 11u);
  EXPECT_EQ(g.reserve(1), 0u);  // manual_seed resets the offset
  manual_seed(77);
  EXPECT_EQ(default_generator().seed(), 77u);
  EXPECT_EQ(default_generator().reserve(0), 0u);
}

TEST(DispatchKeySet, BitArithmetic) {
  DispatchKeySet empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.highest_bit(), -1);
  EXPECT_EQ(empty.highest_backend(), kInvalidDeviceType);
  DispatchKeySet b0 = DispatchKeySet::backend(0), b3 = DispatchKeySet::backend(3);
  DispatchKeySet ag = DispatchKeySet::functionality(FunctionalityKey::Autograd);
  DispatchKeySet tr = DispatchKeySet::functionality(FunctionalityKey::Tracer);
  DispatchKeySet ks = b0 | b3 | ag;
  EXPECT_TRUE(ks.has_backend(0) && ks.has_backend(3) && !ks.has_backend(1));
  EXPECT_TRUE(ks.has(FunctionalityKey::Autograd));
  EXPECT_FALSE(ks.has(FunctionalityKey::Tracer));
  EXPECT_EQ(ks.highest_bit(), 48);
  EXPECT_EQ(ks.highest_backend(), 3);
  EXPECT_EQ((ks | tr).highest_bit(), 49);  // Tracer outranks Autograd
  EXPECT_EQ((ks - ag).highest_bit(), 3);
  EXPECT_EQ((ks & DispatchKeySet::all_backends()), b0 | b3);
  EXPECT_EQ(DispatchKeySet::below(FunctionalityKey::Tracer) & (ks | tr), ks);
  DispatchKeySet m = ks;
  m -= b3;
  m |= tr;
  EXPECT_EQ(m, b0 | ag | tr);
  EXPECT_NE(m, ks);
  EXPECT_EQ(DispatchKeySet::all_backends().raw(), 0xFFFFu);
}

TEST(Errors, TypesMessagesAndMacros) {
  EXPECT_THROW_MSG(EMBER_CHECK(1 == 2, ValueError, "[op] expected ", 1, ", got ", 2.5), ValueError, "[op] expected 1, got 2.5");
  EXPECT_THROW_MSG(EMBER_FAIL(IndexError, "index ", 3), IndexError, "index 3");
  EXPECT_NO_THROW(EMBER_CHECK(true, TypeError, "unused"));
  EXPECT_THROW_MSG(EMBER_INTERNAL_ASSERT(false, "broken ", 42), InternalError, "broken 42");
  // The hierarchy: every error is an ember::Error and a std::runtime_error; ConfigError and
  // SchemaError are ValueErrors; PluginError is a RuntimeError.
  EXPECT_THROW(EMBER_FAIL(ConfigError, "x"), ValueError);
  EXPECT_THROW(EMBER_FAIL(SchemaError, "x"), ValueError);
  EXPECT_THROW(EMBER_FAIL(PluginError, "x"), RuntimeError);
  EXPECT_THROW(EMBER_FAIL(NotImplementedError, "x"), Error);
  EXPECT_THROW(EMBER_FAIL(TypeError, "x"), std::runtime_error);
  try {
    EMBER_FAIL(NotImplementedError, "no kernel");
  } catch (const Error& e) {
    EXPECT_STREQ(e.kind(), "NotImplementedError");
    EXPECT_STREQ(e.what(), "no kernel");
  }
  EXPECT_STREQ(ValueError("v").kind(), "ValueError");
  EXPECT_STREQ(ConfigError("c").kind(), "ConfigError");
  EXPECT_STREQ(Error("e").kind(), "Error");
}

}  // namespace
}  // namespace ember_test
