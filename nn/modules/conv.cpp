// The convolution modules.
#include "nn/modules/conv.h"

#include <cmath>

#include "generated/functions.h"
#include "nn/functional/padding.h"
#include "nn/init.h"

namespace ember {
namespace nn {

namespace F = functional;

template <size_t D, typename Derived, typename Options>
void ConvNdImpl<D, Derived, Options>::reset() {
  EMBER_CHECK(options.in_channels() > 0 && options.groups() > 0 && options.out_channels() > 0, ValueError,
              "in_channels, groups and out_channels must be a positive integer.");
  EMBER_CHECK(options.in_channels() % options.groups() == 0, ValueError, "in_channels must be divisible by groups");
  EMBER_CHECK(options.out_channels() % options.groups() == 0, ValueError, "out_channels must be divisible by groups");
  if constexpr (!kTransposed) {
    if (std::holds_alternative<enumtype::kSame>(options.padding())) {
      for (size_t i = 0; i < D; ++i)
        EMBER_CHECK(options.stride()[i] == 1, ValueError, "padding='same' is not supported for strided convolutions");
    }
  }
  std::vector<int64_t> shape;
  if (kTransposed) {
    shape = {options.in_channels(), options.out_channels() / options.groups()};
  } else {
    shape = {options.out_channels(), options.in_channels() / options.groups()};
  }
  for (int64_t k : *options.kernel_size()) shape.push_back(k);
  weight = this->register_parameter("weight", ember::empty(shape));
  if (options.bias()) {
    bias = this->register_parameter("bias", ember::empty({options.out_channels()}));
  } else {
    bias = this->register_parameter("bias", Tensor(), /*requires_grad=*/false);
  }
  reset_parameters();
}

template <size_t D, typename Derived, typename Options>
void ConvNdImpl<D, Derived, Options>::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = std::get<0>(init::calculate_fan_in_and_fan_out(weight));
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

namespace {
template <size_t D>
bool is_all(const ExpandingArray<D>& a, int64_t v) {
  return a.all_equal(v);
}
template <size_t D>
void print_padding(std::ostream& stream, const ExpandingArray<D>& padding) {
  if (!is_all(padding, 0)) stream << ", padding=" << padding;
}
template <size_t D>
void print_padding(std::ostream& stream, const detail::conv_padding_t<D>& padding) {
  if (const auto* p = std::get_if<ExpandingArray<D>>(&padding)) print_padding(stream, *p);
  else if (std::holds_alternative<enumtype::kValid>(padding)) stream << ", padding='valid'";
  else stream << ", padding='same'";
}
template <typename Options>
void print_output_padding(std::ostream&, const Options&, std::false_type) {}
template <typename Options>
void print_output_padding(std::ostream& stream, const Options& options, std::true_type) {
  if (!options.output_padding().all_equal(0)) stream << ", output_padding=" << options.output_padding();
}
}  // namespace

template <size_t D, typename Derived, typename Options>
void ConvNdImpl<D, Derived, Options>::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << (kTransposed ? "ConvTranspose" : "Conv") << D << "d(" << options.in_channels() << ", "
         << options.out_channels() << ", kernel_size=" << options.kernel_size() << ", stride=" << options.stride();
  print_padding<D>(stream, options.padding());
  if (!options.dilation().all_equal(1)) stream << ", dilation=" << options.dilation();
  print_output_padding(stream, options, std::integral_constant<bool, kTransposed>());
  if (options.groups() != 1) stream << ", groups=" << options.groups();
  if (!options.bias()) stream << ", bias=false";
  if (!std::holds_alternative<enumtype::kZeros>(options.padding_mode()))
    stream << ", padding_mode=" << enumtype::get_enum_name(options.padding_mode());
  stream << ")";
}

namespace {
// The input padded for a padding_mode other than zeros (the conv then pads nothing).
template <size_t D>
Tensor pad_for_mode(const Tensor& input, const detail::conv_padding_mode_t& mode, const ExpandingArray<D>& padding) {
  std::vector<int64_t> pad;
  for (size_t i = D; i-- > 0;) {
    pad.push_back(padding[i]);
    pad.push_back(padding[i]);
  }
  F::PadFuncOptions::mode_t pad_mode = enumtype::kCircular();
  if (std::holds_alternative<enumtype::kReflect>(mode)) pad_mode = enumtype::kReflect();
  if (std::holds_alternative<enumtype::kReplicate>(mode)) pad_mode = enumtype::kReplicate();
  return F::pad(input, F::PadFuncOptions(pad).mode(pad_mode));
}

template <size_t D>
Tensor conv_forward(const Tensor& input, const Tensor& weight, const Tensor& bias, const ConvOptions<D>& o) {
  functional::ConvFuncOptions<D> f;
  f.bias(bias).stride(o.stride()).dilation(o.dilation()).groups(o.groups());
  Tensor x = input;
  if (!std::holds_alternative<enumtype::kZeros>(o.padding_mode())) {
    const auto* p = std::get_if<ExpandingArray<D>>(&o.padding());
    EMBER_CHECK(p != nullptr, ValueError, "[Conv] padding='same'/'valid' needs padding_mode kZeros");
    x = pad_for_mode<D>(input, o.padding_mode(), *p);
    f.padding(0);
  } else {
    f.padding(o.padding());
  }
  if constexpr (D == 1) return F::conv1d(x, weight, f);
  else if constexpr (D == 2) return F::conv2d(x, weight, f);
  else return F::conv3d(x, weight, f);
}

// output_padding for a requested output size, as libtorch's _output_padding.
template <size_t D>
std::vector<int64_t> output_padding_for(const Tensor& input, const std::optional<IntArrayRef>& output_size,
                                        const ConvTransposeOptions<D>& o) {
  if (!output_size) return std::vector<int64_t>(o.output_padding()->begin(), o.output_padding()->end());
  const int64_t k = input.dim() - 2;
  IntArrayRef sizes = *output_size;
  if (static_cast<int64_t>(sizes.size()) == k + 2) sizes = sizes.slice(2, static_cast<size_t>(k));
  EMBER_CHECK(static_cast<int64_t>(sizes.size()) == k, ValueError, "output_size must have ", k, " or ", k + 2,
              " elements (got ", output_size->size(), ")");
  std::vector<int64_t> out;
  for (int64_t d = 0; d < k; ++d) {
    const int64_t min_size = (input.size(d + 2) - 1) * o.stride()[d] - 2 * o.padding()[d] +
                             o.dilation()[d] * (o.kernel_size()[d] - 1) + 1;
    const int64_t max_size = min_size + o.stride()[d] - 1;
    EMBER_CHECK(sizes[d] >= min_size && sizes[d] <= max_size, ValueError, "requested an output size of ", sizes,
                ", but valid sizes range from ", min_size, " to ", max_size, " (for an input of ",
                input.sizes().slice(2, static_cast<size_t>(k)), ")");
    out.push_back(sizes[d] - min_size);
  }
  return out;
}

template <size_t D>
Tensor conv_transpose_forward(const Tensor& input, const std::optional<IntArrayRef>& output_size, const Tensor& weight,
                              const Tensor& bias, const ConvTransposeOptions<D>& o) {
  EMBER_CHECK(std::holds_alternative<enumtype::kZeros>(o.padding_mode()), ValueError,
              "Only `zeros` padding mode is supported for ConvTranspose", D, "d");
  functional::ConvTransposeFuncOptions<D> f;
  f.bias(bias).stride(o.stride()).padding(o.padding()).groups(o.groups()).dilation(o.dilation());
  f.output_padding(ExpandingArray<D>(output_padding_for<D>(input, output_size, o)));
  if constexpr (D == 1) return F::conv_transpose1d(input, weight, f);
  else if constexpr (D == 2) return F::conv_transpose2d(input, weight, f);
  else return F::conv_transpose3d(input, weight, f);
}
}  // namespace

#define EMBER_CONV_DEFINITIONS(D)                                                                                    \
  template class ConvNdImpl<D, Conv##D##dImpl, ConvOptions<D>>;                                                      \
  template class ConvNdImpl<D, ConvTranspose##D##dImpl, ConvTransposeOptions<D>>;                                    \
  Conv##D##dImpl::Conv##D##dImpl(ConvOptions<D> options_) : ConvNdImpl(std::move(options_)) {}                       \
  Tensor Conv##D##dImpl::forward(const Tensor& input) { return conv_forward<D>(input, weight, bias, options); }       \
  ConvTranspose##D##dImpl::ConvTranspose##D##dImpl(ConvTransposeOptions<D> options_) : ConvNdImpl(std::move(options_)) {} \
  Tensor ConvTranspose##D##dImpl::forward(const Tensor& input, const std::optional<IntArrayRef>& output_size) {       \
    return conv_transpose_forward<D>(input, output_size, weight, bias, options);                                     \
  }
EMBER_CONV_DEFINITIONS(1)
EMBER_CONV_DEFINITIONS(2)
EMBER_CONV_DEFINITIONS(3)
#undef EMBER_CONV_DEFINITIONS

}  // namespace nn
}  // namespace ember
