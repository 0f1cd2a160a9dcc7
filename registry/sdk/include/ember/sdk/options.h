// Options: the plugin's `options:` map from the configuration, with typed look-ups.
//
//   int64_t threads = options.get<int64_t>("threads", 0);
//   options.expect_only({"threads", "use_onednn"});  // rejects unknown keys, listing valid ones
//
// Values arrive as YAML scalar text; get<T> parses them (bool: true/false/yes/no/on/off/1/0,
// case-insensitive; integers and floats must be consumed completely) and throws ValueError
// naming the key on a bad value.
//
// Ownership: borrows the host's option array, valid during init only; copy what you keep.
// Thread-safety: read-only; used from init, which runs on one thread.
#pragma once

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <ember/plugin_abi.h>
#include <ember/sdk/error.h>

EMBER_SDK_NAMESPACE_BEGIN

class Options {
 public:
  Options(const ember_option* options, int32_t count)
      : options_(options), count_(options ? count : 0) {}

  int32_t size() const { return count_; }
  std::string_view key(int32_t i) const { return text(options_[i].key); }
  std::string_view value(int32_t i) const { return text(options_[i].value); }

  bool has(std::string_view key) const { return find(key) >= 0; }
  // The raw text of a key, if present.
  std::optional<std::string_view> raw(std::string_view key) const {
    int32_t i = find(key);
    if (i < 0) return std::nullopt;
    return value(i);
  }

  // T is bool, an integer type, float/double or std::string.
  template <typename T>
  T get(std::string_view key, T default_value) const {
    std::optional<std::string_view> v = raw(key);
    if (!v) return default_value;
    return parse<T>(key, *v);
  }

  // Throws ValueError when a key is not one of `valid`: "unknown option 'x'; valid options: a, b".
  void expect_only(std::initializer_list<const char*> valid) const {
    for (int32_t i = 0; i < count_; ++i) {
      bool known = false;
      for (const char* v : valid) known = known || key(i) == v;
      if (known) continue;
      std::string list;
      for (const char* v : valid) list += (list.empty() ? "" : ", ") + std::string(v);
      throw ValueError(detail::concat("unknown option '", key(i), "'; valid options: ",
                                      list.empty() ? "(none)" : list));
    }
  }

 private:
  static std::string_view text(const char* s) { return s ? std::string_view(s) : std::string_view(); }

  int32_t find(std::string_view key) const {
    for (int32_t i = 0; i < count_; ++i)
      if (this->key(i) == key) return i;
    return -1;
  }

  [[noreturn]] static void bad_value(std::string_view key, std::string_view v, const char* expected) {
    throw ValueError(detail::concat("option '", key, "': expected ", expected, ", got '", v, "'"));
  }

  template <typename T>
  static T parse(std::string_view key, std::string_view v) {
    if constexpr (std::is_same<T, std::string>::value) {
      return std::string(v);
    } else if constexpr (std::is_same<T, bool>::value) {
      std::string lower;
      for (char c : v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
      if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
      bad_value(key, v, "a boolean (true/false)");
    } else if constexpr (std::is_integral<T>::value) {
      std::string s(v);
      char* end = nullptr;
      errno = 0;
      long long parsed = std::strtoll(s.c_str(), &end, 0);
      if (s.empty() || *end != '\0' || errno == ERANGE) bad_value(key, v, "an integer");
      if (parsed < static_cast<long long>(std::numeric_limits<T>::min()) ||
          parsed > static_cast<long long>(std::numeric_limits<T>::max()))
        bad_value(key, v, "an integer in range");
      return static_cast<T>(parsed);
    } else {
      static_assert(std::is_floating_point<T>::value, "Options::get: unsupported type");
      std::string s(v);
      char* end = nullptr;
      double parsed = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') bad_value(key, v, "a number");
      return static_cast<T>(parsed);
    }
  }

  const ember_option* options_;
  int32_t count_;
};

EMBER_SDK_NAMESPACE_END
