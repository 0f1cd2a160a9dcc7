// IValue's TorchScript reference types: insertion-ordered dicts with Python key equality,
// objects with named slots, futures, and lists shared (and mutated) through every copy.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <thread>

#include "core/ivalue.h"
#include "core/jit_type.h"

namespace ember {
namespace {

TEST(IValueDict, KeepsInsertionOrderAndPythonKeyEquality) {
  IValue d = IValue::dict();
  ivalue::Dict& dict = d.to_dict();
  dict.insert_or_assign(IValue("b"), IValue(int64_t(1)));
  dict.insert_or_assign(IValue("a"), IValue(int64_t(2)));
  dict.insert_or_assign(IValue("b"), IValue(int64_t(3)));  // replaces, keeps position
  ASSERT_EQ(dict.size(), 2u);
  EXPECT_EQ(dict.entries()[0].first.to_string_ref(), "b");
  EXPECT_EQ(dict.entries()[0].second.to_int(), 3);
  EXPECT_EQ(dict.find(IValue("a"))->to_int(), 2);
  EXPECT_EQ(dict.find(IValue("c")), nullptr);
  // 1 == 1.0 == True as keys, as in Python.
  IValue n = IValue::dict();
  n.to_dict().insert_or_assign(IValue(int64_t(1)), IValue("one"));
  EXPECT_EQ(n.to_dict().find(IValue(1.0))->to_string_ref(), "one");
  EXPECT_EQ(n.to_dict().find(IValue(true))->to_string_ref(), "one");
  EXPECT_TRUE(dict.erase(IValue("b")));
  EXPECT_FALSE(dict.erase(IValue("b")));
  EXPECT_EQ(dict.find(IValue("a"))->to_int(), 2);
  // Copies share the dict.
  IValue copy = d;
  copy.to_dict().insert_or_assign(IValue("z"), IValue());
  EXPECT_EQ(d.to_dict().size(), 2u);
  std::ostringstream os;
  os << d;
  EXPECT_EQ(os.str(), "{a: 2, z: None}");
  EXPECT_THROW(IValue(int64_t(1)).to_dict(), TypeError);
}

// Float keys outside int64's range, infinities and NaN hash without the undefined float -> int
// conversion (found by the archive fuzz target through a pickled dict; UBSan), and still follow
// Python's equality.
TEST(IValueDict, HugeAndNonFiniteFloatKeys) {
  IValue d = IValue::dict();
  ivalue::Dict& dict = d.to_dict();
  const double keys[] = {2.38846e35, -1e300, 9223372036854775808.0, -9223372036854775808.0,
                         std::numeric_limits<double>::infinity(), std::nan("")};
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); ++i) dict.insert_or_assign(IValue(keys[i]), IValue(int64_t(i)));
  EXPECT_EQ(dict.find(IValue(2.38846e35))->to_int(), 0);
  EXPECT_EQ(dict.find(IValue(-1e300))->to_int(), 1);
  EXPECT_EQ(dict.find(IValue(9223372036854775808.0))->to_int(), 2);
  // -2^63 is an int64: the float key equals the int key.
  EXPECT_EQ(dict.find(IValue(std::numeric_limits<int64_t>::min()))->to_int(), 3);
  EXPECT_EQ(dict.find(IValue(std::numeric_limits<double>::infinity()))->to_int(), 4);
  EXPECT_EQ(dict.find(IValue(std::nan(""))), nullptr);  // NaN != NaN, as in Python's lookup by value
}

TEST(IValueObject, SlotsByName) {
  ClassTypePtr cls = ClassType::create("__torch__.Point", false);
  cls->add_attribute("x", Type::int_());
  cls->add_attribute("y", Type::int_());
  IValue p = IValue::object(cls, cls->attributes().size());
  p.to_object().set_attr("y", IValue(int64_t(7)));
  EXPECT_TRUE(p.to_object().attr("x").is_none());
  EXPECT_EQ(p.to_object().attr("y").to_int(), 7);
  EXPECT_THROW(p.to_object().attr("z"), IndexError);
  EXPECT_TRUE(p.is_same(IValue(p)));
}

TEST(IValueFuture, WaitsAcrossThreads) {
  IValue f = IValue::future();
  EXPECT_FALSE(f.to_future().completed());
  EXPECT_THROW(f.to_future().value(), RuntimeError);
  std::thread producer([f] { f.to_future().mark_completed(IValue(int64_t(42))); });
  EXPECT_EQ(f.to_future().wait().to_int(), 42);
  producer.join();
  EXPECT_THROW(f.to_future().mark_completed(IValue()), RuntimeError);
  IValue failed = IValue::future();
  failed.to_future().set_error("boom");
  EXPECT_THROW(failed.to_future().wait(), RuntimeError);
}

TEST(IValueList, MutationIsSharedByCopies) {
  IValue l(std::vector<IValue>{IValue("a")});
  IValue alias = l;
  alias.mutable_list().push_back(IValue("b"));
  EXPECT_EQ(l.to_list().size(), 2u);
  IValue ints(std::vector<int64_t>{1});
  IValue(ints).mutable_int_list().push_back(2);
  EXPECT_EQ(ints.to_int_list(), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(ints.is_any_list());
  EXPECT_THROW(ints.mutable_list(), TypeError);
}

}  // namespace
}  // namespace ember
