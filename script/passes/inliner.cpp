// Inlining of script calls (see passes.h): the callee's graph is copied in place of the
// prim::CallFunction / prim::CallMethod node (recursively, so nested calls are inlined too).
#include <unordered_map>

#include "script/api/function.h"
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

// Copies callee's body before `at`, with its inputs bound to `inputs`; returns its outputs.
std::vector<Value*> insert_graph(Graph& g, Graph& callee, const std::vector<Value*>& inputs, Node* at) {
  std::unordered_map<Value*, Value*> map;
  for (size_t i = 0; i < callee.inputs().size(); ++i) map[callee.inputs()[i]] = inputs[i];
  auto lookup = [&](Value* v) { return map.at(v); };
  for (Node* n : callee.block()->nodes()) {
    Node* copy = g.create_clone(n, lookup, true);
    copy->insert_before(at);
    for (size_t i = 0; i < n->outputs().size(); ++i) map[n->output(i)] = copy->output(i);
  }
  std::vector<Value*> outs;
  for (Value* v : callee.outputs()) outs.push_back(lookup(v));
  return outs;
}

bool inline_block(Block* b) {
  bool changed = false;
  for (Node* n : b->node_vector()) {
    for (Block* inner : n->blocks()) changed |= inline_block(inner);
    if ((n->kind() != prim::CallFunction && n->kind() != prim::CallMethod) || !n->function()) continue;
    Function* f = n->function();
    f->ensure_defined();
    std::vector<Value*> args = n->inputs();
    if (n->kind() == prim::CallFunction) args.erase(args.begin());  // the function constant
    std::shared_ptr<Graph> body = f->graph()->copy();
    inline_block(body->block());
    std::vector<Value*> outs = insert_graph(*n->owning_graph(), *body, args, n);
    for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replace_all_uses_with(outs[i]);
    n->destroy();
    changed = true;
  }
  return changed;
}

}  // namespace

bool inline_calls(Graph& g) {
  // As PyTorch's pass, the function constants stay (dead code elimination removes them).
  return inline_block(g.block());
}

}  // namespace script
}  // namespace ember
