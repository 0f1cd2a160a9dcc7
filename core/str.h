// ember::str(parts...) concatenates anything printable into a string (as c10::str),
// ember::Join(separator, container) joins a container's elements (as c10::Join), and
// ember::demangle(typeid(T).name()) gives a C++ type's readable name (as c10::demangle), and
// ember::guts::to_string(x) what operator<< prints (as c10::guts::to_string).
// Thread-safe: pure functions.
#pragma once

#include <sstream>
#include <string>

#include "core/error.h"

namespace ember {

template <typename... Args>
std::string str(const Args&... args) {
  return detail::str(args...);
}

EMBER_API std::string demangle(const char* mangled_name);

template <typename Container>
std::string Join(const std::string& separator, const Container& items) {
  std::ostringstream os;
  bool first = true;
  for (const auto& item : items) {
    if (!first) os << separator;
    os << item;
    first = false;
  }
  return os.str();
}

namespace guts {
// As c10::guts::to_string: what operator<< prints (a pointer as "0x55d0c4a1b2c0").
template <typename T>
std::string to_string(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}
}  // namespace guts

}  // namespace ember
