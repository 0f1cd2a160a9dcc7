// The rendezvous stores: c10d's semantics on every implementation (HashStore, PrefixStore,
// FileStore, TCPStore), timeouts that name the keys, an unreachable TCPStore naming its address,
// FileStore under concurrent processes, and the C table comm plugins receive.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>
#include <memory>
#include <thread>
#include <condition_variable>
#include <csignal>
#include <mutex>

#include "core/error.h"
#include "distributed/file_store.h"
#include "distributed/hash_store.h"
#include "distributed/prefix_store.h"
#include "distributed/store_adapter.h"
#include "distributed/tcp_store.h"
#include "distributed/tcp_store_server.h"
#include "ops/backend/status.h"

namespace ed = ember::distributed;
using ed::Milliseconds;

namespace {

// Temporary directories of this test process, removed when it exits (by the process that made
// them: a forked child exiting must not delete its parent's files), so runs leave nothing in /tmp.
struct TempDirs {
  pid_t owner = ::getpid();
  std::vector<std::string> dirs;
  ~TempDirs() {
    if (::getpid() != owner) return;
    std::error_code ignored;
    for (const std::string& d : dirs) std::filesystem::remove_all(d, ignored);
  }
};
TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}

std::string temp_path(const std::string& name) {
  char dir[] = "/tmp/ember_store_test_XXXXXX";
  EXPECT_NE(::mkdtemp(dir), nullptr);
  temp_dirs().dirs.push_back(dir);
  return std::string(dir) + "/" + name;
}

enum class Kind { Hash, Prefix, File, Tcp };

std::string kind_name(Kind k) {
  switch (k) {
    case Kind::Hash: return "Hash";
    case Kind::Prefix: return "Prefix";
    case Kind::File: return "File";
    case Kind::Tcp: return "Tcp";
  }
  return "?";
}

std::shared_ptr<ed::Store> make_store(Kind k, Milliseconds timeout = Milliseconds(2000)) {
  switch (k) {
    case Kind::Hash: return std::make_shared<ed::HashStore>(timeout);
    case Kind::Prefix: return std::make_shared<ed::PrefixStore>("group1", std::make_shared<ed::HashStore>(timeout));
    case Kind::File: return std::make_shared<ed::FileStore>(temp_path("store"), -1, timeout);
    case Kind::Tcp: return std::make_shared<ed::TCPStore>("127.0.0.1", 0, true, timeout);
  }
  return nullptr;
}

class StoreSemantics : public ::testing::TestWithParam<Kind> {};

TEST_P(StoreSemantics, SetGetAddCompareSetDeleteCheck) {
  auto store = make_store(GetParam());
  store->set("a", "hello");
  EXPECT_EQ(store->get_string("a"), "hello");
  store->set("a", std::string("bin\0ary", 7));
  EXPECT_EQ(store->get_string("a"), std::string("bin\0ary", 7));

  EXPECT_EQ(store->add("counter", 5), 5);
  EXPECT_EQ(store->add("counter", -2), 3);
  EXPECT_EQ(store->get_string("counter"), "3");
  store->set("text", "abc");
  EXPECT_THROW(store->add("text", 1), ember::ValueError);

  // compare_set: absent + empty expected sets; absent + non-empty expected returns expected.
  EXPECT_EQ(ed::to_string(store->compare_set("cas", {}, ed::to_bytes("v1"))), "v1");
  EXPECT_EQ(ed::to_string(store->compare_set("cas", ed::to_bytes("wrong"), ed::to_bytes("v2"))), "v1");
  EXPECT_EQ(ed::to_string(store->compare_set("cas", ed::to_bytes("v1"), ed::to_bytes("v2"))), "v2");
  EXPECT_EQ(ed::to_string(store->compare_set("missing", ed::to_bytes("x"), ed::to_bytes("y"))), "x");
  EXPECT_FALSE(store->check({"missing"}));

  EXPECT_TRUE(store->check({"a", "counter"}));
  EXPECT_FALSE(store->check({"a", "nope"}));
  EXPECT_TRUE(store->delete_key("a"));
  EXPECT_FALSE(store->delete_key("a"));
  EXPECT_FALSE(store->check({"a"}));
}

TEST_P(StoreSemantics, GetWaitsForAnotherThreadsSet) {
  auto store = make_store(GetParam());
  auto start = std::chrono::steady_clock::now();  // before the writer starts its 100 ms sleep
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    store->set("late", "here");
  });
  EXPECT_EQ(store->get_string("late"), "here");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
  writer.join();
  store->wait({"late"});
}

