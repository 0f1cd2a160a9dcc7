// The code printer (see code_printer.h). Its choices follow PyTorch's python printer: which
// values are inlined (the reverse scan of each block), how names are made unique, when long
// expressions are split, so that the printed code matches PyTorch's.
#include "script/ir/code_printer.h"

#include <cctype>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "script/api/function.h"

namespace ember {
namespace script {

namespace {

const std::unordered_set<std::string>& reserved_names() {
  static const std::unordered_set<std::string> names = {
      "_", "as", "aten", "attribute", "CONSTANTS", "fork", "getattr", "inf", "nan", "infj", "nanj", "ops",
      "__torch__", "and", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
      "except", "False", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "None",
      "nonlocal", "not", "or", "pass", "raise", "return", "True", "try", "with", "while", "yield",
      "uninitialized", "unchecked_cast"};
  return names;
}

bool is_valid_identifier(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (i > 0 && std::isdigit(static_cast<unsigned char>(c)))))
      return false;
  }
  return true;
}

// "x.3" -> "x"
std::string debug_name_base(const std::string& name) {
  size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot + 1 < name.size()) {
    bool digits = true;
    for (size_t i = dot + 1; i < name.size(); ++i) digits &= std::isdigit(static_cast<unsigned char>(name[i])) != 0;
    if (digits) return name.substr(0, dot);
  }
  return name;
}

std::string make_valid_identifier(const std::string& candidate) {
  std::string out;
  if (candidate.empty() || std::isdigit(static_cast<unsigned char>(candidate[0]))) out += "_";
  for (char c : candidate) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  return out;
}

// How code shows a constant: Python literals (True, 2.5, 3., "s", [1, 2], (1, "a")).
std::string literal(const IValue& v) {
  switch (v.tag()) {
    case IValue::Tag::None: return "None";
    case IValue::Tag::Bool: return v.to_bool() ? "True" : "False";
    case IValue::Tag::Device: {
      std::ostringstream os;
      os << v.to_device();
      return "torch.device(" + quoted_string(os.str()) + ")";
    }
    case IValue::Tag::BoolList: {
      std::string s = "[";
      const auto& l = v.to_bool_list();
      for (size_t i = 0; i < l.size(); ++i) s += std::string(i ? ", " : "") + (l[i] ? "True" : "False");
      return s + "]";
    }
    case IValue::Tag::Tuple: {
      std::string s = "(";
      const auto& l = v.to_tuple();
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + literal(l[i]);
      return s + (l.size() == 1 ? ",)" : ")");
    }
    case IValue::Tag::GenericList: {
      std::string s = "[";
      const auto& l = v.to_list();
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + literal(l[i]);
      return s + "]";
    }
    default: return constant_text(v);
  }
}

class CodePrinter {
 public:
  explicit CodePrinter(std::vector<IValue>* tensor_constants = nullptr) : tensor_constants_(tensor_constants) {}
  std::string print(const Graph& g, const std::string& name, const std::vector<std::string>& arg_names,
                    const Signature* sig, bool is_method) {
    body_ << "def " << name << "(";
    for (size_t i = 0; i < g.inputs().size(); ++i) {
      Value* in = g.inputs()[i];
      std::string arg = gen_name(i < arg_names.size() ? arg_names[i] : make_valid_identifier(debug_name_base(in->debug_name())));
      if (i == 0) {
        body_ << arg;
        if (!is_method) body_ << ": " << in->type()->annotation_str();
      } else {
        body_ << ",\n    " << arg << ": " << in->type()->annotation_str();
      }
      size_t sig_index = is_method ? i - 1 : i;
      if (sig && !(is_method && i == 0) && sig_index < sig->args.size() && sig->args[sig_index].default_value)
        body_ << "=" << literal(*sig->args[sig_index].default_value);
      ident_refs_[in] = arg;
    }
    TypePtr ret = g.outputs().size() == 1 ? g.outputs()[0]->type() : Type::none();
    if (sig && !sig->returns.empty()) ret = sig->returns[0];
    body_ << ") -> " << ret->annotation_str() << ":\n";
    print_body(g.block());
    return body_.str();
  }

