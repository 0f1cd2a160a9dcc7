// Sample tensors written directly into cpu storage (see sample_tensors.h).
#include "tools/conformance/sample_tensors.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "core/error.h"
#include "tools/conformance/host_values.h"

namespace ember {
namespace conformance {
namespace {

// FNV-1a: a seed that depends only on the text, on every platform and standard library.
uint64_t stable_hash(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

int64_t numel_of(const Shape& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// Storage sizes, strides and offset of a logical shape in a layout.
struct Geometry {
  Shape sizes, strides;
  int64_t offset = 0;
  int64_t storage_elements = 0;
};

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size(), 1);
  for (size_t d = sizes.size(); d-- > 1;) strides[d - 1] = strides[d] * std::max<int64_t>(sizes[d], 1);
  return strides;
}

Geometry geometry_of(const Shape& sizes, Layout layout) {
  Geometry g;
  g.sizes = sizes;
  const size_t nd = sizes.size();
  if (nd == 0) layout = Layout::Contiguous;
  switch (layout) {
    case Layout::Contiguous:
      g.strides = contiguous_strides(sizes);
      g.storage_elements = numel_of(sizes);
      break;
    case Layout::Transposed: {
      Shape reversed(sizes.rbegin(), sizes.rend());
      Shape base = contiguous_strides(reversed);
      g.strides.assign(base.rbegin(), base.rend());
      g.storage_elements = numel_of(sizes);
      break;
    }
    case Layout::Sliced: {
      Shape wide = sizes;
      wide[nd - 1] = 2 * sizes[nd - 1] + 1;
      g.strides = contiguous_strides(wide);
      g.strides[nd - 1] = 2;
      g.offset = 1;
      g.storage_elements = numel_of(wide);
      break;
    }
    case Layout::Expanded: {
      Shape base = sizes;
      base[0] = 1;
      g.strides = contiguous_strides(base);
      g.strides[0] = 0;
      g.storage_elements = numel_of(base);
      break;
    }
  }
  return g;
}

}  // namespace

std::string shape_label(const Shape& sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

std::string value_label(const IValue& v) {
  if (v.is_none()) return "None";
  if (v.is_string()) return v.to_string_ref();
  if (v.is_bool()) return v.to_bool() ? "True" : "False";
  if (v.is_int()) return std::to_string(v.to_int());
  if (v.is_double()) {
    std::ostringstream os;
    os << v.to_double();
    return os.str();
  }
  if (v.is_int_list()) return shape_label(v.to_int_list());
  return "?";
}

SampleBuilder::SampleBuilder(const std::string& op, ScalarType dtype)
    : dtype_(dtype), rng_(stable_hash(op + "/" + scalar_type_name(dtype))) {}

double SampleBuilder::value(ScalarType dtype, Values values, int64_t i, int64_t n, const std::vector<int64_t>& permutation) {
  const bool is_float = is_floating_point(dtype);
  const bool is_unsigned = dtype == kUInt8;
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); };
  auto integer = [&](int64_t lo, int64_t hi) {
    return static_cast<double>(std::uniform_int_distribution<int64_t>(lo, hi)(rng_));
  };
  auto random_sign = [&]() { return integer(0, 1) == 0 ? -1.0 : 1.0; };
  if (dtype == kBool) {
    if (values == Values::Positive || values == Values::NonZero) return 1;
    if (values == Values::MostlyNonZero) return integer(0, 9) != 0 ? 1 : 0;
    return integer(0, 1);
  }
  switch (values) {
    case Values::Any:
      return is_float ? uniform(-3, 3) : is_unsigned ? integer(0, 10) : integer(-5, 5);
    case Values::WithZeros:
      if (i % 4 == 3) return 0;
      return is_float ? uniform(-3, 3) : is_unsigned ? integer(0, 10) : integer(-5, 5);
    case Values::SmallIntegers:
      return is_unsigned ? integer(0, 4) : integer(-2, 2);
    case Values::Positive:
      return is_float ? uniform(0.25, 4) : integer(1, 5);
    case Values::NonZero:
      if (is_unsigned) return integer(1, 10);
      return random_sign() * (is_float ? uniform(0.5, 3) : integer(1, 5));
    case Values::NearOne:
      return is_float ? uniform(0.5, 1.5) : is_unsigned ? integer(0, 2) : integer(-2, 2);
    case Values::Distinct:
      EMBER_CHECK(n <= 256, ValueError, "[conformance] Distinct values need at most 256 elements, got ", n);
      return static_cast<double>(is_unsigned ? permutation[static_cast<size_t>(i)]
                                             : permutation[static_cast<size_t>(i)] - n / 2);
    case Values::Unit:
      return is_float ? uniform(-0.9, 0.9) : is_unsigned ? integer(0, 1) : integer(-1, 1);
    case Values::MostlyNonZero:
      if (integer(0, 9) == 0) return 0;
      return is_unsigned ? integer(1, 4) : random_sign() * integer(1, 2);
  }
  return 0;
}

Tensor SampleBuilder::tensor(const Shape& sizes, Values values, Layout layout) { return tensor_of(dtype_, sizes, values, layout); }

Tensor SampleBuilder::tensor_of(ScalarType dtype, const Shape& sizes, Values values, Layout layout) {
  const Geometry g = geometry_of(sizes, layout);
  const Device cpu("cpu");  // also starts ember if needed
  const size_t item = element_size(dtype);
  IntrusivePtr<StorageImpl> storage = StorageImpl::allocate(static_cast<size_t>(g.storage_elements) * item, cpu);
  std::vector<int64_t> permutation;
  if (values == Values::Distinct) {
    permutation.resize(static_cast<size_t>(g.storage_elements));
    std::iota(permutation.begin(), permutation.end(), 0);
    std::shuffle(permutation.begin(), permutation.end(), rng_);
  }
  auto* bytes = static_cast<unsigned char*>(storage->data());
  for (int64_t i = 0; i < g.storage_elements; ++i)
    write_element(bytes + static_cast<size_t>(i) * item, dtype, value(dtype, values, i, g.storage_elements, permutation));
  auto impl = make_intrusive<TensorImpl>(std::move(storage), dtype, cpu);
  impl->set_sizes_and_strides(g.sizes, g.strides, g.offset);
  return Tensor(std::move(impl));
}

Tensor SampleBuilder::out(ScalarType dtype) { return tensor_of(dtype, Shape{0}); }

Tensor SampleBuilder::indices(const Shape& sizes, int64_t high, Layout layout, ScalarType dtype) {
  Tensor t = tensor_of(dtype, sizes, Values::Any, layout);
  StorageImpl* storage = t.impl()->storage();
  const size_t item = element_size(dtype);
  auto* bytes = static_cast<unsigned char*>(storage->data());
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(high - 1, 0));
  for (size_t i = 0; i < storage->nbytes() / item; ++i) write_element(bytes + i * item, dtype, static_cast<double>(pick(rng_)));
  return t;
}

