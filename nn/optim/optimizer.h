// optim::Optimizer: the base of ember's optimizers, as libtorch's torch::optim::Optimizer.
//
// An optimizer holds parameter groups; each group has its own options (lr, momentum, ...),
// copied from the optimizer's defaults unless the group brings its own:
//
//   ember::optim::SGD sgd(model->parameters(), ember::optim::SGDOptions(0.1).momentum(0.9));
//   std::vector<ember::optim::OptimizerParamGroup> groups = {
//       {model->fc1->parameters()}, {model->fc2->parameters(), ember::optim::SGDOptions(0.01)}};
//   ember::optim::SGD sgd2(groups, ember::optim::SGDOptions(0.1));
//   sgd.zero_grad(); loss.backward(); sgd.step();
//
// step() updates every parameter that has a gradient, in place and under NoGradGuard (the
// Tensor objects stay the same, so modules see the new values). Per-parameter state (momentum
// buffers, Adam's moments) is created on a parameter's first update and keyed by the tensor.
//
// state_dict() flattens the groups' options and the state into a StateDict, which ember::save /
// ember::load write in the state-dict file format (nn/serialize.h):
//   param_groups.<g>.params   int64 [n]: the group's parameters, as indices into all parameters
//   param_groups.<g>.<option> 0-d float64, bool or int64 (betas as float64 [2])
//   state.<i>.<name>          the state of parameter i (step as int64 0-d)
// ember::save(optimizer, ...) writes libtorch's optimizer archive instead (operator<< below).
// load_state_dict checks the group count and sizes and every key before changing anything, and
// casts state tensors to their parameter's device and (floating) dtype.
//
// Thread-safety: none; one thread steps an optimizer.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/tensor.h"
#include "nn/module.h"
#include "nn/options.h"

namespace ember {
namespace optim {

// Reads a StateDict for load_state_dict, remembering which keys were used so that the rest can
// be reported as unexpected. Missing keys throw ValueError.
class EMBER_API StateDictReader {
 public:
  explicit StateDictReader(const StateDict& dict) : dict_(dict) {}
  bool contains(const std::string& key) const { return dict_.contains(key); }
  const Tensor& tensor(const std::string& key);
  double scalar(const std::string& key);  // a one-element tensor's value
  std::vector<std::string> unused_keys() const;

 private:
  const StateDict& dict_;
  std::unordered_set<std::string> used_;
};

// Per-parameter state (a momentum buffer, Adam's moments). Derive from
// OptimizerCloneableParamState<YourState> for clone(). save / load default to throwing
// NotImplementedError (state_dict() of an optimizer whose state lacks them fails clearly).
class EMBER_API OptimizerParamState {
 public:
  virtual ~OptimizerParamState() = default;
  virtual std::unique_ptr<OptimizerParamState> clone() const = 0;
  // Writes / reads this state's entries under prefix ("state.3.").
  virtual void save(StateDict& out, const std::string& prefix) const;
  virtual void load(StateDictReader& in, const std::string& prefix);
};

template <typename Derived>
class OptimizerCloneableParamState : public OptimizerParamState {
 public:
  std::unique_ptr<OptimizerParamState> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

// A group's options; every optimizer's options derive from this (custom ones through
// OptimizerCloneableOptions<YourOptions>). get_lr / set_lr throw NotImplementedError unless
// overridden, validate accepts anything, save / load throw NotImplementedError.
class EMBER_API OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const;
  virtual void set_lr(double lr);
  // Throws ValueError for out-of-range values (negative lr, ...).
  virtual void validate() const {}
  // Writes / reads the options under prefix ("param_groups.0.").
  virtual void save(StateDict& out, const std::string& prefix) const;
  virtual void load(StateDictReader& in, const std::string& prefix);
};

template <typename Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

class EMBER_API OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  template <typename Options, typename = std::enable_if_t<std::is_base_of<OptimizerOptions, Options>::value>>
  OptimizerParamGroup(std::vector<Tensor> params, const Options& options)
      : params_(std::move(params)), options_(options.clone()) {}
  OptimizerParamGroup(const OptimizerParamGroup& other);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other);
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

// The key of an optimizer's per-parameter state (Optimizer::state()): the parameter's TensorImpl.
// libtorch keys the same map by the pointer's text, c10::guts::to_string(p.unsafeGetTensorImpl());
// that text converts to the same key, so libtorch's lookups work unchanged.
class EMBER_API ParamStateKey {
 public:
  ParamStateKey(const TensorImpl* impl) : impl_(impl) {}  // NOLINT(google-explicit-constructor)
  // "0x55d0c4a1b2c0", as guts::to_string prints a pointer; ValueError for other text.
  ParamStateKey(const std::string& pointer_text);  // NOLINT(google-explicit-constructor)
  ParamStateKey(const char* pointer_text) : ParamStateKey(std::string(pointer_text)) {}  // NOLINT
  const TensorImpl* impl() const { return impl_; }
  bool operator==(const ParamStateKey& other) const { return impl_ == other.impl_; }

