// Tuple lowering (see passes.h).
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

bool lower(Block* b) {
  bool changed = false;
  for (Node* n : b->node_vector()) {
    for (Block* inner : n->blocks()) changed |= lower(inner);
    if (n->kind() == prim::TupleUnpack && n->input()->node()->kind() == prim::TupleConstruct) {
      Node* tuple = n->input()->node();
      for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replace_all_uses_with(tuple->input(i));
      changed = true;
    } else if (n->kind() == prim::TupleIndex && n->input(0)->node()->kind() == prim::TupleConstruct) {
      std::optional<IValue> index = n->input(1)->constant();
      if (!index || !index->is_int()) continue;
      Node* tuple = n->input(0)->node();
      int64_t i = index->to_int();
      if (i < 0) i += static_cast<int64_t>(tuple->inputs().size());
      n->output()->replace_all_uses_with(tuple->input(static_cast<size_t>(i)));
      changed = true;
    }
  }
  return changed;
}

}  // namespace

bool lower_simple_tuples(Graph& g) {
  bool changed = lower(g.block());
  changed |= eliminate_dead_code(g);
  return changed;
}

}  // namespace script
}  // namespace ember
