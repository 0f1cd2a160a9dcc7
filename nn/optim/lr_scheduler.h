// Learning-rate schedulers, as torch.optim.lr_scheduler: each step() advances last_epoch by one
// and sets every parameter group's lr. Construction leaves the lrs alone with last_epoch = 0 (as
// PyTorch's constructor, which takes the first step itself); base_lrs are the lrs at
// construction.
//
//   StepLR:            lr = base_lr * gamma^(last_epoch / step_size)
//   CosineAnnealingLR: lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2
//                      (for last_epoch <= T_max; beyond, PyTorch's recursive form continues the
//                      cosine periodically)
// step() uses PyTorch's recursive formulas (from the current lrs, so changes made to a group's lr
// in between carry on, as in PyTorch); closed_form_lrs() gives the closed forms above.
// Thread-safety: none; used with its optimizer from one thread.
#pragma once

#include <vector>

#include "nn/optim/optimizer.h"

namespace ember {
namespace optim {

class EMBER_API LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;

  void step();
  // The lrs set by the last step() (or at construction).
  const std::vector<double>& get_last_lr() const { return last_lrs_; }
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  virtual std::vector<double> closed_form_lrs() const = 0;

 protected:
  // The lrs for last_epoch_ (already advanced), from the current ones.
  virtual std::vector<double> get_lrs() = 0;
  std::vector<double> current_lrs() const;

  Optimizer& optimizer_;
  int64_t last_epoch_ = 0;
  std::vector<double> base_lrs_;
  std::vector<double> last_lrs_;
};

class EMBER_API StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  std::vector<double> closed_form_lrs() const override;

 protected:
  std::vector<double> get_lrs() override;

 private:
  int64_t step_size_;
  double gamma_;
};

class EMBER_API CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0);
  std::vector<double> closed_form_lrs() const override;

 protected:
  std::vector<double> get_lrs() override;

 private:
  int64_t T_max_;
  double eta_min_;
};

}  // namespace optim
}  // namespace ember
