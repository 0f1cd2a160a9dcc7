// A `for` loop whose body can stop it (break) has both a trip count and a condition. As
// TorchScript, it is rewritten as a `while` loop with an explicit counter, so that the code
// printer can print it back as Python:
//   Loop(n, c) block(i, ...) -> (c', ...)   becomes
//   Loop(MAX, n > 0 and c) block(k, ..., j) -> (j + 1 < n and c', ..., j + 1)
#include <limits>

#include "script/compiler/emitter.h"
#include "script/compiler/schema_matching.h"

namespace ember {
namespace script {

namespace {

bool is_max_trip_count(Value* v) {
  std::optional<IValue> c = v->constant();
  return c && c->is_int() && c->to_int() == std::numeric_limits<int64_t>::max();
}
bool is_true_constant(Value* v) {
  std::optional<IValue> c = v->constant();
  return c && c->is_bool() && c->to_bool();
}

void canonicalize(Node* n) {
  Block* body = n->blocks()[0];
  Value* max_trip = n->input(0);
  Value* input_cond = n->input(1);
  Value* next_cond = body->outputs()[0];
  bool for_loop = !is_max_trip_count(max_trip) && is_true_constant(input_cond) && is_true_constant(next_cond);
  bool while_loop = is_max_trip_count(max_trip);
  if (for_loop || while_loop) return;  // only loops with both a trip count and a condition change
  Graph& g = *n->owning_graph();
  WithInsertPoint node_insert(g, n);
  Value* zero = g.insert_constant(IValue(int64_t(0)));
  Value* one = g.insert_constant(IValue(int64_t(1)));
  Value* condition = insert_op(g, Symbol::aten("gt"), {max_trip, zero});
  n->replace_input(0, g.insert_constant(IValue(std::numeric_limits<int64_t>::max())));
  std::optional<IValue> in_c = input_cond->constant();
  if (!in_c || !in_c->to_bool()) condition = insert_op(g, Symbol::aten("__and__"), {condition, input_cond});
  n->replace_input(1, condition);
  n->add_output()->set_type(Type::int_());
  WithInsertPoint loop_insert(g, body);
  n->add_input(zero);
  Value* new_iter = body->add_input()->set_type(Type::int_());
  Value* trip = body->inputs()[0];
  trip->set_debug_name("");
  trip->replace_all_uses_with(new_iter);
  Value* inc = insert_op(g, Symbol::aten("add"), {new_iter, one});
  body->register_output(inc);
  Value* below_max = insert_op(g, Symbol::aten("lt"), {inc, max_trip});
  Value* new_cond = insert_op(g, Symbol::aten("__and__"), {below_max, next_cond});
  body->erase_output(0);
  body->insert_output(0, new_cond);
}

void canonicalize_block(Block* block) {
  for (Node* n : block->nodes()) {
    for (Block* b : n->blocks()) canonicalize_block(b);
    if (n->kind() == prim::Loop) canonicalize(n);
  }
}

}  // namespace

void canonicalize_modified_loops(Graph& g) { canonicalize_block(g.block()); }

}  // namespace script
}  // namespace ember
