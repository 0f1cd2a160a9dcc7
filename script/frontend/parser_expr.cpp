// Expressions of the script dialect: Pratt parsing (see parser.h for the precedence table).
#include <cerrno>
#include <cstdlib>

#include "script/frontend/error_report.h"
#include "script/frontend/parser.h"

namespace ember {
namespace script {

namespace {

std::shared_ptr<Expr> new_expr(ExprKind kind, const SourceRange& range) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->range = range;
  return e;
}

// Binary precedence and associativity; 0 when the token is not a binary operator.
int binary_precedence(TokenKind k, bool* right_assoc) {
  *right_assoc = false;
  switch (k) {
    case TokenKind::If: return 1;
    case TokenKind::And: case TokenKind::Or: return 2;
    case TokenKind::Lt: case TokenKind::Gt: case TokenKind::Le: case TokenKind::Ge: case TokenKind::Eq:
    case TokenKind::Ne: case TokenKind::In: case TokenKind::NotIn: case TokenKind::Is: case TokenKind::IsNot:
      return 4;
    case TokenKind::Pipe: return 5;
    case TokenKind::Caret: return 6;
    case TokenKind::Amp: return 7;
    case TokenKind::LShift: case TokenKind::RShift: return 8;
    case TokenKind::Plus: case TokenKind::Minus: return 9;
    case TokenKind::Star: case TokenKind::Slash: case TokenKind::FloorDiv: case TokenKind::Percent:
    case TokenKind::At:
      return 10;
    case TokenKind::Pow: *right_assoc = true; return 11;
    default: return 0;
  }
}

int unary_precedence(TokenKind k) {
  switch (k) {
    case TokenKind::Not: return 3;
    case TokenKind::Minus: case TokenKind::Plus: case TokenKind::Tilde: return 10;
    default: return 0;
  }
}

}  // namespace

ExprPtr make_var(const std::string& name, const SourceRange& range) {
  auto e = new_expr(ExprKind::Var, range);
  e->name = name;
  return e;
}

ExprPtr make_string(const std::string& value, const SourceRange& range) {
  auto e = new_expr(ExprKind::String, range);
  e->name = value;
  return e;
}

ExprPtr make_apply(ExprPtr callee, std::vector<ExprPtr> args, const SourceRange& range) {
  auto e = new_expr(ExprKind::Apply, range);
  e->base = std::move(callee);
  e->args = std::move(args);
  return e;
}

ExprPtr Parser::parse_exp(int precedence) {
  ExprPtr lhs;
  TokenKind k = lexer_.cur().kind;
  if (int p = unary_precedence(k)) {
    Token op = lexer_.next();
    ExprPtr operand = parse_exp(p);
    auto u = new_expr(ExprKind::Unary, op.range.merge(operand->range));
    u->op = k;
    u->args = {operand};
    lhs = u;
  } else {
    lhs = parse_base();
  }
  while (true) {
    bool right_assoc = false;
    TokenKind op_kind = lexer_.cur().kind;
    int p = binary_precedence(op_kind, &right_assoc);
    if (p == 0 || p <= precedence) break;
    lexer_.next();
    if (op_kind == TokenKind::If) {  // lhs if cond else rhs
      ExprPtr cond = parse_exp();
      lexer_.expect(TokenKind::Else);
      ExprPtr otherwise = parse_exp();
      auto t = new_expr(ExprKind::Ternary, lhs->range.merge(otherwise->range));
      t->args = {cond, lhs, otherwise};
      lhs = t;
      continue;
    }
    ExprPtr rhs = parse_exp(right_assoc ? p - 1 : p);
    auto b = new_expr(ExprKind::Binary, lhs->range.merge(rhs->range));
    b->op = op_kind;
    b->args = {lhs, rhs};
    lhs = b;
  }
  return lhs;
}

ExprPtr Parser::parse_exp_list() {
  ExprPtr first = lexer_.cur().kind == TokenKind::Star ? nullptr : parse_exp();
  if (!first) {  // *x in a tuple
    Token star = lexer_.next();
    ExprPtr v = parse_exp();
    auto s = new_expr(ExprKind::Starred, star.range.merge(v->range));
    s->args = {v};
    first = s;
  }
  if (lexer_.cur().kind != TokenKind::Comma) return first;
  auto tuple = new_expr(ExprKind::Tuple, first->range);
  tuple->args.push_back(first);
  while (lexer_.next_if(TokenKind::Comma)) {
    TokenKind k = lexer_.cur().kind;
    if (k == TokenKind::Newline || k == TokenKind::Assign || k == TokenKind::RParen || k == TokenKind::Eof ||
        k == TokenKind::Colon || k == TokenKind::Semicolon)
      break;
    tuple->args.push_back(parse_exp());
  }
  tuple->range = first->range.merge(tuple->args.back()->range);
  return tuple;
}

ExprPtr Parser::parse_base() { return parse_trailers(parse_atom()); }

ExprPtr Parser::parse_number(const Token& t) {
  const std::string& text = t.text;
  bool is_float = text.find_first_of(".eE") != std::string::npos && text.compare(0, 2, "0x") != 0 &&
                  text.compare(0, 2, "0X") != 0;
  errno = 0;
  if (is_float) {
    auto e = new_expr(ExprKind::Float, t.range);
    e->float_value = std::strtod(text.c_str(), nullptr);
    return e;
  }
  int base = 10;
  std::string digits = text;
  if (text.size() > 2 && text[0] == '0') {
    char p = text[1];
    if (p == 'x' || p == 'X') base = 16;
    if (p == 'o' || p == 'O') base = 8;
    if (p == 'b' || p == 'B') base = 2;
    if (base != 10) digits = text.substr(2);
  }
  char* end = nullptr;
  long long v = std::strtoll(digits.c_str(), &end, base);
  if (errno == ERANGE || *end != '\0') syntax_error("expected an integer that fits in 64 bits", text, t.range);
  auto e = new_expr(ExprKind::Int, t.range);
  e->int_value = v;
  return e;
}

ExprPtr Parser::parse_atom() {
  Token t = lexer_.cur();
  switch (t.kind) {
    case TokenKind::Ident: lexer_.next(); return make_var(t.text, t.range);
    case TokenKind::Number: lexer_.next(); return parse_number(t);
    case TokenKind::String: lexer_.next(); return make_string(t.text, t.range);
    case TokenKind::True: lexer_.next(); return new_expr(ExprKind::True, t.range);
    case TokenKind::False: lexer_.next(); return new_expr(ExprKind::False, t.range);
    case TokenKind::None: lexer_.next(); return new_expr(ExprKind::None, t.range);
    case TokenKind::Ellipsis: lexer_.next(); return new_expr(ExprKind::Dots, t.range);
    case TokenKind::LParen: {
      lexer_.next();
      if (lexer_.cur().kind == TokenKind::RParen) {
        Token close = lexer_.next();
        return new_expr(ExprKind::Tuple, t.range.merge(close.range));
      }
      // Like PyTorch's parser, (a, b) spans its elements, not its parentheses.
      ExprPtr inner = parse_exp_list();
      lexer_.expect(TokenKind::RParen);
      return inner;
    }
    case TokenKind::LBracket: {
      lexer_.next();
      auto list = new_expr(ExprKind::List, t.range);
      if (lexer_.cur().kind != TokenKind::RBracket) {
        ExprPtr first = parse_exp();
        if (lexer_.next_if(TokenKind::For)) {  // [elt for target in iterable]
          auto comp = new_expr(ExprKind::ListComp, t.range);
          comp->base = first;
          ExprPtr target = parse_exp(4);
          lexer_.expect(TokenKind::In);
          ExprPtr iter = parse_exp();
          comp->args = {target, iter};
          comp->range = first->range.merge(iter->range);
          lexer_.expect(TokenKind::RBracket);
          return comp;
        }
        list->args.push_back(first);
        while (lexer_.next_if(TokenKind::Comma)) {
          if (lexer_.cur().kind == TokenKind::RBracket) break;
          list->args.push_back(parse_exp());
        }
      }
      // Ranges end at the last element, not at the closing bracket (as in PyTorch).
      if (!list->args.empty()) list->range = t.range.merge(list->args.back()->range);
      lexer_.expect(TokenKind::RBracket);
      return list;
    }
    case TokenKind::LBrace: {
      lexer_.next();
      auto dict = new_expr(ExprKind::Dict, t.range);
      if (lexer_.cur().kind != TokenKind::RBrace) {
        ExprPtr key = parse_exp();
        lexer_.expect(TokenKind::Colon);
        ExprPtr value = parse_exp();
        if (lexer_.next_if(TokenKind::For)) {  // {k: v for target in iterable}
          auto comp = new_expr(ExprKind::DictComp, t.range);
          comp->base = key;
          comp->values = {value};
          ExprPtr target = parse_exp(4);
          lexer_.expect(TokenKind::In);
          comp->args = {target, parse_exp()};
          comp->range = key->range.merge(comp->args.back()->range);
          lexer_.expect(TokenKind::RBrace);
          return comp;
        }
        dict->args.push_back(key);
        dict->values.push_back(value);
        while (lexer_.next_if(TokenKind::Comma)) {
          if (lexer_.cur().kind == TokenKind::RBrace) break;
          dict->args.push_back(parse_exp());
          lexer_.expect(TokenKind::Colon);
          dict->values.push_back(parse_exp());
        }
      }
      Token close = lexer_.expect(TokenKind::RBrace);
      dict->range = dict->args.empty() ? t.range.merge(close.range)
                                       : dict->args.front()->range.merge(dict->values.back()->range);
      return dict;
    }
    default:
      lexer_.fail_expected("ident");  // PyTorch's parser falls back to reading a name here
  }
}

ExprPtr Parser::parse_trailers(ExprPtr e) {
  while (true) {
    switch (lexer_.cur().kind) {
      case TokenKind::LParen: {
        auto apply = new_expr(ExprKind::Apply, e->range.merge(lexer_.cur().range));
        lexer_.next();
        apply->base = e;
        parse_call_args(*apply);
        // A call spans its callee, "(" and its arguments, not the closing parenthesis.
        for (const auto& a : apply->args) apply->range = apply->range.merge(a->range);
        for (const auto& kw : apply->kwargs) apply->range = apply->range.merge(kw.second->range);
        lexer_.expect(TokenKind::RParen);
        e = apply;
        break;
      }
      case TokenKind::Dot: {
        lexer_.next();
        Token name = lexer_.expect(TokenKind::Ident);
        auto sel = new_expr(ExprKind::Select, e->range.merge(name.range));
        sel->base = e;
        sel->name = name.text;
        sel->name_range = name.range;
        e = sel;
        break;
      }
      case TokenKind::LBracket: {
        auto sub = new_expr(ExprKind::Subscript, e->range.merge(lexer_.cur().range));
        lexer_.next();
        sub->base = e;
        do {
          if (lexer_.cur().kind == TokenKind::RBracket) break;
          sub->args.push_back(parse_subscript_item());
        } while (lexer_.next_if(TokenKind::Comma));
        // PyTorch's subscript range ends one character past its last index (usually the "]").
        if (!sub->args.empty()) {
          const SourceRange& last = sub->args.back()->range;
          sub->range = SourceRange(last.source(), e->range.start(), last.end() + 1);
        }
        lexer_.expect(TokenKind::RBracket);
        e = sub;
        break;
      }
      default:
        return e;
    }
  }
}

// An index or a slice start:end:step (each part optional).
ExprPtr Parser::parse_subscript_item() {
  const Token first = lexer_.cur();
  ExprPtr start;
  if (first.kind != TokenKind::Colon) {
    start = parse_exp();
    if (lexer_.cur().kind != TokenKind::Colon) return start;
  }
  auto slice = new_expr(ExprKind::Slice, first.range);
  ExprPtr end, step;
  SourceRange last = lexer_.expect(TokenKind::Colon).range;
  auto at_part_end = [&] {
    TokenKind k = lexer_.cur().kind;
    return k == TokenKind::Comma || k == TokenKind::RBracket || k == TokenKind::Colon;
  };
  if (!at_part_end()) {
    end = parse_exp();
    last = end->range;
  }
  if (lexer_.cur().kind == TokenKind::Colon) {
    last = lexer_.next().range;
    if (!at_part_end()) {
      step = parse_exp();
      last = step->range;
    }
  }
  slice->args = {start, end, step};
  slice->range = first.range.merge(last);
  return slice;
}

void Parser::parse_call_args(Expr& apply) {
  bool seen_keyword = false;
  while (lexer_.cur().kind != TokenKind::RParen) {
    if (lexer_.cur().kind == TokenKind::Ident && lexer_.lookahead().kind == TokenKind::Assign) {
      Token name = lexer_.next();
      lexer_.next();
      apply.kwargs.push_back({Ident{name.text, name.range}, parse_exp()});
      seen_keyword = true;
    } else {
      if (seen_keyword) lexer_.fail_expected("a keyword argument (positional arguments come first)");
      if (lexer_.cur().kind == TokenKind::Star) {
        Token star = lexer_.next();
        ExprPtr v = parse_exp();
        auto s = new_expr(ExprKind::Starred, star.range.merge(v->range));
        s->args = {v};
        apply.args.push_back(s);
      } else {
        apply.args.push_back(parse_exp());
      }
    }
    if (!lexer_.next_if(TokenKind::Comma)) break;
  }
}

}  // namespace script
}  // namespace ember
