// AST dumps for tests: compact s-expressions.
#include "script/frontend/ast.h"

#include <sstream>

namespace ember {
namespace script {

namespace {

std::string op_text(TokenKind k) { return token_name(k); }

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  std::string s = os.str();
  if (s.find_first_of(".e") == std::string::npos) s += ".";
  return s;
}

std::string dump_list(const std::vector<ExprPtr>& es) {
  std::string s;
  for (const ExprPtr& e : es) s += " " + dump(e);
  return s;
}

std::string dump_body(const std::vector<StmtPtr>& body) {
  std::string s;
  for (const StmtPtr& st : body) s += " " + dump(st);
  return s;
}

}  // namespace

std::string dump(const ExprPtr& e) {
  if (!e) return "_";
  switch (e->kind) {
    case ExprKind::Var: return e->name;
    case ExprKind::Int: return std::to_string(e->int_value);
    case ExprKind::Float: return number_text(e->float_value);
    case ExprKind::String: return "\"" + e->name + "\"";
    case ExprKind::True: return "True";
    case ExprKind::False: return "False";
    case ExprKind::None: return "None";
    case ExprKind::Dots: return "...";
    case ExprKind::Unary: return "(" + op_text(e->op) + " " + dump(e->args[0]) + ")";
    case ExprKind::Binary: return "(" + op_text(e->op) + " " + dump(e->args[0]) + " " + dump(e->args[1]) + ")";
    case ExprKind::Ternary:
      return "(if " + dump(e->args[0]) + " " + dump(e->args[1]) + " " + dump(e->args[2]) + ")";
    case ExprKind::Apply: {
      std::string s = "(apply " + dump(e->base) + dump_list(e->args);
      for (const auto& kw : e->kwargs) s += " (= " + kw.first.name + " " + dump(kw.second) + ")";
      return s + ")";
    }
    case ExprKind::Select: return "(. " + dump(e->base) + " " + e->name + ")";
    case ExprKind::Subscript: return "(subscript " + dump(e->base) + dump_list(e->args) + ")";
    case ExprKind::Slice: return "(slice" + dump_list(e->args) + ")";
    case ExprKind::List: return "(list" + dump_list(e->args) + ")";
    case ExprKind::Tuple: return "(tuple" + dump_list(e->args) + ")";
    case ExprKind::Dict: {
      std::string s = "(dict";
      for (size_t i = 0; i < e->args.size(); ++i) s += " (" + dump(e->args[i]) + " " + dump(e->values[i]) + ")";
      return s + ")";
    }
    case ExprKind::Starred: return "(* " + dump(e->args[0]) + ")";
    case ExprKind::ListComp:
      return "(listcomp " + dump(e->base) + " " + dump(e->args[0]) + " " + dump(e->args[1]) + ")";
    case ExprKind::DictComp:
      return "(dictcomp " + dump(e->base) + " " + dump(e->values[0]) + " " + dump(e->args[0]) + " " +
             dump(e->args[1]) + ")";
  }
  return "?";
}

std::string dump(const StmtPtr& s) {
  switch (s->kind) {
    case StmtKind::Def: {
      std::string out = "(def " + s->name.name + " (params";
      for (const Param& p : s->params) {
        out += " " + p.name.name;
        if (p.type) out += ":" + dump(p.type);
        if (p.default_value) out += "=" + dump(p.default_value);
      }
      out += ")";
      if (s->return_type) out += " (-> " + dump(s->return_type) + ")";
      if (s->has_type_comment) out += " (type" + dump_list(s->comment_arg_types) + " -> " + dump(s->comment_return_type) + ")";
      return out + dump_body(s->body) + ")";
    }
    case StmtKind::Class: return "(class " + s->name.name + dump_list(s->bases) + dump_body(s->body) + ")";
    case StmtKind::If: {
      std::string out = "(if " + dump(s->value) + " (then" + dump_body(s->body) + ")";
      if (!s->orelse.empty()) out += " (else" + dump_body(s->orelse) + ")";
      return out + ")";
    }
    case StmtKind::While: return "(while " + dump(s->value) + dump_body(s->body) + ")";
    case StmtKind::For: return "(for (" + dump_list(s->targets).substr(1) + ") " + dump(s->value) + dump_body(s->body) + ")";
    case StmtKind::Assign: {
      std::string out = "(=";
      out += dump_list(s->targets);
      if (s->annotation) out += " :" + dump(s->annotation);
      return out + " " + dump(s->value) + ")";
    }
    case StmtKind::AugAssign: return "(" + op_text(s->op) + "= " + dump(s->targets[0]) + " " + dump(s->value) + ")";
    case StmtKind::ExprStmt: return dump(s->value);
    case StmtKind::Return: return "(return " + dump(s->value) + ")";
    case StmtKind::Raise: return "(raise " + dump(s->value) + ")";
    case StmtKind::Assert: return "(assert " + dump(s->value) + " " + dump(s->msg) + ")";
    case StmtKind::Pass: return "pass";
    case StmtKind::Break: return "break";
    case StmtKind::Continue: return "continue";
    case StmtKind::Delete: return "(del" + dump_list(s->targets) + ")";
    case StmtKind::Import: return "import";
  }
  return "?";
}

}  // namespace script
}  // namespace ember
