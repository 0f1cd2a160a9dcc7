// The parser of the script dialect: recursive descent for statements, Pratt (precedence
// climbing) for expressions, over the Lexer's tokens.
//
// Binary precedence, lowest first, as TorchScript's: `x if c else y` (1), `and` `or` (2, one
// level, unlike Python), `not` (3), comparisons `in` `not in` `is` `is not` (4), `|` (5), `^`
// (6), `&` (7), shifts (8), `+ -` (9), `* / // % @` and unary `- + ~` (10), `**` (11, right
// associative). Syntax errors are CompileErrors in PyTorch's "expected X but found 'Y' here"
// form. A Parser is used by one thread.
#pragma once

#include <memory>
#include <vector>

#include "script/frontend/ast.h"

namespace ember {
namespace script {

class EMBER_API Parser {
 public:
  explicit Parser(std::shared_ptr<const Source> source);

  // A whole file: defs and classes (decorated or not); import lines and docstrings are skipped.
  std::vector<StmtPtr> parse_module();
  // One def (a method when is_method: its first parameter is self).
  StmtPtr parse_function();
  // One expression up to the end of the text (tests, type strings).
  ExprPtr parse_expression_only();
  bool at_end() const { return lexer_.cur().kind == TokenKind::Eof; }

 private:
  StmtPtr parse_statement();
  std::vector<StmtPtr> parse_simple_statements();
  StmtPtr parse_simple_statement();
  std::vector<StmtPtr> parse_suite(Stmt* def_for_type_comment = nullptr);
  StmtPtr parse_if(bool is_elif);
  StmtPtr parse_def(std::vector<ExprPtr> decorators);
  StmtPtr parse_class(std::vector<ExprPtr> decorators);
  StmtPtr parse_decorated();
  Param parse_param();
  void parse_def_type_comment(Stmt& def, const Token& comment);
  ExprPtr parse_type_comment_expr(const Token& comment);

  ExprPtr parse_exp(int precedence = 0);
  ExprPtr parse_exp_list();  // a, b, c -> Tuple (no parentheses)
  ExprPtr parse_base();
  ExprPtr parse_atom();
  ExprPtr parse_trailers(ExprPtr e);
  ExprPtr parse_subscript_item();
  ExprPtr parse_number(const Token& t);
  void parse_call_args(Expr& apply);

  Lexer lexer_;
};

}  // namespace script
}  // namespace ember
