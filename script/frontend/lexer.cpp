// The lexer (see lexer.h). Tokenizes the whole source up front; the parser walks the vector.
#include "script/frontend/lexer.h"

#include <cctype>
#include <cstring>

#include "script/frontend/error_report.h"

namespace ember {
namespace script {

namespace {

struct Spelling {
  const char* text;
  TokenKind kind;
};

constexpr Spelling kKeywords[] = {
    {"def", TokenKind::Def},         {"class", TokenKind::Class},     {"return", TokenKind::Return},
    {"if", TokenKind::If},           {"elif", TokenKind::Elif},       {"else", TokenKind::Else},
    {"while", TokenKind::While},     {"for", TokenKind::For},         {"in", TokenKind::In},
    {"not", TokenKind::Not},         {"and", TokenKind::And},         {"or", TokenKind::Or},
    {"is", TokenKind::Is},           {"None", TokenKind::None},       {"True", TokenKind::True},
    {"False", TokenKind::False},     {"pass", TokenKind::Pass},       {"break", TokenKind::Break},
    {"continue", TokenKind::Continue}, {"raise", TokenKind::Raise},   {"assert", TokenKind::Assert},
    {"del", TokenKind::Del},         {"import", TokenKind::Import},   {"from", TokenKind::From},
    {"as", TokenKind::As},           {"global", TokenKind::Global},   {"with", TokenKind::With},
    {"lambda", TokenKind::Lambda},
};

// Longest first, so that the first prefix match is the longest.
constexpr Spelling kOperators[] = {
    {"**=", TokenKind::PowEq},   {"//=", TokenKind::FloorDivEq}, {">>=", TokenKind::RShiftEq},
    {"<<=", TokenKind::LShiftEq}, {"...", TokenKind::Ellipsis},  {"->", TokenKind::Arrow},
    {"**", TokenKind::Pow},      {"//", TokenKind::FloorDiv},    {"<<", TokenKind::LShift},
    {">>", TokenKind::RShift},   {"<=", TokenKind::Le},          {">=", TokenKind::Ge},
    {"==", TokenKind::Eq},       {"!=", TokenKind::Ne},          {"+=", TokenKind::PlusEq},
    {"-=", TokenKind::MinusEq},  {"*=", TokenKind::StarEq},      {"/=", TokenKind::SlashEq},
    {"%=", TokenKind::PercentEq}, {"@=", TokenKind::AtEq},       {"&=", TokenKind::AmpEq},
    {"|=", TokenKind::PipeEq},   {"^=", TokenKind::CaretEq},     {"(", TokenKind::LParen},
    {")", TokenKind::RParen},    {"[", TokenKind::LBracket},     {"]", TokenKind::RBracket},
    {"{", TokenKind::LBrace},    {"}", TokenKind::RBrace},       {",", TokenKind::Comma},
    {":", TokenKind::Colon},     {";", TokenKind::Semicolon},    {".", TokenKind::Dot},
    {"@", TokenKind::At},        {"=", TokenKind::Assign},       {"+", TokenKind::Plus},
    {"-", TokenKind::Minus},     {"*", TokenKind::Star},         {"/", TokenKind::Slash},
    {"%", TokenKind::Percent},   {"&", TokenKind::Amp},          {"|", TokenKind::Pipe},
    {"^", TokenKind::Caret},     {"~", TokenKind::Tilde},        {"<", TokenKind::Lt},
    {">", TokenKind::Gt},
};

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* token_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Eof: return "eof";
    case TokenKind::Newline: return "newline";
    case TokenKind::Indent: return "indent";
    case TokenKind::Dedent: return "dedent";
    case TokenKind::Ident: return "ident";
    case TokenKind::Number: return "number";
    case TokenKind::String: return "string";
    case TokenKind::TypeComment: return "type comment";
    case TokenKind::NotIn: return "not in";
    case TokenKind::IsNot: return "is not";
    default: break;
  }
  for (const Spelling& s : kKeywords)
    if (s.kind == kind) return s.text;
  for (const Spelling& s : kOperators)
    if (s.kind == kind) return s.text;
  return "?";
}

Lexer::Lexer(std::shared_ptr<const Source> source) : source_(std::move(source)) { tokenize(); }

const Token& Lexer::lookahead(size_t n) const {
  size_t at = pos_ + n;
  return at < tokens_.size() ? tokens_[at] : tokens_.back();
}

bool Lexer::next_if(TokenKind kind) {
  if (cur().kind != kind) return false;
  next();
  return true;
}

Token Lexer::expect(TokenKind kind) {
  if (cur().kind != kind) fail_expected(token_name(kind));
  return next();
}

void Lexer::fail_expected(const std::string& what) const {
  syntax_error("expected " + what, token_name(cur().kind), cur().range);
}

void Lexer::tokenize() {
  const std::string& s = source_->text();
  const size_t n = s.size();
  auto range = [&](size_t b, size_t e) { return SourceRange(source_, b, e); };
  auto push = [&](TokenKind k, size_t b, size_t e, std::string text = "") {
    tokens_.push_back(Token{k, std::move(text), range(b, e)});
  };
  std::vector<size_t> indents;
  int depth = 0;  // open brackets: line breaks inside them are not statement ends
  bool at_line_start = true;
  size_t i = 0;

  auto skip_to_eol = [&](size_t j) {
    while (j < n && s[j] != '\n') ++j;
    return j;
  };
  // "# type: ..." (spaces allowed around "type"); returns the text after the colon.
  auto type_comment_at = [&](size_t j, std::string* text) {
    size_t k = j + 1;
    while (k < n && s[k] == ' ') ++k;
    if (s.compare(k, 5, "type:") != 0) return false;
    size_t end = skip_to_eol(k);
    std::string t = s.substr(k + 5, end - k - 5);
    size_t b = t.find_first_not_of(" \t"), e = t.find_last_not_of(" \t\r");
    *text = b == std::string::npos ? "" : t.substr(b, e - b + 1);
    return true;
  };

  while (true) {
    if (at_line_start && depth == 0) {
      size_t j = i, indent = 0;
      while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\f')) ++j, ++indent;
      if (j >= n) break;
      std::string unused;
      if (s[j] == '\n') {  // blank line
        i = j + 1;
        continue;
      }
      if (s[j] == '#' && !type_comment_at(j, &unused)) {  // comment-only line
        i = skip_to_eol(j);
        if (i < n) ++i;
        continue;
      }
      if (indents.empty()) {
        indents.push_back(indent);
      } else if (indent > indents.back()) {
        indents.push_back(indent);
        push(TokenKind::Indent, j, j);
      } else {
        while (indent < indents.back()) {
          indents.pop_back();
          if (indents.empty() || indent > indents.back())
            plain_error("invalid indent level " + std::to_string(indent), range(j, j));
          push(TokenKind::Dedent, j, j);
        }
      }
      i = j;
      at_line_start = false;
    }
    if (i >= n) break;
    char c = s[i];
    if (c == '\n') {
      if (depth == 0) {
        if (!tokens_.empty() && tokens_.back().kind != TokenKind::Newline) push(TokenKind::Newline, i + 1, i + 1);
        at_line_start = true;
      }
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < n && s[i + 1] == '\n') {  // explicit line joining
      i += 2;
      continue;
    }
    if (c == '#') {
      std::string text;
      size_t end = skip_to_eol(i);
      if (type_comment_at(i, &text)) push(TokenKind::TypeComment, i, end, text);
      i = end;
      continue;
    }
    if (is_ident_start(c)) {
      size_t b = i;
      while (i < n && is_ident_char(s[i])) ++i;
      // String prefixes (r"...", b'...') are read with the string below.
      bool prefix = (i - b == 1 && (s[b] == 'r' || s[b] == 'b' || s[b] == 'u')) && i < n && (s[i] == '"' || s[i] == '\'');
      if (!prefix) {
        std::string word = s.substr(b, i - b);
        TokenKind kind = TokenKind::Ident;
        for (const Spelling& kw : kKeywords)
          if (word == kw.text) kind = kw.kind;
        push(kind, b, i, kind == TokenKind::Ident ? word : "");
        continue;
      }
      c = s[i];
    }
    if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s[i + 1]))) {
      size_t b = i;
      if (c == '0' && i + 1 < n && std::strchr("xXoObB", s[i + 1])) {
        i += 2;
        while (i < n && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
      } else {
        while (i < n && is_digit(s[i])) ++i;
        if (i < n && s[i] == '.') {
          ++i;
          while (i < n && is_digit(s[i])) ++i;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E') &&
            (i + 1 < n && (is_digit(s[i + 1]) || ((s[i + 1] == '-' || s[i + 1] == '+') && i + 2 < n && is_digit(s[i + 2]))))) {
          i += 2;
          while (i < n && is_digit(s[i])) ++i;
        }
      }
      if (i < n && is_ident_char(s[i])) {
        size_t e = i;
        while (e < n && is_ident_char(s[e])) ++e;
        syntax_error("expected a number", s.substr(b, e - b), range(b, e));
      }
      push(TokenKind::Number, b, i, s.substr(b, i - b));
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t b = i;
      if (i > 0 && is_ident_start(s[i - 1]) && (i < 2 || !is_ident_char(s[i - 2]))) b = i - 1;  // prefix
      bool raw = b < i && s[b] == 'r';
      std::string value;
      // Adjacent literals ("a" "b") are one string, as in Python.
      size_t end = i;
      while (true) {
        char q = s[i];
        bool triple = i + 2 < n && s[i + 1] == q && s[i + 2] == q;
        size_t open = i;
        i += triple ? 3 : 1;
        bool closed = false;
        while (i < n) {
          if (!triple && s[i] == '\n') break;
          if (s[i] == q && (!triple || (i + 2 < n && s[i + 1] == q && s[i + 2] == q))) {
            i += triple ? 3 : 1;
            closed = true;
            break;
          }
          if (s[i] == '\\' && i + 1 < n && !raw) {
            char e = s[i + 1];
            i += 2;
            switch (e) {
              case 'n': value += '\n'; break;
              case 't': value += '\t'; break;
              case 'r': value += '\r'; break;
              case 'f': value += '\f'; break;
              case 'v': value += '\v'; break;
              case 'a': value += '\a'; break;
              case 'b': value += '\b'; break;
              case '0': value += '\0'; break;
              case '\n': break;  // line continuation inside a string
              default: value += e;
            }
            continue;
          }
          value += s[i++];
        }
        if (!closed) syntax_error("expected the end of the string", "eof", range(open, i));
        end = i;
        size_t k = i;
        while (k < n && (s[k] == ' ' || s[k] == '\t')) ++k;
        if (k < n && (s[k] == '"' || s[k] == '\'')) {
          i = k;
          continue;
        }
        break;
      }
      push(TokenKind::String, b, end, value);
      i = end;
      continue;
    }
    bool matched = false;
    for (const Spelling& op : kOperators) {
      size_t len = std::strlen(op.text);
      if (s.compare(i, len, op.text) == 0) {
        if (op.kind == TokenKind::LParen || op.kind == TokenKind::LBracket || op.kind == TokenKind::LBrace) ++depth;
        if ((op.kind == TokenKind::RParen || op.kind == TokenKind::RBracket || op.kind == TokenKind::RBrace) && depth > 0)
          --depth;
        push(op.kind, i, i + len);
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) syntax_error("expected a token", std::string(1, c), range(i, i + 1));
  }
  size_t eof = n;
  if (!tokens_.empty() && tokens_.back().kind != TokenKind::Newline) push(TokenKind::Newline, eof, eof);
  for (size_t k = 1; k < indents.size(); ++k) push(TokenKind::Dedent, eof, eof);
  push(TokenKind::Eof, eof, eof);

  // `not in` and `is not` are single operators.
  std::vector<Token> merged;
  for (size_t k = 0; k < tokens_.size(); ++k) {
    Token& t = tokens_[k];
    if (k + 1 < tokens_.size() && t.kind == TokenKind::Not && tokens_[k + 1].kind == TokenKind::In) {
      merged.push_back(Token{TokenKind::NotIn, "", t.range.merge(tokens_[k + 1].range)});
      ++k;
    } else if (k + 1 < tokens_.size() && t.kind == TokenKind::Is && tokens_[k + 1].kind == TokenKind::Not) {
      merged.push_back(Token{TokenKind::IsNot, "", t.range.merge(tokens_[k + 1].range)});
      ++k;
    } else {
      merged.push_back(std::move(t));
    }
  }
  tokens_ = std::move(merged);
}

}  // namespace script
}  // namespace ember
