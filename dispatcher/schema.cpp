// FunctionSchema's parser and printer (see schema.h for the grammar).
//
// A hand-written recursive-descent parser over the schema text. Every error names the 1-based
// column where the problem starts, so the code generator can point into ops.yaml and run-time
// definitions can point into a user's string. Defaults are checked against their argument's
// type here and stored in a canonical text form (lists as "[a, b]", strings double-quoted), so
// equal schemas compare equal however they were spelled.
//
// Depends only on core/error.h (header-only parts) and dispatcher/default_literals.h, so that
// tools/codegen can compile this file without the rest of the core. Stateless; thread-safe.
#include "dispatcher/schema.h"

#include <cctype>
#include <cstring>

#include "dispatcher/default_literals.h"

namespace ember {

namespace {

struct BaseTypeSpelling {
  const char* name;
  BaseType base;
};

// SymInt is read as int: ember has no symbolic shapes, and the C++ types are the same.
constexpr BaseTypeSpelling kTypeSpellings[] = {
    {"Tensor", BaseType::Tensor},         {"int", BaseType::Int},
    {"SymInt", BaseType::Int},            {"float", BaseType::Float},
    {"bool", BaseType::Bool},             {"str", BaseType::Str},
    {"Scalar", BaseType::Scalar},         {"ScalarType", BaseType::ScalarType},
    {"Layout", BaseType::Layout},         {"MemoryFormat", BaseType::MemoryFormat},
    {"Device", BaseType::Device},         {"Generator", BaseType::Generator},
};

bool is_identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string alias_text(const AliasInfo& a) {
  // `Tensor!` is a write to a fresh (unnamed) set; everything else uses the parenthesized form.
  if (a.set.empty() && a.is_write && !a.to_wildcard) return "!";
  std::string s = "(" + a.set;
  if (a.is_write) s += "!";
  if (a.to_wildcard) s += " -> *";
  return s + ")";
}

// The type without list brackets or `?`: "Tensor", "(int, t)", "Dict(str, t)", "int[]" for
// the element of a nested list.
std::string base_text(const SchemaType& t) {
  auto join = [](const std::vector<SchemaType>& ts) {
    std::string s;
    for (size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + ts[i].str();
    return s;
  };
  switch (t.base) {
    case BaseType::TypeVar:
    case BaseType::Class: return t.name;
    case BaseType::Tuple: return "(" + join(t.contained) + ")";
    case BaseType::Dict: return "Dict(" + join(t.contained) + ")";
    case BaseType::Future: return "Future(" + join(t.contained) + ")";
    case BaseType::List: return t.contained.empty() ? "?" : t.contained[0].str();
    default: return base_type_name(t.base);
  }
}

// As PyTorch prints: the element's alias before the brackets, the list's own alias after them,
// then the `?` of an optional.
std::string type_text(const SchemaType& t, const std::optional<AliasInfo>& alias,
                      const std::optional<AliasInfo>& container_alias = std::nullopt) {
  std::string s = base_text(t);
  if (alias) s += alias_text(*alias);
  if (t.elem_optional) s += "?";
  if (t.is_list) s += t.list_size >= 0 ? "[" + std::to_string(t.list_size) + "]" : "[]";
  if (container_alias) s += alias_text(*container_alias);
  if (t.optional) s += "?";
  return s;
}

std::string argument_text(const Argument& a) {
  std::string s = type_text(a.type, a.alias, a.container_alias);
  if (!a.name.empty()) s += " " + a.name;
  if (a.default_text) s += "=" + *a.default_text;
  return s;
}

// A default value as lexed, before it is checked against the argument's type.
struct DefaultToken {
  enum class Kind { Number, Identifier, String, List } kind;
  std::string text;                // canonical text of this token
  std::vector<DefaultToken> items; // List only
  size_t pos = 0;                  // where the token starts, for messages
};

}  // namespace

const char* base_type_name(BaseType t) {
  switch (t) {
    case BaseType::Tensor: return "Tensor";
    case BaseType::Int: return "int";
    case BaseType::Float: return "float";
    case BaseType::Bool: return "bool";
    case BaseType::Str: return "str";
    case BaseType::Scalar: return "Scalar";
    case BaseType::ScalarType: return "ScalarType";
    case BaseType::Layout: return "Layout";
    case BaseType::MemoryFormat: return "MemoryFormat";
    case BaseType::Device: return "Device";
    case BaseType::Generator: return "Generator";
    case BaseType::Any: return "Any";
    case BaseType::NoneType: return "NoneType";
    case BaseType::TypeVar: return "t";
    case BaseType::Tuple: return "Tuple";
    case BaseType::Dict: return "Dict";
    case BaseType::Future: return "Future";
    case BaseType::Class: return "Class";
    case BaseType::List: return "List";
  }
  return "?";
}

std::string SchemaType::str() const { return type_text(*this, std::nullopt); }

bool SchemaType::operator==(const SchemaType& o) const {
  return base == o.base && is_list == o.is_list && list_size == o.list_size &&
         elem_optional == o.elem_optional && optional == o.optional && name == o.name &&
         contained == o.contained;
}

bool SchemaType::has_type_variables() const {
  if (base == BaseType::TypeVar) return true;
  for (const SchemaType& c : contained)
    if (c.has_type_variables()) return true;
  return false;
}

bool Argument::operator==(const Argument& o) const {
  return name == o.name && type == o.type && alias == o.alias && container_alias == o.container_alias &&
         default_text == o.default_text &&
         kwarg_only == o.kwarg_only;
}

// The parser. A class (not free functions) because FunctionSchema befriends it to fill its
// private fields directly.
class SchemaParser {
 public:
  explicit SchemaParser(const std::string& text) : s_(text) {}

