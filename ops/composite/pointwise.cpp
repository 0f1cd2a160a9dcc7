// Pointwise composites: Scalar overloads (the number becomes a wrapped 0-d tensor so that it
// promotes like a Python number), rsub, true division, pow forms, where with scalars, clamps.
#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_operators.h"
#include "generated/native_functions.h"

namespace ember {
namespace native {

namespace {
// On the host where like's device reads host scalars in pointwise kernels (as PyTorch wraps a
// number in a CPU tensor): `x * 2` on cuda is then one kernel, not a fill, a cast and the product.
Tensor wrap(const Scalar& s, const Tensor& like) {
  const Device d = like.device();
  if (!device_type_info(d.type()).reads_host_scalars) return scalar_to_tensor(s, d);
  static const Device host(kCPU);
  return scalar_to_tensor(s, host);
}
}  // namespace

Tensor add(const Tensor& self, const Scalar& other, const Scalar& alpha) { return ember::add(self, wrap(other, self), alpha); }
Tensor add_(const Tensor& self, const Scalar& other, const Scalar& alpha) { return self.add_(wrap(other, self), alpha); }
Tensor sub(const Tensor& self, const Scalar& other, const Scalar& alpha) { return ember::sub(self, wrap(other, self), alpha); }
Tensor sub_(const Tensor& self, const Scalar& other, const Scalar& alpha) { return self.sub_(wrap(other, self), alpha); }
Tensor rsub(const Tensor& self, const Tensor& other, const Scalar& alpha) { return ember::sub(other, self, alpha); }
Tensor rsub(const Tensor& self, const Scalar& other, const Scalar& alpha) { return ember::sub(wrap(other, self), self, alpha); }
Tensor mul(const Tensor& self, const Scalar& other) { return ember::mul(self, wrap(other, self)); }
Tensor mul_(const Tensor& self, const Scalar& other) { return self.mul_(wrap(other, self)); }

Tensor div(const Tensor& self, const Tensor& other) { return ember::div(self, other, std::nullopt); }
Tensor div_(const Tensor& self, const Tensor& other) { return self.div_(other, std::nullopt); }
// Through div.Tensor, so that autograd records DivBackward0 for x / 2 as PyTorch does.
Tensor div(const Tensor& self, const Scalar& other) { return ember::div(self, wrap(other, self)); }
Tensor div_(const Tensor& self, const Scalar& other) { return self.div_(wrap(other, self), std::nullopt); }
Tensor div(const Tensor& self, const Scalar& other, const std::optional<std::string>& rounding_mode) {
  return ember::div(self, wrap(other, self), rounding_mode);
}

namespace {
// PyTorch refuses a negative integer scalar exponent of an integer tensor (a tensor exponent
// is allowed and gives 0, 1 or -1).
void check_integer_power(const Tensor& self, const Scalar& exponent) {
  EMBER_CHECK(!(is_integral(self.scalar_type(), true) && exponent.is_integral(false) && exponent.to_long() < 0), ValueError,
              "[pow] Integers to negative integer powers are not allowed.");
}
}  // namespace

Tensor pow(const Tensor& self, const Scalar& exponent) {
  check_integer_power(self, exponent);
  return ember::pow(self, wrap(exponent, self));
}
Tensor pow_(const Tensor& self, const Scalar& exponent) {
  check_integer_power(self, exponent);
  return self.pow_(wrap(exponent, self));
}
Tensor pow(const Scalar& self, const Tensor& exponent) { return ember::pow(wrap(self, exponent), exponent); }

Tensor where(const Tensor& condition, const Tensor& self, const Scalar& other) {
  return ember::where(condition, self, wrap(other, self));
}
Tensor where(const Tensor& condition, const Scalar& self, const Tensor& other) {
  return ember::where(condition, wrap(self, other), other);
}

Tensor fmod(const Tensor& self, const Scalar& other) { return ember::fmod(self, wrap(other, self)); }
Tensor fmod_(const Tensor& self, const Scalar& other) { return self.fmod_(wrap(other, self)); }
Tensor remainder(const Tensor& self, const Scalar& other) { return ember::remainder(self, wrap(other, self)); }
Tensor remainder_(const Tensor& self, const Scalar& other) { return self.remainder_(wrap(other, self)); }

Tensor clamp_min(const Tensor& self, const Scalar& min) { return ember::clamp(self, min, std::nullopt); }
Tensor clamp_max(const Tensor& self, const Scalar& max) { return ember::clamp(self, std::nullopt, max); }

Tensor eq(const Tensor& self, const Scalar& other) { return ember::eq(self, wrap(other, self)); }
Tensor ne(const Tensor& self, const Scalar& other) { return ember::ne(self, wrap(other, self)); }
Tensor lt(const Tensor& self, const Scalar& other) { return ember::lt(self, wrap(other, self)); }
Tensor le(const Tensor& self, const Scalar& other) { return ember::le(self, wrap(other, self)); }
Tensor gt(const Tensor& self, const Scalar& other) { return ember::gt(self, wrap(other, self)); }
Tensor ge(const Tensor& self, const Scalar& other) { return ember::ge(self, wrap(other, self)); }

Tensor masked_fill(const Tensor& self, const Tensor& mask, const Scalar& value) {
  Tensor out = self.clone();
  out.masked_fill_(mask, value);
  return out;
}
Tensor scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = self.clone();
  out.scatter_(dim, index, src);
  return out;
}
Tensor scatter(const Tensor& self, int64_t dim, const Tensor& index, const Scalar& value) {
  Tensor out = self.clone();
  out.scatter_(dim, index, value);
  return out;
}
Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = self.clone();
  out.scatter_add_(dim, index, src);
  return out;
}

}  // namespace native
}  // namespace ember
