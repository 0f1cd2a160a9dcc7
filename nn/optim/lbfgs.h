// L-BFGS, as PyTorch's torch.optim.LBFGS (itself after minFunc): each step() runs up to max_iter
// quasi-Newton iterations on all parameters as one flat vector, keeping the last history_size
// curvature pairs, with a fixed step (lr; the first iteration scaled by 1 / |grad|_1) or a
// strong-Wolfe line search (line_search_fn = "strong_wolfe"). The closure re-evaluates the loss
// and its gradients and is required. One parameter group only.
// Thread-safety: as optim::Optimizer.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

struct EMBER_API LBFGSOptions : public OptimizerCloneableOptions<LBFGSOptions> {
  LBFGSOptions(double lr = 1) : lr_(lr) {}  // NOLINT: implicit, as libtorch
  EMBER_ARG(double, lr);
  EMBER_ARG(int64_t, max_iter) = 20;
  EMBER_ARG(std::optional<int64_t>, max_eval) = std::nullopt;  // max_iter * 5 / 4
  EMBER_ARG(double, tolerance_grad) = 1e-7;
  EMBER_ARG(double, tolerance_change) = 1e-9;
  EMBER_ARG(int64_t, history_size) = 100;
  EMBER_ARG(std::optional<std::string>, line_search_fn) = std::nullopt;

 public:
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  void validate() const override;
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
  friend EMBER_API bool operator==(const LBFGSOptions& a, const LBFGSOptions& b);
};

// The optimizer's whole state, kept with its first parameter (as PyTorch).
struct EMBER_API LBFGSParamState : public OptimizerCloneableParamState<LBFGSParamState> {
  EMBER_ARG(int64_t, func_evals) = 0;
  EMBER_ARG(int64_t, n_iter) = 0;
  EMBER_ARG(double, t) = 0;
  EMBER_ARG(double, prev_loss) = 0;
  EMBER_ARG(Tensor, d);
  EMBER_ARG(double, H_diag) = 1;
  EMBER_ARG(Tensor, prev_flat_grad);
  EMBER_ARG(std::deque<Tensor>, old_dirs);
  EMBER_ARG(std::deque<Tensor>, old_stps);
  EMBER_ARG(std::deque<double>, ro);

 public:
  void save(StateDict& out, const std::string& prefix) const override;
  void load(StateDictReader& in, const std::string& prefix) override;
};

class EMBER_API LBFGS : public Optimizer {
 public:
  LBFGS(const std::vector<OptimizerParamGroup>& param_groups, LBFGSOptions defaults = {});
  LBFGS(std::vector<Tensor> params, LBFGSOptions defaults = {})
      : LBFGS(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  // Returns the closure's loss before the first update.
  Tensor step(LossClosure closure) override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<LBFGSParamState>();
  }

 private:
  Tensor gather_flat_grad() const;
  void add_grad(double step_size, const Tensor& update);
  std::vector<Tensor> clone_params() const;
  void set_params(const std::vector<Tensor>& values);
  // Loss and flat gradient at x + t * d (parameters are restored to x afterwards).
  std::pair<double, Tensor> directional_evaluate(const LossClosure& closure, const std::vector<Tensor>& x, double t,
                                                 const Tensor& d);
  const std::vector<Tensor>& params() const { return param_groups_.at(0).params(); }
};

}  // namespace optim
}  // namespace ember
