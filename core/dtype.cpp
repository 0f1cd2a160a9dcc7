// ScalarType names, sizes and PyTorch's promotion table.
#include "core/dtype.h"

#include <atomic>
#include <cstring>
#include <string>

#include "core/error.h"

namespace ember {

size_t element_size(ScalarType t) {
  static const size_t sizes[] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8};
  EMBER_CHECK(static_cast<int>(t) >= 0 && static_cast<int>(t) < kNumScalarTypes, TypeError,
              "[element_size] undefined dtype");
  return sizes[static_cast<int>(t)];
}

const char* scalar_type_name(ScalarType t) {
  static const char* names[] = {"Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "BFloat16", "Float", "Double"};
  int i = static_cast<int>(t);
  return i >= 0 && i < kNumScalarTypes ? names[i] : "Undefined";
}

const char* dtype_python_name(ScalarType t) {
  static const char* names[] = {"torch.bool",  "torch.uint8",   "torch.int8",     "torch.int16",   "torch.int32",
                                "torch.int64", "torch.float16", "torch.bfloat16", "torch.float32", "torch.float64"};
  int i = static_cast<int>(t);
  return i >= 0 && i < kNumScalarTypes ? names[i] : "torch.undefined";
}

const char* cpp_type_name(ScalarType t) {
  static const char* names[] = {"bool",     "unsigned char", "signed char",   "short int", "int",
                                "long int", "c10::Half",     "c10::BFloat16", "float",     "double"};
  int i = static_cast<int>(t);
  return i >= 0 && i < kNumScalarTypes ? names[i] : "undefined";
}

ScalarType parse_scalar_type(const char* raw) {
  std::string name(raw);
  if (name.rfind("torch.", 0) == 0) name = name.substr(6);
  static const struct {
    const char* name;
    ScalarType type;
  } table[] = {{"bool", kBool},       {"Bool", kBool},         {"uint8", kUInt8},     {"Byte", kUInt8},
               {"int8", kInt8},       {"Char", kInt8},         {"int16", kInt16},     {"short", kInt16},
               {"Short", kInt16},     {"int32", kInt32},       {"int", kInt32},       {"Int", kInt32},
               {"int64", kInt64},     {"long", kInt64},        {"Long", kInt64},      {"float16", kFloat16},
               {"half", kFloat16},    {"Half", kFloat16},      {"bfloat16", kBFloat16}, {"BFloat16", kBFloat16},
               {"float32", kFloat32}, {"float", kFloat32},     {"Float", kFloat32},   {"float64", kFloat64},
               {"double", kFloat64},  {"Double", kFloat64}};
  for (const auto& e : table)
    if (name == e.name) return e.type;
  EMBER_FAIL(ValueError, "[dtype] unknown dtype '", raw, "'");
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  EMBER_CHECK(a != ScalarType::Undefined && b != ScalarType::Undefined, TypeError,
              "[promote_types] undefined dtype");
  // PyTorch's table (c10/core/ScalarType.cpp), order b1 u1 i1 i2 i4 i8 f2 bf f4 f8.
  constexpr ScalarType b1 = kBool, u1 = kUInt8, i1 = kInt8, i2 = kInt16, i4 = kInt32, i8 = kInt64,
                       f2 = kFloat16, bf = kBFloat16, f4 = kFloat32, f8 = kFloat64;
  static const ScalarType table[10][10] = {
      /* b1 */ {b1, u1, i1, i2, i4, i8, f2, bf, f4, f8},
      /* u1 */ {u1, u1, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i1 */ {i1, i2, i1, i2, i4, i8, f2, bf, f4, f8},
      /* i2 */ {i2, i2, i2, i2, i4, i8, f2, bf, f4, f8},
      /* i4 */ {i4, i4, i4, i4, i4, i8, f2, bf, f4, f8},
      /* i8 */ {i8, i8, i8, i8, i8, i8, f2, bf, f4, f8},
      /* f2 */ {f2, f2, f2, f2, f2, f2, f2, f4, f4, f8},
      /* bf */ {bf, bf, bf, bf, bf, bf, f4, bf, f4, f8},
      /* f4 */ {f4, f4, f4, f4, f4, f4, f4, f4, f4, f8},
      /* f8 */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
  };
  return table[static_cast<int>(a)][static_cast<int>(b)];
}

namespace {
std::atomic<ScalarType> g_default_dtype{kFloat32};
}
ScalarType default_dtype() { return g_default_dtype.load(std::memory_order_relaxed); }
void set_default_dtype(ScalarType t) {
  EMBER_CHECK(is_floating_point(t), TypeError, "[set_default_dtype] expected a floating dtype, got ", t);
  g_default_dtype.store(t);
}

std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << scalar_type_name(t); }

}  // namespace ember
