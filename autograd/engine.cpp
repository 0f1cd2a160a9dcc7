// The backward engine.
#include "autograd/engine.h"

#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/anomaly_mode.h"
#include "autograd/autograd_meta.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "core/warning.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace autograd {

namespace {

struct GraphTask {
  bool keep_graph = false;
  bool create_graph = false;
  bool accumulate = true;  // false for autograd::grad(): capture instead of writing .grad
  std::unordered_map<Node*, int> dependencies;
  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  // grad(): where to capture gradients: node -> (input_nr, index into captured)
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>> captures;
  std::vector<Tensor> captured;
  // backward(inputs=...): only these leaves accumulate
  std::unordered_set<Node*> allowed_accumulators;
  bool restrict_accumulation = false;
  // grad() and backward(inputs=...) need only the nodes on paths to their inputs (PyTorch's
  // exec_info): `run` holds the nodes to execute, `targets` the nodes gradients are captured at
  // or accumulated into. Both empty (and `restricted` false) for a plain backward().
  bool restricted = false;
  std::unordered_set<const Node*> run;
  std::unordered_set<const Node*> targets;
};

// The pass running on this thread (nested passes, from a backward that calls backward, restore
// the outer one when they end).
thread_local const GraphTask* current_task = nullptr;

class CurrentTaskGuard {
 public:
  explicit CurrentTaskGuard(const GraphTask* t) : saved_(current_task) { current_task = t; }
  ~CurrentTaskGuard() { current_task = saved_; }

 private:
  const GraphTask* saved_;
};

// A node's backward in anomaly mode: nodes it creates (double backward) record it as their
// parent; a failure warns with the tracebacks of the forward calls before it propagates; NaN in
// an output is a failure when asked for.
std::vector<Tensor> apply_in_anomaly_mode(const std::shared_ptr<Node>& node, std::vector<Tensor>&& grads) {
  detail::AnomalyNodeScope running(node);
  try {
    std::vector<Tensor> outputs = node->apply(std::move(grads));
    if (AnomalyMode::should_check_nan()) detail::check_outputs_for_nan(*node, outputs);
    return outputs;
  } catch (...) {
    detail::warn_anomaly_tracebacks(*node);
    throw;
  }
}

// Marks task.run: the nodes from which a target is reachable through at least one edge, and the
// targets that must execute (the accumulators of backward(inputs=...)). Iterative post-order,
// so that deep graphs do not overflow the stack.
void compute_needed_nodes(GraphTask& task, const std::vector<Node*>& roots, const std::unordered_set<Node*>& must_run) {
  task.restricted = true;
  std::unordered_map<const Node*, bool> reaches;  // set once a node's children are done
  std::vector<std::pair<Node*, size_t>> stack;
  for (Node* r : roots) {
    if (reaches.count(r)) continue;
    reaches.emplace(r, false);
    stack.emplace_back(r, 0);
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      const auto& edges = n->next_edges();
      if (next < edges.size()) {
        Node* child = edges[next++].function.get();
        if (child && !reaches.count(child)) {
          reaches.emplace(child, false);
          stack.emplace_back(child, 0);
        }
        continue;
      }
      bool r_n = false;
      for (const Edge& e : edges) {
        const Node* c = e.function.get();
        if (c && (task.targets.count(c) || reaches[c])) r_n = true;
      }
      reaches[n] = r_n;
      if (r_n || must_run.count(n)) task.run.insert(n);
      stack.pop_back();
    }
  }
}

struct ReadyEntry {
  std::shared_ptr<Node> node;
  bool operator<(const ReadyEntry& o) const { return node->sequence_nr() < o.node->sequence_nr(); }
};

// A gradient must match the forward output it belongs to: reduce broadcasting, cast dtype.
// Whether a gradient of shape `from` reduces to `to` by summing broadcast dims.
bool sums_to(IntArrayRef from, IntArrayRef to) {
  if (to.size() > from.size()) return false;
  size_t lead = from.size() - to.size();
  for (size_t i = 0; i < to.size(); ++i)
    if (to[i] != 1 && to[i] != from[lead + i]) return false;
  return true;
}

Tensor validate_gradient(Tensor grad, const InputMetadata& meta, const Node& node, size_t index) {
  if (!grad.defined() || !meta.defined) return grad;
  if (grad.sizes() != meta.sizes.ref()) {
    EMBER_CHECK(sums_to(grad.sizes(), meta.sizes.ref()), RuntimeError, "Function ", node.name(),
                " returned an invalid gradient at index ", index, " - got ", grad.sizes(),
                " but expected shape compatible with ", meta.sizes.ref());
    grad = sum_to(grad, meta.sizes);
  }
  if (grad.scalar_type() != meta.dtype) grad = grad.to(meta.dtype);
  if (grad.device() != meta.device) grad = grad.to(TensorOptions().device(meta.device));
  return grad;
}

