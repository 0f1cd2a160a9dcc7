// Reduction composites: full reductions, the unbiased/correction forms of var and std,
// all/any over one dim, softmax with a dtype.
#include "generated/functions.h"
#include "generated/native_functions.h"

namespace ember {
namespace native {

Tensor sum(const Tensor& self, std::optional<ScalarType> dtype) { return ember::sum(self, std::nullopt, false, dtype); }
Tensor mean(const Tensor& self, std::optional<ScalarType> dtype) { return ember::mean(self, std::nullopt, false, dtype); }
Tensor prod(const Tensor& self, std::optional<ScalarType> dtype) { return ember::prod(self.reshape({-1}), 0, false, dtype); }
Tensor max(const Tensor& self) { return ember::amax(self, {}, false); }
Tensor min(const Tensor& self) { return ember::amin(self, {}, false); }

Tensor var(const Tensor& self, bool unbiased) { return ember::var(self, std::nullopt, Scalar(int64_t(unbiased ? 1 : 0)), false); }
Tensor var(const Tensor& self, std::optional<IntArrayRef> dim, bool unbiased, bool keepdim) {
  return ember::var(self, dim, Scalar(int64_t(unbiased ? 1 : 0)), keepdim);
}
Tensor std(const Tensor& self, std::optional<IntArrayRef> dim, const std::optional<Scalar>& correction, bool keepdim) {
  return ember::var(self, dim, correction, keepdim).sqrt();
}
Tensor std(const Tensor& self, bool unbiased) { return native::var(self, unbiased).sqrt(); }
Tensor std(const Tensor& self, std::optional<IntArrayRef> dim, bool unbiased, bool keepdim) {
  return native::var(self, dim, unbiased, keepdim).sqrt();
}

Tensor all(const Tensor& self) { return ember::all(self, std::nullopt, false); }
Tensor all(const Tensor& self, int64_t dim, bool keepdim) { return ember::all(self, IntArrayRef(dim), keepdim); }
Tensor any(const Tensor& self) { return ember::any(self, std::nullopt, false); }
Tensor any(const Tensor& self, int64_t dim, bool keepdim) { return ember::any(self, IntArrayRef(dim), keepdim); }

Tensor softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor x = dtype ? self.to(*dtype) : self;
  if (!is_floating_point(x.scalar_type())) x = x.to(default_dtype());
  return ember::_softmax(x, dim, false);
}
Tensor log_softmax(const Tensor& self, int64_t dim, std::optional<ScalarType> dtype) {
  Tensor x = dtype ? self.to(*dtype) : self;
  if (!is_floating_point(x.scalar_type())) x = x.to(default_dtype());
  return ember::_log_softmax(x, dim, false);
}

}  // namespace native
}  // namespace ember
