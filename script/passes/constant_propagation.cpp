// Constant propagation (see passes.h), following TorchScript's ConstantPropagator.
#include <set>

#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

bool is_mutable_type(const TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::Tensor: case TypeKind::List: case TypeKind::Dict: case TypeKind::Class: case TypeKind::Future:
    case TypeKind::Any: case TypeKind::Var:
      return true;
    case TypeKind::Optional: return is_mutable_type(t->element());
    case TypeKind::Tuple:
      for (const TypePtr& e : t->contained())
        if (is_mutable_type(e)) return true;
      return false;
    default: return false;
  }
}

bool is_nondeterministic(const Node* n) {
  static const std::set<std::string> random = {"rand", "randn", "randint", "rand_like", "randn_like", "randint_like",
                                               "bernoulli", "bernoulli_", "normal", "normal_", "uniform_", "random_",
                                               "dropout", "randperm", "multinomial", "Parameter"};
  return random.count(n->kind().name()) > 0;
}

// Constants the IR can hold: numbers, bool, str, None, Device, number lists, tuples of those,
// and (outside immutable mode) tensors.
bool insertable(const IValue& v, bool allow_tensors) {
  switch (v.tag()) {
    case IValue::Tag::None: case IValue::Tag::Int: case IValue::Tag::Double: case IValue::Tag::Bool:
    case IValue::Tag::String: case IValue::Tag::Device: case IValue::Tag::IntList: case IValue::Tag::DoubleList:
    case IValue::Tag::BoolList:
      return true;
    case IValue::Tag::Tensor: return allow_tensors && !v.to_tensor().requires_grad();
    case IValue::Tag::Tuple:
      for (const IValue& e : v.to_tuple())
        if (!insertable(e, allow_tensors)) return false;
      return true;
    default: return false;
  }
}

class ConstantPropagator {
 public:
  ConstantPropagator(Graph& g, bool immutable_only) : graph_(g), immutable_only_(immutable_only) {
    if (!immutable_only) graph_has_writes_ = has_writes(g.block());
  }
  bool run() {
    propagate(graph_.block());
    return changed_;
  }

 private:
  static bool has_writes(Block* b) {
    for (Node* n : b->nodes()) {
      if (n->is_mutating()) return true;
      for (Block* inner : n->blocks())
        if (has_writes(inner)) return true;
    }
    return false;
  }

  bool supported(Node* n) const {
    if (n->kind() == prim::Constant || n->kind() == prim::Uninitialized || n->kind() == prim::Print ||
        n->kind() == prim::RaiseException || !n->blocks().empty() || n->has_side_effects() || is_nondeterministic(n))
      return false;
    bool mutable_values = false;
    for (Value* v : n->inputs()) mutable_values |= is_mutable_type(v->type());
    for (Value* v : n->outputs()) mutable_values |= is_mutable_type(v->type());
    if (!mutable_values) return true;
    return !immutable_only_ && !graph_has_writes_;
  }

  static bool all_inputs_constant(Node* n) {
    for (Value* v : n->inputs())
      if (v->node()->kind() != prim::Constant) return false;
    return true;
  }

  void propagate_node(Node* n) {
    std::optional<std::vector<IValue>> outputs = run_node_if_inputs_are_constant(n);
    if (!outputs) return;
    WithInsertPoint guard(graph_, n);
    for (size_t i = 0; i < outputs->size(); ++i) {
      if (!insertable((*outputs)[i], !immutable_only_)) continue;
      Value* c = graph_.insert_constant((*outputs)[i]);
      if ((*outputs)[i].is_none()) c->set_type(n->output(i)->type());
      n->output(i)->replace_all_uses_with(c);
      changed_ = true;
    }
  }

  void inline_if(Node* n) {
    bool cond = n->input()->constant()->to_bool();
    Block* taken = n->blocks()[cond ? 0 : 1];
    propagate(taken);
    for (Node* inner : taken->node_vector()) inner->move_before(n);
    for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replace_all_uses_with(taken->outputs()[i]);
    n->destroy();
    changed_ = true;
  }

