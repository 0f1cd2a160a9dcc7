// Shared pieces of ember's libFuzzer targets (tests/fuzz/*_fuzzer.cpp).
//
// The contract every target checks: whatever the input, ember either succeeds or throws a typed
// ember::Error. Any other exception, a crash, a sanitizer report, an abort or a hang is a bug;
// expect_typed turns the "other exception" case into an abort, so that libFuzzer records it.
// FuzzInput hands out the input's bytes as small integers, choices and strings.
// Single-threaded, like libFuzzer's calls.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "core/error.h"

namespace ember_fuzz {

// Runs f; a typed ember::Error is a correct outcome, anything else thrown is a bug.
template <typename F>
void expect_typed(const F& f) {
  try {
    f();
  } catch (const ember::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember fuzz: untyped exception %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "ember fuzz: an exception that is not a std::exception\n");
    std::abort();
  }
}

// Stops the target with a message when a property that must hold does not.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ember fuzz: property violated: %s\n", what);
    std::abort();
  }
}

// Reads the input front to back; past the end every read returns zeros / empty strings, so
// that a program is always well defined.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return static_cast<uint64_t>(u32()) | (static_cast<uint64_t>(u32()) << 32); }
  // A value in [0, n), n > 0.
  size_t below(size_t n) { return n <= 256 ? byte() % n : u32() % n; }
  bool flag() { return byte() & 1; }
  template <typename T, size_t N>
  const T& pick(const T (&options)[N]) { return options[below(N)]; }
  // Up to max_len bytes as a string (length from one byte).
  std::string string(size_t max_len) {
    size_t n = byte() % (max_len + 1);
    std::string s;
    for (size_t i = 0; i < n && !empty(); ++i) s.push_back(static_cast<char>(byte()));
    return s;
  }
  // The rest of the input as text.
  std::string rest() {
    std::string s(reinterpret_cast<const char*>(data_ + pos_), size_ - pos_);
    pos_ = size_;
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace ember_fuzz
