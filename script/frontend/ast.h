// The syntax tree of the script dialect, as the parser builds it and the compiler reads it.
//
// Expressions and statements are each one struct with a kind and the fields that kind uses
// (listed per kind below). Nodes are immutable once built and shared (ExprPtr, StmtPtr), so the
// compiler may reuse them when it desugars (an `assert` becomes an `if` that raises).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "script/frontend/lexer.h"

namespace ember {
namespace script {

struct Ident {
  std::string name;
  SourceRange range;
};

enum class ExprKind : uint8_t {
  Var,        // name
  Int,        // int_value
  Float,      // float_value
  String,     // name = the decoded text
  True, False, None, Dots,
  Unary,      // op (Minus, Plus, Tilde, Not), args = {operand}
  Binary,     // op (Plus, ..., And, Or, Is, IsNot, In, NotIn, Lt, ...), args = {lhs, rhs}
  Ternary,    // args = {cond, true_value, false_value}
  Apply,      // base = callee, args = positional, kwargs
  Select,     // base = value, name = attribute, name_range
  Subscript,  // base = value, args = subscripts (each maybe a Slice)
  Slice,      // args = {start, end, step}, each may be null
  List,       // args = elements
  Tuple,      // args = elements
  Dict,       // args = keys, values = values
  Starred,    // args = {value}
  ListComp,   // base = element, args = {target, iterable}
  DictComp,   // base = key, values = {value}, args = {target, iterable}
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  ExprKind kind;
  SourceRange range;
  std::string name;
  SourceRange name_range;
  int64_t int_value = 0;
  double float_value = 0;
  TokenKind op = TokenKind::Eof;
  ExprPtr base;
  std::vector<ExprPtr> args;
  std::vector<ExprPtr> values;
  std::vector<std::pair<Ident, ExprPtr>> kwargs;
};

enum class StmtKind : uint8_t {
  Def,        // name, params, return_type, decorators, body, type_comment
  Class,      // name, bases, body, decorators
  If,         // value = condition, body, orelse (an elif is an If alone in orelse)
  While,      // value = condition, body
  For,        // targets, value = iterable, body
  Assign,     // targets = the `=`-separated left-hand sides, value (may be null: `x: int`), annotation
  AugAssign,  // targets = {lhs}, op, value
  ExprStmt,   // value
  Return,     // value (may be null)
  Raise,      // value (may be null)
  Assert,     // value = test, msg (may be null)
  Pass, Break, Continue,
  Delete,     // targets
  Import,     // (ignored by the compiler)
};

struct Param {
  Ident name;
  ExprPtr type;           // may be null
  ExprPtr default_value;  // may be null
  SourceRange range;
};

struct Stmt;
using StmtPtr = std::shared_ptr<const Stmt>;

struct Stmt {
  StmtKind kind;
  SourceRange range;
  Ident name;
  std::vector<Param> params;
  ExprPtr return_type;
  std::vector<ExprPtr> decorators;
  std::vector<ExprPtr> bases;
  std::vector<StmtPtr> body;
  std::vector<StmtPtr> orelse;
  std::vector<ExprPtr> targets;
  ExprPtr value;
  ExprPtr annotation;
  ExprPtr msg;
  TokenKind op = TokenKind::Eof;
  // `# type: (int, Tensor) -> Tensor` of a def, parsed: argument types and the return type.
  std::vector<ExprPtr> comment_arg_types;
  ExprPtr comment_return_type;
  bool has_type_comment = false;
};

// Builders used by the parser and by desugaring in the compiler.
ExprPtr make_var(const std::string& name, const SourceRange& range);
ExprPtr make_string(const std::string& value, const SourceRange& range);
ExprPtr make_apply(ExprPtr callee, std::vector<ExprPtr> args, const SourceRange& range);

// A readable s-expression of a tree, for tests: (def f (params x y) (return (+ x y))).
std::string dump(const ExprPtr& e);
std::string dump(const StmtPtr& s);

}  // namespace script
}  // namespace ember