  void remove_extra_if_outputs(Node* n) {
    Block* t = n->blocks()[0];
    Block* f = n->blocks()[1];
    WithInsertPoint guard(graph_, n);
    for (size_t i = 0; i < t->outputs().size();) {
      Value* tv = t->outputs()[i];
      Value* fv = f->outputs()[i];
      Value* replacement = nullptr;
      if (tv == fv) {
        replacement = tv;
      } else {
        std::optional<IValue> tc = tv->constant(), fc = fv->constant();
        if (tc && fc && tv->type()->equals(*fv->type()) && constant_text(*tc) == constant_text(*fc) &&
            tc->tag() == fc->tag() && !tc->is_tensor())
          replacement = graph_.insert_constant(*tc);
      }
      if (!replacement) {
        ++i;
        continue;
      }
      n->output(i)->replace_all_uses_with(replacement);
      t->erase_output(i);
      f->erase_output(i);
      n->erase_output(i);
      changed_ = true;
    }
  }

  static bool loop_will_not_run(Node* n) {
    std::optional<IValue> trip = n->input(0)->constant();
    std::optional<IValue> cond = n->input(1)->constant();
    return (trip && trip->is_int() && trip->to_int() <= 0) || (cond && cond->is_bool() && !cond->to_bool());
  }

  void remove_loop(Node* n) {
    for (size_t i = 0; i < n->outputs().size(); ++i) n->output(i)->replace_all_uses_with(n->input(i + 2));
    n->destroy();
    changed_ = true;
  }

  void remove_extra_loop_outputs(Node* n) {
    Block* body = n->blocks()[0];
    for (size_t i = n->outputs().size(); i-- > 0;) {
      if (body->inputs()[i + 1] != body->outputs()[i + 1]) continue;  // changed by the body
      Value* initial = n->input(i + 2);
      n->output(i)->replace_all_uses_with(initial);
      body->inputs()[i + 1]->replace_all_uses_with(initial);
      n->erase_output(i);
      n->remove_input(i + 2);
      body->erase_output(i + 1);
      body->erase_input(i + 1);
      changed_ = true;
    }
  }

  void propagate(Block* b) {
    for (Node* n = b->nodes().front(); n != b->return_node();) {
      Node* next = n->next();
      bool constant_inputs = all_inputs_constant(n);
      if (n->kind() == prim::If) {
        if (constant_inputs) {
          inline_if(n);
        } else {
          for (Block* inner : n->blocks()) propagate(inner);
          remove_extra_if_outputs(n);
        }
      } else if (n->kind() == prim::Loop) {
        if (loop_will_not_run(n)) {
          remove_loop(n);
        } else {
          for (Block* inner : n->blocks()) propagate(inner);
          remove_extra_loop_outputs(n);
        }
      } else if (constant_inputs && supported(n)) {
        propagate_node(n);
      } else {
        for (Block* inner : n->blocks()) propagate(inner);
      }
      n = next;
    }
  }

  Graph& graph_;
  bool immutable_only_;
  bool graph_has_writes_ = false;
  bool changed_ = false;
};

}  // namespace

std::optional<std::vector<IValue>> run_node_if_inputs_are_constant(Node* n) {
  Stack stack;
  for (Value* v : n->inputs()) {
    std::optional<IValue> c = v->constant();
    if (!c) return std::nullopt;
    stack.push_back(*c);
  }
  if (n->kind() == prim::TupleConstruct) return std::vector<IValue>{IValue::tuple(std::move(stack))};
  if (!n->op() || is_nondeterministic(n) || n->has_side_effects()) return std::nullopt;
  if (n->op()->schema().is_vararg()) stack.emplace_back(static_cast<int64_t>(n->inputs().size()));
  try {
    n->op()->call_boxed(&stack);
  } catch (const Error&) {
    return std::nullopt;  // fails at run time too; leave it there to report it then
  }
  if (stack.size() != n->outputs().size()) return std::nullopt;
  return std::vector<IValue>(stack.begin(), stack.end());
}

bool constant_propagation(Graph& g, bool immutable_types_only) {
  bool changed = ConstantPropagator(g, immutable_types_only).run();
  if (changed) eliminate_dead_code(g);
  return changed;
}

}  // namespace script
}  // namespace ember
