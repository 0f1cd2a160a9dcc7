// Meta functions of pointwise ops: broadcasting, PyTorch's type promotion, devices.
#include "ops/meta.h"

namespace ember {

DimVector broadcast_shapes(IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  DimVector out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(da == db || da == 1 || db == 1, ValueError, "The size of tensor a (", da,
                ") must match the size of tensor b (", db, ") at non-singleton dimension ", i);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {
ScalarType promote_skip_undefined(ScalarType a, ScalarType b) {
  if (a == ScalarType::Undefined) return b;
  if (b == ScalarType::Undefined) return a;
  return promote_types(a, b);
}
ScalarType combine_categories(ScalarType higher, ScalarType lower) {
  if (higher != ScalarType::Undefined && is_floating_point(higher)) return higher;
  if (higher == kBool || (lower != ScalarType::Undefined && is_floating_point(lower)))
    return promote_skip_undefined(higher, lower);
  if (higher != ScalarType::Undefined) return higher;
  return lower;
}
}  // namespace

ScalarType result_type(std::initializer_list<const Tensor*> tensors) {
  ScalarType dim_result = ScalarType::Undefined, zero_result = ScalarType::Undefined,
             wrapped_result = ScalarType::Undefined;
  for (const Tensor* t : tensors) {
    if (!t || !t->defined()) continue;
    ScalarType current = t->scalar_type();
    if (t->impl()->is_wrapped_number()) {
      if (is_floating_point(current)) current = default_dtype();
      wrapped_result = promote_skip_undefined(wrapped_result, current);
    } else if (t->dim() == 0) {
      zero_result = promote_skip_undefined(zero_result, current);
    } else {
      dim_result = promote_skip_undefined(dim_result, current);
    }
  }
  return combine_categories(dim_result, combine_categories(zero_result, wrapped_result));
}

Device common_device(std::initializer_list<const Tensor*> tensors, const char* op) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t || !t->defined()) continue;
    if (!first) {
      first = t;
      continue;
    }
    if (t->device() == first->device()) continue;
    // As PyTorch: a 0-d CPU tensor (a wrapped number) may be combined with any device.
    if (t->dim() == 0 && t->device().is_cpu()) continue;
    if (first->dim() == 0 && first->device().is_cpu()) {
      first = t;
      continue;
    }
    EMBER_FAIL(ValueError, "[", op, "] Expected all tensors to be on the same device, but found at least two devices, ",
               first->device(), " and ", t->device(), "!");
  }
  EMBER_CHECK(first != nullptr, ValueError, "[", op, "] expected at least one tensor argument");
  return first->device();
}

