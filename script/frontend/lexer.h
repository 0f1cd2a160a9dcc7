// The lexer of the script dialect (TorchScript's statically typed Python subset).
//
// Produces identifiers, numbers, strings, keywords and operators, plus NEWLINE, INDENT and
// DEDENT from indentation as Python does: after a line break (outside brackets) the next
// non-blank line's indent is compared with the stack of open levels: deeper pushes INDENT,
// equal gives NEWLINE, shallower gives NEWLINE and one DEDENT per closed level ("invalid indent
// level N" if it matches none). The first line sets the base level, so an indented method body
// can be compiled on its own. Comments are skipped except `# type: ...`, which becomes a
// TYPE_COMMENT token. Adjacent string literals are one token, as in Python.
// Plain value type; not shared between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "script/frontend/source_range.h"

namespace ember {
namespace script {

enum class TokenKind : uint8_t {
  Eof, Newline, Indent, Dedent, Ident, Number, String, TypeComment,
  // keywords
  Def, Class, Return, If, Elif, Else, While, For, In, NotIn, Not, And, Or, Is, IsNot, None,
  True, False, Pass, Break, Continue, Raise, Assert, Del, Import, From, As, Global, With, Lambda,
  // punctuation and operators
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Colon, Semicolon, Dot, Ellipsis,
  Arrow, At, Assign, Plus, Minus, Star, Slash, FloorDiv, Percent, Pow, Amp, Pipe, Caret, Tilde,
  LShift, RShift, Lt, Gt, Le, Ge, Eq, Ne,
  PlusEq, MinusEq, StarEq, SlashEq, FloorDivEq, PercentEq, PowEq, AtEq, AmpEq, PipeEq, CaretEq,
  LShiftEq, RShiftEq,
};

// How errors name a token kind: 'ident', 'newline', 'eof', ':', 'def', ...
const char* token_name(TokenKind kind);

struct Token {
  TokenKind kind;
  std::string text;  // identifiers, numbers, decoded strings, type comments (after "type:")
  SourceRange range;
};

class Lexer {
 public:
  explicit Lexer(std::shared_ptr<const Source> source);

  const Token& cur() const { return tokens_[pos_]; }
  const Token& lookahead(size_t n = 1) const;
  Token next() { return pos_ + 1 < tokens_.size() ? tokens_[pos_++] : tokens_[pos_]; }
  bool next_if(TokenKind kind);
  // Consumes a token of `kind` or raises "expected <kind> but found '<cur>' here".
  Token expect(TokenKind kind);
  [[noreturn]] void fail_expected(const std::string& what) const;
  const std::shared_ptr<const Source>& source() const { return source_; }

 private:
  void tokenize();
  std::shared_ptr<const Source> source_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace script
}  // namespace ember
