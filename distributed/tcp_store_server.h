// The TCPStore server: one thread multiplexing every client connection with poll(), as c10d's
// TCPStore daemon. Blocking requests (get, wait) are parked per connection and answered when
// their keys appear or their deadline passes; the thread sleeps in poll() in between.
//
// Lifelines: a client may declare its connection the lifeline of rank r (HELLO). If that
// connection closes without an orderly BYE, the rank's process is gone (killed, crashed, or it
// exited without shutting down): the server records "__ember/dead/<r>" and, for the first such
// rank, "__ember/dead" = "<r>\n<reason>", which every rank's liveness watcher waits on. This is how
// the survivors of a SIGKILL learn which rank died without waiting for their own timeouts.
//
// Ownership: owns the listening socket, the connections and the thread; the destructor stops
// the thread and closes everything. Thread-safety: the public methods may be called from any
// thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "distributed/socket.h"
#include "distributed/store.h"

namespace ember {
namespace distributed {

constexpr const char* kDeadKey = "__ember/dead";  // set once, when the first lifeline breaks

class EMBER_API TCPStoreServer {
 public:
  // Listens on port (0: any free port; port() tells which).
  explicit TCPStoreServer(int port);
  ~TCPStoreServer();
  TCPStoreServer(const TCPStoreServer&) = delete;
  TCPStoreServer& operator=(const TCPStoreServer&) = delete;

  int port() const { return port_; }
  // Blocks until no lifeline connection is open (every rank said goodbye or is gone) or the
  // timeout passes; returns whether none is open. Rank 0 calls it before its server goes away,
  // so that ranks still finishing are not cut off.
  bool wait_for_lifelines(Milliseconds timeout);
  int open_lifelines() const;

 private:
  struct State;
  void run();

  int port_ = 0;
  Socket listener_;
  int wake_pipe_[2] = {-1, -1};
  std::unique_ptr<State> state_;
  mutable std::mutex lifeline_mutex_;
  std::condition_variable lifeline_changed_;
  int open_lifelines_ = 0;
  std::thread thread_;
};

}  // namespace distributed
}  // namespace ember
