// CppSignature: the C++ function type of an unboxed kernel, Ret(Args...), as c10's
// CppSignature. Recorded when a typed kernel is registered and checked when a typed handle looks
// an operator up, so that a typed call never casts a kernel to other parameter types (undefined
// behaviour) but fails with a TypeError naming both signatures. Plain value; thread-safe.
#pragma once

#include <string>
#include <typeinfo>

#include "core/export.h"

namespace ember {

class EMBER_API CppSignature {
 public:
  // Sig is a function type: Tensor(const Tensor&, double).
  template <typename Sig>
  static CppSignature of() {
    return CppSignature(typeid(Sig));
  }
  bool operator==(const CppSignature& o) const { return *type_ == *o.type_; }
  bool operator!=(const CppSignature& o) const { return !(*this == o); }
  // The demangled type, "at::Tensor (ember::Tensor const&, double)".
  std::string name() const;

 private:
  explicit CppSignature(const std::type_info& t) : type_(&t) {}
  const std::type_info* type_;
};

}  // namespace ember
