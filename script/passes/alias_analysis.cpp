// AliasAnalysis (see alias_analysis.h): union-find over values, sets merged along schema alias
// annotations and through control flow; written sets from the (a!) annotations.
#include "script/passes/alias_analysis.h"

namespace ember {
namespace script {

bool is_mutable_type(const TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Tensor:
    case TypeKind::List:
    case TypeKind::Dict:
    case TypeKind::Class:
    case TypeKind::Any:
    case TypeKind::Var: return true;
    case TypeKind::Optional:
    case TypeKind::Future: return is_mutable_type(t->element());
    case TypeKind::Tuple:
      for (const TypePtr& e : t->contained())
        if (is_mutable_type(e)) return true;
      return false;
    default: return false;
  }
}

const Value* AliasAnalysis::find(const Value* v) const {
  auto it = parent_.find(v);
  if (it == parent_.end() || it->second == v) return v;
  const Value* root = find(it->second);
  parent_[v] = root;
  return root;
}

void AliasAnalysis::unite(const Value* a, const Value* b) {
  const Value* ra = find(a);
  const Value* rb = find(b);
  if (ra != rb) parent_[ra] = rb;
}

namespace {

const AliasInfo* alias_of(const Argument& a) {
  if (a.container_alias) return &*a.container_alias;
  if (a.alias) return &*a.alias;
  return nullptr;
}

}  // namespace

void AliasAnalysis::visit(Block* b) {
  for (Node* n : b->nodes()) {
    for (Block* inner : n->blocks()) visit(inner);
    auto mutable_values = [](const std::vector<Value*>& vs) {
      std::vector<const Value*> out;
      for (const Value* v : vs)
        if (is_mutable_type(v->type())) out.push_back(v);
      return out;
    };
    if (n->kind() == prim::Constant) continue;
    if (n->kind() == prim::If || n->kind() == prim::Loop) {
      // Block results flow to the node's outputs; loop-carried values through the body.
      size_t first_carried = n->kind() == prim::Loop ? 2 : 0;
      for (Block* inner : n->blocks()) {
        size_t skip = n->kind() == prim::Loop ? 1 : 0;  // a loop body returns its condition first
        for (size_t i = 0; i < n->outputs().size(); ++i) {
          if (!is_mutable_type(n->output(i)->type())) continue;
          unite(n->output(i), inner->outputs().at(i + skip));
          if (n->kind() == prim::Loop) {
            unite(n->output(i), inner->inputs().at(i + 1));
            unite(n->output(i), n->input(first_carried + i));
          }
        }
      }
      continue;
    }
    const OperatorHandle* op = n->op();
    if (op && n->kind() != prim::CallFunction && n->kind() != prim::CallMethod) {
      const auto& args = op->schema().arguments();
      const auto& returns = op->schema().returns();
      for (size_t i = 0; i < args.size() && i < n->inputs().size(); ++i) {
        const AliasInfo* a = alias_of(args[i]);
        if (!a) continue;
        if (a->is_write) writes_.push_back(n->input(i));
        if (a->to_wildcard || a->set == "*") unite(n->input(i), wildcard_);
      }
      for (size_t j = 0; j < returns.size() && j < n->outputs().size(); ++j) {
        const AliasInfo* r = alias_of(returns[j]);
        if (!r) continue;
        if (r->set == "*" || r->to_wildcard) {
          unite(n->output(j), wildcard_);
          continue;
        }
        for (size_t i = 0; i < args.size() && i < n->inputs().size(); ++i) {
          const AliasInfo* a = alias_of(args[i]);
          if (a && !r->set.empty() && a->set == r->set) unite(n->output(j), n->input(i));
        }
      }
      continue;
    }
    // Anything else (construct/unpack, attributes, casts, calls): what goes in may come out.
    std::vector<const Value*> values = mutable_values(n->inputs());
    for (const Value* v : mutable_values(n->outputs())) values.push_back(v);
    for (size_t i = 1; i < values.size(); ++i) unite(values[0], values[i]);
    if (n->kind() == prim::SetAttr || n->kind() == prim::CallFunction || n->kind() == prim::CallMethod)
      for (const Value* v : values) writes_.push_back(v);
  }
}

AliasAnalysis::AliasAnalysis(Graph& g) {
  // The wildcard is a value no node uses; the graph's first input serves when there is one,
  // else nothing can be written through unknown memory.
  std::vector<const Value*> inputs;
  for (const Value* v : g.inputs())
    if (is_mutable_type(v->type())) inputs.push_back(v);
  wildcard_ = inputs.empty() ? reinterpret_cast<const Value*>(&parent_) : inputs[0];
  for (const Value* v : inputs) unite(v, wildcard_);  // callers may pass one tensor twice
  visit(g.block());
  for (const Value* w : writes_) written_roots_.insert(find(w));
}

bool AliasAnalysis::may_be_written(const Value* v) const {
  return is_mutable_type(v->type()) && written_roots_.count(find(v)) > 0;
}

bool AliasAnalysis::reads_written_memory(const Node* n) const {
  for (const Value* v : n->inputs())
    if (may_be_written(v)) return true;
  return false;
}

}  // namespace script
}  // namespace ember
