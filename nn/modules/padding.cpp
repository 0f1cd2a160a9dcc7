#include "nn/modules/padding.h"

namespace ember {
namespace nn {

namespace F = functional;

namespace {
template <size_t N>
std::vector<int64_t> pads(const ExpandingArray<N>& a) {
  return std::vector<int64_t>(a->begin(), a->end());
}
}  // namespace

#define EMBER_PAD_DEFINITIONS(Name, pad_mode)                                                             \
  Tensor Name##Impl::forward(const Tensor& input) {                                                   \
    return F::pad(input, F::PadFuncOptions(pads(options.padding())).mode(pad_mode));                     \
  }                                                                                                   \
  void Name##Impl::pretty_print(std::ostream& stream) const {                                         \
    stream << module_name_prefix() << #Name "(padding=" << options.padding() << ")";                           \
  }
EMBER_PAD_DEFINITIONS(ReflectionPad1d, ember::kReflect)
EMBER_PAD_DEFINITIONS(ReflectionPad2d, ember::kReflect)
EMBER_PAD_DEFINITIONS(ReflectionPad3d, ember::kReflect)
EMBER_PAD_DEFINITIONS(ReplicationPad1d, ember::kReplicate)
EMBER_PAD_DEFINITIONS(ReplicationPad2d, ember::kReplicate)
EMBER_PAD_DEFINITIONS(ReplicationPad3d, ember::kReplicate)
EMBER_PAD_DEFINITIONS(ZeroPad2d, ember::kConstant)
#undef EMBER_PAD_DEFINITIONS

#define EMBER_CONSTANT_PAD_DEFINITIONS(D)                                                                 \
  Tensor ConstantPad##D##dImpl::forward(const Tensor& input) {                                            \
    return F::pad(input, F::PadFuncOptions(pads(options.padding())).mode(ember::kConstant).value(options.value())); \
  }                                                                                                       \
  void ConstantPad##D##dImpl::pretty_print(std::ostream& stream) const {                                  \
    stream << module_name_prefix() << "ConstantPad" #D "d(padding=" << options.padding() << ", value=" << options.value() << ")"; \
  }
EMBER_CONSTANT_PAD_DEFINITIONS(1)
EMBER_CONSTANT_PAD_DEFINITIONS(2)
EMBER_CONSTANT_PAD_DEFINITIONS(3)
#undef EMBER_CONSTANT_PAD_DEFINITIONS

}  // namespace nn
}  // namespace ember