 private:
  // ---- inlining decisions --------------------------------------------------------------------
  bool can_inline(Value* v) const {
    Node* n = v->node();
    if (n->outputs().size() != 1 || v->uses().size() != 1) return false;
    const Use& use = v->uses()[0];
    if (v->has_debug_name() && use.user->kind() != prim::Return) return false;
    if (!n->blocks().empty()) return false;
    if (use.user->kind() == prim::Loop && use.offset >= 2) return false;
    if (n->kind() == prim::isinstance) return false;
    return true;
  }

  Node* scan_value(Node* block_point, Value* v) {
    Node* n = v->node();
    if (n->kind() == prim::Param) return block_point;  // block inputs are names, never inlined
    if (n == block_point && can_inline(v)) {
      block_point = scan_node(block_point);
      inline_.insert(n);
    } else if (n->kind() == prim::Constant) {
      inline_.insert(n);
    }
    return block_point;
  }

  static Node* previous_non_constant(Node* n) {
    do {
      n = n->prev();
    } while (n->kind() == prim::Constant);
    return n;
  }

  Node* scan_node(Node* n) {
    if (inline_.count(n)) return n;
    for (Block* b : n->blocks()) scan_block(b);
    Node* block_point = previous_non_constant(n);
    for (auto it = n->inputs().rbegin(); it != n->inputs().rend(); ++it) block_point = scan_value(block_point, *it);
    return block_point;
  }

  void scan_block(Block* b) {
    scan_node(b->return_node());
    for (Node* n : b->reverse_nodes()) scan_node(n);
  }

  // ---- names ---------------------------------------------------------------------------------
  std::string gen_name(const std::string& candidate) {
    std::string name = candidate;
    while (used_names_.count(name) || reserved_names().count(name)) name = candidate + std::to_string(next_id_[name]++);
    used_names_.insert(name);
    return name;
  }
  std::string unique_name_for(Value* v) {
    return gen_name(v->has_debug_name() ? make_valid_identifier(debug_name_base(v->debug_name())) : "_");
  }

  std::string use_of(Value* v) const {
    auto id = ident_refs_.find(v);
    if (id != ident_refs_.end()) return id->second;
    auto e = expr_table_.find(v);
    EMBER_INTERNAL_ASSERT(e != expr_table_.end(), "code printer: %", v->display_name(), " has no expression");
    return e->second;
  }
  void assign_names(const std::vector<Value*>& values) {
    for (Value* v : values) ident_refs_[v] = unique_name_for(v);
  }

  std::ostringstream& indent() {
    for (int i = 0; i < level_; ++i) body_ << "  ";
    return body_;
  }

  std::string value_list(const std::vector<Value*>& values, const char* begin = "", const char* end = "") const {
    std::string s = begin;
    for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + use_of(values[i]);
    return s + end;
  }

  void print_assignment(const std::vector<Value*>& lhs, const std::vector<Value*>& rhs) {
    if (lhs.empty()) return;
    indent() << value_list(lhs) << " = " << value_list(rhs) << "\n";
  }

  // ---- statements ----------------------------------------------------------------------------
  void print_if(Node* n) {
    assign_names(n->outputs());
    indent() << "if " << use_of(n->input()) << ":\n";
    ++level_;
    print_block(n->blocks()[0], !n->outputs().empty());
    print_assignment(n->outputs(), n->blocks()[0]->outputs());
    --level_;
    indent() << "else:\n";
    ++level_;
    print_block(n->blocks()[1], !n->outputs().empty());
    print_assignment(n->outputs(), n->blocks()[1]->outputs());
    --level_;
  }

  static bool is_int_max(Value* v) {
    std::optional<IValue> c = v->constant();
    return c && c->is_int() && c->to_int() == std::numeric_limits<int64_t>::max();
  }
  static bool is_true(Value* v) {
    std::optional<IValue> c = v->constant();
    return c && c->is_bool() && c->to_bool();
  }

