// Normalization modules, as torch::nn's: BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm,
// GroupNorm, LocalResponseNorm, CrossMapLRN2d.
//
// Batch norm in training normalizes with the batch's statistics, adds 1 to num_batches_tracked
// and updates running_mean / running_var in place (running = (1 - momentum) running + momentum
// batch, unbiased variance; momentum nullopt: a cumulative average); in eval mode it uses the
// running statistics. Instance norm tracks running statistics only when asked to.
// Thread-safety: as nn::Module.
#pragma once

#include "nn/cloneable.h"
#include "nn/functional/normalization.h"
#include "nn/options/normalization.h"

namespace ember {
namespace nn {

// What batch and instance norm share: affine weight and bias, optional running statistics.
template <size_t D, typename Derived, typename Options>
class NormImplBase : public Cloneable<Derived> {
 public:
  explicit NormImplBase(const Options& options_) : options(options_) { NormImplBase::reset(); }
  void reset() override;
  void reset_running_stats();
  void reset_parameters();

  Options options;
  Tensor weight;
  Tensor bias;
  Tensor running_mean;
  Tensor running_var;
  Tensor num_batches_tracked;

 protected:
  virtual void _check_input_dim(const Tensor& input) = 0;
};

template <size_t D, typename Derived>
class BatchNormImplBase : public NormImplBase<D, Derived, BatchNormOptions> {
 public:
  using NormImplBase<D, Derived, BatchNormOptions>::NormImplBase;
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
};

template <size_t D, typename Derived>
class InstanceNormImpl : public NormImplBase<D, Derived, InstanceNormOptions> {
 public:
  using NormImplBase<D, Derived, InstanceNormOptions>::NormImplBase;
  Tensor forward(const Tensor& input);
  void pretty_print(std::ostream& stream) const override;
};

#define EMBER_NORM_MODULE(Name, Base, D)                                                 \
  class EMBER_API Name##Impl : public Base<D, Name##Impl> {                              \
   public:                                                                               \
    using Base<D, Name##Impl>::Base;                                                     \
    explicit Name##Impl(int64_t num_features) : Name##Impl(Name##Options(num_features)) {} \
                                                                                         \
   protected:                                                                            \
    void _check_input_dim(const Tensor& input) override;                                 \
  };                                                                                     \
  EMBER_MODULE(Name)
EMBER_NORM_MODULE(BatchNorm1d, BatchNormImplBase, 1);
EMBER_NORM_MODULE(BatchNorm2d, BatchNormImplBase, 2);
EMBER_NORM_MODULE(BatchNorm3d, BatchNormImplBase, 3);
EMBER_NORM_MODULE(InstanceNorm1d, InstanceNormImpl, 1);
EMBER_NORM_MODULE(InstanceNorm2d, InstanceNormImpl, 2);
EMBER_NORM_MODULE(InstanceNorm3d, InstanceNormImpl, 3);
#undef EMBER_NORM_MODULE

extern template class NormImplBase<1, BatchNorm1dImpl, BatchNormOptions>;
extern template class NormImplBase<2, BatchNorm2dImpl, BatchNormOptions>;
extern template class NormImplBase<3, BatchNorm3dImpl, BatchNormOptions>;
extern template class NormImplBase<1, InstanceNorm1dImpl, InstanceNormOptions>;
extern template class NormImplBase<2, InstanceNorm2dImpl, InstanceNormOptions>;
extern template class NormImplBase<3, InstanceNorm3dImpl, InstanceNormOptions>;
extern template class BatchNormImplBase<1, BatchNorm1dImpl>;
extern template class BatchNormImplBase<2, BatchNorm2dImpl>;
extern template class BatchNormImplBase<3, BatchNorm3dImpl>;
extern template class InstanceNormImpl<1, InstanceNorm1dImpl>;
extern template class InstanceNormImpl<2, InstanceNorm2dImpl>;
extern template class InstanceNormImpl<3, InstanceNorm3dImpl>;

class EMBER_API LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape) : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LayerNormOptions options;
  Tensor weight;
  Tensor bias;
};
EMBER_MODULE(LayerNorm);

class EMBER_API GroupNormImpl : public Cloneable<GroupNormImpl> {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels) : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  GroupNormOptions options;
  Tensor weight;
  Tensor bias;
};
EMBER_MODULE(GroupNorm);

class EMBER_API LocalResponseNormImpl : public Cloneable<LocalResponseNormImpl> {
 public:
  LocalResponseNormImpl(int64_t size) : LocalResponseNormImpl(LocalResponseNormOptions(size)) {}
  explicit LocalResponseNormImpl(const LocalResponseNormOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  LocalResponseNormOptions options;
};
EMBER_MODULE(LocalResponseNorm);

// Lua Torch's SpatialCrossMapLRN: x * (k + alpha / size * sum of x^2 over a window of channels)^-beta.
class EMBER_API CrossMapLRN2dImpl : public Cloneable<CrossMapLRN2dImpl> {
 public:
  CrossMapLRN2dImpl(int64_t size) : CrossMapLRN2dImpl(CrossMapLRN2dOptions(size)) {}
  explicit CrossMapLRN2dImpl(const CrossMapLRN2dOptions& options_) : options(options_) {}
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(const Tensor& input);
  CrossMapLRN2dOptions options;
};
EMBER_MODULE(CrossMapLRN2d);

}  // namespace nn
}  // namespace ember
