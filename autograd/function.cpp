// Function<T> support (autograd/function.h): the context, output wrapping and the backward
// bookkeeping shared by every CppNode<T>.
#include "autograd/function.h"

#include "autograd/autograd_meta.h"
#include "autograd/view_tracking.h"
#include "generated/functions.h"

namespace ember {
namespace autograd {

void AutogradContext::save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }

void AutogradContext::mark_dirty(const variable_list& inputs) {
  dirty_inputs_.clear();
  for (const Tensor& t : inputs)
    if (t.defined()) dirty_inputs_.insert(t.impl());
}

void AutogradContext::mark_non_differentiable(const variable_list& outputs) {
  non_differentiable_.clear();
  for (const Tensor& t : outputs)
    if (t.defined()) non_differentiable_.insert(t.impl());
}

const std::unordered_set<TensorImpl*>& AutogradContext::get_and_bump_dirty() const {
  for (TensorImpl* impl : dirty_inputs_) impl->bump_version();
  return dirty_inputs_;
}

void AutogradContext::save_variables(const std::shared_ptr<Node>& node, const variable_list& outputs) {
  (void)node;
  saved_variables_.clear();
  for (const Tensor& t : to_save_) {
    if (!t.defined()) {
      saved_variables_.emplace_back();
      continue;
    }
    bool is_output = false;
    for (const Tensor& o : outputs) is_output = is_output || (o.defined() && o.impl() == t.impl());
    saved_variables_.emplace_back(t, is_output);
  }
  to_save_.clear();
}

variable_list AutogradContext::get_saved_variables() const {
  EMBER_CHECK(!has_freed_buffers_, RuntimeError,
              "Trying to backward through the graph a second time (or directly access saved tensors after they have "
              "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
              "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
              "if you need to access saved tensors after calling backward.");
  if (!to_save_.empty()) return to_save_;  // forward has not finished (or nothing needs a graph)
  std::shared_ptr<Node> node = grad_fn_.lock();
  const std::string name = node ? node->name() : "CppNode";
  variable_list out;
  for (const SavedVariable& v : saved_variables_) out.push_back(v.defined() ? v.unpack(name.c_str()) : Tensor());
  return out;
}

bool AutogradContext::needs_input_grad(size_t index) const {
  std::shared_ptr<Node> node = grad_fn_.lock();
  return node && node->task_should_compute_output(index);
}

bool AutogradContext::needs_input_grad(std::initializer_list<IndexRange> ranges) const {
  std::shared_ptr<Node> node = grad_fn_.lock();
  if (!node) return false;
  for (const IndexRange& r : ranges)
    for (size_t i = r.first; i < r.second; ++i)
      if (node->task_should_compute_output(i)) return true;
  return false;
}

void AutogradContext::release_variables() {
  saved_variables_.clear();
  has_freed_buffers_ = true;
}

namespace detail {

namespace {
// Makes var the output_nr-th output of node.
void attach(const Tensor& var, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  AutogradMeta& m = materialize_meta(var);
  m.grad_fn = node;
  m.output_nr = output_nr;
  m.requires_grad = false;
  var.impl()->add_key(FunctionalityKey::Autograd);
}
Tensor alias_without_history(const Tensor& t) {
  NoGradGuard no_grad;
  return t.alias();
}
}  // namespace

bool any_variable_requires_grad(const variable_list& inputs) {
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

edge_list collect_edges(const variable_list& inputs) { return collect_next_edges(TensorList(inputs)); }

variable_list wrap_outputs(const variable_list& inputs, variable_list outputs, AutogradContext& ctx,
                           const std::shared_ptr<Node>& node) {
  const auto& dirty = ctx.get_and_bump_dirty();
  const auto& non_differentiable = ctx.get_non_differentiable();
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& var = outputs[i];
    if (node) {
      uint32_t nr = node->add_input_metadata(var);
      (void)nr;
    }
    if (!var.defined()) continue;
    bool is_input = false;
    for (const Tensor& in : inputs) is_input = is_input || (in.defined() && in.impl() == var.impl());
    const bool is_modified = dirty.count(var.impl()) != 0;
    const bool is_differentiable =
        node && non_differentiable.count(var.impl()) == 0 && is_floating_point(var.scalar_type());
    if (!is_differentiable) {
      if (!var.requires_grad()) {
        if (is_input && !is_modified) var = alias_without_history(var);
        continue;
      }
      var = var.detach();
      continue;
    }
    if (is_modified) {
      EMBER_CHECK(!(var.is_leaf() && var.requires_grad()), RuntimeError,
                  "a leaf Variable that requires grad has been used in an in-place operation.");
      if (var.is_view()) {
        // An input view the function modified: its base takes the function's history (CopySlices).
        EMBER_CHECK(outputs.size() == 1, RuntimeError, "Functions which modify views in-place must return a single Variable");
        check_inplace_on_view(var, "custom Function");
        rebase_view_history(var, node, static_cast<uint32_t>(i));
        continue;
      }
      attach(var, node, static_cast<uint32_t>(i));
    } else {
      if (is_input) var = alias_without_history(var);
      attach(var, node, static_cast<uint32_t>(i));
      // Modifying such a view in place later would bypass the function's backward.
      mark_views_created_by({var}, ViewCreation::InCustomFunction);
    }
  }
  return outputs;
}

variable_list prepare_backward_inputs(const variable_list& grads, const Node& node, bool materialize) {
  variable_list out;
  out.reserve(grads.size());
  for (size_t i = 0; i < grads.size(); ++i) {
    if (grads[i].defined() || !materialize) {
      out.push_back(grads[i]);
      continue;
    }
    const InputMetadata* meta = i < node.input_metadata().size() ? &node.input_metadata()[i] : nullptr;
    if (meta && meta->defined) out.push_back(ember::zeros(meta->sizes, TensorOptions(meta->dtype).device(meta->device)));
    else out.push_back(Tensor());
  }
  return out;
}

variable_list check_backward_outputs(variable_list outputs, const std::vector<bool>& is_variable_input,
                                     const std::string& name) {
  const size_t expected = is_variable_input.size();
  if (outputs.size() > expected) {
    bool all_undefined = true;
    for (size_t i = expected; i < outputs.size(); ++i) all_undefined = all_undefined && !outputs[i].defined();
    if (all_undefined) outputs.resize(expected);
  }
  EMBER_CHECK(outputs.size() == expected, RuntimeError, "function ", name,
              " returned an incorrect number of gradients (expected ", expected, ", got ", outputs.size(), ")");
  variable_list results;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!is_variable_input[i]) {
      EMBER_CHECK(!outputs[i].defined(), RuntimeError, "function ", name,
                  " returned a gradient different that is defined at position ", i + 1,
                  ", but the corresponding forward input was not a Variable");
      continue;
    }
    results.push_back(outputs[i]);
  }
  return results;
}

}  // namespace detail

variable_list UndefinedGrad::apply(const variable_list& inputs) {
  variable_list outputs;
  for (const Tensor& t : inputs) {
    NoGradGuard no_grad;
    outputs.push_back(t.defined() ? t.clone() : Tensor());
  }
  if (!GradMode::is_enabled() || !detail::any_variable_requires_grad(inputs)) return outputs;
  auto node = std::make_shared<UndefinedGradBackward>();
  node->set_next_edges(detail::collect_edges(inputs));
  for (size_t i = 0; i < outputs.size(); ++i) {
    uint32_t nr = node->add_input_metadata(outputs[i]);
    if (!outputs[i].defined()) continue;
    AutogradMeta& m = materialize_meta(outputs[i]);
    m.grad_fn = node;
    m.output_nr = nr;
    outputs[i].impl()->add_key(FunctionalityKey::Autograd);
  }
  return outputs;
}

std::vector<Tensor> UndefinedGradBackward::apply(std::vector<Tensor>&&) {
  return std::vector<Tensor>(num_outputs());
}

}  // namespace autograd
}  // namespace ember