  FunctionSchema parse(const std::string& default_namespace) {
    FunctionSchema schema;
    skip_ws();
    std::string first = identifier("an operator name");
    if (consume("::")) {
      schema.ns_ = first;
      schema.name_ = identifier("an operator name");
    } else {
      schema.ns_ = default_namespace;
      schema.name_ = first;
    }
    if (consume(".")) schema.overload_ = identifier("an overload name");
    skip_ws();
    expect("(", "'('");
    parse_arguments(schema);
    skip_ws();
    expect("->", "'->'");
    parse_returns(schema);
    skip_ws();
    if (pos_ < s_.size()) fail(pos_, "unexpected " + describe_here() + " after the returns");
    return schema;
  }

 private:
  // ---- lexing helpers ---------------------------------------------------------------------
  [[noreturn]] void fail(size_t at, const std::string& what) const {
    EMBER_FAIL(SchemaError, "column ", at + 1, ": ", what);
  }
  std::string describe_here() const {
    if (pos_ >= s_.size()) return "end of text";
    if (is_identifier_char(s_[pos_])) {
      size_t end = pos_;
      while (end < s_.size() && is_identifier_char(s_[end])) ++end;
      return "'" + s_.substr(pos_, end - pos_) + "'";
    }
    return std::string("'") + s_[pos_] + "'";
  }
  void skip_ws() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool consume(const char* token) {
    size_t n = std::strlen(token);
    if (s_.compare(pos_, n, token) != 0) return false;
    pos_ += n;
    return true;
  }
  void expect(const char* token, const char* what) {
    if (!consume(token)) fail(pos_, std::string("expected ") + what + ", got " + describe_here());
  }
  std::string identifier(const char* what) {
    if (pos_ >= s_.size() || !is_identifier_start(s_[pos_]))
      fail(pos_, std::string("expected ") + what + ", got " + describe_here());
    size_t start = pos_;
    while (pos_ < s_.size() && is_identifier_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // ---- arguments ----------------------------------------------------------------------------
  void parse_arguments(FunctionSchema& schema) {
    skip_ws();
    if (consume(")")) return;
    bool kwarg_only = false;
    while (true) {
      skip_ws();
      size_t at = pos_;
      if (consume("...")) {
        schema.is_vararg_ = true;
        skip_ws();
        if (!consume(")")) fail(pos_, "'...' must be the last argument");
        return;
      }
      if (consume("*")) {
        if (kwarg_only) fail(at, "'*' appears twice");
        kwarg_only = true;
        skip_ws();
        // A bare trailing '*' would mark nothing keyword-only; PyTorch never writes it.
        if (!consume(",")) fail(pos_, "expected ',' after '*', got " + describe_here());
        continue;
      }
      Argument arg = parse_argument(schema, kwarg_only);
      schema.arguments_.push_back(std::move(arg));
      skip_ws();
      if (consume(",")) continue;
      if (consume(")")) return;
      fail(pos_, "expected ',' or ')', got " + describe_here());
    }
  }

  Argument parse_argument(const FunctionSchema& schema, bool kwarg_only) {
    Argument arg;
    arg.kwarg_only = kwarg_only;
    parse_type(arg);
    skip_ws();
    size_t name_at = pos_;
    arg.name = identifier("an argument name");
    for (const Argument& other : schema.arguments_)
      if (other.name == arg.name) fail(name_at, "duplicate argument name '" + arg.name + "'");
    skip_ws();
    if (consume("=")) {
      skip_ws();
      arg.default_text = parse_default(arg);
    }
    return arg;
  }

  // Type := Base [Alias] ['?'] ['[' [N] ']' [Alias] ['?']]..., where `Tensor?[]` makes the
  // elements optional and a second `[]` nests the list. Aliases only on the argument's own type.
  void parse_type(Argument& arg) {
    arg.type = parse_base_type();
    SchemaType& t = arg.type;
    // As PyTorch, any type may carry an alias annotation (`bool(b -> *) idx` in _set_item).
    if (peek('(') || peek('!')) arg.alias = parse_alias();
    const size_t suffixes_at = pos_;
    parse_type_suffixes(t, &arg.container_alias);
    // A list of lists has no one list for a container alias to name, nor one element type: an
    // annotation there would print back as another type (found by the schema fuzzer).
    if ((arg.alias || arg.container_alias) && t.base == BaseType::List && t.is_list)
      fail(suffixes_at, "alias annotations are not supported on a list of lists");
  }

  // A type inside a tuple, dict or future: no names, defaults or aliases. Nesting is bounded: each
  // level is a recursion, and a long run of '(' overflowed the stack (found by the ops_yaml
  // fuzzer); PyTorch's schemas nest three levels at most.
  static constexpr int kMaxTypeNesting = 32;
  SchemaType parse_contained_type() {
    skip_ws();
    if (nesting_ >= kMaxTypeNesting)
      fail(pos_, "types nested more than " + std::to_string(kMaxTypeNesting) + " levels deep are not supported");
    ++nesting_;
    SchemaType t = parse_base_type();
    --nesting_;
    if (peek('(') || peek('!')) fail(pos_, "alias annotations are not supported inside a contained type");
    parse_type_suffixes(t, nullptr);
    return t;
  }

  SchemaType parse_base_type() {
    SchemaType t;
    size_t at = pos_;
    if (consume("(")) {  // a tuple type: (T, T, ...)
      t.base = BaseType::Tuple;
      skip_ws();
      if (consume(")")) return t;
      while (true) {
        t.contained.push_back(parse_contained_type());
        skip_ws();
        if (consume(",")) continue;
        if (consume(")")) return t;
        fail(pos_, "expected ',' or ')' in a tuple type, got " + describe_here());
      }
    }
    std::string word = identifier("a type");
    while (word.compare(0, 9, "__torch__") == 0 && peek('.')) {  // a class: __torch__.a.B
      ++pos_;
      word += "." + identifier("a class name");
    }
    if (word.find('.') != std::string::npos) {
      t.base = BaseType::Class;
      t.name = word;
      return t;
    }
    if (word == "Dict" || word == "Future") {
      t.base = word == "Dict" ? BaseType::Dict : BaseType::Future;
      skip_ws();
      expect("(", "'(' after the container type");
      t.contained.push_back(parse_contained_type());
      skip_ws();
      if (t.base == BaseType::Dict) {
        expect(",", "',' between the key and value types of Dict");
        t.contained.push_back(parse_contained_type());
        skip_ws();
      }
      expect(")", "')' to close the container type");
      return t;
    }
    for (const BaseTypeSpelling& sp : kTypeSpellings) {
      if (word == sp.name) {
        t.base = sp.base;
        return t;
      }
    }
    if (word == "Any") {
      t.base = BaseType::Any;
      return t;
    }
    if (word == "NoneType") {
      t.base = BaseType::NoneType;
      return t;
    }
    // As PyTorch: any other lower-case name is a type variable (`t`, `t1`).
    if (word == "complex") fail(at, "type 'complex' is not supported");
    if (std::islower(static_cast<unsigned char>(word[0]))) {
      t.base = BaseType::TypeVar;
      t.name = word;
      return t;
    }
    fail(at, "unknown type '" + word + "'");
  }

  void parse_type_suffixes(SchemaType& t, std::optional<AliasInfo>* container_alias) {
    while (true) {
      if (peek('?')) {
        if (t.optional) fail(pos_, "'?' appears twice");
        ++pos_;
        if (peek('[') && !t.is_list && !t.elem_optional) t.elem_optional = true;
        else t.optional = true;
        continue;
      }
      if (peek('[')) {
        if (t.is_list || t.optional) {  // a list of lists (or of optional lists): nest
          SchemaType element = std::move(t);
          t = SchemaType();
          t.base = BaseType::List;
          t.contained.push_back(std::move(element));
        }
        ++pos_;
        t.is_list = true;
        skip_ws();
        if (pos_ < s_.size() && is_digit(s_[pos_])) {
          size_t size_at = pos_;
          int64_t n = 0;
          while (pos_ < s_.size() && is_digit(s_[pos_])) {
            n = n * 10 + (s_[pos_++] - '0');
            if (n > (int64_t(1) << 40)) fail(size_at, "list size is too large");
          }
          if (n == 0) fail(size_at, "list size must be positive");
          t.list_size = n;
          skip_ws();
        }
        expect("]", "']'");
        if (peek('(') && container_alias) *container_alias = parse_alias();
        continue;
      }
      return;
    }
  }

  AliasInfo parse_alias() {
    AliasInfo alias;
    if (consume("!")) {
      alias.is_write = true;
      return alias;
    }
    expect("(", "'('");
    skip_ws();
    alias.set = consume("*") ? std::string("*") : identifier("an alias set name");
    while (consume("|")) alias.set += "|" + identifier("an alias set name");  // a union: (a|b)
    skip_ws();
    if (consume("!")) alias.is_write = true;
    skip_ws();
    if (consume("->")) {
      skip_ws();
      expect("*", "'*' after '->' in an alias annotation");
      alias.to_wildcard = true;
      skip_ws();
    }
    expect(")", "')' to close the alias annotation");
    return alias;
  }

  // ---- defaults -----------------------------------------------------------------------------
  DefaultToken lex_default_token(bool allow_list) {
    DefaultToken tok;
    tok.pos = pos_;
    if (pos_ >= s_.size()) fail(pos_, "expected a default value, got end of text");
    char c = s_[pos_];
    if (c == '[' && allow_list) {
      ++pos_;
      tok.kind = DefaultToken::Kind::List;
      skip_ws();
      if (!consume("]")) {
        while (true) {
          skip_ws();
          tok.items.push_back(lex_default_token(/*allow_list=*/false));
          skip_ws();
          if (consume(",")) continue;
          if (consume("]")) break;
          fail(pos_, "expected ',' or ']' in a list default, got " + describe_here());
        }
      }
      tok.text = "[";
      for (size_t i = 0; i < tok.items.size(); ++i) tok.text += (i ? ", " : "") + tok.items[i].text;
      tok.text += "]";
      return tok;
    }
    if (c == '\'' || c == '"') {
      tok.kind = DefaultToken::Kind::String;
      tok.text = schema_literals::encode_string_literal(lex_string(c));
      return tok;
    }
    if (is_digit(c) || c == '-' || c == '+' || c == '.') {
      tok.kind = DefaultToken::Kind::Number;
      tok.text = lex_number();
      return tok;
    }
    if (is_identifier_start(c)) {
      tok.kind = DefaultToken::Kind::Identifier;
      tok.text = identifier("a default value");
      return tok;
    }
    fail(pos_, "expected a default value, got " + describe_here());
  }

  std::string lex_string(char quote) {
    size_t start = pos_++;
    std::string value;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        char e = s_[pos_++];
        value += schema_literals::unescape(e);
      } else {
        value += c;
      }
    }
    if (pos_ >= s_.size()) fail(start, "unterminated string");
    ++pos_;  // closing quote
    return value;
  }

