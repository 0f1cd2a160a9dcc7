// Sugared values: what a name or expression means to the compiler before it becomes an IR
// Value. `torch`, `torch.ops.myns`, a builtin like `len`, a script function, a module's
// `self`, a method, `range(n)` are not first-class values; calling them, taking an attribute
// or iterating over them emits IR. A plain IR Value is a SimpleValue.
//
// Built and used by one Emitter (not shared between threads).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "script/compiler/named_value.h"

namespace ember {
namespace script {

class Emitter;
class Function;
struct SugaredValue;
using SugaredValuePtr = std::shared_ptr<SugaredValue>;

struct SugaredValue : std::enable_shared_from_this<SugaredValue> {
  virtual ~SugaredValue() = default;
  // How error messages name it: "builtin", "function", "module", "value of type 'int'".
  virtual std::string kind() const = 0;
  virtual Value* as_value(const SourceRange& loc, Emitter& e);
  virtual SugaredValuePtr attr(const SourceRange& loc, Emitter& e, const std::string& name);
  virtual bool has_attr(const SourceRange& loc, Emitter& e, const std::string& name);
  virtual void set_attr(const SourceRange& loc, Emitter& e, const std::string& name, Value* v);
  virtual SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                               const std::vector<NamedValue>& kwargs, size_t n_binders);
  virtual std::vector<SugaredValuePtr> as_tuple(const SourceRange& loc, Emitter& e,
                                                std::optional<size_t> size_hint = std::nullopt);
  // Iteration: iter() gives the iterable; len() and getitem() drive the emitted loop.
  virtual SugaredValuePtr iter(const SourceRange& loc, Emitter& e);
  virtual Value* len(const SourceRange& loc, Emitter& e);
  virtual SugaredValuePtr getitem(const SourceRange& loc, Emitter& e, Value* index, TypePtr type_hint = nullptr);
  // Tuples and module lists are iterated by unrolling.
  virtual std::optional<int64_t> static_len() { return std::nullopt; }
  virtual bool emit_unrolled() const { return false; }
};

// A first-class IR value.
struct SimpleValue : SugaredValue {
  explicit SimpleValue(Value* v) : value(v) {}
  std::string kind() const override;
  Value* as_value(const SourceRange&, Emitter&) override { return value; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter& e, const std::string& name) override;
  bool has_attr(const SourceRange& loc, Emitter& e, const std::string& name) override;
  void set_attr(const SourceRange& loc, Emitter& e, const std::string& name, Value* v) override;
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  std::vector<SugaredValuePtr> as_tuple(const SourceRange& loc, Emitter& e, std::optional<size_t> size_hint) override;
  SugaredValuePtr iter(const SourceRange& loc, Emitter& e) override;
  Value* len(const SourceRange& loc, Emitter& e) override;
  SugaredValuePtr getitem(const SourceRange& loc, Emitter& e, Value* index, TypePtr type_hint) override;
  std::optional<int64_t> static_len() override;
  bool emit_unrolled() const override;
  Value* value;
};

// An operator (all overloads of `symbol`), with `self` bound for method calls (x.mm(y)).
struct BuiltinFunction : SugaredValue {
  BuiltinFunction(Symbol symbol, std::optional<NamedValue> self) : symbol(symbol), self(std::move(self)) {}
  std::string kind() const override { return "builtin"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  Symbol symbol;
  std::optional<NamedValue> self;
};

// A script function (prim::CallFunction).
struct FunctionValue : SugaredValue {
  explicit FunctionValue(Function* f) : function(f) {}
  std::string kind() const override { return "function"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  Function* function;
};

// A method of an object (prim::CallMethod).
struct MethodValue : SugaredValue {
  MethodValue(Value* self, std::string method) : self(self), method(std::move(method)) {}
  std::string kind() const override { return "method"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  Value* self;
  std::string method;
};

// `self` inside a module's methods, and its submodules: attributes become prim::GetAttr at
// each use, methods MethodValues, calls the forward method.
struct ModuleValue : SugaredValue {
  explicit ModuleValue(Value* self) : self(self) {}
  std::string kind() const override { return "module"; }
  Value* as_value(const SourceRange&, Emitter&) override { return self; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter& e, const std::string& name) override;
  bool has_attr(const SourceRange& loc, Emitter& e, const std::string& name) override;
  void set_attr(const SourceRange& loc, Emitter& e, const std::string& name, Value* v) override;
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  Value* self;
};

// A script class used as a constructor: MyModule(3, 4).
struct ClassValue : SugaredValue {
  explicit ClassValue(ClassTypePtr type) : type(std::move(type)) {}
  std::string kind() const override { return "class"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  ClassTypePtr type;
};

// A namespace of builtins: `torch`, `torch.nn.functional`, `torch.ops.<ns>`, `math`.
struct NamespaceValue : SugaredValue {
  NamespaceValue(std::string path, std::string op_namespace) : path(std::move(path)), op_namespace(std::move(op_namespace)) {}
  std::string kind() const override { return "module"; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter& e, const std::string& name) override;
  std::string path;          // "torch", "torch.nn.functional", "torch.ops.myops", "math"
  std::string op_namespace;  // operators found here: "aten", "myops" ("" for none)
};

struct PrintValue : SugaredValue {
  std::string kind() const override { return "builtin"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
};

// bool(x), int(x), float(x), str(x): x itself when it already has the type.
struct CastValue : SugaredValue {
  CastValue(TypePtr type, Symbol symbol) : type(std::move(type)), symbol(symbol) {}
  std::string kind() const override { return "builtin"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  TypePtr type;
  Symbol symbol;
};

// range(end) / range(start, end[, step]) as an iterable.
struct RangeValue : SugaredValue {
  RangeValue(const SourceRange& loc, Emitter& e, std::vector<Value*> inputs);
  std::string kind() const override { return "range"; }
  SugaredValuePtr iter(const SourceRange&, Emitter&) override { return shared_from_this(); }
  Value* len(const SourceRange& loc, Emitter& e) override;
  SugaredValuePtr getitem(const SourceRange& loc, Emitter& e, Value* index, TypePtr type_hint) override;
  Value* start = nullptr;
  Value* end = nullptr;
  Value* step = nullptr;
  bool has_only_end = false;
};

// ValueError, RuntimeError, ...: calling one gives the message `raise` needs.
struct ExceptionValue : SugaredValue {
  explicit ExceptionValue(std::string name) : name(std::move(name)) {}
  std::string kind() const override { return "exception"; }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
  std::string name;
};
struct ExceptionMessageValue : SugaredValue {
  ExceptionMessageValue(Value* message, std::string qualified_class)
      : message(message), qualified_class(std::move(qualified_class)) {}
  std::string kind() const override { return "exception"; }
  Value* message;
  std::string qualified_class;  // "builtins.ValueError"
};

// Forms whose arguments are not ordinary values (isinstance(x, int), annotate(List[int], [])).
struct SpecialFormValue : SugaredValue {
  explicit SpecialFormValue(std::string form) : form(std::move(form)) {}
  std::string kind() const override { return "builtin"; }
  std::string form;  // "range", "isinstance", "annotate", "getattr", "hasattr", "tuple", "list", "super", ...
};

// `super(M, self)` in __init__: its __init__() does nothing (there is no base-class state).
struct NoneCallable : SugaredValue {
  std::string kind() const override { return "builtin"; }
  SugaredValuePtr attr(const SourceRange&, Emitter&, const std::string&) override { return shared_from_this(); }
  SugaredValuePtr call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                       const std::vector<NamedValue>& kwargs, size_t n_binders) override;
};

}  // namespace script
}  // namespace ember
