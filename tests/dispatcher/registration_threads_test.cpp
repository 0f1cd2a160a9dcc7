// Registration while other threads call operators: several threads call a custom op, a builtin
// op and ops defined during the run in a loop, while another thread defines new operators,
// registers kernels for them and re-registers the hot op's kernel. No crash, no torn table
// entry, and every result is correct (the dispatcher's tables are read without locks).
#include <atomic>
#include <thread>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

TEST(RegistrationThreads, CallsStayCorrectWhileOpsAndKernelsAreRegistered) {
  Device("cpu");  // start the runtime before the threads do
  Library lib("threadtest");
  lib.def("hot(Tensor x, int k) -> Tensor");
  lib.impl("hot", "cpu", [](const Tensor& x, int64_t k) { return x + k; });
  auto hot = ember::op<Tensor(const Tensor&, int64_t)>("threadtest::hot");

  constexpr int kCallers = 4;
  constexpr int kNewOps = 300;
  std::atomic<bool> stop{false};
  std::atomic<int> defined{0};
  std::atomic<int64_t> calls{0};
  std::atomic<int> failures{0};

  std::atomic<int64_t> calls_while_registering{0};
  std::thread registrar([&] {
    while (calls.load() < kCallers) std::this_thread::yield();  // every caller is running
    int64_t start = calls.load();
    for (int i = 0; i < kNewOps; ++i) {
      std::string name = "op" + std::to_string(i);
      Library l("threadtest");
      l.def(name + "(Tensor x) -> Tensor");
      l.impl(name, "cpu", [i](const Tensor& x) { return x * static_cast<double>(i); });
      // Re-register the hot kernel (same provider; newest wins): an equivalent implementation.
      if (i % 10 == 0)
        l.impl("hot", "cpu", [](const Tensor& x, int64_t k) { return ember::add(x, make({double(k)}, {}, kFloat32)); });
      defined.store(i + 1, std::memory_order_release);
      if (i % 30 == 29) {  // let the callers make progress between batches: the phases overlap
        int64_t target = calls.load() + kCallers;
        while (calls.load() < target) std::this_thread::yield();
      }
    }
    calls_while_registering.store(calls.load() - start);
  });

  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      Tensor x = make1d({1, 2, 3});
      int iter = 0;
      while (!stop.load(std::memory_order_acquire) || iter < 200) {
        ++iter;
        int64_t k = (t + iter) % 5;
        std::vector<double> got = values(hot.call(x, k));
        if (got != std::vector<double>{1.0 + k, 2.0 + k, 3.0 + k}) failures.fetch_add(1);
        std::vector<double> sum = values(x + x);
        if (sum != std::vector<double>{2, 4, 6}) failures.fetch_add(1);
        int n = defined.load(std::memory_order_acquire);
        if (n > 0) {
          int i = (iter * 7 + t) % n;
          auto op = ember::op<Tensor(const Tensor&)>("threadtest::op" + std::to_string(i));
          std::vector<double> r = values(op.call(x));
          if (r != std::vector<double>{1.0 * i, 2.0 * i, 3.0 * i}) failures.fetch_add(1);
        }
        // Boxed calls too.
        Stack s = ember::call_boxed("threadtest::hot", {x, k});
        if (values(s[0].to_tensor()) != std::vector<double>{1.0 + k, 2.0 + k, 3.0 + k}) failures.fetch_add(1);
        calls.fetch_add(1);
      }
    });
  }
  registrar.join();
  stop.store(true, std::memory_order_release);
  for (auto& c : callers) c.join();

  RecordProperty("calls_while_registering", std::to_string(calls_while_registering.load()));
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(calls_while_registering.load(), kCallers * (kNewOps / 30));
  EXPECT_GE(calls.load(), kCallers * 200);
  EXPECT_EQ(defined.load(), kNewOps);
  for (int i = 0; i < kNewOps; i += 37) {
    auto op = ember::op<Tensor(const Tensor&)>("threadtest::op" + std::to_string(i));
    EXPECT_TRUE(all_close(op.call(make1d({2})), {2.0 * i}));
  }
}

TEST(RegistrationThreads, ConcurrentDefinitionsOfTheSameOpAgree) {
  // Many threads define the same schema at once: one operator results, the rest are no-ops; a
  // conflicting schema fails in exactly the threads that try it.
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        try {
          if (t == 7)
            Dispatcher::singleton().define("threadtest_def::same(Tensor x, float y) -> Tensor");
          else
            Dispatcher::singleton().define("threadtest_def::same(Tensor x, int y) -> Tensor");
        } catch (const ValueError&) {
          conflicts.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto all = Dispatcher::singleton().all_operators();
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const OperatorHandle& h) { return h.name() == "threadtest_def::same"; }), 1);
  std::string schema = Dispatcher::singleton().find_or_throw("threadtest_def::same").schema().str(true);
  // Whichever schema won, every define of the other one failed.
  EXPECT_EQ(conflicts.load(), schema.find("float y") != std::string::npos ? 7 * 50 : 50);
}

}  // namespace
}  // namespace ember_test
