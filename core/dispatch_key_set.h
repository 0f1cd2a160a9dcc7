// DispatchKeySet: 64 bits that decide which kernel an operator call reaches.
//
// Bits 0..15 are backend slots: slot k belongs to the device type with id k (assigned by name
// when a plugin registers the type). Bits 48..63 are functionality keys in priority order, the
// highest set bit wins: Autograd, then Tracer, then Profiler, with room for more. A call's key
// set is the union over its tensor arguments, plus the thread-local include set, minus the
// thread-local exclude set. Plain value; thread-safe.
#pragma once

#include <cstdint>

#include "core/device.h"

namespace ember {

enum class FunctionalityKey : uint8_t {
  Autograd = 48,
  Tracer = 49,
  Profiler = 50,
};
constexpr int kFirstFunctionalityBit = 48;
constexpr int kNumFunctionalityKeys = 16;

class DispatchKeySet {
 public:
  constexpr DispatchKeySet() = default;
  constexpr explicit DispatchKeySet(uint64_t bits) : bits_(bits) {}
  static constexpr DispatchKeySet backend(DeviceTypeId id) { return DispatchKeySet(uint64_t(1) << id); }
  static constexpr DispatchKeySet functionality(FunctionalityKey k) {
    return DispatchKeySet(uint64_t(1) << static_cast<int>(k));
  }
  // Every key strictly below k (what a wrapper at k redispatches to).
  static constexpr DispatchKeySet below(FunctionalityKey k) {
    return DispatchKeySet((uint64_t(1) << static_cast<int>(k)) - 1);
  }
  static constexpr DispatchKeySet all_backends() { return DispatchKeySet((uint64_t(1) << kMaxDeviceTypes) - 1); }

  constexpr uint64_t raw() const { return bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool has(FunctionalityKey k) const { return (bits_ >> static_cast<int>(k)) & 1; }
  constexpr bool has_backend(DeviceTypeId id) const { return (bits_ >> id) & 1; }
  // The highest set bit (63 - clz); -1 when empty.
  int highest_bit() const { return bits_ ? 63 - __builtin_clzll(bits_) : -1; }
  // The highest backend slot set; kInvalidDeviceType when none.
  DeviceTypeId highest_backend() const {
    uint64_t b = bits_ & all_backends().bits_;
    return b ? static_cast<DeviceTypeId>(63 - __builtin_clzll(b)) : kInvalidDeviceType;
  }

  constexpr DispatchKeySet operator|(DispatchKeySet o) const { return DispatchKeySet(bits_ | o.bits_); }
  constexpr DispatchKeySet operator&(DispatchKeySet o) const { return DispatchKeySet(bits_ & o.bits_); }
  constexpr DispatchKeySet operator-(DispatchKeySet o) const { return DispatchKeySet(bits_ & ~o.bits_); }
  DispatchKeySet& operator|=(DispatchKeySet o) {
    bits_ |= o.bits_;
    return *this;
  }
  DispatchKeySet& operator-=(DispatchKeySet o) {
    bits_ &= ~o.bits_;
    return *this;
  }
  constexpr bool operator==(DispatchKeySet o) const { return bits_ == o.bits_; }
  constexpr bool operator!=(DispatchKeySet o) const { return bits_ != o.bits_; }

 private:
  uint64_t bits_ = 0;
};

}  // namespace ember
