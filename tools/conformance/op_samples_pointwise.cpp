// Samples for every pointwise backend op, generated from its schema and ops.yaml's `pointwise`
// tag (through op_info()): each Tensor input gets shapes and layouts from a fixed list of cases
// (same shape, broadcasting, transposed, sliced and expanded inputs, 0-d, empty, a strided out,
// an out that aliases an input, and sizes above the CPU plugin's parallel grain). What is
// op-specific is small and lives in the tables below: value domains (log needs positive inputs),
// the out dtype (from the meta function's name) and extra argument variants (alpha, rounding
// modes, clamp bounds, gelu's approximation).
#include <cstring>

#include "generated/op_info.h"
#include "tools/conformance/op_sample_families.h"

namespace ember {
namespace conformance {
namespace {

const char* meta_function_of(const FunctionSchema& schema) {
  const std::string full = schema.full_name();
  for (size_t i = 0; i < num_op_infos(); ++i)
    if (full == op_infos()[i].name) return op_infos()[i].structured;
  return "";
}

bool is_one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

// The values each input gets, so that every result is well defined (no log of negatives, no
// integer division by zero, no negative integer powers) and comparisons meet ties.
Values values_for(const std::string& op, const std::string& arg, ScalarType dtype) {
  if (is_one_of(op, {"log", "sqrt", "rsqrt", "log1p", "log2", "log10"})) return Values::Positive;
  if (is_one_of(op, {"asin", "acos"})) return Values::Unit;
  if (is_one_of(op, {"fmod", "remainder"})) return arg == "other" ? Values::NonZero : Values::Any;
  if (op == "div") return arg == "other" ? Values::NonZero : Values::Any;
  if (op == "pow") {
    if (is_floating_point(dtype)) return arg == "self" ? Values::Positive : Values::Any;
    return arg == "self" ? Values::SmallIntegers : Values::Positive;
  }
  if (is_one_of(op, {"eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
                     "maximum", "minimum", "where"}))
    return Values::SmallIntegers;
  if (is_one_of(op, {"abs", "neg", "sign", "relu"})) return Values::WithZeros;
  if (op == "threshold_backward" && arg == "self") return Values::WithZeros;
  return Values::Any;
}

using Variant = std::map<std::string, IValue>;

// Non-tensor arguments worth varying; the first variant is used for every layout case, the
// others only for the plain and broadcast cases.
std::vector<Variant> variants_for(const std::string& op, SampleBuilder& b) {
  const bool floating = b.floating();
  if (op == "add" || op == "sub") {
    if (b.dtype() == kBool) return {Variant{}};
    return {Variant{}, Variant{{"alpha", b.scalar(0.5, 2)}}, Variant{{"alpha", b.scalar(-1.25, -3)}}};
  }
  if (op == "div") {
    std::vector<Variant> v;
    if (floating) v.push_back(Variant{{"rounding_mode", IValue()}});
    v.push_back(Variant{{"rounding_mode", IValue("trunc")}});
    v.push_back(Variant{{"rounding_mode", IValue("floor")}});
    return v;
  }
  if (op == "clamp") {
    return {Variant{{"min", b.scalar(-1.0, -1)}, {"max", b.scalar(1.5, 2)}},
            Variant{{"min", b.scalar(0.5, 0)}},
            Variant{{"max", b.scalar(-0.5, 1)}}};
  }
  if (op == "gelu" || op == "gelu_backward")
    return {Variant{{"approximate", IValue("none")}}, Variant{{"approximate", IValue("tanh")}}};
  if (op == "threshold_backward")
    return {Variant{{"threshold", b.scalar(0.0, 0)}}, Variant{{"threshold", b.scalar(0.5, 1)}}};
  return {Variant{}};
}

struct LayoutCase {
  std::string label;
  std::vector<Shape> shapes;  // per input; the last one repeats
  Layout layout = Layout::Contiguous;
  int min_inputs = 1;         // the case needs at least this many tensor inputs
  bool strided_out = false;   // out is a transposed tensor of the result's shape
  bool alias_out = false;     // out is the first input of the out's dtype
  bool with_variants = false;
};

const std::vector<LayoutCase>& layout_cases() {
  static const std::vector<LayoutCase> cases = {
      {"contiguous [4, 5]", {{4, 5}}, Layout::Contiguous, 1, false, false, true},
      {"broadcast [4, 1] [1, 5]", {{4, 1}, {1, 5}, {5}}, Layout::Contiguous, 2, false, false, true},
      {"broadcast ranks [2, 3, 4] [4]", {{2, 3, 4}, {4}, {3, 1}}, Layout::Contiguous, 2},
      {"transposed [5, 4]", {{5, 4}}, Layout::Transposed},
      {"sliced [3, 6] offset 1", {{3, 6}}, Layout::Sliced},
      {"expanded [4, 5] (stride 0)", {{4, 5}}, Layout::Expanded},
      {"0-d", {{}}},
      {"0-d with [3, 4]", {{}, {3, 4}}, Layout::Contiguous, 2},
      {"empty [0, 3]", {{0, 3}, {1, 3}}},
      {"strided out [4, 6]", {{4, 6}}, Layout::Contiguous, 1, true},
      {"out aliases an input [4, 5]", {{4, 5}}, Layout::Contiguous, 1, false, true},
      {"large [129, 257]", {{129, 257}}},
      {"large transposed [129, 257]", {{129, 257}}, Layout::Transposed},
  };
  return cases;
}

Shape broadcast_of(const std::vector<Shape>& shapes) {
  Shape out;
  for (const Shape& s : shapes) {
    if (s.size() > out.size()) out.insert(out.begin(), s.size() - out.size(), 1);
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[out.size() - s.size() + i];
      if (o == 1) o = s[i];
    }
  }
  return out;
}

void pointwise_samples(const FunctionSchema& schema, SampleBuilder& b) {
  const std::string op = schema.name();
  const std::string meta = meta_function_of(schema);
  const ScalarType dtype = b.dtype();
  if (meta == "unary_float_op" && !is_floating_point(dtype)) {
    return b.skip("unreachable: the core computes " + op + " in float32 for integer and bool inputs");
  }
  if (dtype == kBool && is_one_of(op, {"neg", "clamp", "div", "sub", "threshold_backward"}))
    return b.skip("the core rejects bool for " + op);
  if (!is_floating_point(dtype) && is_one_of(op, {"gelu_backward", "silu_backward", "sigmoid_backward", "tanh_backward"}))
    return b.skip("the core rejects non-floating dtypes for " + op);
  const ScalarType out_dtype = (meta == "comparison_op" || meta == "unary_bool_op") ? kBool : dtype;

  std::vector<int> inputs;  // indices of the tensor inputs
  int out_index = -1;
  for (size_t i = 0; i < schema.arguments().size(); ++i) {
    const Argument& a = schema.arguments()[i];
    if (a.is_out()) out_index = static_cast<int>(i);
    else if (a.type.is_tensor()) inputs.push_back(static_cast<int>(i));
  }
  const std::vector<Variant> variants = variants_for(op, b);

  for (const LayoutCase& c : layout_cases()) {
    if (static_cast<int>(inputs.size()) < c.min_inputs) continue;
    std::vector<Shape> shapes;
    for (size_t k = 0; k < inputs.size(); ++k) shapes.push_back(c.shapes[std::min(k, c.shapes.size() - 1)]);
    const size_t num_variants = c.with_variants ? variants.size() : 1;
    for (size_t v = 0; v < num_variants; ++v) {
      Variant given = variants[v];
      int alias_of = -1;
      for (size_t k = 0; k < inputs.size(); ++k) {
        const Argument& a = schema.arguments()[static_cast<size_t>(inputs[k])];
        // where's condition is bool whatever the dtype.
        const ScalarType t = a.name == "condition" ? kBool : dtype;
        given[a.name] = b.tensor_of(t, shapes[k], values_for(op, a.name, dtype), c.layout);
        if (alias_of < 0 && t == out_dtype) alias_of = inputs[k];
      }
      const Argument& out = schema.arguments()[static_cast<size_t>(out_index)];
      if (c.alias_out) {
        if (alias_of < 0) continue;  // no input has the out's dtype
        given[out.name] = given[schema.arguments()[static_cast<size_t>(alias_of)].name];
      } else if (c.strided_out) {
        given[out.name] = b.tensor_of(out_dtype, broadcast_of(shapes), Values::Any, Layout::Transposed);
      } else {
        given[out.name] = b.out(out_dtype);
      }
      std::string label = c.label;
      for (const auto& [name, value] : variants[v]) {
        label += " " + name + "=" + value_label(value);
      }
      b.add(label, complete_arguments(schema, given));
    }
  }
}

}  // namespace

void register_pointwise_samples(SampleRegistry& registry) {
  for (size_t i = 0; i < num_op_infos(); ++i) {
    const OpInfo& info = op_infos()[i];
    if (std::strcmp(info.dispatch, "backend") != 0 || std::strstr(info.tags, "pointwise") == nullptr) continue;
    std::string name = info.name;
    if (name.rfind("aten::", 0) == 0) name = name.substr(6);
    registry[name] = &pointwise_samples;
  }
}

}  // namespace conformance
}  // namespace ember
