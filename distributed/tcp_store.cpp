// TCPStore client and StoreLifeline (see tcp_store.h).
#include "distributed/tcp_store.h"

#include <cstring>

#include "core/error.h"
#include "distributed/tcp_store_server.h"

namespace ember {
namespace distributed {

namespace {

using Clock = std::chrono::steady_clock;
using wire::ReplyStatus;
using wire::StoreOp;

constexpr Milliseconds kReplyMargin{5000};  // beyond a request's own deadline

Bytes ms_text(Milliseconds ms) { return wire::text(std::to_string(ms.count())); }

// Reads one reply frame. Returns false on end of file before it.
bool read_reply(const Socket& s, Deadline deadline, const std::string& peer, uint8_t* status,
                std::vector<Bytes>* items) {
  uint32_t len = 0;
  if (!recv_all(s, &len, 4, deadline, peer)) return false;
  EMBER_CHECK(len <= wire::kMaxFrame, DistributedError, "[", peer, "] malformed reply (", len, " bytes)");
  std::vector<uint8_t> body(len);
  if (len > 0 && !recv_all(s, body.data(), len, deadline, peer))
    EMBER_FAIL(DistributedError, "[", peer, "] the connection closed in the middle of a reply");
  EMBER_CHECK(wire::decode(body.data(), len, status, items), DistributedError, "[", peer, "] malformed reply");
  return true;
}

std::string closed_message(const std::string& address) {
  return "the store at " + address +
         " closed the connection (the process hosting it, rank 0 or the launcher, has exited or was killed)";
}

}  // namespace

TCPStore::TCPStore(std::string host, int port, bool is_server, Milliseconds timeout)
    : Store(timeout), host_(std::move(host)), port_(port) {
  EMBER_CHECK(!host_.empty(), ValueError, "[TCPStore] the host is empty (set MASTER_ADDR)");
  if (is_server) {
    server_ = std::make_unique<TCPStoreServer>(port);
    port_ = server_->port();
  }
  EMBER_CHECK(port_ > 0 && port_ < 65536, ValueError, "[TCPStore] invalid port ", port_, " (set MASTER_PORT)");
  // Connect now, so that an unreachable store is reported where the job starts.
  idle_.push_back(connect_with_retry(host_, port_, Clock::now() + this->timeout(), "TCPStore"));
}

Socket TCPStore::take_connection() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      Socket s = std::move(idle_.back());
      idle_.pop_back();
      return s;
    }
  }
  return connect_with_retry(host_, port_, Clock::now() + timeout(), "TCPStore");
}

void TCPStore::give_back(Socket socket) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(socket));
}

TCPStore::~TCPStore() = default;

std::vector<Bytes> TCPStore::request(StoreOp op, const std::vector<Bytes>& args, Milliseconds wait_limit,
                                     const std::vector<std::string>& waited_keys) {
  const std::string peer = describe();
  Socket socket = take_connection();
  auto frame = wire::encode(static_cast<uint8_t>(op), args);
  uint8_t status = 0;
  std::vector<Bytes> items;
  // On any failure the connection is dropped (the stream may be mid-message).
  send_all(socket, frame.data(), frame.size(), peer);
  Deadline deadline = Clock::now() + (wait_limit.count() >= 0 ? wait_limit : timeout()) + kReplyMargin;
  if (!read_reply(socket, deadline, peer, &status, &items))
    EMBER_FAIL(DistributedError, "[", peer, "] ", closed_message(address()));
  give_back(std::move(socket));
  if (status == static_cast<uint8_t>(ReplyStatus::kTimeout)) fail_timeout(waited_keys, wait_limit);
  if (status == static_cast<uint8_t>(ReplyStatus::kError))
    EMBER_FAIL(ValueError, items.empty() ? std::string("[" + peer + "] the store refused the request")
                                         : to_string(items[0]));
  return items;
}

void TCPStore::set(const std::string& key, const Bytes& value) {
  request(StoreOp::kSet, {wire::text(key), value}, kUseStoreTimeout, {});
}

Bytes TCPStore::get(const std::string& key, Milliseconds timeout) {
  Milliseconds limit = resolve(timeout);
  auto items = request(StoreOp::kGet, {wire::text(key), ms_text(limit)}, limit, {key});
  EMBER_CHECK(items.size() == 1, DistributedError, "[", describe(), "] malformed reply to get");
  return items[0];
}

int64_t TCPStore::add(const std::string& key, int64_t delta) {
  auto items = request(StoreOp::kAdd, {wire::text(key), wire::text(std::to_string(delta))}, kUseStoreTimeout, {});
  EMBER_CHECK(items.size() == 1, DistributedError, "[", describe(), "] malformed reply to add");
  return std::strtoll(to_string(items[0]).c_str(), nullptr, 10);
}

