// default_value: schema default text -> the IValue boxed callers fill in.
#include <gtest/gtest.h>

#include "dispatcher/default_value.h"

namespace ember {
namespace {

// The default of the only argument of `f(<arg>) -> ()`.
IValue default_of(const std::string& arg) {
  FunctionSchema s = FunctionSchema::parse("f(" + arg + ") -> ()");
  return default_value(s.arguments().at(0));
}

TEST(DefaultValue, NoneNumbersBoolsAndStrings) {
  EXPECT_TRUE(default_of("Tensor? w=None").is_none());
  EXPECT_TRUE(default_of("int? x=None").is_none());
  IValue i = default_of("int dim=-1");
  ASSERT_TRUE(i.is_int());
  EXPECT_EQ(i.to_int(), -1);
  IValue d = default_of("float eps=1e-05");
  ASSERT_TRUE(d.is_double());
  EXPECT_DOUBLE_EQ(d.to_double(), 1e-05);
  IValue f = default_of("float from=0");  // an integer literal for a float is still a double
  ASSERT_TRUE(f.is_double());
  EXPECT_EQ(f.to_double(), 0.0);
  IValue b = default_of("bool keepdim=False");
  ASSERT_TRUE(b.is_bool());
  EXPECT_FALSE(b.to_bool());
  EXPECT_TRUE(default_of("bool unbiased=True").to_bool());
  IValue str = default_of("str approximate='none'");
  ASSERT_TRUE(str.is_string());
  EXPECT_EQ(str.to_string_ref(), "none");
  EXPECT_EQ(default_of("str q=\"a\\\"b\"").to_string_ref(), "a\"b");
}

TEST(DefaultValue, ScalarsKeepTheirKind) {
  IValue one = default_of("Scalar alpha=1");
  ASSERT_TRUE(one.is_int());
  EXPECT_EQ(one.to_int(), 1);
  IValue half = default_of("Scalar p=0.5");
  ASSERT_TRUE(half.is_double());
  EXPECT_EQ(half.to_double(), 0.5);
  EXPECT_TRUE(default_of("Scalar flag=True").is_bool());
}

TEST(DefaultValue, Lists) {
  IValue empty = default_of("int[1] dim=[]");
  ASSERT_TRUE(empty.is_int_list());
  EXPECT_TRUE(empty.to_int_list().empty());
  IValue pad = default_of("int[2] padding=[0,1]");
  ASSERT_TRUE(pad.is_int_list());
  EXPECT_EQ(pad.to_int_list(), (std::vector<int64_t>{0, 1}));
  // A single value for a sized list repeats: int[2] stride=1 is [1, 1].
  IValue stride = default_of("SymInt[2] stride=1");
  ASSERT_TRUE(stride.is_int_list());
  EXPECT_EQ(stride.to_int_list(), (std::vector<int64_t>{1, 1}));
  IValue floats = default_of("float[2] scale=[0.5, 2]");
  ASSERT_TRUE(floats.is_double_list());
  EXPECT_EQ(floats.to_double_list(), (std::vector<double>{0.5, 2.0}));
  IValue mask = default_of("bool[3] mask=[True, False, True]");
  ASSERT_TRUE(mask.is_bool_list());
  EXPECT_EQ(mask.to_bool_list(), (std::vector<bool>{true, false, true}));
  EXPECT_TRUE(default_of("int[]? dims=None").is_none());
}

TEST(DefaultValue, NamedValuesBecomeTheirCodes) {
  EXPECT_EQ(default_of("ScalarType? dtype=long").to_int(), static_cast<int64_t>(kLong));
  EXPECT_EQ(default_of("ScalarType dtype=float").to_int(), static_cast<int64_t>(kFloat));
  EXPECT_EQ(default_of("MemoryFormat m=contiguous_format").to_int(), static_cast<int64_t>(MemoryFormat::Contiguous));
  EXPECT_EQ(default_of("MemoryFormat m=channels_last").to_int(), static_cast<int64_t>(MemoryFormat::ChannelsLast));
  EXPECT_EQ(default_of("Layout l=strided").to_int(), static_cast<int64_t>(kStrided));
  EXPECT_EQ(default_of("int reduction=Mean").to_int(), 1);
  EXPECT_EQ(default_of("int reduction=Sum").to_int(), 2);
}

TEST(DefaultValue, ArgumentWithoutDefaultThrows) {
  FunctionSchema s = FunctionSchema::parse("f(int x) -> ()");
  EXPECT_THROW(default_value(s.arguments()[0]), ValueError);
  // Hand-built arguments are checked too.
  Argument bad;
  bad.name = "x";
  bad.type.base = BaseType::Int;
  bad.default_text = "abc";
  EXPECT_THROW(default_value(bad), ValueError);
}

}  // namespace
}  // namespace ember