TEST_P(StoreSemantics, TimeoutsNameTheKeysAndTheStore) {
  auto store = make_store(GetParam(), Milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  try {
    store->get("never");
    FAIL() << "expected a TimeoutError";
  } catch (const ember::TimeoutError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("never'"), std::string::npos) << m;
    EXPECT_NE(m.find("300 ms"), std::string::npos) << m;
    EXPECT_NE(m.find(store->describe().substr(0, 5)), std::string::npos) << m;
  }
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(290));
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  store->set("one", "1");
  try {
    store->wait({"one", "two"}, Milliseconds(100));
    FAIL() << "expected a TimeoutError";
  } catch (const ember::TimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("two'"), std::string::npos) << e.what();
  }
}

TEST_P(StoreSemantics, NumKeysCountsWhatIsStored) {
  auto store = make_store(GetParam());
  int64_t before = store->num_keys();
  store->set("k1", "v");
  store->set("k2", "v");
  store->add("k3", 1);
  EXPECT_EQ(store->num_keys(), before + 3);
  store->delete_key("k2");
  EXPECT_EQ(store->num_keys(), before + 2);
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreSemantics,
                         ::testing::Values(Kind::Hash, Kind::Prefix, Kind::File, Kind::Tcp),
                         [](const auto& info) { return kind_name(info.param); });

TEST(PrefixStore, KeysLiveUnderThePrefix) {
  auto base = std::make_shared<ed::HashStore>();
  ed::PrefixStore a("a", base), b("b", base);
  a.set("k", "from a");
  b.set("k", "from b");
  EXPECT_EQ(a.get_string("k"), "from a");
  EXPECT_EQ(b.get_string("k"), "from b");
  EXPECT_EQ(base->get_string("a/k"), "from a");
  EXPECT_THROW(ed::PrefixStore("x", nullptr), ember::ValueError);
}

TEST(TCPStore, ClientsShareTheServersData) {
  ed::TCPStore server("127.0.0.1", 0, true, Milliseconds(2000));
  ed::TCPStore client("localhost", server.port(), false, Milliseconds(2000));
  server.set("x", "1");
  EXPECT_EQ(client.get_string("x"), "1");
  EXPECT_EQ(client.add("n", 2), 2);
  EXPECT_EQ(server.add("n", 3), 5);
  EXPECT_NE(client.describe().find(std::to_string(server.port())), std::string::npos);
}

TEST(TCPStore, ManyClientsAddConcurrently) {
  ed::TCPStore server("127.0.0.1", 0, true, Milliseconds(5000));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      ed::TCPStore c("127.0.0.1", server.port(), false, Milliseconds(5000));
      for (int i = 0; i < 50; ++i) c.add("count", 1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(server.get_string("count"), "400");
}

TEST(TCPStore, UnreachableStoreNamesTheAddress) {
  int port;
  {
    ed::Socket s = ed::listen_on(0, &port);  // find a free port, then close it: nobody listens
  }
  auto start = std::chrono::steady_clock::now();
  try {
    ed::TCPStore client("127.0.0.1", port, false, Milliseconds(400));
    FAIL() << "expected a DistributedError";
  } catch (const ember::DistributedError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << m;
    EXPECT_NE(m.find("Connection refused"), std::string::npos) << m;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3000));
  EXPECT_THROW(ed::TCPStore("no-such-host.invalid", 1234, false, Milliseconds(200)), ember::DistributedError);
}

TEST(TCPStore, ServerGoneIsAnErrorNamingTheStore) {
  auto server = std::make_unique<ed::TCPStore>("127.0.0.1", 0, true, Milliseconds(2000));
  ed::TCPStore client("127.0.0.1", server->port(), false, Milliseconds(300));
  client.set("a", "1");
  server.reset();
  try {
    client.get("a");
    FAIL() << "expected an error";
  } catch (const ember::DistributedError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();
  }
}

