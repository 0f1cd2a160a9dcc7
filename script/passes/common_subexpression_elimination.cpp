// Common subexpression elimination (see passes.h): nodes are keyed by kind, inputs and
// attributes; a node whose key was seen in a dominating position (earlier in the same block or
// in an enclosing block) is replaced by the earlier one.
#include <sstream>
#include <unordered_map>

#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

bool has_writes(Block* b) {
  for (Node* n : b->nodes()) {
    if (n->is_mutating()) return true;
    for (Block* inner : n->blocks())
      if (has_writes(inner)) return true;
  }
  return false;
}

bool reads_mutable(const Node* n) {
  for (const Value* v : n->inputs()) {
    TypeKind k = v->type()->kind();
    if (k == TypeKind::Tensor || k == TypeKind::List || k == TypeKind::Dict || k == TypeKind::Class) return true;
  }
  return false;
}

std::string node_key(const Node* n) {
  std::ostringstream key;
  key << n->kind().qual_string() << "(";
  for (const Value* v : n->inputs()) key << v->unique() << ",";
  key << ")";
  for (const auto& a : n->attributes()) {
    key << a.first.qual_string() << "=";
    if (a.second.kind == Attribute::Kind::IValue) key << constant_text(a.second.ival) << "#" << static_cast<int>(a.second.ival.tag());
    else if (a.second.kind == Attribute::Kind::String) key << a.second.s;
    else if (a.second.kind == Attribute::Kind::Int) key << a.second.i;
    else key << "?" << reinterpret_cast<uintptr_t>(&a.second);  // other kinds never match
    key << ";";
  }
  for (const Value* v : n->outputs()) key << ":" << v->type()->str();
  if (n->op()) key << "@" << n->op()->name();
  return key.str();
}

using Table = std::unordered_map<std::string, Node*>;

bool eliminate(Block* b, std::vector<Table*>& scopes, bool graph_writes) {
  bool changed = false;
  Table local;
  scopes.push_back(&local);
  for (Node* n : b->node_vector()) {
    if (!n->blocks().empty()) {
      for (Block* inner : n->blocks()) changed |= eliminate(inner, scopes, graph_writes);
      continue;
    }
    if (n->has_side_effects() || n->kind() == prim::Uninitialized || n->kind() == prim::ListConstruct ||
        n->kind() == prim::DictConstruct || n->kind() == prim::CreateObject || n->outputs().empty())
      continue;
    if (graph_writes && reads_mutable(n)) continue;  // a write in between could change the result
    std::string key = node_key(n);
    Node* earlier = nullptr;
    for (Table* t : scopes) {
      auto it = t->find(key);
      if (it != t->end()) earlier = it->second;
    }
    if (earlier) {
      for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replace_all_uses_with(earlier->output(i));
      n->destroy();
      changed = true;
    } else {
      local.emplace(key, n);
    }
  }
  scopes.pop_back();
  return changed;
}

}  // namespace

bool eliminate_common_subexpressions(Graph& g) {
  std::vector<Table*> scopes;
  return eliminate(g.block(), scopes, has_writes(g.block()));
}

}  // namespace script
}  // namespace ember
