// The backward engine.
#include "autograd/engine.h"

#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/autograd_meta.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
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
};

struct ReadyEntry {
  std::shared_ptr<Node> node;
  bool operator<(const ReadyEntry& o) const { return node->sequence_nr() < o.node->sequence_nr(); }
};

// A gradient must match the forward output it belongs to: reduce broadcasting, cast dtype.
Tensor validate_gradient(Tensor grad, const InputMetadata& meta, const Node& node, size_t index) {
  if (!grad.defined() || !meta.defined) return grad;
  if (grad.sizes() != meta.sizes.ref()) {
    grad = sum_to(grad, meta.sizes);
    EMBER_CHECK(grad.sizes() == meta.sizes.ref(), RuntimeError, "Function ", node.name(), " returned an invalid gradient at index ",
                index, " - got ", grad.sizes(), " but expected shape compatible with ", meta.sizes.ref());
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
      if (hook.first >= grads.size() || !grads[hook.first].defined()) continue;
      Tensor r = hook.second(grads[hook.first]);
      if (r.defined()) grads[hook.first] = r;
    }
    node->store_retained_grads(grads);
    auto cap = task.captures.find(node.get());
    if (cap != task.captures.end())
      for (const auto& c : cap->second)
        if (c.first < grads.size()) task.captured[c.second] = grads[c.first];

    bool is_accumulator = dynamic_cast<AccumulateGrad*>(node.get()) != nullptr;
    std::vector<Tensor> outputs;
    if (!is_accumulator || (task.accumulate && (!task.restrict_accumulation || task.allowed_accumulators.count(node.get())))) {
      outputs = node->apply(std::move(grads));
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

}  // namespace

void backward(const std::vector<Tensor>& tensors, const std::vector<Tensor>& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const std::vector<Tensor>& inputs) {
  GraphTask task;
  task.create_graph = create_graph;
  task.keep_graph = retain_graph.value_or(create_graph);
  std::vector<Edge> roots = root_edges(tensors);
  std::vector<Tensor> grads = make_root_grads(tensors, grad_tensors);
  if (!inputs.empty()) {
    task.restrict_accumulation = true;
    for (const Tensor& in : inputs) {
      Edge e = gradient_edge(in);
      EMBER_CHECK(e.valid(), RuntimeError, "[backward] one of the inputs does not require grad");
      task.allowed_accumulators.insert(e.function.get());
    }
  }
  execute(task, roots, grads);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, std::optional<bool> retain_graph, bool create_graph,
                         bool allow_unused) {
  GraphTask task;
  task.create_graph = create_graph;
  task.keep_graph = retain_graph.value_or(create_graph);
  task.accumulate = false;
  std::vector<Edge> roots = root_edges(outputs);
  std::vector<Tensor> grads = make_root_grads(outputs, grad_outputs);
  task.captured.resize(inputs.size());
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    EMBER_CHECK(e.valid(), RuntimeError, "One of the differentiated Tensors does not require grad");
    task.captures[e.function.get()].emplace_back(e.input_nr, i);
    input_edges.push_back(e);
  }
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
