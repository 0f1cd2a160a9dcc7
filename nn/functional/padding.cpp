#include "nn/functional/padding.h"

#include "generated/functions.h"

namespace ember {
namespace nn {
namespace functional {

Tensor pad(const Tensor& input, const PadFuncOptions& options) {
  const std::vector<int64_t>& p = options.pad();
  EMBER_CHECK(p.size() % 2 == 0, ValueError, "Padding length must be divisible by 2");
  EMBER_CHECK(static_cast<int64_t>(p.size()) / 2 <= input.dim(), ValueError, "Padding length too large");
  if (std::holds_alternative<enumtype::kConstant>(options.mode())) return ember::constant_pad_nd(input, p, options.value());
  EMBER_CHECK(options.value() == 0, ValueError, "Padding mode \"", enumtype::get_enum_name(options.mode()),
              "\" doesn't take in value argument");
  if (std::holds_alternative<enumtype::kCircular>(options.mode())) return ember::_pad_circular(input, p);
  const bool reflect = std::holds_alternative<enumtype::kReflect>(options.mode());
  const size_t dims = p.size() / 2;
  EMBER_CHECK(dims >= 1 && dims <= 3 && input.dim() >= static_cast<int64_t>(dims) + 1, NotImplementedError,
              "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  if (dims == 1) return reflect ? ember::reflection_pad1d(input, p) : ember::replication_pad1d(input, p);
  if (dims == 2) return reflect ? ember::reflection_pad2d(input, p) : ember::replication_pad2d(input, p);
  return reflect ? ember::reflection_pad3d(input, p) : ember::replication_pad3d(input, p);
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