  void print_loop(Node* n) {
    Block* body = n->blocks()[0];
    bool for_loop = !is_int_max(n->input(0)) && is_true(n->input(1)) && is_true(body->outputs()[0]);
    bool while_loop = is_int_max(n->input(0));
    EMBER_CHECK(for_loop || while_loop, RuntimeError,
                "[code] loop cannot be printed as python because it has gone through an optimization that combined "
                "while and for loops");
    std::vector<Value*> carried_outputs = n->outputs();
    std::vector<Value*> carried_inputs(n->inputs().begin() + 2, n->inputs().end());
    std::vector<Value*> body_carried(body->inputs().begin() + 1, body->inputs().end());
    assign_names(carried_outputs);
    for (size_t i = 0; i < body_carried.size(); ++i) ident_refs_[body_carried[i]] = use_of(carried_outputs[i]);
    for (size_t i = 0; i < carried_outputs.size(); ++i) {
      indent() << use_of(carried_outputs[i]);
      if (!carried_outputs[i]->type()->equals(*carried_inputs[i]->type()))
        body_ << ": " << carried_outputs[i]->type()->annotation_str();
      body_ << " = " << use_of(carried_inputs[i]) << "\n";
    }
    Value* trip = body->inputs()[0];
    assign_names({trip});
    if (for_loop) {
      indent() << "for " << use_of(trip) << " in range(" << use_of(n->input(0)) << "):\n";
    } else {
      print_assignment({trip}, {n->input(1)});
      indent() << "while " << use_of(trip) << ":\n";
    }
    ++level_;
    size_t offset = for_loop ? 1 : 0;
    std::vector<Value*> block_inputs(body->inputs().begin() + static_cast<std::ptrdiff_t>(offset), body->inputs().end());
    std::vector<Value*> block_outputs(body->outputs().begin() + static_cast<std::ptrdiff_t>(offset), body->outputs().end());
    print_block(body, !block_inputs.empty());
    print_assignment(block_inputs, block_outputs);
    --level_;
  }

  bool is_long_line(const std::string& s) const { return s.size() + static_cast<size_t>(level_) * 2 >= 40; }
  bool is_non_constant_inline(Value* v) const { return v->node()->kind() != prim::Constant && inline_.count(v->node()); }

  // An inlined expression got too long: emit the inlined inputs before it as statements, in
  // order (all of them up to this one, so side effects keep their order).
  void split_long_inlines(Value* v) {
    std::vector<Value*> to_split_reversed;
    const Use& u = v->uses()[0];
    scan_long_inlines(u.user, static_cast<int64_t>(u.offset), to_split_reversed);
    for (auto it = to_split_reversed.rbegin(); it != to_split_reversed.rend(); ++it)
      print_output_definition((*it)->node(), use_of(*it));
  }
  void scan_long_inlines(Node* user, int64_t offset, std::vector<Value*>& to_split_reversed) {
    auto it = visited_split_.find(user);
    bool present = it != visited_split_.end();
    for (int64_t i = offset; i >= (present ? it->second + 1 : 0); --i) {
      Value* prev = user->input(static_cast<size_t>(i));
      if (is_non_constant_inline(prev)) to_split_reversed.push_back(prev);
    }
    visited_split_[user] = offset;
    if (!present && inline_.count(user)) {
      const Use& u = user->output()->uses()[0];
      scan_long_inlines(u.user, static_cast<int64_t>(u.offset) - 1, to_split_reversed);
    }
  }

  void print_output_definition(Node* n, const std::string& expr) {
    assign_names(n->outputs());
    indent();
    if (!n->outputs().empty()) body_ << value_list(n->outputs()) << " = ";
    body_ << expr << "\n";
  }

  void print_node(Node* n, bool print_const) {
    if (!print_const && n->kind() == prim::Constant) return;
    if (n->kind() == prim::Return) {
      if (!n->inputs().empty()) indent() << "return " << value_list(n->inputs()) << "\n";
      return;
    }
    if (n->kind() == prim::Loop) return print_loop(n);
    if (n->kind() == prim::If) return print_if(n);
    if (n->kind() == prim::TupleUnpack || n->kind() == prim::ListUnpack) {
      assign_names(n->outputs());
      indent();
      if (!n->outputs().empty()) body_ << value_list(n->outputs(), "", ", = ");
      body_ << use_of(n->input()) << "\n";
      return;
    }
    if (n->kind() == prim::SetAttr) {
      indent() << use_of(n->input(0)) << "." << n->s(attr::name) << " = " << use_of(n->input(1)) << "\n";
      return;
    }
    std::string rhs = print_rhs(n);
    if (!inline_.count(n) || (n->kind() == prim::Constant && is_long_line(rhs))) {
      print_output_definition(n, rhs);
    } else {
      expr_table_[n->output()] = rhs;
      if (is_long_line(rhs)) split_long_inlines(n->output());
    }
  }