  // [+-] digits [. digits] [e [+-] digits], or [+-] . digits ...
  std::string lex_number() {
    size_t start = pos_;
    if (peek('-') || peek('+')) ++pos_;
    size_t digits = 0;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_, ++digits;
    if (consume(".")) {
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_, ++digits;
    }
    if (digits == 0) fail(start, "malformed number '" + s_.substr(start, pos_ - start + 1) + "'");
    if (peek('e') || peek('E')) {
      ++pos_;
      if (peek('-') || peek('+')) ++pos_;
      size_t exp_digits = 0;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_, ++exp_digits;
      if (exp_digits == 0) fail(start, "malformed number '" + s_.substr(start, pos_ - start) + "'");
    }
    if (pos_ < s_.size() && is_identifier_char(s_[pos_]))
      fail(start, "malformed number '" + s_.substr(start, pos_ - start + 1) + "'");
    return s_.substr(start, pos_ - start);
  }

  std::string parse_default(const Argument& arg) {
    DefaultToken tok = lex_default_token(/*allow_list=*/true);
    const SchemaType& t = arg.type;
    std::string type_name = type_text(t, std::nullopt);
    if (tok.kind == DefaultToken::Kind::Identifier && tok.text == "None") {
      if (!t.optional) fail(tok.pos, "None is a default only for optional types, not '" + type_name + "'");
      return tok.text;
    }
    if (tok.kind == DefaultToken::Kind::List) {
      if (!t.is_list) fail(tok.pos, "a list is not a valid default for '" + type_name + "'");
      for (const DefaultToken& item : tok.items) check_scalar_default(item, t.base, type_name);
      return tok.text;
    }
    if (t.is_list && t.list_size < 0)
      fail(tok.pos, "'" + tok.text + "' is not a valid default for '" + type_name +
                        "' (a single value needs a sized list such as int[2])");
    check_scalar_default(tok, t.base, type_name);
    return tok.text;
  }

