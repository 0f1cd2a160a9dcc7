// The TCPStore server (see tcp_store_server.h): a poll() loop over the listener, a wake pipe
// and the clients; requests are decoded from per-client input buffers and answered into
// per-client output buffers, flushed when the socket is writable.
#include "distributed/tcp_store_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <map>

#include "core/error.h"
#include "distributed/key_value_map.h"
#include "distributed/tcp_store_protocol.h"

namespace ember {
namespace distributed {

namespace {

using Clock = std::chrono::steady_clock;
using wire::ReplyStatus;
using wire::StoreOp;

struct Client {
  Socket socket;
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  size_t out_pos = 0;
  int lifeline_rank = -1;  // >= 0: this connection is that rank's lifeline
  bool said_bye = false;
  bool closing = false;  // close once the output is flushed
};

struct Parked {
  int client;
  StoreOp op;  // kGet or kWait
  std::vector<std::string> keys;
  Clock::time_point deadline;  // max(): never
};

int64_t parse_int(const Bytes& b) { return std::strtoll(to_string(b).c_str(), nullptr, 10); }

}  // namespace

struct TCPStoreServer::State {
  std::map<int, Client> clients;  // by id
  int next_id = 0;
  std::list<Parked> parked;
  KeyValueMap map;
  bool stop = false;
};

TCPStoreServer::TCPStoreServer(int port) : state_(std::make_unique<State>()) {
  listener_ = listen_on(port, &port_);
  EMBER_CHECK(::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) == 0, DistributedError, "[TCPStore] pipe failed: ",
              std::strerror(errno));
  ::fcntl(listener_.fd(), F_SETFL, ::fcntl(listener_.fd(), F_GETFL) | O_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

TCPStoreServer::~TCPStoreServer() {
  char c = 's';
  (void)!::write(wake_pipe_[1], &c, 1);
  if (thread_.joinable()) thread_.join();
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

bool TCPStoreServer::wait_for_lifelines(Milliseconds timeout) {
  std::unique_lock<std::mutex> lock(lifeline_mutex_);
  return lifeline_changed_.wait_for(lock, timeout, [&] { return open_lifelines_ == 0; });
}

int TCPStoreServer::open_lifelines() const {
  std::lock_guard<std::mutex> lock(lifeline_mutex_);
  return open_lifelines_;
}

void TCPStoreServer::run() {
  State& st = *state_;

  auto reply = [&](int id, ReplyStatus status, const std::vector<Bytes>& items) {
    auto it = st.clients.find(id);
    if (it == st.clients.end()) return;
    auto frame = wire::encode(static_cast<uint8_t>(status), items);
    it->second.out.insert(it->second.out.end(), frame.begin(), frame.end());
  };
  auto error = [&](int id, const std::string& message) { reply(id, ReplyStatus::kError, {wire::text(message)}); };

  // Answers parked requests whose keys all exist now.
  auto wake_parked = [&] {
    for (auto it = st.parked.begin(); it != st.parked.end();) {
      if (!st.map.contains_all(it->keys)) {
        ++it;
        continue;
      }
      if (it->op == StoreOp::kGet) reply(it->client, ReplyStatus::kOk, {*st.map.find(it->keys[0])});
      else reply(it->client, ReplyStatus::kOk, {});
      it = st.parked.erase(it);
    }
  };

  auto park = [&](int id, StoreOp op, std::vector<std::string> keys, int64_t timeout_ms) {
    Parked p{id, op, std::move(keys), timeout_ms < 0 ? Clock::time_point::max()
                                                     : Clock::now() + std::chrono::milliseconds(timeout_ms)};
    st.parked.push_back(std::move(p));
    wake_parked();
  };

  auto lifeline_lost = [&](Client& c) {
    if (c.lifeline_rank < 0) return;
    {
      std::lock_guard<std::mutex> lock(lifeline_mutex_);
      --open_lifelines_;
    }
    lifeline_changed_.notify_all();
    if (c.said_bye) return;
    const std::string reason = "rank " + std::to_string(c.lifeline_rank) +
                               " is gone: its connection to the store closed without a goodbye (the process was "
                               "killed, crashed, or exited without destroy_process_group)";
    st.map.set(std::string(kDeadKey) + "/" + std::to_string(c.lifeline_rank), wire::text(reason));
    if (!st.map.find(kDeadKey)) st.map.set(kDeadKey, wire::text(std::to_string(c.lifeline_rank) + "\n" + reason));
    wake_parked();
  };

  auto handle = [&](int id, Client& c, uint8_t code, std::vector<Bytes>& a) {
    auto need = [&](size_t n) {
      if (a.size() >= n) return true;
      error(id, "malformed request: too few arguments");
      return false;
    };
    switch (static_cast<StoreOp>(code)) {
      case StoreOp::kSet:
        if (!need(2)) return;
        st.map.set(to_string(a[0]), std::move(a[1]));
        reply(id, ReplyStatus::kOk, {});
        wake_parked();
        return;
      case StoreOp::kGet:
        if (!need(2)) return;
        park(id, StoreOp::kGet, {to_string(a[0])}, parse_int(a[1]));
        return;
      case StoreOp::kAdd: {
        if (!need(2)) return;
        try {
          int64_t v = st.map.add(to_string(a[0]), parse_int(a[1]));
          reply(id, ReplyStatus::kOk, {wire::text(std::to_string(v))});
          wake_parked();
        } catch (const Error& e) {
          error(id, e.what());
        }
        return;
      }
      case StoreOp::kCompareSet:
        if (!need(3)) return;
        reply(id, ReplyStatus::kOk, {st.map.compare_set(to_string(a[0]), a[1], a[2])});
        wake_parked();
        return;
      case StoreOp::kDelete:
        if (!need(1)) return;
        reply(id, ReplyStatus::kOk, {wire::text(st.map.erase(to_string(a[0])) ? "1" : "0")});
        return;
      case StoreOp::kCheck: {
        std::vector<std::string> keys;
        for (auto& k : a) keys.push_back(to_string(k));
        reply(id, ReplyStatus::kOk, {wire::text(st.map.contains_all(keys) ? "1" : "0")});
        return;
      }
      case StoreOp::kWait: {
        if (!need(1)) return;
        std::vector<std::string> keys;
        for (size_t i = 1; i < a.size(); ++i) keys.push_back(to_string(a[i]));
        park(id, StoreOp::kWait, std::move(keys), parse_int(a[0]));
        return;
      }
      case StoreOp::kNumKeys:
        reply(id, ReplyStatus::kOk, {wire::text(std::to_string(st.map.size()))});
        return;
      case StoreOp::kHello:
        if (!need(1)) return;
        if (c.lifeline_rank < 0) {
          std::lock_guard<std::mutex> lock(lifeline_mutex_);
          ++open_lifelines_;
        }
        c.lifeline_rank = static_cast<int>(parse_int(a[0]));
        reply(id, ReplyStatus::kOk, {});
        return;
      case StoreOp::kBye:
        c.said_bye = true;
        st.parked.remove_if([&](const Parked& p) { return p.client == id; });
        reply(id, ReplyStatus::kOk, {});
        c.closing = true;
        return;
    }
    error(id, "unknown request code " + std::to_string(code));
  };

  auto close_client = [&](int id) {
    auto it = st.clients.find(id);
    if (it == st.clients.end()) return;
    st.parked.remove_if([&](const Parked& p) { return p.client == id; });
    lifeline_lost(it->second);
    st.clients.erase(it);
  };

  auto read_client = [&](int id, Client& c) -> bool {
    uint8_t buf[65536];
    for (;;) {
      ssize_t r = ::recv(c.socket.fd(), buf, sizeof buf, MSG_DONTWAIT);
      if (r > 0) {
        c.in.insert(c.in.end(), buf, buf + r);
        if (static_cast<size_t>(r) < sizeof buf) break;
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      return false;  // end of file or error
    }
    size_t pos = 0;
    while (c.in.size() - pos >= 4) {
      uint32_t len;
      std::memcpy(&len, c.in.data() + pos, 4);
      if (len > wire::kMaxFrame) return false;
      if (c.in.size() - pos - 4 < len) break;
      uint8_t code;
      std::vector<Bytes> items;
      if (!wire::decode(c.in.data() + pos + 4, len, &code, &items)) return false;
      pos += 4 + len;
      handle(id, c, code, items);
    }
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<long>(pos));
    return true;
  };

  auto flush_client = [&](Client& c) -> bool {
    while (c.out_pos < c.out.size()) {
      ssize_t w = ::send(c.socket.fd(), c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (w <= 0) return false;
      c.out_pos += static_cast<size_t>(w);
    }
    c.out.clear();
    c.out_pos = 0;
    return true;
  };

  std::vector<pollfd> fds;
  std::vector<int> ids;
  for (;;) {
    fds.clear();
    ids.clear();
    fds.push_back({wake_pipe_[0], POLLIN, 0});
    fds.push_back({listener_.fd(), POLLIN, 0});
    for (auto& [id, c] : st.clients) {
      fds.push_back({c.socket.fd(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
      ids.push_back(id);
    }
    int timeout = -1;
    auto now = Clock::now();
    for (const auto& p : st.parked) {
      if (p.deadline == Clock::time_point::max()) continue;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(p.deadline - now).count() + 1;
      ms = std::max<int64_t>(ms, 0);
      if (timeout < 0 || ms < timeout) timeout = static_cast<int>(std::min<int64_t>(ms, 1 << 30));
    }
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) break;  // stop requested
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) break;
        Client c;
        c.socket = Socket(fd);
        st.clients.emplace(st.next_id++, std::move(c));
      }
    }
    for (size_t i = 2; i < fds.size(); ++i) {
      int id = ids[i - 2];
      auto it = st.clients.find(id);
      if (it == st.clients.end()) continue;
      Client& c = it->second;
      bool ok = true;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ok = read_client(id, c);
      if (!ok) {
        close_client(id);
        continue;
      }
    }
    // Expire parked requests.
    now = Clock::now();
    for (auto it = st.parked.begin(); it != st.parked.end();) {
      if (it->deadline <= now) {
        reply(it->client, ReplyStatus::kTimeout, {});
        it = st.parked.erase(it);
      } else {
        ++it;
      }
    }
    // Flush replies (including ones produced for other clients above).
    std::vector<int> dead;
    for (auto& [id, c] : st.clients) {
      if (!flush_client(c)) dead.push_back(id);
      else if (c.closing && c.out.empty()) dead.push_back(id);
    }
    for (int id : dead) close_client(id);
  }
  // Shutting down: lifelines that are still open are not deaths.
  for (auto& [id, c] : st.clients) c.said_bye = true;
  while (!st.clients.empty()) close_client(st.clients.begin()->first);
}

}  // namespace distributed
}  // namespace ember
