#include "core/str.h"

#include <cxxabi.h>

#include <cstdlib>

namespace ember {

std::string demangle(const char* mangled_name) {
  int status = 0;
  char* name = abi::__cxa_demangle(mangled_name, nullptr, nullptr, &status);
  std::string out = status == 0 && name != nullptr ? name : mangled_name;
  std::free(name);
  return out;
}

}  // namespace ember