Bytes TCPStore::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  auto items = request(StoreOp::kCompareSet, {wire::text(key), expected, desired}, kUseStoreTimeout, {});
  EMBER_CHECK(items.size() == 1, DistributedError, "[", describe(), "] malformed reply to compare_set");
  return items[0];
}

bool TCPStore::delete_key(const std::string& key) {
  auto items = request(StoreOp::kDelete, {wire::text(key)}, kUseStoreTimeout, {});
  return !items.empty() && to_string(items[0]) == "1";
}

bool TCPStore::check(const std::vector<std::string>& keys) {
  std::vector<Bytes> args;
  for (const auto& k : keys) args.push_back(wire::text(k));
  auto items = request(StoreOp::kCheck, args, kUseStoreTimeout, {});
  return !items.empty() && to_string(items[0]) == "1";
}

void TCPStore::wait(const std::vector<std::string>& keys, Milliseconds timeout) {
  Milliseconds limit = resolve(timeout);
  std::vector<Bytes> args{ms_text(limit)};
  for (const auto& k : keys) args.push_back(wire::text(k));
  request(StoreOp::kWait, args, limit, keys);
}

int64_t TCPStore::num_keys() {
  auto items = request(StoreOp::kNumKeys, {}, kUseStoreTimeout, {});
  return items.empty() ? 0 : std::strtoll(to_string(items[0]).c_str(), nullptr, 10);
}

// ---- StoreLifeline ---------------------------------------------------------------------------

StoreLifeline::StoreLifeline(const std::string& host, int port, int rank, Milliseconds connect_timeout,
                             DeathCallback on_death)
    : address_(format_address(host, port)), on_death_(std::move(on_death)) {
  socket_ = connect_with_retry(host, port, Clock::now() + connect_timeout, "TCPStore lifeline");
  send_frame(StoreOp::kHello, {wire::text(std::to_string(rank))});
  uint8_t status = 0;
  std::vector<Bytes> items;
  EMBER_CHECK(read_reply(socket_, Clock::now() + connect_timeout, address_, &status, &items), DistributedError,
              "[TCPStore lifeline] ", closed_message(address_));
  thread_ = std::thread([this] { watch(); });
}

StoreLifeline::~StoreLifeline() { close(); }

void StoreLifeline::send_frame(StoreOp op, const std::vector<Bytes>& args) {
  auto frame = wire::encode(static_cast<uint8_t>(op), args);
  std::lock_guard<std::mutex> lock(write_mutex_);
  send_all(socket_, frame.data(), frame.size(), address_);
}

void StoreLifeline::watch() {
  const Deadline never = Clock::now() + std::chrono::hours(24 * 365);
  int rank = -1;
  std::string reason;
  bool died = false;
  try {
    uint8_t status = 0;
    std::vector<Bytes> items;
    send_frame(StoreOp::kWait, {wire::text("-1"), wire::text(kDeadKey)});
    if (read_reply(socket_, never, address_, &status, &items) && !closing_) {
      send_frame(StoreOp::kGet, {wire::text(kDeadKey), wire::text("5000")});
      if (read_reply(socket_, never, address_, &status, &items) && !items.empty()) {
        std::string text = to_string(items[0]);
        size_t nl = text.find('\n');
        rank = std::atoi(text.substr(0, nl).c_str());
        reason = nl == std::string::npos ? text : text.substr(nl + 1);
        died = true;
      }
    }
    if (!died && !closing_) {
      reason = closed_message(address_);
      died = true;
    }
  } catch (const std::exception& e) {
    if (!closing_) {
      reason = std::string("lost the connection to the store at ") + address_ + ": " + e.what();
      died = true;
    }
  }
  if (died && !closing_ && on_death_) on_death_(rank, reason);
  {
    std::lock_guard<std::mutex> lock(exit_mutex_);
    exited_ = true;
  }
  exited_cv_.notify_all();
}

void StoreLifeline::close() {
  if (closing_.exchange(true)) return;
  try {
    send_frame(StoreOp::kBye, {});
  } catch (...) {
    // The store is gone; there is nobody to say goodbye to.
  }
  {
    std::unique_lock<std::mutex> lock(exit_mutex_);
    if (!exited_cv_.wait_for(lock, std::chrono::seconds(2), [&] { return exited_; })) socket_.shutdown_both();
  }
  if (thread_.joinable()) thread_.join();
  socket_.close();
}

}  // namespace distributed
}  // namespace ember
