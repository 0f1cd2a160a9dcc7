// Dead code elimination (see passes.h).
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

bool has_uses(const Node* n) {
  for (const Value* v : n->outputs())
    if (!v->uses().empty()) return true;
  return false;
}

bool sweep(Block* b);

// Unused If outputs go away with the branch values that fed them.
bool prune_if_outputs(Node* n) {
  bool changed = false;
  for (size_t i = n->outputs().size(); i-- > 0;) {
    if (!n->output(i)->uses().empty()) continue;
    n->blocks()[0]->erase_output(i);
    n->blocks()[1]->erase_output(i);
    n->erase_output(i);
    changed = true;
  }
  return changed;
}

// A loop-carried value is dead when its result is unused and the body reads it only to pass it
// on (or not at all).
bool prune_loop_outputs(Node* n) {
  bool changed = false;
  Block* body = n->blocks()[0];
  for (size_t i = n->outputs().size(); i-- > 0;) {
    Value* out = n->output(i);
    Value* in = body->inputs()[i + 1];
    if (!out->uses().empty()) continue;
    bool only_passed_on = true;
    for (const Use& u : in->uses())
      if (!(u.user == body->return_node() && u.offset == i + 1)) only_passed_on = false;
    if (!only_passed_on) continue;
    body->erase_output(i + 1);
    if (in->uses().empty()) body->erase_input(i + 1);
    else continue;
    n->remove_input(i + 2);
    n->erase_output(i);
    changed = true;
  }
  return changed;
}

bool sweep(Block* b) {
  bool changed = false;
  for (Node* n = b->return_node()->prev(); n != b->param_node();) {
    Node* prev = n->prev();
    if (n->kind() == prim::If) changed |= prune_if_outputs(n);
    if (n->kind() == prim::Loop) changed |= prune_loop_outputs(n);
    for (Block* inner : n->blocks()) changed |= sweep(inner);
    if (!has_uses(n) && !n->has_side_effects()) {
      n->destroy();
      changed = true;
    }
    n = prev;
  }
  return changed;
}

}  // namespace

bool eliminate_dead_code(Graph& g) {
  bool any = false;
  while (sweep(g.block())) any = true;  // a pruned loop value can free more code
  return any;
}

}  // namespace script
}  // namespace ember
