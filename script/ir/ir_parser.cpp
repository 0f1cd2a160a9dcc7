// IR text parser (see ir_parser.h): a character cursor over the text and a recursive descent
// over graph, nodes, blocks, attributes and types.
#include "script/ir/ir_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <unordered_map>

#include "ops/creation.h"
#include "script/api/function.h"
#include "script/compiler/schema_matching.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

namespace {

class Cursor {
 public:
  explicit Cursor(const std::string& text) : text_(text) {}

  // Skips spaces, newlines and "# ..." comments.
  void skip() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool at_end() {
    skip();
    return pos_ >= text_.size();
  }
  bool peek(const std::string& s) {
    skip();
    return text_.compare(pos_, s.size(), s) == 0;
  }
  bool next_if(const std::string& s) {
    if (!peek(s)) return false;
    pos_ += s.size();
    return true;
  }
  void expect(const std::string& s) {
    if (!next_if(s)) fail("'" + s + "'");
  }
  // An identifier-like word: letters, digits, '_', '.', ':' (aten::add, __torch__.M, x.1).
  std::string word() {
    skip();
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
          (c == ':' && pos_ + 1 < text_.size() && text_[pos_ + 1] == ':') || (c == ':' && pos_ > start && text_[pos_ - 1] == ':')) {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ == start) fail("a name");
    return text_.substr(start, pos_ - start);
  }
  std::string string_literal() {
    skip();
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("a string");
    std::string out;
    for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
      char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        char e = text_[++pos_];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'f': out += '\f'; break;
          case 'v': out += '\v'; break;
          case 'a': out += '\a'; break;
          case 'b': out += '\b'; break;
          case '0': out += '\0'; break;
          default: out += e;
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= text_.size()) fail("the end of the string");
    ++pos_;
    return out;
  }
  // Text up to the parenthesis that closes the one just consumed (for detailed tensor types).
  std::string balanced_rest() {
    size_t start = pos_;
    int depth = 1;
    while (pos_ < text_.size() && depth > 0) {
      if (text_[pos_] == '(') ++depth;
      if (text_[pos_] == ')') --depth;
      ++pos_;
    }
    if (depth) fail("')'");
    return text_.substr(start, pos_ - start);
  }
  std::string number_text() {
    skip();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
                                   text_[pos_] == '-' || text_[pos_] == '+'))
      ++pos_;
    if (pos_ == start) fail("a number");
    return text_.substr(start, pos_ - start);
  }
  char current() {
    skip();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  [[noreturn]] void fail(const std::string& what) const {
    size_t line = 1 + static_cast<size_t>(std::count(text_.begin(), text_.begin() + static_cast<long>(std::min(pos_, text_.size())), '\n'));
    size_t line_start = text_.rfind('\n', pos_ == 0 ? 0 : pos_ - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    size_t line_end = text_.find('\n', pos_);
    std::string shown = text_.substr(line_start, (line_end == std::string::npos ? text_.size() : line_end) - line_start);
    EMBER_FAIL(ValueError, "[parse_ir] line ", line, ": expected ", what, " in: ", shown);
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
};

bool is_dtype_name(const std::string& w) {
  static const char* names[] = {"Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
                                "ComplexFloat", "ComplexDouble"};
  for (const char* n : names)
    if (w == n) return true;
  return false;
}

TypePtr parse_type(Cursor& c, const ClassResolver& classes) {
  TypePtr t;
  if (c.next_if("(")) {
    std::vector<TypePtr> elems;
    if (!c.next_if(")")) {
      do {
        elems.push_back(parse_type(c, classes));
      } while (c.next_if(","));
      c.expect(")");
    }
    t = Type::tuple(std::move(elems));
  } else {
    std::string w = c.word();
    static const std::unordered_map<std::string, TypePtr (*)()> simple = {
        {"Tensor", &Type::tensor}, {"int", &Type::int_},         {"float", &Type::float_}, {"bool", &Type::bool_},
        {"str", &Type::str_},      {"NoneType", &Type::none},    {"Scalar", &Type::number}, {"Device", &Type::device},
        {"Generator", &Type::generator}, {"Function", &Type::function}, {"Any", &Type::any}};
    auto it = simple.find(w);
    if (it != simple.end()) {
      t = it->second();
    } else if (w == "Dict") {
      c.expect("(");
      TypePtr k = parse_type(c, classes);
      c.expect(",");
      TypePtr v = parse_type(c, classes);
      c.expect(")");
      t = Type::dict(k, v);
    } else if (w == "Future") {
      c.expect("(");
      t = Type::future(parse_type(c, classes));
      c.expect(")");
    } else if (is_dtype_name(w) && c.next_if("(")) {
      t = Type::tensor_with_details(w + "(" + c.balanced_rest());
    } else if (classes) {
      t = classes(w);
      if (!t) c.fail("a type (no class named " + w + ")");
    } else {
      c.fail("a type (got '" + w + "')");
    }
  }
  while (true) {
    if (c.next_if("[]")) t = Type::list(t);
    else if (c.next_if("?")) t = Type::optional(t);
    else return t;
  }
}

// A literal attribute value: number, string, list, {tensor scalar}.
IValue parse_literal(Cursor& c) {
  if (c.current() == '"') return IValue(c.string_literal());
  if (c.next_if("[")) {
    std::vector<IValue> items;
    if (!c.next_if("]")) {
      do {
        items.push_back(parse_literal(c));
      } while (c.next_if(","));
      c.expect("]");
    }
    bool all_int = true, all_double = true, all_string = true;
    for (const IValue& v : items) {
      all_int = all_int && v.is_int();
      all_double = all_double && (v.is_double() || v.is_int());
      all_string = all_string && v.is_string();
    }
    if (all_int) {
      std::vector<int64_t> ints;
      for (const IValue& v : items) ints.push_back(v.to_int());
      return IValue(ints);
    }
    if (all_double) {
      std::vector<double> ds;
      for (const IValue& v : items) ds.push_back(v.is_int() ? static_cast<double>(v.to_int()) : v.to_double());
      return IValue(ds);
    }
    return IValue(std::move(items));
  }
  if (c.next_if("(")) {  // a tuple: (1, "a") or (1,)
    std::vector<IValue> items;
    while (!c.next_if(")")) {
      items.push_back(parse_literal(c));
      if (!c.next_if(",")) {
        c.expect(")");
        break;
      }
    }
    return IValue::tuple(std::move(items));
  }
  if (c.next_if("True")) return IValue(true);
  if (c.next_if("False")) return IValue(false);
  if (c.next_if("{")) {
    IValue v = parse_literal(c);
    c.expect("}");
    return IValue(v.is_int() ? scalar_tensor(Scalar(v.to_int()), TensorOptions(kInt64))
                             : scalar_tensor(Scalar(v.to_double()), TensorOptions(kFloat32)));
  }
  std::string text = c.number_text();
  if (text == "inf" || text == "-inf" || text == "nan") return IValue(std::strtod(text.c_str(), nullptr));
  bool is_float = text.find_first_of(".eEn") != std::string::npos;
  char* end = nullptr;
  if (is_float) {
    double d = std::strtod(text.c_str(), &end);
    if (*end) c.fail("a number");
    return IValue(d);
  }
  long long i = std::strtoll(text.c_str(), &end, 10);
  if (*end) c.fail("a number");
  return IValue(static_cast<int64_t>(i));
}

// A constant's value as its declared type wants it (1 for a bool is True).
IValue constant_as(const IValue& v, const TypePtr& type) {
  switch (type->kind()) {
    case TypeKind::Bool:
      if (v.is_int()) return IValue(v.to_int() != 0);
      break;
    case TypeKind::Float:
      if (v.is_int()) return IValue(static_cast<double>(v.to_int()));
      break;
    case TypeKind::Device:
      if (v.is_string()) return IValue(Device(v.to_string_ref()));
      break;
    case TypeKind::List:
      if (type->element()->kind() == TypeKind::Bool && v.is_int_list()) {
        std::vector<bool> bools;
        for (int64_t i : v.to_int_list()) bools.push_back(i != 0);
        return IValue(bools);
      }
      break;
    default: break;
  }
  return v;
}

class IrParser {
 public:
  IrParser(const std::string& text, const ClassResolver& classes) : c_(text), classes_(classes) {}

  std::shared_ptr<Graph> parse() {
    auto g = std::make_shared<Graph>();
    graph_ = g.get();
    c_.expect("graph");
    c_.expect("(");
    parse_params(g->block());
    c_.expect(":");
    parse_nodes(g->block());
    c_.expect("return");
    for (Value* v : parse_value_uses()) g->register_output(v);
    if (!c_.at_end()) c_.fail("the end of the graph after return");
    return g;
  }

 private:
  Value* define(const std::string& name, Value* v) {
    if (values_.count(name)) c_.fail("a new value name (%" + name + " is defined twice)");
    values_[name] = v;
    bool numbered = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
    if (!numbered) v->set_debug_name(name);
    return v;
  }
  Value* use(const std::string& name) {
    auto it = values_.find(name);
    if (it == values_.end()) c_.fail("a defined value (%" + name + " is not defined before this use)");
    return it->second;
  }
  std::string value_name() {
    c_.expect("%");
    return c_.word();
  }
  // "%a : T, %b : U)" after "(".
  void parse_params(Block* b) {
    if (c_.next_if(")")) return;
    do {
      std::string name = value_name();
      c_.expect(":");
      TypePtr t = parse_type(c_, classes_);
      define(name, b->add_input()->set_type(t));
    } while (c_.next_if(","));
    c_.expect(")");
  }
  std::vector<Value*> parse_value_uses() {
    std::vector<Value*> out;
    c_.expect("(");
    if (c_.next_if(")")) return out;
    do {
      out.push_back(use(value_name()));
    } while (c_.next_if(","));
    c_.expect(")");
    return out;
  }
  void parse_nodes(Block* b) {
    while (!c_.peek("return") && !c_.peek("->")) {
      if (c_.at_end()) c_.fail("'return'");
      parse_node(b);
    }
  }
  void parse_node(Block* b) {
    std::vector<std::pair<std::string, TypePtr>> outputs;
    if (c_.peek("%")) {
      do {
        std::string name = value_name();
        c_.expect(":");
        outputs.emplace_back(name, parse_type(c_, classes_));
      } while (c_.next_if(","));
      c_.expect("=");
    } else {
      c_.next_if("=");  // a node without outputs: " = prim::Print(%x)" as printed, or "prim::Print(%x)"
    }
    std::string kind = c_.word();
    if (kind.find("::") == std::string::npos) c_.fail("an operator name like aten::add (got '" + kind + "')");
    Node* n = graph_->create(Symbol::from_qual_string(kind), {}, 0);
    n->insert_before(b->return_node());
    std::vector<std::pair<std::string, IValue>> attributes;
    std::vector<std::pair<std::string, std::vector<TypePtr>>> type_attributes;
    if (c_.next_if("[")) {
      do {
        std::string name = c_.word();
        c_.expect("=");
        if (name == "types") {
          std::vector<TypePtr> types;
          c_.expect("[");
          do {
            types.push_back(parse_type(c_, classes_));
          } while (c_.next_if(","));
          c_.expect("]");
          type_attributes.emplace_back(name, types);
        } else if (c_.next_if("<Tensor>")) {
          attributes.emplace_back(name, IValue(Tensor()));  // shape unknown: a placeholder
        } else {
          attributes.emplace_back(name, parse_literal(c_));
        }
      } while (c_.next_if(","));
      c_.expect("]");
    }
    for (Value* in : parse_value_uses()) n->add_input(in);
    for (auto& [name, type] : outputs) define(name, n->add_output()->set_type(type));
    for (auto& [name, value] : attributes) {
      Symbol a = Symbol::attr(name);
      if (n->kind() == prim::Constant && name == "value") n->ival_(a, constant_as(value, n->outputs().at(0)->type()));
      else if (value.is_string()) n->s_(a, value.to_string_ref());
      else if (value.is_int()) n->i_(a, value.to_int());
      else if (value.is_double()) n->f_(a, value.to_double());
      else n->ival_(a, value);
    }
    for (auto& [name, types] : type_attributes) n->tys_(Symbol::attr(name), types);
    for (int i = 0; c_.peek("block"); ++i) {
      c_.expect("block");
      std::string index = c_.number_text();
      if (index != std::to_string(i)) c_.fail("block" + std::to_string(i));
      Block* blk = n->add_block();
      c_.expect("(");
      parse_params(blk);
      c_.expect(":");
      parse_nodes(blk);
      c_.expect("->");
      for (Value* v : parse_value_uses()) blk->register_output(v);
    }
    if (std::optional<OperatorHandle> op = find_operator_for(n)) n->set_op(*op);
  }

  Cursor c_;
  const ClassResolver& classes_;
  Graph* graph_ = nullptr;
  std::unordered_map<std::string, Value*> values_;
};

bool accepts(const Signature& sig, const Node* n) {
  const auto& inputs = n->inputs();
  if (sig.is_vararg ? inputs.size() < sig.args.size() : inputs.size() != sig.args.size()) return false;
  TypeEnv env;
  for (size_t i = 0; i < sig.args.size(); ++i) {
    const TypePtr& formal = sig.args[i].type;
    const TypePtr& actual = inputs[i]->type();
    if (formal->has_free_variables()) {
      std::string why;
      if (!match_type_variables(formal, actual, env, &why)) return false;
    } else if (!actual->is_subtype_of(formal)) {
      // int[N] arguments accept an int; an int list for float lists does not pass
      if (!(sig.args[i].list_size >= 0 && actual->kind() == TypeKind::Int)) return false;
    }
  }
  return true;
}

}  // namespace

std::optional<OperatorHandle> find_operator_for(const Node* n) {
  const std::string ns = n->kind().ns();
  if (ns == "prim" && n->kind() != prim::RaiseException) {
    // Most prim nodes are interpreter instructions; the ones that are operators are found below.
    std::vector<OperatorHandle> ops = operator_overloads(n->kind());
    if (ops.empty()) return std::nullopt;
  }
  ensure_script_ops();
  for (const OperatorHandle& op : operator_overloads(n->kind()))
    if (accepts(operator_signature(op), n)) return op;
  return std::nullopt;
}

std::shared_ptr<Graph> parse_ir(const std::string& text, const ClassResolver& classes) {
  return IrParser(text, classes).parse();
}

TypePtr parse_ir_type(const std::string& text, const ClassResolver& classes) {
  Cursor c(text);
  TypePtr t = parse_type(c, classes);
  if (!c.at_end()) c.fail("the end of the type");
  return t;
}

}  // namespace script
}  // namespace ember
