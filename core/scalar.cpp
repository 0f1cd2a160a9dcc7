// Scalar printing and arithmetic helpers.
#include "core/scalar.h"

namespace ember {

Scalar Scalar::operator-() const {
  switch (tag_) {
    case Tag::Double: return Scalar(-v_.d);
    case Tag::Int: return Scalar(static_cast<int64_t>(0 - static_cast<uint64_t>(v_.i)));  // wraps for INT64_MIN
    case Tag::Bool: break;
  }
  EMBER_FAIL(TypeError, "[neg] negation of a bool Scalar is not supported");
}

namespace detail {
void throw_scalar_overflow(const char* type_name) {
  EMBER_FAIL(ValueError, "value cannot be converted to type ", type_name, " without overflow");
}
}  // namespace detail

bool Scalar::equal(const Scalar& o) const {
  if (tag_ == Tag::Double || o.tag_ == Tag::Double) return to_double() == o.to_double();
  return v_.i == o.v_.i;
}

std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  switch (s.tag()) {
    case Scalar::Tag::Double: return os << s.to_double();
    case Scalar::Tag::Int: return os << s.to_long();
    case Scalar::Tag::Bool: return os << (s.to_bool() ? "True" : "False");
  }
  return os;
}

}  // namespace ember