void add_to_buffer(GraphTask& task, Node* node, uint32_t input_nr, Tensor grad) {
  auto& buf = task.buffers[node];
  if (buf.size() < node->num_inputs()) buf.resize(std::max<size_t>(node->num_inputs(), input_nr + 1));
  if (buf.size() <= input_nr) buf.resize(input_nr + 1);
  if (!grad.defined()) return;
  if (!buf[input_nr].defined()) buf[input_nr] = std::move(grad);
  else buf[input_nr] = buf[input_nr] + grad;
}

void compute_dependencies(GraphTask& task, const std::vector<Node*>& roots) {
  std::vector<Node*> stack(roots.begin(), roots.end());
  std::unordered_set<Node*> seen(roots.begin(), roots.end());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (!e.valid()) continue;
      task.dependencies[e.function.get()]++;
      if (seen.insert(e.function.get()).second) stack.push_back(e.function.get());
    }
  }
}

void execute(GraphTask& task, const std::vector<Edge>& roots, const std::vector<Tensor>& root_grads) {
  CurrentTaskGuard current(&task);
  std::vector<Node*> root_nodes;
  for (const Edge& e : roots) root_nodes.push_back(e.function.get());
  compute_dependencies(task, root_nodes);
  std::priority_queue<ReadyEntry> ready;
  std::unordered_set<Node*> queued;
  for (size_t i = 0; i < roots.size(); ++i) {
    add_to_buffer(task, roots[i].function.get(), roots[i].input_nr, root_grads[i]);
  }
  for (const Edge& e : roots) {
    if (task.dependencies[e.function.get()] == 0 && queued.insert(e.function.get()).second) ready.push({e.function});
  }
  AutoGradMode grad_mode(task.create_graph);
  while (!ready.empty()) {
    std::shared_ptr<Node> node = ready.top().node;
    ready.pop();
    std::vector<Tensor> grads = std::move(task.buffers[node.get()]);
    task.buffers.erase(node.get());
    grads.resize(std::max(grads.size(), node->num_inputs()));
    for (const auto& hook : node->pre_hooks()) {
      if (!hook.second || hook.first >= grads.size() || !grads[hook.first].defined()) continue;
      Tensor r = hook.second(grads[hook.first]);
      if (r.defined()) grads[hook.first] = r;
    }
    node->store_retained_grads(grads);
    auto cap = task.captures.find(node.get());
    if (cap != task.captures.end())
      for (const auto& c : cap->second)
        if (c.first < grads.size()) task.captured[c.second] = grads[c.first];

    // A node no input of grad() / backward(inputs=...) is reached through: none of its outputs
    // is wanted, so it does not run (and nothing after it becomes ready: it is not wanted either).
    if (task.restricted && !task.run.count(node.get())) {
      if (!task.keep_graph) node->release_variables();
      continue;
    }
    bool is_accumulator = dynamic_cast<AccumulateGrad*>(node.get()) != nullptr;
    std::vector<Tensor> outputs;
    if (!is_accumulator || (task.accumulate && (!task.restrict_accumulation || task.allowed_accumulators.count(node.get())))) {
      if (EMBER_UNLIKELY(AnomalyMode::is_enabled())) {
        outputs = apply_in_anomaly_mode(node, std::move(grads));
      } else {
        outputs = node->apply(std::move(grads));
      }
    }
    if (!task.keep_graph) node->release_variables();

    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.valid()) continue;
      Node* next = e.function.get();
      Tensor g = i < outputs.size() ? outputs[i] : Tensor();
      if (g.defined() && e.input_nr < next->input_metadata().size())
        g = validate_gradient(std::move(g), next->input_metadata()[e.input_nr], *node, i);
      add_to_buffer(task, next, e.input_nr, std::move(g));
      if (--task.dependencies[next] == 0 && queued.insert(next).second) ready.push({e.function});
    }
  }
}

