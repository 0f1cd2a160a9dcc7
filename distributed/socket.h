// Small TCP helpers for the store (blocking sockets with deadlines, via poll; no busy waiting).
// Errors are DistributedError (TimeoutError for deadlines) naming the address.
// Thread-safety: free functions; a Socket is used by one thread at a time (or, as the store's
// lifeline, one reader and one writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/export.h"

namespace ember {
namespace distributed {

using Deadline = std::chrono::steady_clock::time_point;

// Owns one file descriptor.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(Socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Socket& operator=(Socket&& o) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void close();
  // Wakes a thread blocked reading this socket (its read sees end of file); keeps the fd.
  void shutdown_both();

 private:
  int fd_ = -1;
};

// "host:port", with brackets for IPv6 literals.
std::string format_address(const std::string& host, int port);

// Connects to host:port, retrying refused or unreachable attempts (the server may not be up
// yet) with growing sleeps until the deadline. what names the peer in messages ("the store").
EMBER_API Socket connect_with_retry(const std::string& host, int port, Deadline deadline, const std::string& what);

// Listens on every interface at port (0: a free port); IPv6 dual-stack when available.
EMBER_API Socket listen_on(int port, int* bound_port);

// Sends everything (blocking). Throws DistributedError on failure.
void send_all(const Socket& s, const void* data, size_t n, const std::string& peer);
// Receives exactly n bytes by the deadline. Returns false when the peer has gone (end of file or a
// reset) before the first byte; throws DistributedError on other failures, TimeoutError at the deadline.
bool recv_all(const Socket& s, void* data, size_t n, Deadline deadline, const std::string& peer);

}  // namespace distributed
}  // namespace ember
