// Scalar printing and arithmetic helpers.
#include "core/scalar.h"

namespace ember {

Scalar Scalar::operator-() const {
  switch (tag_) {
    case Tag::Double: return Scalar(-v_.d);
    case Tag::Int: return Scalar(-v_.i);
    case Tag::Bool: break;
  }
  EMBER_FAIL(TypeError, "[neg] negation of a bool Scalar is not supported");
}

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
