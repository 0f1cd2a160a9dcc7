// The TCPStore wire format, shared by the client (tcp_store.cpp) and the server
// (tcp_store_server.cpp). Native byte order (ranks of one job run the same build).
//
//   frame    = uint32 length of the rest, uint8 code, uint32 count, count x (uint32 length, bytes)
//   request  : code is a StoreOp, the items are its arguments
//   response : code is a ReplyStatus, the items are the results (kError: one message)
//
// Requests on one connection are answered in order, except that BYE drops a parked request.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "distributed/store.h"

namespace ember {
namespace distributed {
namespace wire {

enum class StoreOp : uint8_t {
  kSet = 1,        // key, value
  kGet = 2,        // key, timeout_ms -> value (parked until the key exists)
  kAdd = 3,        // key, delta -> new value
  kCompareSet = 4, // key, expected, desired -> value afterwards
  kDelete = 5,     // key -> "1" | "0"
  kCheck = 6,      // keys... -> "1" | "0"
  kWait = 7,       // timeout_ms, keys... (parked until all exist; timeout_ms < 0: forever)
  kNumKeys = 8,    // -> count
  kHello = 9,      // rank: this connection is that rank's lifeline (see tcp_store_server.h)
  kBye = 10,       // the lifeline's orderly goodbye
};

enum class ReplyStatus : uint8_t { kOk = 0, kTimeout = 1, kError = 2 };

constexpr uint32_t kMaxFrame = 1u << 30;

inline void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  uint8_t b[4];
  std::memcpy(b, &v, 4);
  out.insert(out.end(), b, b + 4);
}

// Builds a frame from a code and items.
inline std::vector<uint8_t> encode(uint8_t code, const std::vector<Bytes>& items) {
  size_t body = 1 + 4;
  for (const auto& i : items) body += 4 + i.size();
  std::vector<uint8_t> out;
  out.reserve(4 + body);
  put_u32(out, static_cast<uint32_t>(body));
  out.push_back(code);
  put_u32(out, static_cast<uint32_t>(items.size()));
  for (const auto& i : items) {
    put_u32(out, static_cast<uint32_t>(i.size()));
    out.insert(out.end(), i.begin(), i.end());
  }
  return out;
}

// Parses a frame body (what follows the length). Returns false when it is malformed.
inline bool decode(const uint8_t* p, size_t n, uint8_t* code, std::vector<Bytes>* items) {
  if (n < 5) return false;
  *code = p[0];
  uint32_t count;
  std::memcpy(&count, p + 1, 4);
  size_t pos = 5;
  items->clear();
  for (uint32_t i = 0; i < count; ++i) {
    if (pos + 4 > n) return false;
    uint32_t len;
    std::memcpy(&len, p + pos, 4);
    pos += 4;
    if (pos + len > n) return false;
    items->emplace_back(p + pos, p + pos + len);
    pos += len;
  }
  return pos == n;
}

inline Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace wire
}  // namespace distributed
}  // namespace ember
