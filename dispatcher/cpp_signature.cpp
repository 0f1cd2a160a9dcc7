// CppSignature::name (see cpp_signature.h).
#include "dispatcher/cpp_signature.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace ember {

std::string CppSignature::name() const {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(type_->name(), nullptr, nullptr, &status),
                                                   &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(type_->name());
}

}  // namespace ember