  // Whether a non-list token is a value of base type `base`.
  void check_scalar_default(const DefaultToken& tok, BaseType base, const std::string& type_name) {
    using Kind = DefaultToken::Kind;
    bool is_bool_word = tok.kind == Kind::Identifier && (tok.text == "True" || tok.text == "False");
    bool is_integer = tok.kind == Kind::Number && !schema_literals::is_float_literal(tok.text);
    bool ok = false;
    switch (base) {
      case BaseType::Int:
        ok = is_integer ||
             (tok.kind == Kind::Identifier && schema_literals::find_named_default(base, tok.text));
        break;
      case BaseType::Float: ok = tok.kind == Kind::Number; break;
      case BaseType::Bool: ok = is_bool_word; break;
      case BaseType::Str: ok = tok.kind == Kind::String; break;
      case BaseType::Scalar: ok = tok.kind == Kind::Number || is_bool_word; break;
      case BaseType::ScalarType:
      case BaseType::Layout:
      case BaseType::MemoryFormat:
        ok = tok.kind == Kind::Identifier && schema_literals::find_named_default(base, tok.text);
        break;
      default:
        ok = false;  // only None (handled by the caller) or an empty list
        break;
    }
    if (!ok) fail(tok.pos, "'" + tok.text + "' is not a valid default for '" + type_name + "'");
  }