Tensor SampleBuilder::unique_indices(const Shape& sizes, int64_t dim, int64_t high) {
  Tensor t = tensor_of(kInt64, sizes);
  auto* data = static_cast<int64_t*>(t.data_ptr());
  const Shape strides = contiguous_strides(sizes);
  const int64_t n = numel_of(sizes);
  if (n == 0) return t;
  const int64_t along = sizes[static_cast<size_t>(dim)];
  EMBER_CHECK(along <= high, ValueError, "[conformance] cannot draw ", along, " unique indices below ", high);
  std::vector<int64_t> permutation(static_cast<size_t>(high));
  // Every line along dim starts at an element whose index along dim is 0.
  for (int64_t start = 0; start < n; ++start) {
    if ((start / strides[static_cast<size_t>(dim)]) % along != 0) continue;
    std::iota(permutation.begin(), permutation.end(), 0);
    std::shuffle(permutation.begin(), permutation.end(), rng_);
    for (int64_t k = 0; k < along; ++k) data[start + k * strides[static_cast<size_t>(dim)]] = permutation[static_cast<size_t>(k)];
  }
  return t;
}

Tensor SampleBuilder::mask(const Shape& sizes, Layout layout) { return tensor_of(kBool, sizes, Values::Any, layout); }

IValue SampleBuilder::scalar(double floating, int64_t integral) const {
  if (is_floating_point(dtype_)) return IValue(floating);
  if (dtype_ == kBool) return IValue(integral != 0);
  // A negative value is out of an unsigned dtype's range (PyTorch raises for it): use its magnitude.
  if (dtype_ == kUInt8 && integral < 0) integral = -integral;
  return IValue(integral);
}

void SampleBuilder::add(std::string label, std::vector<IValue> args) {
  set_.samples.push_back(OpSample{std::move(label), std::move(args), std::nullopt});
}

void SampleBuilder::add_random(std::string label, std::vector<IValue> args, const Moments& distribution) {
  set_.samples.push_back(OpSample{std::move(label), std::move(args), distribution});
}

}  // namespace conformance
}  // namespace ember