 private:
  const TensorImpl* impl_;
};
struct ParamStateKeyHash {
  size_t operator()(const ParamStateKey& key) const { return std::hash<const void*>()(key.impl()); }
};
using ParamStateMap = std::unordered_map<ParamStateKey, std::unique_ptr<OptimizerParamState>, ParamStateKeyHash>;

class EMBER_API Optimizer {
 public:
  // Re-evaluates the model and returns the loss; step() runs it with grad mode on.
  using LossClosure = std::function<Tensor()>;

  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Parameters must be leaf tensors and appear in one group only; a group without options gets a
  // copy of the defaults.
  void add_param_group(const OptimizerParamGroup& param_group);
  // Appends to the first group (creating it when there is none). Like size() and parameters(),
  // libtorch's old interface: each call warns that it will be removed.
  void add_parameters(const std::vector<Tensor>& parameters);

  // Runs closure (if any), then updates the parameters; returns the closure's loss or an
  // undefined tensor.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  // Resets every parameter's gradient (set_to_none) or fills it with zeros.
  void zero_grad(bool set_to_none = true);

  // All parameters, group after group.
  std::vector<Tensor> parameters() const;
  size_t size() const;  // the number of parameters
  std::vector<OptimizerParamGroup>& param_groups() noexcept { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const noexcept { return param_groups_; }
  ParamStateMap& state() noexcept { return state_; }
  const ParamStateMap& state() const noexcept { return state_; }
  OptimizerOptions& defaults() noexcept { return *defaults_; }
  const OptimizerOptions& defaults() const noexcept { return *defaults_; }

  StateDict state_dict() const;
  void load_state_dict(const StateDict& dict);

 protected:
  // A fresh state of this optimizer's kind (load_state_dict fills it). The default throws: an
  // optimizer written by a user against libtorch's interface may keep no state.
  virtual std::unique_ptr<OptimizerParamState> make_param_state() const;
  // The state of p, or null.
  OptimizerParamState* find_state(const Tensor& p);
  // Runs the closure with grad mode on (step()'s prologue).
  static Tensor run_closure(const LossClosure& closure);

  std::vector<OptimizerParamGroup> param_groups_;
  ParamStateMap state_;
  std::unique_ptr<OptimizerOptions> defaults_;
};

// For options and states writing themselves into a state dict: a float64, bool or int64 0-d
// tensor (the dtype says what the value is, so that archives store it as a float, bool or int).
EMBER_API void put_scalar(StateDict& out, const std::string& key, double value);
EMBER_API void put_flag(StateDict& out, const std::string& key, bool value);
EMBER_API void put_count(StateDict& out, const std::string& key, int64_t value);

}  // namespace optim

namespace optim {
// ember::save(optimizer, ...) / ember::load(optimizer, ...) (nn/serialize.h): libtorch's optimizer
// archive (pytorch_version "1.5.0", state keyed by parameter, param_groups; optimizer.cpp spells
// it out), so that libtorch's torch::load reads ember's files and ember reads libtorch's. Loading
// maps the file's parameters to the optimizer's by position and goes through load_state_dict (its
// checks apply); options the file lacks (libtorch 1.13 has no `maximize`) keep their values.
// Archives of ember's earlier versions (state-dict entries) load too.
EMBER_API serialize::OutputArchive& operator<<(serialize::OutputArchive& archive, const Optimizer& optimizer);
EMBER_API serialize::InputArchive& operator>>(serialize::InputArchive& archive, Optimizer& optimizer);
}  // namespace optim

}  // namespace ember
