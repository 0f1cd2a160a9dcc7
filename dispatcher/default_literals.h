// The named literals a schema default may use, and the string-literal encoding of str defaults.
//
// One table serves three readers that must agree: the schema parser (which names are valid
// defaults for which type), dispatcher/default_value.cpp (the IValue a default becomes) and
// tools/codegen (the C++ expression a default is rendered as). Codes are ember's enum values
// (core/dtype.h, core/layout.h) and at::Reduction's for `int reduction=Mean`.
// Header-only and free of core dependencies beyond schema.h so the code generator can use it.
// Constant data; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "dispatcher/schema.h"

namespace ember {
namespace schema_literals {

struct NamedDefault {
  const char* name;  // as written in a schema: `long`, `contiguous_format`, `Mean`
  int64_t code;      // the int an IValue carries (ScalarType / Layout / MemoryFormat as int)
  const char* cpp;   // the C++ expression generated code uses
};

// PyTorch's spellings of dtypes in schemas, mapped to ember's ScalarType numbering.
inline constexpr NamedDefault kScalarTypeNames[] = {
    {"bool", 0, "ember::kBool"},         {"uint8", 1, "ember::kByte"},
    {"byte", 1, "ember::kByte"},         {"int8", 2, "ember::kChar"},
    {"char", 2, "ember::kChar"},         {"int16", 3, "ember::kShort"},
    {"short", 3, "ember::kShort"},       {"int32", 4, "ember::kInt"},
    {"int", 4, "ember::kInt"},           {"int64", 5, "ember::kLong"},
    {"long", 5, "ember::kLong"},         {"float16", 6, "ember::kHalf"},
    {"half", 6, "ember::kHalf"},         {"bfloat16", 7, "ember::kBFloat16"},
    {"float32", 8, "ember::kFloat"},     {"float", 8, "ember::kFloat"},
    {"float64", 9, "ember::kDouble"},    {"double", 9, "ember::kDouble"},
};

inline constexpr NamedDefault kLayoutNames[] = {
    {"strided", 0, "ember::kStrided"},
};

inline constexpr NamedDefault kMemoryFormatNames[] = {
    {"contiguous_format", 0, "ember::MemoryFormat::Contiguous"},
    {"preserve_format", 1, "ember::MemoryFormat::Preserve"},
    {"channels_last", 2, "ember::MemoryFormat::ChannelsLast"},
    {"channels_last_3d", 3, "ember::MemoryFormat::ChannelsLast3d"},
};

// `int reduction=Mean`: at::Reduction's values (None = 0 is spelled as the literal 0).
inline constexpr NamedDefault kIntNames[] = {
    {"Mean", 1, "1"},
    {"Sum", 2, "2"},
};

// The named default `name` for a value of base type t; null when t has no such name.
inline const NamedDefault* find_named_default(BaseType t, const std::string& name) {
  auto search = [&](const auto& table) -> const NamedDefault* {
    for (const NamedDefault& d : table)
      if (name == d.name) return &d;
    return nullptr;
  };
  switch (t) {
    case BaseType::ScalarType: return search(kScalarTypeNames);
    case BaseType::Layout: return search(kLayoutNames);
    case BaseType::MemoryFormat: return search(kMemoryFormatNames);
    case BaseType::Int: return search(kIntNames);
    default: return nullptr;
  }
}

// str defaults are stored in one canonical form: double quotes, with \\ \" \n \t escapes (which
// is also a valid C++ string literal). encode/decode convert between it and the plain value.
inline std::string encode_string_literal(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// The character a backslash escape stands for (\n \t \r \f \v; others stand for themselves).
inline char unescape(char e) {
  switch (e) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return e;
  }
}

// Inverse of encode_string_literal; the argument must be in the canonical form.
inline std::string decode_string_literal(const std::string& literal) {
  std::string out;
  for (size_t i = 1; i + 1 < literal.size(); ++i) {
    char c = literal[i];
    if (c == '\\' && i + 2 < literal.size()) {
      out += unescape(literal[++i]);
    } else {
      out += c;
    }
  }
  return out;
}

// True when a default's text is a floating-point literal (1e-05, 0.5) rather than an integer.
inline bool is_float_literal(const std::string& text) {
  return text.find_first_of(".eE") != std::string::npos;
}

}  // namespace schema_literals
}  // namespace ember