  // ---- expressions ---------------------------------------------------------------------------
  static bool same_constant(const IValue& a, const IValue& b) {
    if (a.tag() != b.tag()) {
      // int defaults of ScalarType args compare by value; the rest must match in kind
      if (a.is_scalar() && b.is_scalar()) return a.is_double() == b.is_double() && a.to_double() == b.to_double();
      return false;
    }
    return constant_text(a) == constant_text(b);
  }

  std::string print_op_call(Node* n) {
    Symbol k = n->kind();
    std::string s = k.is_aten() ? "torch." + k.name() : "ops." + k.ns() + "." + k.name();
    s += "(";
    const OperatorHandle* op = n->op();
    if (!op) return s + value_list(n->inputs()) + ")";
    const Signature& sig = operator_signature(*op);
    const FunctionSchema& schema = op->schema();
    size_t num_args = schema.arguments().size();
    // Trailing out= arguments are printed by name; arguments at their default are dropped.
    size_t idx = num_args;
    while (idx > 0 && schema.arguments()[idx - 1].is_out()) --idx;
    size_t num_out = num_args - idx;
    size_t necessary = n->inputs().size();
    if (num_args >= n->inputs().size()) {
      necessary = 0;
      for (size_t i = idx; i-- > 0;) {
        const SignatureArg& a = sig.args[i];
        std::optional<IValue> actual = n->input(i)->constant();
        if (!a.default_value || !actual || !same_constant(*a.default_value, *actual)) {
          necessary = i + 1;
          break;
        }
      }
    }
    for (size_t i = 0; i < necessary; ++i) {
      if (i) s += ", ";
      if (i < num_args && schema.arguments()[i].kwarg_only) s += schema.arguments()[i].name + "=";
      s += use_of(n->input(i));
    }
    for (size_t i = num_args - num_out; i < num_args; ++i)
      s += ", " + schema.arguments()[i].name + "=" + use_of(n->input(i));
    return s + ")";
  }

  std::string print_rhs(Node* n) {
    Symbol k = n->kind();
    if (k == prim::Uninitialized) return "uninitialized(" + n->output()->type()->annotation_str() + ")";
    if (k == prim::Constant) {
      if (n->output()->type()->kind() == TypeKind::Function) return "__torch__." + n->s(attr::name);
      if (!n->has_attribute(attr::value)) return "None";
      const IValue& v = n->ival(attr::value);
      if (v.is_tensor() && tensor_constants_) return "CONSTANTS.c" + std::to_string(tensor_constant_index(v));
      return literal(v);
    }
    const std::string& name = k.qual_string();
    if (name == "aten::ScalarImplicit" || name == "aten::FloatImplicit" || name == "aten::IntImplicit")
      return "annotate(" + n->output()->type()->annotation_str() + ", " + use_of(n->input()) + ")";
    if (name == "aten::Int") return value_list(n->inputs(), "int(", ")");
    if (name == "aten::Float") return value_list(n->inputs(), "float(", ")");
    if (name == "aten::Bool") return value_list(n->inputs(), "bool(", ")");
    if (name == "aten::str") return value_list(n->inputs(), "str(", ")");
    if (name == "aten::__getitem__") {
      std::string v = use_of(n->input(0));
      return (is_valid_identifier(v) ? v : "(" + v + ")") + "[" + use_of(n->input(1)) + "]";
    }
    if (k == prim::Print) return value_list(n->inputs(), "print(", ")");
    if (k == prim::TupleConstruct) return value_list(n->inputs(), "(", n->inputs().size() == 1 ? ",)" : ")");
    if (k == prim::TupleIndex) return "(" + use_of(n->input(0)) + ")[" + use_of(n->input(1)) + "]";
    if (k == prim::ListConstruct) {
      if (n->inputs().empty()) return "annotate(" + n->output()->type()->annotation_str() + ", [])";
      TypeKind e = n->output()->type()->element()->kind();
      bool inferable = e != TypeKind::Optional && e != TypeKind::Any && e != TypeKind::Number;
      if (!inferable) return "annotate(" + n->output()->type()->annotation_str() + ", " + value_list(n->inputs(), "[", "]") + ")";
      return value_list(n->inputs(), "[", "]");
    }
    if (k == prim::DictConstruct) {
      std::string d = "{";
      for (size_t i = 0; i + 1 < n->inputs().size(); i += 2)
        d += (i ? ", " : "") + use_of(n->input(i)) + ": " + use_of(n->input(i + 1));
      d += "}";
      const TypePtr& t = n->output()->type();
      bool inferable = t->contained()[0]->kind() != TypeKind::Optional && t->contained()[1]->kind() != TypeKind::Optional;
      if (n->inputs().empty() || !inferable) return "annotate(" + t->annotation_str() + ", " + d + ")";
      return d;
    }
    if (k == prim::CreateObject) {
      std::string t = n->output()->type()->annotation_str();
      return t + ".__new__(" + t + ")";
    }
    if (k == prim::GetAttr) {
      const std::string& field = n->s(attr::name);
      if (is_valid_identifier(field)) return use_of(n->input(0)) + "." + field;
      return "getattr(" + use_of(n->input(0)) + ", " + quoted_string(field) + ")";
    }
    if (k == prim::CallFunction) {
      std::string s = use_of(n->input(0)) + "(";
      for (size_t i = 1; i < n->inputs().size(); ++i) s += use_of(n->input(i)) + ", ";
      return s + ")";
    }
    if (k == prim::CallMethod) {
      std::string s = "(" + use_of(n->input(0)) + ")." + n->s(attr::name) + "(";
      for (size_t i = 1; i < n->inputs().size(); ++i) s += use_of(n->input(i)) + ", ";
      return s + ")";
    }
    if (k == prim::unchecked_cast)
      return "unchecked_cast(" + n->output()->type()->annotation_str() + ", " + use_of(n->input()) + ")";
    if (k == prim::isinstance) {
      const std::vector<TypePtr>& types = n->attribute(attr::types).types;
      std::string s = "isinstance(" + use_of(n->input()) + ", ";
      if (types.size() == 1) return s + types[0]->annotation_str() + ")";
      s += "(";
      for (size_t i = 0; i < types.size(); ++i) s += (i ? ", " : "") + types[i]->annotation_str();
      return s + "))";
    }
    return print_op_call(n);
  }

