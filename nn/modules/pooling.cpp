#include "nn/modules/pooling.h"

namespace ember {
namespace nn {

namespace F = functional;

#define EMBER_AVG_POOL(D)                                                                                   \
  Tensor AvgPool##D##dImpl::forward(const Tensor& input) { return F::avg_pool##D##d(input, options); }      \
  void AvgPool##D##dImpl::pretty_print(std::ostream& stream) const {                                        \
    stream << module_name_prefix() << "AvgPool" #D "d(kernel_size=" << options.kernel_size() << ", stride=" << options.stride() \
           << ", padding=" << options.padding() << ")";                                                     \
  }
EMBER_AVG_POOL(1)
EMBER_AVG_POOL(2)
EMBER_AVG_POOL(3)
#undef EMBER_AVG_POOL

#define EMBER_MAX_POOL(D)                                                                                   \
  Tensor MaxPool##D##dImpl::forward(const Tensor& input) { return F::max_pool##D##d(input, options); }      \
  std::tuple<Tensor, Tensor> MaxPool##D##dImpl::forward_with_indices(const Tensor& input) {                 \
    return F::max_pool##D##d_with_indices(input, options);                                                  \
  }                                                                                                         \
  void MaxPool##D##dImpl::pretty_print(std::ostream& stream) const {                                        \
    stream << std::boolalpha << module_name_prefix() << "MaxPool" #D "d(kernel_size=" << options.kernel_size()           \
           << ", stride=" << options.stride() << ", padding=" << options.padding()                          \
           << ", dilation=" << options.dilation() << ", ceil_mode=" << options.ceil_mode() << ")";          \
  }
EMBER_MAX_POOL(1)
EMBER_MAX_POOL(2)
EMBER_MAX_POOL(3)
#undef EMBER_MAX_POOL

#define EMBER_ADAPTIVE_POOL(D)                                                                              \
  Tensor AdaptiveAvgPool##D##dImpl::forward(const Tensor& input) {                                          \
    return F::adaptive_avg_pool##D##d(input, options);                                                      \
  }                                                                                                         \
  void AdaptiveAvgPool##D##dImpl::pretty_print(std::ostream& stream) const {                                \
    stream << module_name_prefix() << "AdaptiveAvgPool" #D "d(output_size=" << options.output_size() << ")";            \
  }                                                                                                         \
  Tensor AdaptiveMaxPool##D##dImpl::forward(const Tensor& input) {                                          \
    return F::adaptive_max_pool##D##d(input, options);                                                      \
  }                                                                                                         \
  std::tuple<Tensor, Tensor> AdaptiveMaxPool##D##dImpl::forward_with_indices(const Tensor& input) {         \
    return F::adaptive_max_pool##D##d_with_indices(input, options);                                         \
  }                                                                                                         \
  void AdaptiveMaxPool##D##dImpl::pretty_print(std::ostream& stream) const {                                \
    stream << module_name_prefix() << "AdaptiveMaxPool" #D "d(output_size=" << options.output_size() << ")";            \
  }
EMBER_ADAPTIVE_POOL(1)
EMBER_ADAPTIVE_POOL(2)
EMBER_ADAPTIVE_POOL(3)
#undef EMBER_ADAPTIVE_POOL

#define EMBER_MAX_UNPOOL(D)                                                                                 \
  Tensor MaxUnpool##D##dImpl::forward(const Tensor& input, const Tensor& indices,                          \
                                      const std::optional<std::vector<int64_t>>& output_size) {             \
    return F::max_unpool##D##d(input, indices,                                                              \
                               F::MaxUnpool##D##dFuncOptions(options.kernel_size())                         \
                                   .stride(options.stride())                                                \
                                   .padding(options.padding())                                              \
                                   .output_size(output_size));                                              \
  }                                                                                                         \
  void MaxUnpool##D##dImpl::pretty_print(std::ostream& stream) const {                                      \
    stream << module_name_prefix() << "MaxUnpool" #D "d(kernel_size=" << options.kernel_size() << ", stride=" << options.stride() \
           << ", padding=" << options.padding() << ")";                                                     \
  }
EMBER_MAX_UNPOOL(1)
EMBER_MAX_UNPOOL(2)
EMBER_MAX_UNPOOL(3)
#undef EMBER_MAX_UNPOOL

#define EMBER_FRACTIONAL(D)                                                                                     \
  FractionalMaxPool##D##dImpl::FractionalMaxPool##D##dImpl(FractionalMaxPool##D##dOptions options_)            \
      : options(std::move(options_)) {                                                                          \
    reset();                                                                                                    \
  }                                                                                                             \
  void FractionalMaxPool##D##dImpl::reset() {                                                                   \
    _random_samples = register_buffer("_random_samples", options._random_samples());                           \
    EMBER_CHECK(options.output_size() || options.output_ratio(), ValueError,                                    \
                "FractionalMaxPool" #D "d requires specifying either an output size, or a pooling ratio");     \
    EMBER_CHECK(!(options.output_size() && options.output_ratio()), ValueError,                                 \
                "only one of output size and output ratio may be specified");                                   \
    if (options.output_ratio()) {                                                                               \
      for (size_t i = 0; i < D; ++i) {                                                                          \
        double r = (*options.output_ratio())[i];                                                                \
        EMBER_CHECK(r > 0 && r < 1, ValueError, "output_ratio must be between 0 and 1 (got ",                   \
                    *options.output_ratio(), ")");                                                              \
      }                                                                                                         \
    }                                                                                                           \
  }                                                                                                             \
  Tensor FractionalMaxPool##D##dImpl::forward(const Tensor& input) {                                            \
    return std::get<0>(forward_with_indices(input));                                                            \
  }                                                                                                             \
  std::tuple<Tensor, Tensor> FractionalMaxPool##D##dImpl::forward_with_indices(const Tensor& input) {           \
    F::FractionalMaxPool##D##dFuncOptions f(options.kernel_size());                                             \
    f.output_size(options.output_size()).output_ratio(options.output_ratio())._random_samples(_random_samples); \
    return F::fractional_max_pool##D##d_with_indices(input, f);                                                 \
  }                                                                                                             \
  void FractionalMaxPool##D##dImpl::pretty_print(std::ostream& stream) const {                                  \
    stream << module_name_prefix() << "FractionalMaxPool" #D "d()";                                                          \
  }
EMBER_FRACTIONAL(2)
EMBER_FRACTIONAL(3)
#undef EMBER_FRACTIONAL

#define EMBER_LPPOOL(D)                                                                                      \
  Tensor LPPool##D##dImpl::forward(const Tensor& input) { return F::lp_pool##D##d(input, options); }         \
  void LPPool##D##dImpl::pretty_print(std::ostream& stream) const {                                          \
    stream << std::boolalpha << module_name_prefix() << "LPPool" #D "d(norm_type=" << options.norm_type()                 \
           << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride()                   \
           << ", ceil_mode=" << options.ceil_mode() << ")";                                                  \
  }
EMBER_LPPOOL(1)
EMBER_LPPOOL(2)
#undef EMBER_LPPOOL

}  // namespace nn
}  // namespace ember
