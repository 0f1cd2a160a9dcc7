// Conversion to SSA, after emission (the order of steps follows TorchScript's ConvertToSSA):
//  1. control-flow loads/stores: a variable stored in both branches of an if becomes an output
//     of the If (a Load in each block, a Store after the node); a variable stored in a loop body
//     and defined before the loop becomes loop-carried (input, block input, block output,
//     output);
//  2. break/continue become prim::LoopContinuation(cond, carried values...);
//  3. loop conditions are inlined (before the loop and at the end of the body);
//  4. Loads are replaced by the value last stored under the name, and Loads/Stores erased;
//  5. exits (return, break, continue) are transformed (exit_transforms.cpp).
#include <unordered_map>

#include "script/compiler/emitter.h"

namespace ember {
namespace script {

namespace {

// Nested scopes of one kind of value (types, or Values), as the passes need.
template <typename T>
struct MiniEnvironment {
  explicit MiniEnvironment(std::shared_ptr<MiniEnvironment> next) : next(std::move(next)) {}
  T find_in_this_frame(const std::string& name) const {
    auto it = table.find(name);
    return it == table.end() ? T() : it->second;
  }
  T find_in_any_frame(const std::string& name) const {
    for (const MiniEnvironment* e = this; e; e = e->next.get())
      if (T r = e->find_in_this_frame(name)) return r;
    return T();
  }
  void set_var(const std::string& name, T value) { table[name] = std::move(value); }
  // Iteration order of the table (PyTorch's, with the same standard library).
  std::vector<std::string> defined_variables() const {
    std::vector<std::string> names;
    for (const auto& kv : table) names.push_back(kv.first);
    return names;
  }
  std::shared_ptr<MiniEnvironment> next;
  std::unordered_map<std::string, T> table;
};

using TypeEnvironment = MiniEnvironment<TypePtr>;
using ValueEnvironment = MiniEnvironment<Value*>;

struct ControlFlowLoadStores {
  std::shared_ptr<TypeEnvironment> env;

  static void add_block_input(Block* b, const TypePtr& type, const std::string& name) {
    Graph& g = *b->owning_graph();
    Value* in = b->add_input(name)->set_type(type);
    g.create_store(name, in)->insert_after(b->param_node());
  }
  static void add_block_output(Block* b, const TypePtr& type, const std::string& name) {
    Graph& g = *b->owning_graph();
    WithInsertPoint guard(g, b);
    Value* out = g.insert_node(g.create_load(name, type))->output();
    b->register_output(out);
  }
  static void add_node_output(Node* n, const TypePtr& type, const std::string& name) {
    Graph& g = *n->owning_graph();
    Value* out = n->add_output()->set_type(type);
    if (meaningful_name(name)) out->set_debug_name(name);
    g.create_store(name, out)->insert_after(n);
  }
  static void add_node_input(Node* n, const TypePtr& type, const std::string& name) {
    Graph& g = *n->owning_graph();
    Value* in = g.create_load(name, type)->insert_before(n)->output();
    n->add_input(in);
  }

  void add_if_load_stores(Node* n) {
    Block* true_block = n->blocks()[0];
    Block* false_block = n->blocks()[1];
    auto true_vars = add_control_flow_load_stores(true_block);
    auto false_vars = add_control_flow_load_stores(false_block);
    std::set<std::string> mutated;
    for (const std::string& v : true_vars->defined_variables())
      if (false_vars->find_in_any_frame(v)) mutated.insert(v);
    for (const std::string& v : false_vars->defined_variables())
      if (true_vars->find_in_any_frame(v)) mutated.insert(v);
    for (const std::string& x : mutated) {
      TypePtr t = true_vars->find_in_any_frame(x), f = false_vars->find_in_any_frame(x);
      TypePtr unified = unify_types(t, f);
      if (!unified) continue;  // an error is reported if the variable is used
      add_block_output(true_block, t, x);
      add_block_output(false_block, f, x);
      add_node_output(n, unified, x);
    }
  }

  void add_loop_load_stores(Node* n) {
    Block* body = n->blocks()[0];
    auto loop_vars = add_control_flow_load_stores(body);
    for (const std::string& name : loop_vars->defined_variables()) {
      TypePtr parent_type = env->find_in_any_frame(name);
      if (!parent_type) continue;  // local to the body
      TypePtr block_type = loop_vars->find_in_this_frame(name);
      TypePtr unified = unify_types(parent_type, block_type);
      add_node_input(n, parent_type, name);
      add_block_input(body, unified, name);
      add_block_output(body, block_type, name);
      add_node_output(n, unified, name);
    }
  }

