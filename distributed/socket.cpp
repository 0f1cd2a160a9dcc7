// TCP helpers (see socket.h).
#include "distributed/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "core/error.h"

namespace ember {
namespace distributed {

namespace {

int remaining_ms(Deadline deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

// One attempt to connect to one address, bounded by the deadline. Returns the socket or -1 with
// errno set.
int try_connect(const addrinfo* ai, Deadline deadline) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return -1;
  int rv = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rv != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int n;
    do n = ::poll(&p, 1, remaining_ms(deadline)); while (n < 0 && errno == EINTR);
    if (n == 0) {
      ::close(fd);
      errno = ETIMEDOUT;
      return -1;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    rv = err ? -1 : 0;
    if (err) errno = err;
  }
  if (rv != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Socket::shutdown_both() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

std::string format_address(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Socket connect_with_retry(const std::string& host, int port, Deadline deadline, const std::string& what) {
  const std::string address = format_address(host, port);
  const auto start = std::chrono::steady_clock::now();
  EMBER_CHECK(port > 0 && port < 65536, ValueError, "[", what, "] invalid port ", port, " for ", host);
  std::string last_error = "no attempt was made";
  auto sleep = std::chrono::milliseconds(10);
  for (;;) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    int gai = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
    if (gai == 0) {
      for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        int fd = try_connect(ai, deadline);
        if (fd >= 0) {
          ::freeaddrinfo(list);
          return Socket(fd);
        }
        last_error = std::strerror(errno);
      }
      ::freeaddrinfo(list);
    } else {
      last_error = std::string("cannot resolve host: ") + ::gai_strerror(gai);
    }
    if (std::chrono::steady_clock::now() + sleep >= deadline) break;
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::milliseconds(500));
  }
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EMBER_FAIL(DistributedError, "[", what, "] could not connect to ", address, " within ", waited, " ms (last error: ",
             last_error, "); check MASTER_ADDR/MASTER_PORT and that rank 0 (or the launcher) is running");
}

Socket listen_on(int port, int* bound_port) {
  EMBER_CHECK(port >= 0 && port < 65536, ValueError, "[TCPStore] invalid port ", port);
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool v6 = fd >= 0;
  if (!v6) fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EMBER_CHECK(fd >= 0, DistributedError, "[TCPStore] socket failed: ", std::strerror(errno));
  Socket s(fd);
  int one = 1, zero = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rv;
  if (v6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    rv = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    a.sin_port = htons(static_cast<uint16_t>(port));
    rv = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  EMBER_CHECK(rv == 0, DistributedError, "[TCPStore] cannot listen on port ", port, ": ", std::strerror(errno),
              errno == EADDRINUSE ? " (another process uses it; choose another MASTER_PORT)" : "");
  EMBER_CHECK(::listen(fd, 1024) == 0, DistributedError, "[TCPStore] listen failed: ", std::strerror(errno));
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  *bound_port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return s;
}

void send_all(const Socket& s, const void* data, size_t n, const std::string& peer) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::send(s.fd(), p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    EMBER_CHECK(w > 0, DistributedError, "[", peer, "] send failed: ", std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

bool recv_all(const Socket& s, void* data, size_t n, Deadline deadline, const std::string& peer) {
  char* p = static_cast<char*>(data);
  size_t got = 0;
  while (got < n) {
    pollfd pfd{s.fd(), POLLIN, 0};
    int rv = ::poll(&pfd, 1, remaining_ms(deadline));
    if (rv < 0 && errno == EINTR) continue;
    EMBER_CHECK(rv >= 0, DistributedError, "[", peer, "] poll failed: ", std::strerror(errno));
    if (rv == 0) EMBER_FAIL(TimeoutError, "[", peer, "] no reply by the deadline");
    ssize_t r = ::recv(s.fd(), p + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    // A reset is the peer gone too: a process that exits (or is killed) with unread data in its
    // socket sends RST instead of FIN, so it must read as the same end of the connection.
    if (r == 0 || (r < 0 && (errno == ECONNRESET || errno == EPIPE))) {
      if (got == 0) return false;
      EMBER_FAIL(DistributedError, "[", peer, "] the connection closed in the middle of a message");
    }
    EMBER_CHECK(r > 0, DistributedError, "[", peer, "] receive failed: ", std::strerror(errno));
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace distributed
}  // namespace ember
