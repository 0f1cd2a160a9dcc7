// Schema types -> C++ types, defaults -> C++ expressions (see cpp_types.h). Stateless.
#include "tools/codegen/cpp_types.h"

#include <cctype>
#include <set>

#include "dispatcher/default_literals.h"

namespace ember {
namespace codegen {

namespace {

std::optional<std::string> optional_of(const SchemaType& t, const char* plain, const char* optional) {
  return std::string(t.optional ? optional : plain);
}

// "[1, 2]" -> {"1", "2"} (the parser's canonical list text).
std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == ',') {
      items.push_back(current);
      current.clear();
    } else if (text[i] != ' ') {
      current += text[i];
    }
  }
  if (!current.empty()) items.push_back(current);
  return items;
}

std::string scalar_default(BaseType base, const std::string& text) {
  if (text == "True") return "true";
  if (text == "False") return "false";
  if (const schema_literals::NamedDefault* named = schema_literals::find_named_default(base, text))
    return named->cpp;
  return text;  // numbers and (canonical, double-quoted) strings are valid C++ as written
}

}  // namespace

// TorchScript's structural types (Any, type variables, tuples, dicts, futures, classes, nested
// lists) travel as IValues: kernels take `const IValue&` and return `IValue`.
static bool is_structural(const SchemaType& t) {
  switch (t.base) {
    case BaseType::Any: case BaseType::NoneType: case BaseType::TypeVar: case BaseType::Tuple:
    case BaseType::Dict: case BaseType::Future: case BaseType::Class: case BaseType::List:
      return true;
    default:
      return false;
  }
}

std::optional<std::string> cpp_param_type(const SchemaType& t) {
  if (is_structural(t)) return std::string("const IValue&");
  if (t.elem_optional) return std::nullopt;  // Tensor?[]: no C++ type agreed yet
  if (t.is_list) {
    switch (t.base) {
      case BaseType::Int: return optional_of(t, "IntArrayRef", "std::optional<IntArrayRef>");
      case BaseType::Tensor: return t.optional ? std::nullopt : std::optional<std::string>("TensorList");
      case BaseType::Float: return t.optional ? std::nullopt : std::optional<std::string>("ArrayRef<double>");
      case BaseType::Bool:
        return t.optional ? std::nullopt : std::optional<std::string>("const std::vector<bool>&");
      default: return std::nullopt;
    }
  }
  switch (t.base) {
    case BaseType::Tensor: return optional_of(t, "const Tensor&", "const std::optional<Tensor>&");
    case BaseType::Int: return optional_of(t, "int64_t", "std::optional<int64_t>");
    case BaseType::Float: return optional_of(t, "double", "std::optional<double>");
    case BaseType::Bool: return optional_of(t, "bool", "std::optional<bool>");
    case BaseType::Str: return optional_of(t, "const std::string&", "const std::optional<std::string>&");
    case BaseType::Scalar: return optional_of(t, "const Scalar&", "const std::optional<Scalar>&");
    case BaseType::ScalarType: return optional_of(t, "ScalarType", "std::optional<ScalarType>");
    case BaseType::Layout: return optional_of(t, "Layout", "std::optional<Layout>");
    case BaseType::MemoryFormat: return optional_of(t, "MemoryFormat", "std::optional<MemoryFormat>");
    case BaseType::Device: return optional_of(t, "Device", "std::optional<Device>");
    case BaseType::Generator: return optional_of(t, "const Generator&", "const std::optional<Generator>&");
    default: break;
  }
  return std::nullopt;
}

std::optional<std::string> cpp_public_param_type(const SchemaType& t) {
  if (t.is_list && t.optional && t.base == BaseType::Int && !t.elem_optional) return std::string("OptionalIntArrayRef");
  return cpp_param_type(t);
}

namespace {
std::optional<std::string> single_return_type(const SchemaType& t) {
  if (is_structural(t)) return std::string("IValue");
  if (t.optional || t.elem_optional) return std::nullopt;
  if (t.is_list) return t.base == BaseType::Tensor ? std::optional<std::string>("std::vector<Tensor>") : std::nullopt;
  switch (t.base) {
    case BaseType::Tensor: return std::string("Tensor");
    case BaseType::Int: return std::string("int64_t");
    case BaseType::Float: return std::string("double");
    case BaseType::Bool: return std::string("bool");
    case BaseType::Scalar: return std::string("Scalar");
    case BaseType::ScalarType: return std::string("ScalarType");
    case BaseType::Str: return std::string("std::string");
    default: return std::nullopt;
  }
}
}  // namespace

std::optional<std::string> cpp_return_type(const FunctionSchema& s) {
  const std::vector<Argument>& rets = s.returns();
  if (rets.empty()) return std::string("void");
  if (rets.size() == 1) return single_return_type(rets[0].type);
  std::string tuple = "std::tuple<";
  for (size_t i = 0; i < rets.size(); ++i) {
    std::optional<std::string> t = single_return_type(rets[i].type);
    if (!t) return std::nullopt;
    tuple += (i ? ", " : "") + *t;
  }
  return tuple + ">";
}

std::string cpp_default(const Argument& a) {
  const std::string& text = *a.default_text;
  if (text == "None") return "std::nullopt";
  const SchemaType& t = a.type;
  if (!t.is_list) return scalar_default(t.base, text);
  std::vector<std::string> items;
  if (!text.empty() && text.front() == '[') items = list_items(text);
  else items.assign(static_cast<size_t>(t.list_size), text);  // int[2] stride=1 -> {1, 1}
  std::string braced = "{";
  for (size_t i = 0; i < items.size(); ++i) braced += (i ? ", " : "") + scalar_default(t.base, items[i]);
  braced += "}";
  // For an optional list, `= {}` would mean nullopt; name the type so the list is engaged.
  if (t.optional && t.base == BaseType::Int) return "IntArrayRef" + braced;
  return braced;
}

bool is_cpp_keyword(const std::string& word) {
  static const std::set<std::string> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
  };
  return keywords.count(word) > 0;
}

bool is_cpp_identifier(const std::string& word) {
  if (word.empty() || !(std::isalpha(static_cast<unsigned char>(word[0])) || word[0] == '_')) return false;
  for (char c : word)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !is_cpp_keyword(word);
}

std::string cpp_arg_name(const std::string& schema_name) {
  // Locals of generated bodies (functions_N.cpp, structured_kernels.cpp, register_ops.cpp).
  static const std::set<std::string> reserved = {"op", "ks", "result", "options", "outs",
                                                 "args", "meta_result", "kernel_op", "ctx"};
  if (is_cpp_keyword(schema_name) || reserved.count(schema_name)) return schema_name + "_";
  return schema_name;
}

std::string cpp_string_literal(const std::string& text) {
  // The canonical form of str defaults is already a valid C++ literal.
  return schema_literals::encode_string_literal(text);
}

}  // namespace codegen
}  // namespace ember
