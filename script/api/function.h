// A script Function (a compiled `def`, a method, or a traced function) and the Signature the
// compiler matches calls against (operators get one too, built from their FunctionSchema).
//
// A Function owns its Graph. It may be created before it is compiled (so that functions can
// call each other in any order): ensure_defined() runs the compile step once. Calling a
// Function runs its graph in the interpreter; the linearized Code is built on first call and
// shared by all later calls. Thread-safety: after ensure_defined(), run() may be called from
// many threads at once (each call has its own interpreter state).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/jit_type.h"
#include "script/ir/ir.h"

namespace ember {
namespace script {

class Code;

struct SignatureArg {
  std::string name;
  TypePtr type;
  std::optional<IValue> default_value;
  bool kwarg_only = false;
  int64_t list_size = -1;  // N of an int[N] operator argument (a single int is repeated)
};

struct EMBER_API Signature {
  std::string name;  // "aten::add.Tensor", "__torch__.g"
  std::vector<SignatureArg> args;
  std::vector<TypePtr> returns;
  bool is_vararg = false;
  bool is_varret = false;
  // How error messages show it: an operator's schema text, or `name(Tensor x, int n=2) -> Tensor`.
  std::string text;
  std::string str() const;  // builds text from the fields
};

// The signature of a registered operator (cached per operator; thread-safe).
EMBER_API const Signature& operator_signature(const OperatorHandle& op);

class EMBER_API Function {
 public:
  // `creator` compiles the body into the graph when the function is first needed.
  Function(std::string qualified_name, std::shared_ptr<Graph> graph, std::function<void(Function&)> creator);
  ~Function();

  const std::string& qualified_name() const { return qualified_name_; }
  std::string name() const;  // the last component: "forward"
  const std::shared_ptr<Graph>& graph() const { return graph_; }
  void ensure_defined();
  bool is_defined() const { return defined_; }

  // The arguments after `self` for methods.
  const Signature& signature() const { return signature_; }
  void set_signature(Signature s) { signature_ = std::move(s); }
  // Types for parameters written without annotations, taken from the first call (a class's
  // __init__ is compiled for the argument types it is first constructed with).
  const std::vector<TypePtr>& argument_type_hints() const { return argument_type_hints_; }
  void set_argument_type_hints(std::vector<TypePtr> hints) { argument_type_hints_ = std::move(hints); }
  // Methods take the object as their first (unlisted) argument.
  bool is_method() const { return is_method_; }
  void set_is_method(bool m) { is_method_ = m; }

  // Runs the function: arguments (positional, defaults not yet filled) in, its result out.
  // Arguments are checked against the signature (TypeError names the argument).
  IValue operator()(std::vector<IValue> args);
  // Boxed form used by the interpreter: arguments on the stack, replaced by the result.
  void run(Stack& stack);
  // The interpreter's instructions for the graph (built once, thread-safe).
  const Code& code();

 private:
  std::string qualified_name_;
  std::shared_ptr<Graph> graph_;
  std::function<void(Function&)> creator_;
  bool defined_ = false;
  bool defining_ = false;
  bool is_method_ = false;
  std::vector<TypePtr> argument_type_hints_;
  std::recursive_mutex define_mutex_;
  Signature signature_;
  std::once_flag code_once_;
  std::unique_ptr<Code> code_;
};

}  // namespace script
}  // namespace ember
