// Exit transformation (as TorchScript's TransformExits): prim::LoopContinuation (break,
// continue) and prim::ReturnStmt are removed; where an exit may or may not have happened, the
// rest of the block is guarded by an `if` on a has-exited flag and the exit values flow out
// through If/Loop outputs. A block that always exits drops the code after the exit.
#include <unordered_map>

#include "script/compiler/emitter.h"

namespace ember {
namespace script {

namespace {

enum class ExitStatus { Will, Might, Wont, Throws };

struct ExitPair {
  Value* has_exited;
  std::vector<Value*> exit_values;
};

class ExitTransformer {
 public:
  explicit ExitTransformer(Graph& g) : graph_(g) {
    WithInsertPoint guard(g, g.block()->nodes().front());
    true_val_ = g.insert_constant(IValue(true));
    false_val_ = g.insert_constant(IValue(false));
    throws_val_ = unit_value(Type::bool_());  // never read: a throwing block does not continue
  }

  void transform(Symbol kind) {
    exit_kind_ = kind;
    transform_exits(graph_.block());
  }

 private:
  ExitPair wont() { return {false_val_, {}}; }
  ExitPair throws() { return {throws_val_, {}}; }

  ExitStatus status(const ExitPair& p) const {
    if (p.has_exited == true_val_) return ExitStatus::Will;
    if (p.has_exited == false_val_) return ExitStatus::Wont;
    if (p.has_exited == throws_val_) return ExitStatus::Throws;
    return ExitStatus::Might;
  }

  static void register_outputs(Block* b, const std::vector<Value*>& outs) {
    for (Value* v : outs) b->register_output(v);
  }
  static void replace_outputs(Block* b, const std::vector<Value*>& outs) {
    while (!b->outputs().empty()) b->erase_output(0);
    register_outputs(b, outs);
  }
  static void add_if_outputs(Node* n, const std::vector<Value*>& true_outs, const std::vector<Value*>& false_outs) {
    register_outputs(n->blocks()[0], true_outs);
    register_outputs(n->blocks()[1], false_outs);
    for (size_t i = 0; i < true_outs.size(); ++i) {
      TypePtr t = unify_types(true_outs[i]->type(), false_outs[i]->type());
      n->add_output()->set_type(t ? t : true_outs[i]->type());
    }
  }

  std::vector<Value*> uninitialized_like(const std::vector<Value*>& values) {
    std::vector<Value*> out;
    for (Value* v : values) out.push_back(unit_value(v->type()));
    return out;
  }

  Value* unit_value(const TypePtr& type) {
    std::string key = type->str();
    auto it = unit_values_.find(key);
    if (it != unit_values_.end()) return it->second;
    Value* v = graph_.create_uninitialized(type)->insert_after(graph_.block()->param_node())->output();
    unit_values_[key] = v;
    return v;
  }

  ExitPair transform_loop(Node* n) {
    Block* body = n->blocks()[0];
    ExitPair exit = transform_exits(body);
    if (status(exit) == ExitStatus::Wont || status(exit) == ExitStatus::Throws) return wont();
    // Continue only while no exit happened; carry has_exited and the exit values out.
    {
      WithInsertPoint guard(graph_, body);
      Node* new_if = graph_.insert_node(graph_.create(prim::If, {}, 0));
      new_if->add_input(exit.has_exited);
      new_if->add_block()->register_output(false_val_);
      new_if->add_block()->register_output(body->outputs()[0]);
      Value* new_cond = new_if->add_output()->set_type(Type::bool_());
      body->erase_output(0);
      body->insert_output(0, new_cond);
    }
    n->add_input(false_val_);
    body->add_input()->set_type(Type::bool_());
    body->register_output(exit.has_exited);
    Value* new_has_exited = n->add_output()->set_type(Type::bool_());
    for (Value* v : exit.exit_values) {
      n->add_input(unit_value(v->type()));
      n->add_output()->set_type(v->type());
      body->add_input()->set_type(v->type());
      body->register_output(v);
    }
    std::vector<Value*> exit_values(n->outputs().end() - static_cast<std::ptrdiff_t>(exit.exit_values.size()),
                                    n->outputs().end());
    return {new_has_exited, exit_values};
  }

