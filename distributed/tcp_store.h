// TCPStore: a Store served over TCP by one process (c10d's TCPStore). The process that passes
// is_server = true runs the server (TCPStoreServer) in a thread of its own; every TCPStore,
// that one included, talks to it as a client over one connection.
//
//   // rank 0                                         // other ranks
//   TCPStore store("10.0.0.1", 29500, true);           TCPStore store("10.0.0.1", 29500, false);
//
// Clients retry connecting until the store's timeout (the server may start later) and then fail
// with a DistributedError naming host:port. Blocking requests carry their deadline to the
// server, which answers "timed out" by then; the client gives up on its own 5 s after that (a
// stuck or dead server), closes the connection and reconnects on the next request. A closed
// connection is a DistributedError naming the address.
//
// Thread-safety: every method may be called from many threads at once. A request takes an idle
// connection of the object's pool (opening one when none is idle), so a blocking get on one
// thread does not hold up other threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "distributed/socket.h"
#include "distributed/store.h"
#include "distributed/tcp_store_protocol.h"

namespace ember {
namespace distributed {

class TCPStoreServer;

class EMBER_API TCPStore : public Store {
 public:
  // is_server: run the server here, listening on port (0: any free port; port() tells which).
  TCPStore(std::string host, int port, bool is_server, Milliseconds timeout = kDefaultStoreTimeout);
  ~TCPStore() override;

  void set(const std::string& key, const Bytes& value) override;
  Bytes get(const std::string& key, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t add(const std::string& key, int64_t delta) override;
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) override;
  bool delete_key(const std::string& key) override;
  bool check(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t num_keys() override;
  std::string describe() const override { return "TCPStore(" + address() + ")"; }
  using Store::set;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string address() const { return format_address(host_, port_); }
  // The server this object runs, or null.
  TCPStoreServer* server() const { return server_.get(); }

 private:
  // Sends one request and returns its reply items; kTimeout becomes fail_timeout(keys, ...).
  std::vector<Bytes> request(wire::StoreOp op, const std::vector<Bytes>& args, Milliseconds wait_limit,
                             const std::vector<std::string>& waited_keys);

  std::string host_;
  int port_;
  std::unique_ptr<TCPStoreServer> server_;
  Socket take_connection();
  void give_back(Socket socket);

  std::mutex mutex_;  // idle_
  std::vector<Socket> idle_;
};

// A second connection to a TCPStore's server that stands for this process: the server learns
// from it when the process dies (see TCPStoreServer). Its thread waits for "__ember/dead" and
// calls on_death(rank, reason) once, when any rank's lifeline broke or the store itself went
// away (then rank is -1). close() says goodbye first, so a normal exit is not a death.
class EMBER_API StoreLifeline {
 public:
  using DeathCallback = std::function<void(int rank, const std::string& reason)>;
  StoreLifeline(const std::string& host, int port, int rank, Milliseconds connect_timeout, DeathCallback on_death);
  ~StoreLifeline();
  void close();

 private:
  void watch();
  void send_frame(wire::StoreOp op, const std::vector<Bytes>& args);
  std::string address_;
  Socket socket_;
  std::mutex write_mutex_;
  std::mutex exit_mutex_;
  std::condition_variable exited_cv_;
  bool exited_ = false;
  DeathCallback on_death_;
  std::atomic<bool> closing_{false};
  std::thread thread_;
};

}  // namespace distributed
}  // namespace ember
