// The Emitter turns one `def` into IR, following TorchScript's structure so that graphs print
// as PyTorch's do (same nodes, same order, same value names):
//
//  1. Every assignment of a first-class variable emits prim::Store[name=x], every read a
//     prim::Load[name=x] (named x); control flow nests Blocks (prim::If, prim::Loop with a
//     condition block); return/break/continue are prim::ReturnStmt/BreakStmt/ContinueStmt.
//  2. convert_to_ssa() (ssa.cpp) adds block inputs/outputs for variables that flow through
//     control flow, rewrites break/continue, inlines loop conditions, replaces Loads by the
//     stored values and transforms the exits (exit_transforms.cpp).
//  3. Cleanup passes: tuple lowering, constant propagation of immutable values, constant pooling,
//     dead code elimination.
//
// Numeric literals are emitted once per function at the start of the graph (as PyTorch's
// materializeConstant does); other constants where they are used. Type errors that depend on a
// variable's later use (different types in two branches) are recorded and reported at the use.
// One Emitter compiles one function on one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "script/api/function.h"
#include "script/compiler/sugared_value.h"
#include "script/frontend/ast.h"
#include "script/frontend/error_report.h"
#include "script/passes/passes.h"

namespace ember {
namespace script {

class CompilationUnit;

// Names the compiler resolves outside the function: other functions and classes of the
// compilation unit, registered traced functions, and builtins (torch, math, exceptions).
class Resolver {
 public:
  virtual ~Resolver() = default;
  virtual SugaredValuePtr resolve_value(const std::string& name, const SourceRange& loc) = 0;
  virtual ClassTypePtr resolve_class(const std::string& name) = 0;
};

// When the function is a method: the class of `self`.
struct Self {
  ClassTypePtr type;
};

// One scope frame: first-class variables by type (reads emit prim::Load), sugared ones by value.
struct Environment {
  Environment(Emitter& emitter, Block* block, std::shared_ptr<Environment> next)
      : emitter(emitter), block(block), next(std::move(next)) {}

  SugaredValuePtr find_in_this_frame(const std::string& name);
  SugaredValuePtr find_in_parent_frame(const std::string& name) { return next ? next->find_in_any_frame(name) : nullptr; }
  SugaredValuePtr find_in_any_frame(const std::string& name);
  void set_var(const SourceRange& loc, const std::string& name, Value* value);
  void set_sugared_var(const SourceRange& loc, const std::string& name, SugaredValuePtr value, TypePtr annotated_type);
  SugaredValuePtr get_sugared_var(const std::string& name, const SourceRange& loc, bool required = true);
  Value* get_var(const std::string& name, const SourceRange& loc);
  void set_type(const std::string& name, TypePtr t) { type_table[name] = std::move(t); }
  void remove_var(const std::string& name);
  // In the type table's iteration order, which (as PyTorch's, with the same standard library)
  // decides the order of emitted loads and so the value names.
  std::vector<std::string> defined_variables() const;
  // A deferred type error: reported if the variable is used later.
  void set_variable_type_error(const std::string& name, std::function<std::string()> message);
  std::optional<std::string> find_variable_type_error(const std::string& name);

  Emitter& emitter;
  Block* block;
  std::shared_ptr<Environment> next;
  std::unordered_map<std::string, TypePtr> type_table;
  std::unordered_map<std::string, SugaredValuePtr> value_table;
  std::unordered_map<std::string, std::function<std::string()>> error_messages;
};

// An `if` condition with the Optional refinements it implies and, when it is known at compile
// time, its value (then only one branch is emitted).
struct Refinement {
  std::string name;
  TypePtr type;
};
struct RefinementSet {
  std::vector<Refinement> true_refinements, false_refinements;
  RefinementSet And(const RefinementSet& rhs) const;
  RefinementSet Or(const RefinementSet& rhs) const;
  RefinementSet Not() const { return {false_refinements, true_refinements}; }
};
struct CondValue {
  Value* value;
  RefinementSet refinements;
  std::optional<bool> static_if;
};

enum class LoopStatus { NotInLoop, InLoop, InUnrolledLoop };

class Emitter {
 public:
  Emitter(Function& function, Resolver& resolver, const Self* self);

  // Compiles def into the function's graph and sets its signature.
  void emit_function(const StmtPtr& def);

  Graph& graph() { return *graph_; }
  Resolver& resolver() { return resolver_; }
  const Self* self() const { return self_; }
  Function& function() { return function_; }
  std::shared_ptr<Environment>& environment() { return env_; }

  // Calls used by sugared values.
  Value* emit_builtin_call(const SourceRange& loc, Symbol name, const std::vector<NamedValue>& args,
                           const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self = std::nullopt);
  Value* insert_constant(const IValue& v, const SourceRange& loc) { return graph_->insert_constant(v, loc); }
  TypePtr parse_type(const ExprPtr& annotation);
  SugaredValuePtr emit_special_form(const std::string& form, const ExprPtr& apply, const TypePtr& type_hint);

  // Expressions (emit_expressions.cpp, emit_calls.cpp).
  Value* emit_expr(const ExprPtr& e, const TypePtr& type_hint = nullptr);
  SugaredValuePtr emit_sugared_expr(const ExprPtr& e, size_t n_binders, const TypePtr& type_hint = nullptr);
  CondValue emit_cond_expr(const ExprPtr& e);
  Value* emit_to_bool(const SourceRange& loc, Value* v);

 private:
  friend struct Environment;
  // Frames.
  void push_frame(Block* b, bool starts_def = false);
  std::shared_ptr<Environment> pop_frame(bool ends_def = false);