  // ---- returns ------------------------------------------------------------------------------
  void parse_returns(FunctionSchema& schema) {
    skip_ws();
    if (consume("...")) {
      schema.is_varret_ = true;
      return;
    }
    if (consume("(")) {
      schema.returns_tuple_syntax_ = true;
      skip_ws();
      if (consume(")")) return;
      while (true) {
        skip_ws();
        schema.returns_.push_back(parse_return());
        skip_ws();
        if (consume(",")) continue;
        if (consume(")")) return;
        fail(pos_, "expected ',' or ')', got " + describe_here());
      }
    }
    schema.returns_.push_back(parse_return());
  }

  Argument parse_return() {
    Argument ret;
    parse_type(ret);
    skip_ws();
    if (pos_ < s_.size() && is_identifier_start(s_[pos_])) ret.name = identifier("a return name");
    skip_ws();
    if (peek('=')) fail(pos_, "returns cannot have default values");
    return ret;
  }

  const std::string& s_;
  size_t pos_ = 0;
  int nesting_ = 0;  // contained types being parsed (parse_contained_type)
};

FunctionSchema FunctionSchema::parse(const std::string& text, const std::string& default_namespace) {
  return SchemaParser(text).parse(default_namespace);
}

std::string FunctionSchema::qualified_name() const { return ns_.empty() ? name_ : ns_ + "::" + name_; }

std::string FunctionSchema::full_name() const {
  return overload_.empty() ? qualified_name() : qualified_name() + "." + overload_;
}

std::string FunctionSchema::name_with_overload() const {
  return overload_.empty() ? name_ : name_ + "." + overload_;
}

int FunctionSchema::argument_index(const std::string& name) const {
  for (size_t i = 0; i < arguments_.size(); ++i)
    if (arguments_[i].name == name) return static_cast<int>(i);
  return -1;
}

bool FunctionSchema::is_inplace() const {
  if (name_.empty() || name_.back() != '_') return false;
  int self = argument_index("self");
  if (self < 0) return false;
  const Argument& a = arguments_[self];
  return a.type.is_tensor() && a.alias && a.alias->is_write;
}

bool FunctionSchema::is_out() const { return num_out_arguments() > 0; }

size_t FunctionSchema::num_out_arguments() const {
  size_t n = 0;
  for (const Argument& a : arguments_) n += a.is_out() ? 1 : 0;
  return n;
}

bool FunctionSchema::is_mutable() const {
  for (const Argument& a : arguments_)
    if (a.write_alias() && a.write_alias()->is_write) return true;
  return false;
}

int FunctionSchema::aliased_argument_of_return(size_t i) const {
  if (i >= returns_.size()) return -1;
  const std::optional<AliasInfo>& r = returns_[i].write_alias();
  if (!r || !r->is_write || r->set.empty()) return -1;
  for (size_t k = 0; k < arguments_.size(); ++k) {
    const std::optional<AliasInfo>& a = arguments_[k].write_alias();
    if (a && a->is_write && a->set == r->set) return static_cast<int>(k);
  }
  return -1;
}

std::string FunctionSchema::str(bool with_namespace) const {
  std::string s;
  if (!ns_.empty() && (with_namespace || ns_ != "aten")) s += ns_ + "::";
  s += name_with_overload();
  s += "(";
  bool first = true;
  bool in_kwargs = false;
  for (const Argument& a : arguments_) {
    if (!first) s += ", ";
    first = false;
    if (a.kwarg_only && !in_kwargs) {
      s += "*, ";
      in_kwargs = true;
    }
    s += argument_text(a);
  }
  if (is_vararg_) s += first ? "..." : ", ...";
  s += ") -> ";
  if (is_varret_) return s + "...";
  // As PyTorch: one return prints bare (named or not); several or none in parentheses, and so
  // does a tuple-typed return, which would otherwise read as a list of returns.
  bool parens = returns_tuple_syntax_ || returns_.size() != 1 || returns_[0].type.base == BaseType::Tuple;
  if (parens) s += "(";
  for (size_t i = 0; i < returns_.size(); ++i) s += (i ? ", " : "") + argument_text(returns_[i]);
  if (parens) s += ")";
  return s;
}

// returns_tuple_syntax_ is spelling, not meaning: `-> (Tensor)` and `-> Tensor` are one schema.
bool FunctionSchema::operator==(const FunctionSchema& o) const {
  return ns_ == o.ns_ && name_ == o.name_ && overload_ == o.overload_ && arguments_ == o.arguments_ &&
         returns_ == o.returns_ && is_vararg_ == o.is_vararg_ && is_varret_ == o.is_varret_;
}

std::ostream& operator<<(std::ostream& os, const FunctionSchema& s) { return os << s.str(); }

}  // namespace ember