  static ExitStatus if_status(ExitStatus a, ExitStatus b) {
    if (a == ExitStatus::Throws) return b;
    if (b == ExitStatus::Throws) return a;
    if (a == ExitStatus::Wont && b == ExitStatus::Wont) return ExitStatus::Wont;
    if (a == ExitStatus::Will && b == ExitStatus::Will) return ExitStatus::Will;
    return ExitStatus::Might;
  }

  ExitPair transform_if(Node* n) {
    ExitPair then_pair = transform_exits(n->blocks()[0]);
    ExitPair else_pair = transform_exits(n->blocks()[1]);
    ExitStatus then_status = status(then_pair), else_status = status(else_pair);
    ExitStatus s = if_status(then_status, else_status);
    if (s == ExitStatus::Throws) return throws();
    if (s == ExitStatus::Wont) return wont();
    if (then_status == ExitStatus::Wont || then_status == ExitStatus::Throws)
      then_pair.exit_values = uninitialized_like(else_pair.exit_values);
    else if (else_status == ExitStatus::Wont || else_status == ExitStatus::Throws)
      else_pair.exit_values = uninitialized_like(then_pair.exit_values);
    Value* has_exited;
    if (s == ExitStatus::Will) {
      has_exited = true_val_;
    } else {
      add_if_outputs(n, {then_pair.has_exited}, {else_pair.has_exited});
      has_exited = n->outputs().back();
    }
    add_if_outputs(n, then_pair.exit_values, else_pair.exit_values);
    size_t count = then_pair.exit_values.size();
    std::vector<Value*> exit_values(n->outputs().end() - static_cast<std::ptrdiff_t>(count), n->outputs().end());
    return {has_exited, exit_values};
  }

  // The nodes after one that might have exited run only when it did not.
  ExitPair guard_block_nodes(Block* block, const ExitPair& exit, Node* from) {
    Node* new_if = graph_.create(prim::If, {}, 0)->insert_before(from);
    new_if->add_input(exit.has_exited);
    Block* exit_block = new_if->add_block();
    Block* guard_block = new_if->add_block();
    for (Node* n = from; n != block->return_node();) {
      Node* next = n->next();
      n->move_before(guard_block->return_node());
      n = next;
    }
    std::vector<Value*> exit_vals = uninitialized_like(block->outputs());
    for (size_t i = 0; i < block->outputs().size(); ++i) {
      exit_block->register_output(exit_vals[i]);
      guard_block->register_output(block->outputs()[i]);
      new_if->add_output()->set_type(block->outputs()[i]->type());
    }
    while (!block->outputs().empty()) block->erase_output(0);
    for (Value* out : new_if->outputs()) block->register_output(out);
    graph_.create(exit_kind_, exit.exit_values, 0)->insert_before(exit_block->return_node());
    return transform_if(new_if);
  }

  void destroy_after_exit(Node* n) {
    for (Value* out : n->outputs())
      if (!out->uses().empty()) out->replace_all_uses_with(unit_value(out->type()));
    n->destroy();
  }

  void delete_after_exit_nodes(Block* block, Node* from) {
    if (from == block->return_node()) return;
    std::vector<Node*> doomed;
    for (Node* n = from; n != block->return_node(); n = n->next()) doomed.push_back(n);
    for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) destroy_after_exit(*it);
  }

  static bool is_graph_block(Block* b) { return b->owning_node() == nullptr; }

