// Tensor literals (ops/tensor_literal.h): shape and dtype are checked when the container is
// built; conversion writes the elements into a CPU tensor, then converts and moves it.
#include "ops/tensor_literal.h"

#include <cstring>
#include <sstream>

#include "core/str.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace detail {

TensorDataContainer::TensorDataContainer() : kind_(Kind::List), sizes_{0}, scalar_type_(default_dtype()) {}

TensorDataContainer::TensorDataContainer(const Scalar& value, ScalarType type)
    : kind_(Kind::Scalar), scalar_type_(type), scalar_(value) {}

TensorDataContainer::TensorDataContainer(const void* data, size_t count, ScalarType type)
    : kind_(Kind::Tensor), sizes_{static_cast<int64_t>(count)}, scalar_type_(type) {
  tensor_ = new_tensor({static_cast<int64_t>(count)}, type, Device("cpu"));
  if (count > 0) std::memcpy(tensor_.impl()->data(), data, count * element_size(type));
}

TensorDataContainer::TensorDataContainer(const std::vector<bool>& values)
    : kind_(Kind::Tensor), sizes_{static_cast<int64_t>(values.size())}, scalar_type_(kBool) {
  tensor_ = new_tensor({static_cast<int64_t>(values.size())}, kBool, Device("cpu"));
  bool* out = static_cast<bool*>(tensor_.impl()->data());  // new: stays version-tracked
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];
}

TensorDataContainer::TensorDataContainer(std::initializer_list<TensorDataContainer> list)
    : kind_(Kind::List), sizes_{static_cast<int64_t>(list.size())}, scalar_type_(default_dtype()), list_(list) {
  if (list.size() == 0) return;
  const TensorDataContainer& first = *list.begin();
  scalar_type_ = first.scalar_type_;
  for (const TensorDataContainer& element : list) {
    EMBER_CHECK(element.scalar_type_ == scalar_type_, TypeError,
                "Expected all elements of the tensor to have the same scalar type: ", scalar_type_name(scalar_type_),
                ", but got element of scalar type: ", scalar_type_name(element.scalar_type_));
    if (!(element.sizes() == first.sizes())) {
      std::ostringstream first_text, element_text;
      first.pretty_print_recursive(first_text);
      element.pretty_print_recursive(element_text);
      EMBER_FAIL(ValueError, "Expected all sub-lists to have sizes: ", Join(", ", first.sizes_), " (e.g. ",
                 first_text.str(), "), but got sub-list ", element_text.str(), " with sizes: ", Join(", ", element.sizes_));
    }
  }
  sizes_.insert(sizes_.end(), first.sizes_.begin(), first.sizes_.end());
}

const Scalar& TensorDataContainer::scalar() const {
  EMBER_CHECK(is_scalar(), ValueError,
              "Can only call `scalar()` on a TensorDataContainer that has `is_scalar() == true`");
  return scalar_;
}

const std::vector<TensorDataContainer>& TensorDataContainer::init_list() const {
  EMBER_CHECK(is_init_list(), ValueError,
              "Can only call `init_list()` on a TensorDataContainer that has `is_init_list() == true`");
  return list_;
}

const Tensor& TensorDataContainer::tensor() const {
  EMBER_CHECK(is_tensor(), ValueError,
              "Can only call `tensor()` on a TensorDataContainer that has `is_tensor() == true`");
  return tensor_;
}

void TensorDataContainer::fill(const Tensor& out) const {
  switch (kind_) {
    case Kind::Scalar:
      out.fill_(scalar_);
      break;
    case Kind::Tensor:
      out.copy_(tensor_);
      break;
    case Kind::List:
      for (size_t i = 0; i < list_.size(); ++i) list_[i].fill(out.select(0, static_cast<int64_t>(i)));
      break;
  }
}

namespace {
// libtorch's rule: integers become int64, floating numbers the default dtype, the rest stay.
ScalarType desired_dtype(ScalarType given) {
  if (given == kInt32 || given == kInt64) return kInt64;
  if (given == kFloat32 || given == kFloat64) return default_dtype();
  return given;
}
}  // namespace

Tensor TensorDataContainer::convert_to_tensor(const TensorOptions& options) const {
  ScalarType dtype = options.dtype_or(desired_dtype(scalar_type_));
  // Fill in the literal's own type (exact), then convert.
  Tensor host = new_tensor(sizes_, scalar_type_, Device("cpu"));
  if (host.numel() > 0 || is_scalar()) fill(host);
  Tensor out = host.to(TensorOptions(dtype).device(options.device_or_default()));
  out = fresh_version(out);
  if (options.requires_grad()) out.requires_grad_(true);
  return out;
}

void TensorDataContainer::pretty_print_recursive(std::ostream& stream) const {
  switch (kind_) {
    case Kind::Scalar:
      stream << scalar_;
      break;
    case Kind::Tensor: {
      stream << "{";
      Tensor values = tensor_.to(kFloat64);
      for (int64_t i = 0; i < values.numel(); ++i) {
        if (scalar_type_ == kBool) stream << (i ? ", " : "") << (tensor_[i].item<bool>() ? "true" : "false");
        else if (is_floating_point(scalar_type_)) stream << (i ? ", " : "") << values[i].item<double>();
        else stream << (i ? ", " : "") << tensor_[i].item<int64_t>();
      }
      stream << "}";
      break;
    }
    case Kind::List:
      stream << "{";
      for (size_t i = 0; i < list_.size(); ++i) {
        if (i) stream << ", ";
        list_[i].pretty_print_recursive(stream);
      }
      stream << "}";
      break;
  }
}

std::ostream& operator<<(std::ostream& stream, const TensorDataContainer& container) {
  container.pretty_print_recursive(stream);
  return stream;
}

}  // namespace detail

Tensor tensor(detail::TensorDataContainer data, const TensorOptions& options) { return data.convert_to_tensor(options); }

}  // namespace ember
