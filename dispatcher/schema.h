// FunctionSchema: an operator's signature in PyTorch's schema grammar, and its parser/printer.
//
//   [ns::]name[.overload](Type name[=default], ..., *, kwonly...) -> Ret | (Ret name, ...)
//
// Types: Tensor, int, SymInt (read as int), float, bool, str, Scalar, ScalarType, Layout,
// MemoryFormat, Device, Generator, each optionally followed by [] / [N] (list) and/or ?
// (optional); Tensor?[] is a list of optional tensors. TorchScript's types as well: Any,
// NoneType, type variables (any other lower-case name: `t`, `t1`), tuples `(int, Tensor)`,
// `Dict(str, t)`, `Future(t)`, classes `__torch__.a.B`, nested lists `int[][]`, and `?` after
// any of them. Alias annotations: Tensor(a), Tensor(a!), Tensor(a -> *), Tensor!, t(*), and on
// a list itself after its brackets: t[](a!). One parser serves the code generator and run-time
// definitions.
// Defaults are kept as text here (so the code generator needs no tensors); the dispatcher turns
// them into IValues (dispatcher/default_value.h). Plain values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cstdint>
#include <ostream>

#include "core/error.h"

namespace ember {

enum class BaseType : uint8_t {
  Tensor, Int, Float, Bool, Str, Scalar, ScalarType, Layout, MemoryFormat, Device, Generator,
  // TorchScript's structural types (SchemaType::name / contained describe them).
  Any, NoneType, TypeVar, Tuple, Dict, Future, Class,
  List,  // a list whose element is itself a list, tuple, ...: contained[0] is the element
};
EMBER_API const char* base_type_name(BaseType t);  // as written in schemas: "Tensor", "int", ...

struct EMBER_API SchemaType {
  BaseType base = BaseType::Tensor;
  bool is_list = false;
  int64_t list_size = -1;      // N in int[N]; -1 when unsized
  bool elem_optional = false;  // Tensor?[]
  bool optional = false;       // T? or T[]?
  std::string name;                   // TypeVar: "t"; Class: "__torch__.a.B"
  std::vector<SchemaType> contained;  // Tuple: elements; Dict: key, value; Future: value; List: element
  std::string str() const;     // back to schema text: "int[2]", "Tensor?", "Tensor?[]", "Dict(str, t)"
  bool operator==(const SchemaType& o) const;
  bool is_tensor() const { return base == BaseType::Tensor && !is_list; }
  bool is_tensor_list() const { return base == BaseType::Tensor && is_list; }
  // Whether this type or one it contains is a type variable (`t`, `Dict(str, t)`, ...).
  bool has_type_variables() const;
};

struct EMBER_API AliasInfo {
  std::string set;          // "a"; empty for a fresh `Tensor!`
  bool is_write = false;    // the ! in Tensor(a!)
  bool to_wildcard = false; // Tensor(a -> *)
  bool operator==(const AliasInfo& o) const {
    return set == o.set && is_write == o.is_write && to_wildcard == o.to_wildcard;
  }
};

struct EMBER_API Argument {
  std::string name;  // may be empty for returns
  SchemaType type;
  std::optional<AliasInfo> alias;            // on the (element) type: Tensor(a!), Tensor(a)[], t(*)
  std::optional<AliasInfo> container_alias;  // on a list itself, after its brackets: t[](a!)
  std::optional<std::string> default_text;  // as written: "1", "None", "[0,0]", "\"mean\"", "long"
  bool kwarg_only = false;
  bool is_out() const { return kwarg_only && alias && alias->is_write; }
  // The annotation that says this argument is written (alias or container_alias), if any.
  const std::optional<AliasInfo>& write_alias() const {
    return container_alias && container_alias->is_write ? container_alias : alias;
  }
  bool operator==(const Argument& o) const;
};

class EMBER_API FunctionSchema {
 public:
  // Parses one schema; throws SchemaError("column C: what is wrong") on malformed text.
  // A name without namespace gets default_namespace.
  static FunctionSchema parse(const std::string& text, const std::string& default_namespace = "aten");

  const std::string& ns() const { return ns_; }
  const std::string& name() const { return name_; }          // "add"
  const std::string& overload() const { return overload_; }  // "Tensor"; empty for the default
  std::string qualified_name() const;                        // "aten::add"
  std::string full_name() const;                             // "aten::add.Tensor"
  std::string name_with_overload() const;                    // "add.Tensor"
  const std::vector<Argument>& arguments() const { return arguments_; }
  const std::vector<Argument>& returns() const { return returns_; }
  bool is_vararg() const { return is_vararg_; }
  bool is_varret() const { return is_varret_; }  // `-> ...`: any number of results

  // Mutation shapes.
  bool is_inplace() const;   // name ends in '_' and self is Tensor(a!)
  bool is_out() const;       // has kwarg-only Tensor(a!) arguments
  size_t num_out_arguments() const;
  bool is_mutable() const;   // any argument written
  // The argument index whose alias set matches return i when it is a write alias; -1 otherwise.
  int aliased_argument_of_return(size_t i) const;
  int argument_index(const std::string& name) const;  // -1 when absent

  // Prints in PyTorch's format, without namespace when it is "aten" and with_aten_ns is false.
  std::string str(bool with_namespace = false) const;
  bool operator==(const FunctionSchema& o) const;

  void set_namespace(std::string ns) { ns_ = std::move(ns); }

 private:
  std::string ns_, name_, overload_;
  std::vector<Argument> arguments_;
  std::vector<Argument> returns_;
  bool is_vararg_ = false;
  bool is_varret_ = false;
  bool returns_tuple_syntax_ = false;  // "-> (Tensor)" vs "-> Tensor"
  friend class SchemaParser;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const FunctionSchema& s);

}  // namespace ember
