// Common subexpression elimination (see passes.h): nodes are keyed by kind, inputs and
// attributes; a node whose key was seen in a dominating position (earlier in the same block or
// in an enclosing block) is replaced by the earlier one. Nodes reading memory that some node
// writes (AliasAnalysis) are left alone.
#include <sstream>
#include <unordered_map>

#include "script/passes/alias_analysis.h"
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

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

bool eliminate(Block* b, std::vector<Table*>& scopes, const AliasAnalysis& aliases) {
  bool changed = false;
  Table local;
  scopes.push_back(&local);
  for (Node* n : b->node_vector()) {
    if (!n->blocks().empty()) {
      for (Block* inner : n->blocks()) changed |= eliminate(inner, scopes, aliases);
      continue;
    }
    if (n->has_side_effects() || n->kind() == prim::Uninitialized || n->kind() == prim::ListConstruct ||
        n->kind() == prim::DictConstruct || n->kind() == prim::CreateObject || n->outputs().empty())
      continue;
    if (aliases.reads_written_memory(n)) continue;  // a write in between could change the result
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
  AliasAnalysis aliases(g);
  return eliminate(g.block(), scopes, aliases);
}

}  // namespace script
}  // namespace ember