std::vector<Tensor> make_root_grads(const std::vector<Tensor>& tensors, const std::vector<Tensor>& grads) {
  EMBER_CHECK(grads.empty() || grads.size() == tensors.size(), ValueError, "[backward] got ", grads.size(),
              " gradients for ", tensors.size(), " tensors");
  std::vector<Tensor> out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    Tensor g = grads.empty() ? Tensor() : grads[i];
    if (!g.defined()) {
      EMBER_CHECK(t.numel() == 1, RuntimeError, "grad can be implicitly created only for scalar outputs");
      g = ember::ones_like(t);
    } else {
      EMBER_CHECK(g.sizes() == t.sizes(), ValueError, "Mismatch in shape: grad_output[", i, "] has a shape of ", g.sizes(),
                  " and output[", i, "] has a shape of ", t.sizes(), ".");
    }
    out.push_back(g);
  }
  return out;
}

std::vector<Edge> root_edges(const std::vector<Tensor>& tensors) {
  std::vector<Edge> roots;
  for (size_t i = 0; i < tensors.size(); ++i) {
    EMBER_CHECK(tensors[i].defined(), ValueError, "[backward] tensor ", i, " is undefined");
    Edge e = gradient_edge(tensors[i]);
    EMBER_CHECK(e.valid(), RuntimeError, "element ", i, " of tensors does not require grad and does not have a grad_fn");
    roots.push_back(e);
  }
  return roots;
}

std::vector<Node*> nodes_of(const std::vector<Edge>& edges) {
  std::vector<Node*> out;
  for (const Edge& e : edges) out.push_back(e.function.get());
  return out;
}

}  // namespace

namespace detail {
bool pass_needs(const Node* next) {
  const GraphTask* t = current_task;
  return !t || !t->restricted || t->run.count(next) || t->targets.count(next);
}
UnrestrictedPassGuard::UnrestrictedPassGuard() : saved_(current_task) { current_task = nullptr; }
UnrestrictedPassGuard::~UnrestrictedPassGuard() { current_task = static_cast<const GraphTask*>(saved_); }
}  // namespace detail

void backward(const std::vector<Tensor>& tensors, const std::vector<Tensor>& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const std::vector<Tensor>& inputs) {
  if (create_graph) {
    EMBER_WARN("Using backward() with create_graph=True will create a reference cycle between the parameter and its "
               "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
               "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
               "to None after use to break the cycle and avoid the leak.");
  }
  GraphTask task;
  task.create_graph = create_graph;
  task.keep_graph = retain_graph.value_or(create_graph);
  std::vector<Edge> roots = root_edges(tensors);
  std::vector<Tensor> grads = make_root_grads(tensors, grad_tensors);
  // Non-leaf inputs: the gradient flowing into them is captured and accumulated into their .grad.
  std::vector<const Tensor*> non_leaf_inputs;
  if (!inputs.empty()) {
    task.restrict_accumulation = true;
    for (const Tensor& in : inputs) {
      Edge e = gradient_edge(in);
      EMBER_CHECK(e.valid(), RuntimeError, "[backward] one of the inputs does not require grad");
      task.targets.insert(e.function.get());
      if (in.is_leaf()) {
        task.allowed_accumulators.insert(e.function.get());
      } else {
        task.captures[e.function.get()].emplace_back(e.input_nr, task.captured.size());
        task.captured.emplace_back();
        non_leaf_inputs.push_back(&in);
      }
    }
    compute_needed_nodes(task, nodes_of(roots), task.allowed_accumulators);
  }
  execute(task, roots, grads);
  for (size_t i = 0; i < non_leaf_inputs.size(); ++i) {
    const Tensor& g = task.captured[i];
    if (!g.defined()) continue;
    Tensor& dst = materialize_meta(*non_leaf_inputs[i]).grad;
    dst = dst.defined() ? dst + g : (create_graph ? g : g.detach().clone());
  }
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph, bool create_graph,
                         bool allow_unused) {
  GraphTask task;
  task.create_graph = create_graph;
  task.keep_graph = retain_graph.value_or(create_graph);
  task.accumulate = false;
  EMBER_CHECK(!inputs.empty(), RuntimeError, "grad requires non-empty inputs.");
  std::vector<Edge> roots = root_edges(outputs);
  std::vector<Tensor> grads = make_root_grads(outputs, grad_outputs);
  task.captured.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    EMBER_CHECK(e.valid(), RuntimeError, "One of the differentiated Tensors does not require grad");
    task.captures[e.function.get()].emplace_back(e.input_nr, i);
    task.targets.insert(e.function.get());
  }
  compute_needed_nodes(task, nodes_of(roots), {});
  execute(task, roots, grads);
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(task.captured[i].defined() || allow_unused, RuntimeError,
                "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if "
                "this is the desired behavior.");
  }
  return task.captured;
}

}  // namespace autograd
}  // namespace ember