  ExitPair transform_exits(Block* block) {
    Block* prev_target = target_block_;
    if (block->owning_node() && block->owning_node()->kind() == prim::Loop && exit_kind_ == prim::LoopContinuation)
      target_block_ = block;
    else if (is_graph_block(block) && exit_kind_ == prim::ReturnStmt)
      target_block_ = block;
    ExitPair exit = wont();
    for (Node* n = block->nodes().front(); n != block->return_node();) {
      Node* next = n->next();
      if (n->kind() == prim::RaiseException) {
        exit = throws();
      } else if (n->kind() == prim::ReturnStmt || n->kind() == prim::LoopContinuation) {
        if (n->kind() == exit_kind_) {
          exit = {true_val_, n->inputs()};
          n->destroy();
        }
      } else if (n->kind() == prim::If) {
        exit = transform_if(n);
      } else if (n->kind() == prim::Loop) {
        exit = transform_loop(n);
      }
      ExitStatus s = status(exit);
      if (s == ExitStatus::Will || s == ExitStatus::Throws) {
        delete_after_exit_nodes(block, next);
        break;
      }
      if (s == ExitStatus::Might) {
        if (next != block->return_node()) exit = guard_block_nodes(block, exit, next);
        break;
      }
      n = next;
    }
    if (target_block_ == block) {
      if (status(exit) == ExitStatus::Might) {
        Node* new_if = graph_.create(prim::If, {}, 0)->insert_before(block->return_node());
        new_if->add_block();
        new_if->add_block();
        new_if->add_input(exit.has_exited);
        add_if_outputs(new_if, exit.exit_values, block->outputs());
        replace_outputs(block, new_if->outputs());
      } else if (status(exit) == ExitStatus::Will) {
        replace_outputs(block, exit.exit_values);
      }
      exit = wont();  // an exit reaches only its target
    }
    target_block_ = prev_target;
    return exit;
  }

  Graph& graph_;
  Symbol exit_kind_;
  Value* true_val_;
  Value* false_val_;
  Value* throws_val_;
  Block* target_block_ = nullptr;
  std::unordered_map<std::string, Value*> unit_values_;
};

// `if x: return 1` followed by `if has_exited: ...` becomes one if (as PyTorch does).
bool inline_consecutive_ifs(Node* node) {
  Node* next = node->next();
  if (node->kind() != prim::If || !next || next->kind() != prim::If) return false;
  Value* cond = next->input(0);
  if (cond->node() != node) return false;
  size_t offset = cond->offset();
  std::optional<IValue> then_value = node->blocks()[0]->outputs()[offset]->constant();
  std::optional<IValue> else_value = node->blocks()[1]->outputs()[offset]->constant();
  if (!then_value || !else_value || then_value->to_bool() == else_value->to_bool()) return false;
  for (int i = 0; i < 2; ++i) {
    Block* first_block = node->blocks()[static_cast<size_t>(i)];
    bool value = (i == 0 ? then_value : else_value)->to_bool();
    Block* second_block = next->blocks()[value ? 0 : 1];
    auto map = [&](Value* v) { return v->node() == node ? first_block->outputs()[v->offset()] : v; };
    first_block->clone_from(second_block, map);
  }
  for (Value* out : next->outputs()) {
    Value* replacement = node->add_output()->set_type(out->type());
    if (out->has_debug_name()) replacement->set_debug_name(out->debug_name());
    out->replace_all_uses_with(replacement);
  }
  next->destroy();
  return true;
}

void inline_consecutive_ifs(Block* block) {
  for (Node* n = block->nodes().front(); n != block->return_node();) {
    for (Block* b : n->blocks()) inline_consecutive_ifs(b);
    if (!inline_consecutive_ifs(n)) n = n->next();
  }
}

}  // namespace

void transform_exits(Graph& g) {
  ExitTransformer loops(g);
  loops.transform(prim::LoopContinuation);
  ExitTransformer returns(g);
  returns.transform(prim::ReturnStmt);
  inline_consecutive_ifs(g.block());
}

}  // namespace script
}  // namespace ember