  std::shared_ptr<TypeEnvironment> add_control_flow_load_stores(Block* block) {
    env = std::make_shared<TypeEnvironment>(env);
    for (Node* n : block->nodes()) {
      if (n->kind() == prim::If) add_if_load_stores(n);
      else if (n->kind() == prim::Loop) add_loop_load_stores(n);
      else if (n->kind() == prim::ComprehensionScope) add_control_flow_load_stores(n->blocks()[0]);
      else if (n->kind() == prim::Store) env->set_var(n->s(attr::name), n->input()->type());
    }
    auto frame = env;
    env = env->next;
    return frame;
  }
};

struct LoopContinuations {
  Graph* graph = nullptr;
  Value* false_value = nullptr;
  Node* current_loop = nullptr;

  void add_loop_carried_outputs(Node* n) {
    Graph& g = *graph;
    WithInsertPoint guard(g, n);
    Node* continuation = current_loop->blocks()[0]->return_node();
    for (Value* out : continuation->inputs()) {
      Node* load = out->node();
      EMBER_INTERNAL_ASSERT(load->kind() == prim::Load, "loop-carried output is not a Load");
      Node* copy = g.insert_node(g.create_clone(load, [](Value* v) { return v; }));
      n->add_input(copy->output());
    }
  }

  void assign_exit_continuations(Block* block) {
    for (Node* n : block->node_vector()) {
      if (n->kind() == prim::If) {
        assign_exit_continuations(n->blocks()[0]);
        assign_exit_continuations(n->blocks()[1]);
      } else if (n->kind() == prim::Loop) {
        Node* prev = current_loop;
        current_loop = n;
        assign_exit_continuations(n->blocks()[0]);
        current_loop = prev;
      } else if (n->kind() == prim::ContinueStmt) {
        // continue: re-evaluate the loop condition (a copy of the condition block) here.
        Node* cont = graph->create(prim::LoopContinuation, {}, 0)->insert_after(n);
        Block* header = cont->add_block();
        header->clone_from(current_loop->blocks()[1], [](Value* v) { return v; });
        for (Node* h : header->node_vector()) h->move_before(n);
        cont->add_input(header->outputs()[0]);
        cont->erase_block(0);
        add_loop_carried_outputs(cont);
        n->destroy();
      } else if (n->kind() == prim::BreakStmt) {
        Node* exit = graph->create(prim::LoopContinuation, {}, 0)->insert_after(n);
        exit->add_input(false_value);
        add_loop_carried_outputs(exit);
        n->destroy();
      }
    }
  }

  void run(Graph& g) {
    graph = &g;
    {
      WithInsertPoint guard(g, g.block()->nodes().front());
      false_value = g.insert_constant(IValue(false));
    }
    assign_exit_continuations(g.block());
  }
};

void inline_block_before_node(Node* before, Block* block) {
  for (Node* n : block->node_vector()) n->move_before(before);
}

// Loop(max) {body} {cond}  ->  cond before the loop is the start condition; cond at the end of
// the body is the continue condition.
void inline_loop_condition(Node* n) {
  Block* body = n->blocks()[0];
  Block* pre_header = n->blocks()[1];
  Block* temp = n->add_block();
  temp->clone_from(pre_header, [](Value* v) { return v; });
  inline_block_before_node(n, temp);
  n->insert_input(1, temp->outputs()[0]);
  n->erase_block(2);
  inline_block_before_node(body->return_node(), pre_header);
  body->return_node()->insert_input(0, pre_header->outputs()[0]);
  n->erase_block(1);
}

void inline_loop_conditions(Block* block) {
  for (Node* n : block->nodes()) {
    for (Block* b : n->blocks()) inline_loop_conditions(b);
    if (n->kind() == prim::Loop) inline_loop_condition(n);
  }
}

struct EraseLoadStores {
  std::shared_ptr<ValueEnvironment> env;
  void erase(Block* block) {
    env = std::make_shared<ValueEnvironment>(env);
    for (Node* n : block->node_vector()) {
      if (n->kind() == prim::Store) {
        env->set_var(n->s(attr::name), n->input());
        n->destroy();
      } else if (n->kind() == prim::Load) {
        Value* v = env->find_in_any_frame(n->s(attr::name));
        EMBER_INTERNAL_ASSERT(v, "type checking should ensure ", n->s(attr::name), " is set");
        n->output()->replace_all_uses_with(v);
        n->destroy();
      } else if (n->kind() == prim::ComprehensionScope) {
        // Writes inside the comprehension do not leak; its nodes move into the enclosing block.
        Block* body = n->blocks()[0];
        erase(body);
        for (Node* inner : body->node_vector()) inner->move_before(n);
        n->destroy();
      } else {
        for (Block* b : n->blocks()) erase(b);
      }
    }
    env = env->next;
  }
};

}  // namespace

void convert_to_ssa(Graph& g) {
  ControlFlowLoadStores().add_control_flow_load_stores(g.block());
  LoopContinuations().run(g);
  inline_loop_conditions(g.block());
  EraseLoadStores().erase(g.block());
  transform_exits(g);
}

}  // namespace script
}  // namespace ember
