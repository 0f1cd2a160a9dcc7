// default_value: schema default text -> IValue (see default_value.h).
//
// The parser (schema.cpp) has already checked that each default fits its argument's type, so
// failures here mean an Argument built by hand. Stateless; thread-safe.
#include "dispatcher/default_value.h"

#include <cerrno>
#include <cstdlib>

#include "core/layout.h"
#include "dispatcher/default_literals.h"

namespace ember {

namespace {

constexpr bool same_text(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
template <size_t N>
constexpr int64_t code_of(const schema_literals::NamedDefault (&table)[N], const char* name) {
  for (size_t i = 0; i < N; ++i)
    if (same_text(table[i].name, name)) return table[i].code;
  return -1;
}
// The literal tables carry enum numbers as plain ints (the code generator cannot include the
// core); these pin them to the enums they mirror.
static_assert(code_of(schema_literals::kScalarTypeNames, "bool") == static_cast<int64_t>(kBool));
static_assert(code_of(schema_literals::kScalarTypeNames, "uint8") == static_cast<int64_t>(kByte));
static_assert(code_of(schema_literals::kScalarTypeNames, "int8") == static_cast<int64_t>(kChar));
static_assert(code_of(schema_literals::kScalarTypeNames, "short") == static_cast<int64_t>(kShort));
static_assert(code_of(schema_literals::kScalarTypeNames, "int") == static_cast<int64_t>(kInt));
static_assert(code_of(schema_literals::kScalarTypeNames, "long") == static_cast<int64_t>(kLong));
static_assert(code_of(schema_literals::kScalarTypeNames, "half") == static_cast<int64_t>(kHalf));
static_assert(code_of(schema_literals::kScalarTypeNames, "bfloat16") == static_cast<int64_t>(kBFloat16));
static_assert(code_of(schema_literals::kScalarTypeNames, "float") == static_cast<int64_t>(kFloat));
static_assert(code_of(schema_literals::kScalarTypeNames, "double") == static_cast<int64_t>(kDouble));
static_assert(code_of(schema_literals::kLayoutNames, "strided") == static_cast<int64_t>(kStrided));
static_assert(code_of(schema_literals::kMemoryFormatNames, "contiguous_format") ==
              static_cast<int64_t>(MemoryFormat::Contiguous));
static_assert(code_of(schema_literals::kMemoryFormatNames, "preserve_format") ==
              static_cast<int64_t>(MemoryFormat::Preserve));
static_assert(code_of(schema_literals::kMemoryFormatNames, "channels_last") ==
              static_cast<int64_t>(MemoryFormat::ChannelsLast));
static_assert(code_of(schema_literals::kMemoryFormatNames, "channels_last_3d") ==
              static_cast<int64_t>(MemoryFormat::ChannelsLast3d));

[[noreturn]] void bad_default(const Argument& arg, const std::string& text, const char* why) {
  EMBER_FAIL(ValueError, "[default_value] expected ", why, " as the default of '", arg.type.str(), " ",
             arg.name, "', got '", text, "'");
}

int64_t to_int(const Argument& arg, const std::string& text) {
  if (const schema_literals::NamedDefault* named = schema_literals::find_named_default(BaseType::Int, text))
    return named->code;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) bad_default(arg, text, "an integer");
  return v;
}

double to_double(const Argument& arg, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') bad_default(arg, text, "a number");
  return v;
}

bool to_bool(const Argument& arg, const std::string& text) {
  if (text == "True") return true;
  if (text == "False") return false;
  bad_default(arg, text, "True or False");
}

// "[1, 2]" -> {"1", "2"}; "[]" -> {}.
std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (c == ',') {
      items.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (!current.empty()) items.push_back(current);
  return items;
}

IValue list_value(const Argument& arg, const std::string& text) {
  std::vector<std::string> items;
  if (!text.empty() && text.front() == '[') {
    items = list_items(text);
  } else {
    // A single value for a sized list means N copies (`int[2] stride=1` is [1, 1]).
    if (arg.type.list_size < 0) bad_default(arg, text, "a list");
    items.assign(static_cast<size_t>(arg.type.list_size), text);
  }
  switch (arg.type.base) {
    case BaseType::Int: {
      std::vector<int64_t> v;
      for (const std::string& s : items) v.push_back(to_int(arg, s));
      return IValue(std::move(v));
    }
    case BaseType::Float: {
      std::vector<double> v;
      for (const std::string& s : items) v.push_back(to_double(arg, s));
      return IValue(std::move(v));
    }
    case BaseType::Bool: {
      std::vector<bool> v;
      for (const std::string& s : items) v.push_back(to_bool(arg, s));
      return IValue(std::move(v));
    }
    case BaseType::Tensor:
      if (items.empty()) return IValue(std::vector<Tensor>());
      break;
    default:
      break;
  }
  bad_default(arg, text, "an int, float or bool list");
}

IValue named_value(const Argument& arg, const std::string& text, const char* what) {
  const schema_literals::NamedDefault* named = schema_literals::find_named_default(arg.type.base, text);
  if (!named) bad_default(arg, text, what);
  return IValue(named->code);
}

}  // namespace

IValue default_value(const Argument& arg) {
  EMBER_CHECK(arg.default_text.has_value(), ValueError, "[default_value] argument '", arg.name,
              "' has no default");
  const std::string& text = *arg.default_text;
  if (text == "None") return IValue();
  if (arg.type.is_list) return list_value(arg, text);
  switch (arg.type.base) {
    case BaseType::Int: return IValue(to_int(arg, text));
    case BaseType::Float: return IValue(to_double(arg, text));
    case BaseType::Bool: return IValue(to_bool(arg, text));
    case BaseType::Str:
      if (text.size() < 2 || text.front() != '"') bad_default(arg, text, "a quoted string");
      return IValue(schema_literals::decode_string_literal(text));
    case BaseType::Scalar:
      if (text == "True" || text == "False") return IValue(to_bool(arg, text));
      if (schema_literals::is_float_literal(text)) return IValue(to_double(arg, text));
      return IValue(to_int(arg, text));
    case BaseType::ScalarType: return named_value(arg, text, "a dtype name such as long");
    case BaseType::Layout: return named_value(arg, text, "a layout name such as strided");
    case BaseType::MemoryFormat: return named_value(arg, text, "a memory format such as contiguous_format");
    default:
      break;
  }
  bad_default(arg, text, "None");
}

}  // namespace ember