// A lifeline that closes without goodbye (the process died) is reported to every watcher.
TEST(StoreLifeline, ADeadProcessIsNamedAndAGoodbyeIsNot) {
  ed::TCPStore server("127.0.0.1", 0, true, Milliseconds(3000));
  std::mutex m;
  std::condition_variable cv;
  int dead_rank = -2;
  std::string reason;
  ed::StoreLifeline watcher("127.0.0.1", server.port(), 0, Milliseconds(2000), [&](int r, const std::string& why) {
    std::lock_guard<std::mutex> lock(m);
    dead_rank = r;
    reason = why;
    cv.notify_all();
  });
  {
    ed::StoreLifeline polite("127.0.0.1", server.port(), 2, Milliseconds(2000), nullptr);
    polite.close();
  }
  EXPECT_TRUE(server.server()->wait_for_lifelines(Milliseconds(2000)) == false);  // the watcher's is open
  EXPECT_EQ(server.server()->open_lifelines(), 1);
  pid_t child = ::fork();
  if (child == 0) {
    ed::StoreLifeline doomed("127.0.0.1", server.port(), 1, Milliseconds(2000), nullptr);
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  std::unique_lock<std::mutex> lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return dead_rank != -2; }));
  EXPECT_EQ(dead_rank, 1);
  EXPECT_NE(reason.find("rank 1"), std::string::npos) << reason;
  EXPECT_EQ(server.get_string("__ember/dead/1").find("rank 1"), 0u);
  EXPECT_FALSE(server.check({"__ember/dead/2"}));  // the goodbye was not a death
}

TEST(StoreLifeline, TheStoreGoingAwayIsReported) {
  auto server = std::make_unique<ed::TCPStore>("127.0.0.1", 0, true, Milliseconds(3000));
  std::mutex m;
  std::condition_variable cv;
  int dead_rank = -2;
  std::string reason;
  ed::StoreLifeline watcher("127.0.0.1", server->port(), 1, Milliseconds(2000), [&](int r, const std::string& why) {
    std::lock_guard<std::mutex> lock(m);
    dead_rank = r;
    reason = why;
    cv.notify_all();
  });
  server.reset();
  std::unique_lock<std::mutex> lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return dead_rank != -2; }));
  EXPECT_EQ(dead_rank, -1);
  EXPECT_NE(reason.find("closed the connection"), std::string::npos) << reason;
}

TEST(FileStore, ConcurrentProcessesAddExactly) {
  std::string path = temp_path("shared");
  constexpr int kProcs = 4, kAdds = 50;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      try {
        ed::FileStore s(path, -1, Milliseconds(5000));
        for (int i = 0; i < kAdds; ++i) s.add("count", 1);
        ::_exit(0);
      } catch (...) {
        ::_exit(1);
      }
    }
    children.push_back(pid);
  }
  for (pid_t c : children) {
    int status = 0;
    ::waitpid(c, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ed::FileStore s(path);
  EXPECT_EQ(s.get_string("count"), std::to_string(kProcs * kAdds));
}

TEST(FileStore, TheLastOfNumWorkersDeletesTheFile) {
  std::string path = temp_path("cleanup");
  {
    ed::FileStore a(path, 2), b(path, 2);
    a.set("k", "v");
    EXPECT_EQ(b.get_string("k"), "v");
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the file should be gone";
  EXPECT_THROW(ed::FileStore("/nonexistent_dir/x/store"), ember::DistributedError);
}

TEST(StoreAdapter, TheCTableRoundTripsAndReportsTimeouts) {
  auto store = std::make_shared<ed::HashStore>(Milliseconds(200));
  ed::StoreAdapter adapter(store);
  const ember_store* t = adapter.table();
  ASSERT_EQ(t->struct_size, sizeof(ember_store));
  const uint8_t v[] = {1, 2, 3};
  EXPECT_EQ(t->set(t->ctx, "k", v, 3), nullptr);
  uint8_t* out = nullptr;
  size_t len = 0;
  EXPECT_EQ(t->get(t->ctx, "k", -1, &out, &len), nullptr);
  ASSERT_EQ(len, 3u);
  EXPECT_EQ(out[2], 3);
  t->free_value(t->ctx, out);
  int64_t n = 0;
  EXPECT_EQ(t->add(t->ctx, "n", 4, &n), nullptr);
  EXPECT_EQ(n, 4);
  const char* keys[] = {"k", "n"};
  int32_t all = 0;
  EXPECT_EQ(t->check(t->ctx, keys, 2, &all), nullptr);
  EXPECT_EQ(all, 1);
  ember_status* s = t->get(t->ctx, "absent", 50, &out, &len);
  ASSERT_NE(s, nullptr);
  EXPECT_THROW(ember::throw_if_error(s, "get"), ember::TimeoutError);
  int32_t deleted = 0;
  EXPECT_EQ(t->delete_key(t->ctx, "k", &deleted), nullptr);
  EXPECT_EQ(deleted, 1);
}

}  // namespace
