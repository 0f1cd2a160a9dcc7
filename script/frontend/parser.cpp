// Statements of the script dialect (see parser.h); expressions are in parser_expr.cpp.
#include "script/frontend/parser.h"

#include "script/frontend/error_report.h"

namespace ember {
namespace script {

namespace {

std::shared_ptr<Stmt> new_stmt(StmtKind kind, const SourceRange& range) {
  auto s = std::make_shared<Stmt>();
  s->kind = kind;
  s->range = range;
  return s;
}

bool is_aug_assign(TokenKind k) {
  switch (k) {
    case TokenKind::PlusEq: case TokenKind::MinusEq: case TokenKind::StarEq: case TokenKind::SlashEq:
    case TokenKind::FloorDivEq: case TokenKind::PercentEq: case TokenKind::PowEq: case TokenKind::AtEq:
    case TokenKind::AmpEq: case TokenKind::PipeEq: case TokenKind::CaretEq: case TokenKind::LShiftEq:
    case TokenKind::RShiftEq:
      return true;
    default:
      return false;
  }
}

// The binary operator an augmented assignment applies: += -> +.
TokenKind aug_base_op(TokenKind k) {
  switch (k) {
    case TokenKind::PlusEq: return TokenKind::Plus;
    case TokenKind::MinusEq: return TokenKind::Minus;
    case TokenKind::StarEq: return TokenKind::Star;
    case TokenKind::SlashEq: return TokenKind::Slash;
    case TokenKind::FloorDivEq: return TokenKind::FloorDiv;
    case TokenKind::PercentEq: return TokenKind::Percent;
    case TokenKind::PowEq: return TokenKind::Pow;
    case TokenKind::AtEq: return TokenKind::At;
    case TokenKind::AmpEq: return TokenKind::Amp;
    case TokenKind::PipeEq: return TokenKind::Pipe;
    case TokenKind::CaretEq: return TokenKind::Caret;
    case TokenKind::LShiftEq: return TokenKind::LShift;
    default: return TokenKind::RShift;
  }
}

}  // namespace

Parser::Parser(std::shared_ptr<const Source> source) : lexer_(std::move(source)) {}

std::vector<StmtPtr> Parser::parse_module() {
  std::vector<StmtPtr> defs;
  while (lexer_.cur().kind != TokenKind::Eof) {
    const Token& t = lexer_.cur();
    switch (t.kind) {
      case TokenKind::Newline: lexer_.next(); break;
      case TokenKind::Import:
      case TokenKind::From: parse_simple_statements(); break;  // `import torch`, `from typing import List`
      case TokenKind::Def: defs.push_back(parse_def({})); break;
      case TokenKind::Class: defs.push_back(parse_class({})); break;
      case TokenKind::At: defs.push_back(parse_decorated()); break;
      case TokenKind::String: parse_simple_statements(); break;  // a module docstring
      default:
        syntax_error("expected a def, class or import statement at the top level", token_name(t.kind), t.range);
    }
  }
  return defs;
}

StmtPtr Parser::parse_function() {
  while (lexer_.cur().kind == TokenKind::Newline) lexer_.next();
  if (lexer_.cur().kind == TokenKind::At) return parse_decorated();
  return parse_def({});
}

ExprPtr Parser::parse_expression_only() {
  ExprPtr e = parse_exp();
  while (lexer_.cur().kind == TokenKind::Newline) lexer_.next();
  if (lexer_.cur().kind != TokenKind::Eof) lexer_.fail_expected("the end of the expression");
  return e;
}

StmtPtr Parser::parse_decorated() {
  std::vector<ExprPtr> decorators;
  while (lexer_.next_if(TokenKind::At)) {
    decorators.push_back(parse_exp());
    lexer_.expect(TokenKind::Newline);
  }
  if (lexer_.cur().kind == TokenKind::Class) return parse_class(std::move(decorators));
  if (lexer_.cur().kind != TokenKind::Def) lexer_.fail_expected("def or class after a decorator");
  return parse_def(std::move(decorators));
}

StmtPtr Parser::parse_def(std::vector<ExprPtr> decorators) {
  Token def = lexer_.expect(TokenKind::Def);
  Token name = lexer_.expect(TokenKind::Ident);
  auto s = new_stmt(StmtKind::Def, def.range);
  s->name = {name.text, name.range};
  s->decorators = std::move(decorators);
  lexer_.expect(TokenKind::LParen);
  while (lexer_.cur().kind != TokenKind::RParen) {
    s->params.push_back(parse_param());
    if (!lexer_.next_if(TokenKind::Comma)) break;
  }
  lexer_.expect(TokenKind::RParen);
  if (lexer_.next_if(TokenKind::Arrow)) s->return_type = parse_exp();
  s->range = def.range.merge(lexer_.cur().range);
  s->body = parse_suite(s.get());
  return s;
}

Param Parser::parse_param() {
  if (lexer_.cur().kind == TokenKind::Star || lexer_.cur().kind == TokenKind::Pow)
    syntax_error("expected a parameter name (*args and **kwargs are not supported)", token_name(lexer_.cur().kind),
                 lexer_.cur().range);
  Token name = lexer_.expect(TokenKind::Ident);
  Param p;
  p.name = {name.text, name.range};
  p.range = name.range;
  if (lexer_.next_if(TokenKind::Colon)) {
    p.type = parse_exp();
    p.range = p.range.merge(p.type->range);
  }
  if (lexer_.next_if(TokenKind::Assign)) {
    p.default_value = parse_exp();
    p.range = p.range.merge(p.default_value->range);
  }
  return p;
}

StmtPtr Parser::parse_class(std::vector<ExprPtr> decorators) {
  Token cls = lexer_.expect(TokenKind::Class);
  Token name = lexer_.expect(TokenKind::Ident);
  auto s = new_stmt(StmtKind::Class, cls.range.merge(name.range));
  s->name = {name.text, name.range};
  s->decorators = std::move(decorators);
  if (lexer_.next_if(TokenKind::LParen)) {
    while (lexer_.cur().kind != TokenKind::RParen) {
      s->bases.push_back(parse_exp());
      if (!lexer_.next_if(TokenKind::Comma)) break;
    }
    lexer_.expect(TokenKind::RParen);
  }
  s->body = parse_suite();
  return s;
}

// ':' then an indented block, or simple statements on the same line. A def's block may start
// with its `# type:` comment.
std::vector<StmtPtr> Parser::parse_suite(Stmt* def_for_type_comment) {
  lexer_.expect(TokenKind::Colon);
  if (lexer_.cur().kind == TokenKind::TypeComment && def_for_type_comment) {
    // def f(x): # type: (int) -> int   (the comment on the def line)
    parse_def_type_comment(*def_for_type_comment, lexer_.next());
  }
  if (!lexer_.next_if(TokenKind::Newline)) return parse_simple_statements();
  lexer_.expect(TokenKind::Indent);
  if (lexer_.cur().kind == TokenKind::TypeComment && def_for_type_comment) {
    parse_def_type_comment(*def_for_type_comment, lexer_.next());
    lexer_.expect(TokenKind::Newline);
  }
  std::vector<StmtPtr> body;
  while (!lexer_.next_if(TokenKind::Dedent)) {
    if (lexer_.cur().kind == TokenKind::Eof) break;
    if (lexer_.next_if(TokenKind::Newline)) continue;
    // An over-indented line: PyTorch's lexer gives an INDENT where the NEWLINE belongs.
    if (lexer_.cur().kind == TokenKind::Indent) lexer_.fail_expected("newline");
    if (lexer_.cur().kind == TokenKind::If || lexer_.cur().kind == TokenKind::While ||
        lexer_.cur().kind == TokenKind::For || lexer_.cur().kind == TokenKind::Def ||
        lexer_.cur().kind == TokenKind::Class || lexer_.cur().kind == TokenKind::At ||
        lexer_.cur().kind == TokenKind::With) {
      body.push_back(parse_statement());
    } else {
      for (StmtPtr& s : parse_simple_statements()) body.push_back(std::move(s));
    }
  }
  return body;
}

void Parser::parse_def_type_comment(Stmt& def, const Token& comment) {
  // (T1, T2) -> R, lexed as its own source so the comment's text is what errors show.
  auto src = std::make_shared<Source>(comment.text, comment.range.source()->filename(),
                                      comment.range.location()->line);
  Parser sub(src);
  sub.lexer_.expect(TokenKind::LParen);
  while (sub.lexer_.cur().kind != TokenKind::RParen) {
    def.comment_arg_types.push_back(sub.parse_exp());
    if (!sub.lexer_.next_if(TokenKind::Comma)) break;
  }
  sub.lexer_.expect(TokenKind::RParen);
  sub.lexer_.expect(TokenKind::Arrow);
  def.comment_return_type = sub.parse_expression_only();
  def.has_type_comment = true;
}

ExprPtr Parser::parse_type_comment_expr(const Token& comment) {
  auto src = std::make_shared<Source>(comment.text, comment.range.source()->filename(),
                                      comment.range.location()->line);
  Parser sub(src);
  return sub.parse_expression_only();
}

StmtPtr Parser::parse_statement() {
  const Token& t = lexer_.cur();
  switch (t.kind) {
    case TokenKind::If: return parse_if(false);
    case TokenKind::While: {
      Token w = lexer_.next();
      auto s = new_stmt(StmtKind::While, w.range);
      s->value = parse_exp();
      s->range = w.range.merge(s->value->range);
      s->body = parse_suite();
      return s;
    }
    case TokenKind::For: {
      Token f = lexer_.next();
      auto s = new_stmt(StmtKind::For, f.range);
      // Targets up to `in`: parse at comparison precedence so `in` is not consumed.
      do {
        s->targets.push_back(parse_exp(4));
      } while (lexer_.next_if(TokenKind::Comma) && lexer_.cur().kind != TokenKind::In);
      lexer_.expect(TokenKind::In);
      s->value = parse_exp_list();
      s->range = f.range.merge(s->value->range);
      s->body = parse_suite();
      return s;
    }
    case TokenKind::Def: return parse_def({});
    case TokenKind::Class: return parse_class({});
    case TokenKind::At: return parse_decorated();
    case TokenKind::With:
      syntax_error("expected a statement ('with' is not supported)", "with", t.range);
    default: {
      std::vector<StmtPtr> simple = parse_simple_statements();
      return simple.front();
    }
  }
}

StmtPtr Parser::parse_if(bool is_elif) {
  Token t = lexer_.next();  // if / elif
  auto s = new_stmt(StmtKind::If, t.range);
  s->value = parse_exp();
  s->body = parse_suite();
  if (lexer_.cur().kind == TokenKind::Elif) {
    s->orelse.push_back(parse_if(true));
  } else if (lexer_.next_if(TokenKind::Else)) {
    s->orelse = parse_suite();
  }
  // The range spans the whole statement, as PyTorch's (a branch-type error underlines it).
  SourceRange end = s->orelse.empty() ? s->body.back()->range : s->orelse.back()->range;
  s->range = t.range.merge(end);
  (void)is_elif;
  return s;
}

std::vector<StmtPtr> Parser::parse_simple_statements() {
  std::vector<StmtPtr> out;
  out.push_back(parse_simple_statement());
  while (lexer_.next_if(TokenKind::Semicolon)) {
    if (lexer_.cur().kind == TokenKind::Newline) break;
    out.push_back(parse_simple_statement());
  }
  if (lexer_.cur().kind != TokenKind::Eof) lexer_.expect(TokenKind::Newline);
  return out;
}

StmtPtr Parser::parse_simple_statement() {
  const Token t = lexer_.cur();
  switch (t.kind) {
    case TokenKind::Pass: lexer_.next(); return new_stmt(StmtKind::Pass, t.range);
    case TokenKind::Break: lexer_.next(); return new_stmt(StmtKind::Break, t.range);
    case TokenKind::Continue: lexer_.next(); return new_stmt(StmtKind::Continue, t.range);
    case TokenKind::Return: {
      lexer_.next();
      auto s = new_stmt(StmtKind::Return, t.range);
      if (lexer_.cur().kind != TokenKind::Newline && lexer_.cur().kind != TokenKind::Semicolon &&
          lexer_.cur().kind != TokenKind::Eof) {
        s->value = parse_exp_list();
        s->range = t.range.merge(s->value->range);
      }
      return s;
    }
    case TokenKind::Raise: {
      lexer_.next();
      auto s = new_stmt(StmtKind::Raise, t.range);
      if (lexer_.cur().kind != TokenKind::Newline && lexer_.cur().kind != TokenKind::Eof) {
        s->value = parse_exp();
        s->range = t.range.merge(s->value->range);
      }
      return s;
    }
    case TokenKind::Assert: {
      lexer_.next();
      auto s = new_stmt(StmtKind::Assert, t.range);
      s->value = parse_exp();
      s->range = t.range.merge(s->value->range);
      if (lexer_.next_if(TokenKind::Comma)) {
        s->msg = parse_exp();
        s->range = s->range.merge(s->msg->range);
      }
      return s;
    }
    case TokenKind::Del: {
      lexer_.next();
      auto s = new_stmt(StmtKind::Delete, t.range);
      do {
        s->targets.push_back(parse_exp());
      } while (lexer_.next_if(TokenKind::Comma));
      s->range = t.range.merge(s->targets.back()->range);
      return s;
    }
    case TokenKind::Import:
    case TokenKind::From: {
      // `import torch`, `from typing import List, Optional` name nothing the compiler needs.
      while (lexer_.cur().kind != TokenKind::Newline && lexer_.cur().kind != TokenKind::Eof) lexer_.next();
      return new_stmt(StmtKind::Import, t.range);
    }
    case TokenKind::Global:
      syntax_error("expected a statement ('global' is not supported)", "global", t.range);
    default: break;
  }
  ExprPtr first = parse_exp_list();
  if (is_aug_assign(lexer_.cur().kind)) {
    Token op = lexer_.next();
    auto s = new_stmt(StmtKind::AugAssign, first->range);
    s->targets = {first};
    s->op = aug_base_op(op.kind);
    s->value = parse_exp_list();
    s->range = first->range.merge(s->value->range);
    return s;
  }
  if (lexer_.cur().kind == TokenKind::Colon) {  // x: int = 3
    lexer_.next();
    auto s = new_stmt(StmtKind::Assign, first->range);
    s->targets = {first};
    s->annotation = parse_exp();
    if (lexer_.next_if(TokenKind::Assign)) s->value = parse_exp_list();
    s->range = first->range.merge(s->value ? s->value->range : s->annotation->range);
    return s;
  }
  if (lexer_.cur().kind == TokenKind::Assign) {
    auto s = new_stmt(StmtKind::Assign, first->range);
    s->targets = {first};
    ExprPtr rhs;
    while (lexer_.next_if(TokenKind::Assign)) {
      rhs = parse_exp_list();
      s->targets.push_back(rhs);
    }
    s->targets.pop_back();  // the last is the value
    s->value = rhs;
    s->range = first->range.merge(rhs->range);
    if (lexer_.cur().kind == TokenKind::TypeComment) s->annotation = parse_type_comment_expr(lexer_.next());
    return s;
  }
  auto s = new_stmt(StmtKind::ExprStmt, first->range);
  s->value = first;
  return s;
}

}  // namespace script
}  // namespace ember