  // Definitions (emitter.cpp).
  Signature signature_from_def(const StmtPtr& def);
  void emit_formal_arguments(const StmtPtr& def, const Signature& sig);
  void handle_maybe_no_return(const StmtPtr& def);
  void emit_output(const SourceRange& range);

  // Statements (emit_statements.cpp).
  void emit_statements(const std::vector<StmtPtr>& stmts);
  void emit_if(const StmtPtr& s);
  void emit_if_else_blocks(const SourceRange& loc, const CondValue& cond, const std::vector<StmtPtr>& true_branch,
                           const std::vector<StmtPtr>& false_branch);
  std::shared_ptr<Environment> emit_single_if_branch(Block* b, const std::vector<StmtPtr>& branch,
                                                     const RefinementSet& refinements);
  void insert_refinements(const SourceRange& loc, const RefinementSet& refinements);
  void emit_while(const StmtPtr& s);
  void emit_for(const StmtPtr& s);
  void emit_for(const std::vector<ExprPtr>& targets, const ExprPtr& iterable, const SourceRange& loc,
                const std::function<void()>& body);
  void emit_loop_common(const SourceRange& range, const std::function<void()>& body, const SugaredValuePtr& iter,
                        const std::vector<ExprPtr>* targets, const ExprPtr& cond);
  void emit_unrolled_loop(const SourceRange& loc, const std::function<void()>& body, const SugaredValuePtr& iterable,
                          const std::vector<ExprPtr>& targets);
  void emit_assignment(const StmtPtr& s);
  void emit_single_assignment(const ExprPtr& lhs, const ExprPtr& rhs, const ExprPtr& annotation, const SourceRange& range);
  void emit_tuple_assign(const ExprPtr& tuple, const SugaredValuePtr& rhs, const SourceRange& rhs_loc, size_t n_binders);
  void emit_exprs_assign(const std::vector<ExprPtr>& lhs, const std::vector<SugaredValuePtr>& outputs,
                         const SourceRange& rhs_loc);
  void emit_subscript_assign(const SourceRange& stmt_range, const ExprPtr& lhs, const NamedValue& rhs);
  void emit_aug_assignment(const StmtPtr& s);
  void emit_return(const StmtPtr& s);
  void emit_raise(const StmtPtr& s);
  void emit_assert(const StmtPtr& s);
  void emit_break_continue(const StmtPtr& s);
  void emit_delete(const StmtPtr& s);

  // Expressions.
  Value* emit_simple_expr(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_binary_op(const ExprPtr& e);
  Value* emit_unary_op(const ExprPtr& e);
  Value* emit_const(const ExprPtr& e);
  Value* emit_list_literal(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_dict_literal(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_list_comprehension(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_ternary(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_if_expr(const SourceRange& loc, const CondValue& cond, const std::function<Value*()>& true_expr,
                      const std::function<Value*()>& false_expr);
  CondValue emit_short_circuit(const SourceRange& loc, const ExprPtr& first, const ExprPtr& second, bool is_or);
  CondValue emit_is_instance(const ExprPtr& obj, const ExprPtr& classinfo);
  SugaredValuePtr emit_subscript(const ExprPtr& e, const TypePtr& type_hint);
  Value* emit_multidim_slicing(const SourceRange& loc, Value* sliceable, const std::vector<ExprPtr>& subscripts);
  std::pair<Value*, std::vector<Value*>> emit_int_and_slice_indexing(const SourceRange& loc, Value* sliceable,
                                                                     const std::vector<ExprPtr>& subscripts);
  Value* emit_slice(const SourceRange& loc, Value* sliceable, Value* dim, const ExprPtr& slice);
  SugaredValuePtr emit_apply(const ExprPtr& e, size_t n_binders, const TypePtr& type_hint);
  std::vector<NamedValue> get_named_values(const std::vector<ExprPtr>& exprs, bool maybe_unpack);
  std::vector<NamedValue> emit_attributes(const std::vector<std::pair<Ident, ExprPtr>>& kwargs);
  Value* materialize_constant(const IValue& v, const SourceRange& loc);

  Function& function_;
  std::shared_ptr<Graph> graph_;
  Resolver& resolver_;
  const Self* self_;
  std::shared_ptr<Environment> env_;
  struct DefContext {
    TypePtr declared_return_type;
    TypePtr merged_return_type;
  };
  std::vector<DefContext> def_stack_;
  std::unordered_set<Block*> exit_blocks_;
  std::map<int64_t, Value*> integral_constants_;
  std::map<double, Value*> fp_constants_;
  LoopStatus loop_status_ = LoopStatus::NotInLoop;
  size_t temp_name_count_ = 0;
};

// Whether a name is kept as a value's debug name ("$tmp" and "_3" are not, as in PyTorch).
bool meaningful_name(const std::string& name);
// print, len, range, int, ... (nullptr for other names). sugared_value.cpp.
SugaredValuePtr builtin_global(const std::string& name);
// The value of a literal expression (numbers, strings, True/False/None, -x, tuples and lists of
// those), as parameter defaults need; nullopt when it is not constant.
std::optional<IValue> evaluate_constant_expression(const ExprPtr& e);


// The passes that finish a function after emission (ssa.cpp, exit_transforms.cpp).
void convert_to_ssa(Graph& g);
void transform_exits(Graph& g);
void canonicalize_modified_loops(Graph& g);
// `[]` literals that no argument typed become empty List[Tensor] constructions.
void replace_empty_list_literals(Graph& g);

}  // namespace script
}  // namespace ember
