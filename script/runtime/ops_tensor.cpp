// Script operators between tensors and the other script types: sizes and properties, number
// <-> tensor conversions (bool(t), int(t), float(t), torch.tensor(...)), devices.
#include "core/error.h"
#include "ops/creation.h"
#include "script/runtime/script_ops.h"
#include "script/runtime/values.h"

namespace ember {
namespace script {
namespace detail {

namespace {

void replace_top(Stack& s, size_t n, IValue v) {
  drop(s, n);
  s.push_back(std::move(v));
}

const Tensor& single_element(const IValue& v, const char* what) {
  const Tensor& t = v.to_tensor();
  EMBER_CHECK(t.numel() == 1, RuntimeError, what, " value of Tensor with ", (t.numel() == 0 ? "no values" : "more than one value"),
              " is ambiguous");
  return t;
}

// Nested lists of numbers -> (flat values, sizes, whether any float, whether all bool).
void flatten(const IValue& v, size_t depth, std::vector<int64_t>& sizes, std::vector<double>& values, bool& any_float,
             bool& all_bool) {
  if (v.is_any_list()) {
    size_t n = list_size(v);
    if (sizes.size() <= depth) sizes.push_back(static_cast<int64_t>(n));
    EMBER_CHECK(sizes[depth] == static_cast<int64_t>(n), ValueError, "[torch.tensor] expected sequence of length ",
                sizes[depth], " at dim ", depth, " (got ", n, ")");
    for (size_t i = 0; i < n; ++i) flatten(list_get(v, i), depth + 1, sizes, values, any_float, all_bool);
    return;
  }
  EMBER_CHECK(depth == sizes.size(), ValueError, "[torch.tensor] nested lists have different depths");
  EMBER_CHECK(v.is_scalar(), TypeError, "[torch.tensor] expected numbers, got ", v.tag_name());
  any_float |= v.is_double();
  all_bool &= v.is_bool();
  values.push_back(v.to_double());
}

TensorOptions tensor_options(const IValue& dtype, const IValue& device, ScalarType inferred) {
  TensorOptions o(dtype.is_none() ? inferred : dtype.to_scalar_type());
  if (!device.is_none()) o = o.device(device.to_device());
  return o;
}

// aten::tensor.*(x, *, ScalarType? dtype, Device? device, bool requires_grad)
void scalar_to_tensor(Stack& s) {
  const IValue& x = peek(s, 0, 4);
  ScalarType inferred = x.is_double() ? kFloat32 : x.is_bool() ? kBool : kInt64;
  Tensor t = scalar_tensor(x.to_scalar(), tensor_options(peek(s, 1, 4), peek(s, 2, 4), inferred));
  if (peek(s, 3, 4).to_bool()) t.requires_grad_(true);
  replace_top(s, 4, IValue(std::move(t)));
}

}  // namespace

void register_tensor_ops() {
  register_script_op("aten::size(Tensor self) -> int[]", [](Stack& s) { s.back() = IValue(s.back().to_tensor().sizes().vec()); });
  register_script_op("aten::size.int(Tensor self, int dim) -> int",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_tensor().size(peek(s, 1, 2).to_int()))); });
  register_script_op("aten::dim(Tensor self) -> int", [](Stack& s) { s.back() = IValue(s.back().to_tensor().dim()); });
  register_script_op("aten::numel(Tensor self) -> int", [](Stack& s) { s.back() = IValue(s.back().to_tensor().numel()); });
  register_script_op("aten::len.Tensor(Tensor t) -> int", [](Stack& s) {
    const Tensor& t = s.back().to_tensor();
    EMBER_CHECK(t.dim() > 0, TypeError, "len() of a 0-d tensor");
    s.back() = IValue(t.size(0));
  });
  register_script_op("aten::Bool.Tensor(Tensor a) -> bool",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Boolean").item().to_bool()); });
  register_script_op("aten::Int.Tensor(Tensor a) -> int",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Integer").item().to_long()); });
  register_script_op("aten::Float.Tensor(Tensor a) -> float",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Float").item().to_double()); });
  register_script_op("aten::IntImplicit(Tensor a) -> int",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Integer").item().to_long()); });
  register_script_op("aten::FloatImplicit(Tensor a) -> float",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Float").item().to_double()); });
  register_script_op("aten::ScalarImplicit(Tensor a) -> Scalar",
                     [](Stack& s) { s.back() = IValue(single_element(s.back(), "Scalar").item()); });
  register_script_op("aten::item(Tensor self) -> Scalar", [](Stack& s) { s.back() = IValue(single_element(s.back(), "A").item()); });
  register_script_op("prim::NumToTensor.Scalar(Scalar a) -> Tensor", [](Stack& s) {
    const IValue& v = s.back();
    ScalarType dtype = v.is_double() ? kFloat64 : v.is_bool() ? kBool : kInt64;
    s.back() = IValue(scalar_tensor(v.to_scalar(), TensorOptions(dtype)));
  });
  register_script_op("aten::tensor.float(float t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
                     scalar_to_tensor);
  register_script_op("aten::tensor.int(int t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
                     scalar_to_tensor);
  register_script_op("aten::tensor.bool(bool t, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
                     scalar_to_tensor);
  register_script_op("aten::tensor(t[] data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False) -> Tensor",
                     [](Stack& s) {
                       std::vector<int64_t> sizes;
                       std::vector<double> values;
                       bool any_float = false, all_bool = true;
                       flatten(peek(s, 0, 4), 0, sizes, values, any_float, all_bool);
                       if (values.empty()) all_bool = false;
                       ScalarType inferred = any_float ? kFloat32 : all_bool ? kBool : kInt64;
                       if (values.empty() && sizes.size() == 1) inferred = kFloat32;
                       Tensor t = tensor_from_doubles(values, sizes, tensor_options(peek(s, 1, 4), peek(s, 2, 4), inferred));
                       if (peek(s, 3, 4).to_bool()) t.requires_grad_(true);
                       replace_top(s, 4, IValue(std::move(t)));
                     });
  register_script_op("prim::device(Tensor a) -> Device", [](Stack& s) { s.back() = IValue(s.back().to_tensor().device()); });
  register_script_op("prim::dtype(Tensor a) -> int",
                     [](Stack& s) { s.back() = IValue(static_cast<int64_t>(s.back().to_tensor().scalar_type())); });
  register_script_op("prim::requires_grad(Tensor a) -> bool",
                     [](Stack& s) { s.back() = IValue(s.back().to_tensor().requires_grad()); });
  register_script_op("prim::data(Tensor(a) a) -> Tensor(a)", [](Stack& s) { s.back() = IValue(s.back().to_tensor().detach()); });
  // torch.nn.Parameter(t) in a module's __init__: a new leaf that requires grad.
  register_script_op("prim::Parameter(Tensor t) -> Tensor", [](Stack& s) {
    Tensor t = s.back().to_tensor().detach();
    t.requires_grad_(true);
    s.back() = IValue(std::move(t));
  });
  register_script_op("aten::device(str a) -> Device", [](Stack& s) { s.back() = IValue(Device(s.back().to_string_ref())); });
  register_script_op("aten::eq.device(Device a, Device b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_device() == peek(s, 1, 2).to_device())); });
}

}  // namespace detail
}  // namespace script
}  // namespace ember