  void print_block(Block* b, bool has_other_statements) {
    if (!has_other_statements && b->nodes().empty()) indent() << "pass\n";
    for (Node* n : b->node_vector()) print_node(n, false);
  }

  void collect_constants(Block* b, std::vector<Node*>& constants, std::unordered_set<Node*>& seen) {
    auto visit = [&](Node* n) {
      for (Value* in : n->inputs())
        if (in->node()->kind() == prim::Constant && seen.insert(in->node()).second) constants.push_back(in->node());
      for (Block* inner : n->blocks()) collect_constants(inner, constants, seen);
    };
    for (Node* n : b->nodes()) visit(n);
    visit(b->return_node());
  }

  void print_body(Block* body) {
    std::vector<Node*> constants;
    std::unordered_set<Node*> seen;
    collect_constants(body, constants, seen);
    scan_block(body);
    ++level_;
    for (Node* n : constants) print_node(n, true);
    print_block(body, !body->outputs().empty());
    print_node(body->return_node(), false);
    --level_;
  }

  std::ostringstream body_;
  int level_ = 0;
  std::unordered_set<Node*> inline_;
  std::unordered_map<Value*, std::string> ident_refs_;
  std::unordered_map<Value*, std::string> expr_table_;
  std::unordered_map<std::string, size_t> next_id_;
  std::unordered_set<std::string> used_names_;
  std::unordered_map<Node*, int64_t> visited_split_;
  std::vector<IValue>* tensor_constants_;

  size_t tensor_constant_index(const IValue& v) {
    for (size_t i = 0; i < tensor_constants_->size(); ++i)
      if ((*tensor_constants_)[i].is_same(v)) return i;
    tensor_constants_->push_back(v);
    return tensor_constants_->size() - 1;
  }
};

}  // namespace

std::string print_code(const Graph& g, const std::string& name, const std::vector<std::string>& arg_names,
                       bool is_method) {
  return CodePrinter().print(g, name, arg_names, nullptr, is_method);
}

std::string print_code(const Function& fn, std::vector<IValue>* tensor_constants, const Graph* graph) {
  std::vector<std::string> names;
  const Graph& g = graph ? *graph : *fn.graph();
  if (fn.is_method()) names.push_back(debug_name_base(g.inputs()[0]->debug_name()));
  for (const SignatureArg& a : fn.signature().args) names.push_back(a.name);
  return CodePrinter(tensor_constants).print(g, fn.name(), names, &fn.signature(), fn.is_method());
}

}  // namespace script
}  // namespace ember
