// ScalarType (names, sizes, parsing, predicates, the promotion table against PyTorch's, the
// default dtype) and Scalar (tags, conversions, negation, equality, printing).
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

constexpr ScalarType b1 = kBool, u1 = kUInt8, i1 = kInt8, i2 = kInt16, i4 = kInt32, i8 = kInt64, f2 = kFloat16,
                     bf = kBFloat16, f4 = kFloat32, f8 = kFloat64;

// PyTorch 1.13's torch.promote_types(a, b) for all 100 pairs, rows a, columns b, in the order
// bool uint8 int8 int16 int32 int64 float16 bfloat16 float32 float64.
const ScalarType kTorchPromoteTypes[10][10] = {
    {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
    {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
    {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
    {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
    {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
    {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
    {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
    {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
    {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
    {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
};

TEST(DType, PromotionTableEqualsPyTorch) {
  for (int a = 0; a < 10; ++a)
    for (int b = 0; b < 10; ++b) {
      ScalarType ta = static_cast<ScalarType>(a), tb = static_cast<ScalarType>(b);
      EXPECT_EQ(promote_types(ta, tb), kTorchPromoteTypes[a][b]) << ta << " with " << tb;
      EXPECT_EQ(promote_types(ta, tb), promote_types(tb, ta));  // symmetric
    }
  EXPECT_THROW_MSG(promote_types(kFloat32, ScalarType::Undefined), TypeError, "undefined dtype");
}

TEST(DType, NamesSizesAndParsing) {
  const char* torch_names[] = {"torch.bool",  "torch.uint8",   "torch.int8",     "torch.int16",   "torch.int32",
                               "torch.int64", "torch.float16", "torch.bfloat16", "torch.float32", "torch.float64"};
  const char* scalar_names[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  const size_t sizes[] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8};
  for (int i = 0; i < 10; ++i) {
    ScalarType t = static_cast<ScalarType>(i);
    EXPECT_STREQ(dtype_python_name(t), torch_names[i]);
    EXPECT_STREQ(scalar_type_name(t), scalar_names[i]);
    EXPECT_EQ(element_size(t), sizes[i]);
    EXPECT_EQ(parse_scalar_type(torch_names[i]), t);        // "torch.float32"
    EXPECT_EQ(parse_scalar_type(torch_names[i] + 6), t);    // "float32"
    EXPECT_EQ(parse_scalar_type(scalar_names[i]), t);       // "Float"
    std::ostringstream os;
    os << t;
    EXPECT_EQ(os.str(), scalar_names[i]);
  }
  EXPECT_EQ(parse_scalar_type("long"), kInt64);
  EXPECT_EQ(parse_scalar_type("double"), kFloat64);
  EXPECT_EQ(parse_scalar_type("half"), kFloat16);
  EXPECT_EQ(parse_scalar_type("float"), kFloat32);
  EXPECT_EQ(parse_scalar_type("int"), kInt32);
  EXPECT_STREQ(scalar_type_name(ScalarType::Undefined), "Undefined");
  EXPECT_THROW_MSG(parse_scalar_type("float128"), ValueError, "unknown dtype 'float128'");
  EXPECT_THROW_MSG(parse_scalar_type("torch.complex64"), ValueError, "unknown dtype 'torch.complex64'");
  EXPECT_THROW_MSG(element_size(ScalarType::Undefined), TypeError, "undefined dtype");
  // Aliases as libtorch names them.
  EXPECT_EQ(kLong, kInt64);
  EXPECT_EQ(kFloat, kFloat32);
  EXPECT_EQ(kDouble, kFloat64);
  EXPECT_EQ(kHalf, kFloat16);
  EXPECT_EQ(kByte, kUInt8);
  EXPECT_EQ(kChar, kInt8);
  EXPECT_EQ(kShort, kInt16);
  EXPECT_EQ(kInt, kInt32);
}

TEST(DType, Predicates) {
  for (ScalarType t : all_dtypes()) {
    bool fl = t == kFloat16 || t == kBFloat16 || t == kFloat32 || t == kFloat64;
    EXPECT_EQ(is_floating_point(t), fl) << t;
    EXPECT_EQ(is_integral(t, false), !fl && t != kBool) << t;
    EXPECT_EQ(is_integral(t, true), !fl) << t;
    EXPECT_EQ(is_signed(t), t != kBool && t != kUInt8) << t;
  }
  EXPECT_EQ(CppTypeToScalarType<float>::value, kFloat32);
  EXPECT_EQ(CppTypeToScalarType<int64_t>::value, kInt64);
  EXPECT_EQ(CppTypeToScalarType<Half>::value, kFloat16);
  EXPECT_EQ(CppTypeToScalarType<bool>::value, kBool);
}

TEST(DType, DefaultDtype) {
  EXPECT_EQ(default_dtype(), kFloat32);
  set_default_dtype(kFloat64);
  EXPECT_EQ(default_dtype(), kFloat64);
  EXPECT_EQ(ember::ones({1}).scalar_type(), kFloat64);
  set_default_dtype(kFloat32);
  EXPECT_THROW_MSG(set_default_dtype(kInt32), TypeError, "[set_default_dtype] expected a floating dtype, got Int");
  EXPECT_EQ(default_dtype(), kFloat32);
}

TEST(Scalar, TagsAndConversions) {
  Scalar d(2.75), i(int64_t(-3)), b(true), f(1.5f), def;
  EXPECT_EQ(d.tag(), Scalar::Tag::Double);
  EXPECT_EQ(i.tag(), Scalar::Tag::Int);
  EXPECT_EQ(b.tag(), Scalar::Tag::Bool);
  EXPECT_EQ(f.tag(), Scalar::Tag::Double);
  EXPECT_EQ(def.tag(), Scalar::Tag::Int);
  EXPECT_EQ(def.to_long(), 0);
  EXPECT_EQ(Scalar(7).tag(), Scalar::Tag::Int);        // int
  EXPECT_EQ(Scalar(uint8_t(7)).tag(), Scalar::Tag::Int);
  EXPECT_EQ(Scalar(Half(0.5f)).to_double(), 0.5);
  EXPECT_EQ(Scalar(BFloat16(2.0f)).to_double(), 2.0);
  EXPECT_TRUE(d.is_floating_point());
  EXPECT_FALSE(d.is_integral());
  EXPECT_TRUE(i.is_integral());
  EXPECT_FALSE(b.is_integral());
  EXPECT_TRUE(b.is_integral(true));
  EXPECT_TRUE(b.is_bool());
  // The dtype a wrapped number gets: Double -> float64, Int -> int64, Bool -> bool.
  EXPECT_EQ(d.type(), kFloat64);
  EXPECT_EQ(i.type(), kInt64);
  EXPECT_EQ(b.type(), kBool);
  // Conversions: double -> int truncates toward zero; numbers -> bool are "non-zero".
  EXPECT_EQ(d.to_long(), 2);
  EXPECT_EQ(Scalar(-2.75).to_long(), -2);
  EXPECT_EQ(i.to_double(), -3.0);
  EXPECT_TRUE(Scalar(0.5).to_bool());
  EXPECT_FALSE(Scalar(0.0).to_bool());
  EXPECT_EQ(b.to_long(), 1);
  EXPECT_EQ(d.to<int32_t>(), 2);
  EXPECT_EQ(d.to<float>(), 2.75f);
  EXPECT_EQ(i.to<int8_t>(), -3);
  // Out of range is an error, as PyTorch's checked conversion; an unsigned type accepts
  // negative values down to -max, which wrap (tests/ops/scalar_range_test.cpp has the rest).
  EXPECT_THROW_MSG(Scalar(300).to<uint8_t>(), ValueError, "value cannot be converted to type uint8_t without overflow");
  EXPECT_EQ(Scalar(-1).to<uint8_t>(), 255);
  EXPECT_EQ(static_cast<float>(d.to<Half>()), 2.75f);
  EXPECT_TRUE(Scalar(3).to<bool>());
}

TEST(Scalar, NegationEqualityPrinting) {
  EXPECT_EQ((-Scalar(2.5)).to_double(), -2.5);
  EXPECT_EQ((-Scalar(int64_t(4))).to_long(), -4);
  EXPECT_EQ((-Scalar(int64_t(4))).tag(), Scalar::Tag::Int);
  EXPECT_THROW_MSG(-Scalar(true), TypeError, "negation of a bool Scalar is not supported");
  EXPECT_TRUE(Scalar(2).equal(Scalar(2.0)));
  EXPECT_FALSE(Scalar(2).equal(Scalar(3)));
  EXPECT_TRUE(Scalar(true).equal(Scalar(1)));
  auto str = [](const Scalar& s) {
    std::ostringstream os;
    os << s;
    return os.str();
  };
  EXPECT_EQ(str(Scalar(2.5)), "2.5");
  EXPECT_EQ(str(Scalar(-7)), "-7");
  EXPECT_EQ(str(Scalar(true)), "True");
  EXPECT_EQ(str(Scalar(false)), "False");
}

}  // namespace
}  // namespace ember_test