namespace meta {

namespace {
MetaResult pointwise(std::initializer_list<const Tensor*> inputs, ScalarType compute, ScalarType out, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = common_device(inputs, op);
  DimVector shape;
  bool first = true;
  for (const Tensor* t : inputs) {
    if (first) shape = DimVector(t->sizes());
    else if (t->sizes() != shape.ref()) shape = broadcast_shapes(shape, t->sizes());
    first = false;
  }
  m.outputs[0].sizes = std::move(shape);
  m.outputs[0].dtype = out;
  m.compute_dtype = compute;
  m.cast_inputs = true;
  m.broadcast_inputs = true;
  return m;
}
ScalarType to_float(ScalarType t) { return is_floating_point(t) ? t : default_dtype(); }
}  // namespace

// The common case of a binary op: same dtype, same shape, same device, no wrapped numbers. It
// needs none of the promotion or broadcasting machinery.
bool same_geometry_and_dtype(const Tensor& a, const Tensor& b) {
  const TensorImpl* x = a.impl();
  const TensorImpl* y = b.impl();
  return x->dtype() == y->dtype() && x->device() == y->device() && !x->is_wrapped_number() &&
         !y->is_wrapped_number() && x->sizes() == y->sizes();
}

MetaResult simple_binary(const Tensor& self, ScalarType out, const char* op) {
  MetaResult m;
  m.op_name = op;
  m.device = self.device();
  m.outputs[0].sizes.assign(self.sizes());
  m.outputs[0].dtype = out;
  m.compute_dtype = self.scalar_type();
  m.cast_inputs = true;
  m.broadcast_inputs = true;
  return m;
}

MetaResult binary_op(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  if (same_geometry_and_dtype(self, other) && is_floating_point(self.scalar_type()))
    return simple_binary(self, self.scalar_type(), "add");
  ScalarType t = result_type({&self, &other});
  EMBER_CHECK(!(is_integral(t, true) && alpha.is_floating_point()), TypeError,
              "For integral input tensors, argument alpha must not be a floating point number.");
  EMBER_CHECK(!(t == kBool && alpha.is_integral(false) && alpha.to_long() != 1 && alpha.to_long() != 0), TypeError,
              "Boolean alpha only supported for Boolean results.");
  return pointwise({&self, &other}, t, t, "add");
}
MetaResult sub_op(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  EMBER_CHECK(!(self.scalar_type() == kBool && other.scalar_type() == kBool), TypeError,
              "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
              "operator instead.");
  EMBER_CHECK(!(self.scalar_type() == kBool || other.scalar_type() == kBool), TypeError,
              "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
              "use the `~` or `logical_not()` operator instead.");
  return binary_op(self, other, alpha);
}

MetaResult binary_op(const Tensor& self, const Tensor& other) {
  if (same_geometry_and_dtype(self, other)) return simple_binary(self, self.scalar_type(), "binary op");
  ScalarType t = result_type({&self, &other});
  return pointwise({&self, &other}, t, t, "binary op");
}
MetaResult binary_float_op(const Tensor& self, const Tensor& other) {
  ScalarType t = to_float(result_type({&self, &other}));
  return pointwise({&self, &other}, t, t, "binary op");
}
MetaResult div_op(const Tensor& self, const Tensor& other, const std::optional<std::string>& rounding_mode) {
  ScalarType t = result_type({&self, &other});
  if (rounding_mode) {
    EMBER_CHECK(*rounding_mode == "trunc" || *rounding_mode == "floor", ValueError,
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", *rounding_mode, "'");
    EMBER_CHECK(t != kBool, TypeError, "[div] rounding division is not supported for bool tensors");
  } else {
    t = to_float(t);
  }
  return pointwise({&self, &other}, t, t, "div");
}
MetaResult comparison_op(const Tensor& self, const Tensor& other) {
  if (same_geometry_and_dtype(self, other)) return simple_binary(self, kBool, "comparison");
  ScalarType t = result_type({&self, &other});
  return pointwise({&self, &other}, t, kBool, "comparison");
}
MetaResult where_op(const Tensor& condition, const Tensor& self, const Tensor& other) {
  EMBER_CHECK(condition.scalar_type() == kBool, TypeError, "where expected condition to be a boolean tensor, but got a tensor with dtype ",
              condition.scalar_type());
  ScalarType t = result_type({&self, &other});
  MetaResult m = pointwise({&condition, &self, &other}, t, t, "where");
  m.keep_dtype_mask = 1u;  // the condition stays bool
  return m;
}
MetaResult clamp_op(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  EMBER_CHECK(min || max, ValueError, "torch.clamp: At least one of 'min' or 'max' must not be None");
  // As PyTorch 1.13, the bounds take part in type promotion like Python numbers: an integer
  // tensor clamped by a float bound gives the default float dtype, a bool one an int bound int64.
  ScalarType t = self.scalar_type();
  if (!is_floating_point(t)) {
    auto wrapped = [](const Scalar& s) { return s.is_floating_point() ? default_dtype() : s.type(); };
    for (const auto* bound : {&min, &max}) {
      if (!*bound) continue;
      ScalarType w = wrapped(**bound);
      if (is_floating_point(w) || t == kBool) t = promote_types(t, w);
    }
  }
  EMBER_CHECK(t != kBool, TypeError, "[clamp] is not supported for bool tensors");
  return pointwise({&self}, t, t, "clamp");
}
MetaResult unary_op(const Tensor& self) { return pointwise({&self}, self.scalar_type(), self.scalar_type(), "unary op"); }
MetaResult neg_op(const Tensor& self) {
  EMBER_CHECK(self.scalar_type() != kBool, TypeError,
              "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  return unary_op(self);
}
MetaResult unary_float_op(const Tensor& self) {
  ScalarType t = to_float(self.scalar_type());
  return pointwise({&self}, t, t, "unary op");
}
MetaResult unary_float_op(const Tensor& self, const std::string& approximate) {
  EMBER_CHECK(approximate == "none" || approximate == "tanh", ValueError,
              "[gelu] approximate argument must be either none or tanh, got '", approximate, "'");
  return unary_float_op(self);
}
MetaResult unary_bool_op(const Tensor& self) {
  MetaResult m = pointwise({&self}, self.scalar_type(), kBool, "logical_not");
  return m;
}

namespace {
// PyTorch: `"bitwise_and_cpu" not implemented for 'Float'`; here a TypeError naming the op.
void check_bitwise_dtype(ScalarType t, const char* op) {
  EMBER_CHECK(is_integral(t, /*include_bool=*/true), TypeError, "[", op,
              "] is only supported for integer and bool tensors, got ", t);
}
}  // namespace

MetaResult bitwise_op(const Tensor& self, const Tensor& other) {
  const bool same = same_geometry_and_dtype(self, other);
  const ScalarType t = same ? self.scalar_type() : result_type({&self, &other});
  check_bitwise_dtype(t, "bitwise op");
  if (same) return simple_binary(self, t, "bitwise op");
  return pointwise({&self, &other}, t, t, "bitwise op");
}
MetaResult bitwise_not_op(const Tensor& self) {
  check_bitwise_dtype(self.scalar_type(), "bitwise_not");
  return unary_op(self);
}

}  // namespace meta
}  // namespace ember
