// The interpreter: its instructions (Code::dump), operators reached through the boxed
// dispatcher (custom operators registered at run time included), last-use moves, and one
// compiled module running from many threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "dispatcher/library.h"
#include "ember/ember.h"
#include "script/api/compilation_unit.h"
#include "script/api/module.h"
#include "script/runtime/interpreter.h"

namespace ember {
namespace script {
namespace {

TEST(Interpreter, CodeIsLinearizedIntoInstructions) {
  CompilationUnit cu;
  cu.define(R"(
def f(x, n: int):
    for i in range(n):
        if i % 2 == 0:
            x = x * x
    return x
)");
  Function& f = cu.get_function("f");
  // Registers r0, r1 hold the inputs; c0.. are constants; a register is moved out at its last
  // use; the If became a conditional jump, the loop a test/next pair.
  EXPECT_EQ(f.code().dump(),
            "0: LOOP_START move r1 c0 move r0 -> r5\n"
            "1: LOOP_TEST -> r6 exit @10\n"
            "2: OP aten::remainder.int move r6 c1 -> r7\n"
            "3: OP aten::eq.int move r7 c2 -> r8\n"
            "4: JF move r8 @8\n"
            "5: OP aten::mul.Tensor r5 r5 -> r9\n"
            "6: ASSIGN move r9 -> r10\n"
            "7: JMP @9\n"
            "8: ASSIGN move r5 -> r10\n"
            "9: LOOP_NEXT c0 move r10 -> r5 @1\n"
            "10: ASSIGN move r5 -> r11\n"
            "11: RET move r11\n");
  // x is squared on iterations 0 and 2 of 4: 2 -> 4 -> 16.
  EXPECT_DOUBLE_EQ(f({ember::scalar_tensor(2.0), IValue(int64_t(4))}).to_tensor().item<double>(), 16.0);
}

TEST(Interpreter, LastUseMovesFreeTensorsEarly) {
  CompilationUnit cu;
  cu.define("def f(x):\n    y = x + 1\n    return y * 2\n");
  Function& f = cu.get_function("f");
  std::string dump = f.code().dump();
  // y is moved into the multiplication (its last use).
  EXPECT_NE(dump.find("OP aten::mul"), std::string::npos) << dump;
  EXPECT_NE(dump.find("move"), std::string::npos) << dump;
  EXPECT_DOUBLE_EQ(f({ember::scalar_tensor(1.0)}).to_tensor().item<double>(), 4.0);
}

TEST(Interpreter, CustomOperatorsRegisteredAtRunTime) {
  Library lib("script_test_ops");
  lib.def("twice_plus(Tensor x, float c=1.5) -> Tensor");
  lib.impl("twice_plus", "Composite", [](const Tensor& x, double c) { return x * 2 + c; });
  CompilationUnit cu;
  cu.define("def f(x):\n    return torch.ops.script_test_ops.twice_plus(x) + torch.ops.script_test_ops.twice_plus(x, c=0.)\n");
  // (2 + 1.5) + (2 + 0)
  EXPECT_DOUBLE_EQ(cu.get_function("f")({ember::scalar_tensor(1.0)}).to_tensor().item<double>(), 5.5);
  // An unknown operator in that namespace is a compile error naming it.
  CompilationUnit bad;
  try {
    bad.define("def g(x):\n    return torch.ops.script_test_ops.nope(x)\n");
    FAIL() << "expected a compile error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Unknown builtin op: script_test_ops::nope"), std::string::npos) << e.what();
  }
}

TEST(Interpreter, OneModuleRunsFromManyThreads) {
  Module m("Accumulate");
  m.register_parameter("w", ember::tensor({1.0, 2.0, 3.0}));
  m.define(R"(
def forward(self, x, n: int):
    acc = torch.zeros(3)
    parts: List[float] = []
    for i in range(n):
        acc = acc + x * self.w
        parts.append(float(i))
    d = {"n": len(parts)}
    return acc.sum() + d["n"]
)");
  constexpr int kThreads = 8, kCalls = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCalls; ++c) {
        int64_t n = 1 + (t + c) % 5;
        double x = static_cast<double>(t);
        double got = m.forward({ember::scalar_tensor(x), IValue(n)}).to_tensor().item<double>();
        if (got != 6.0 * x * static_cast<double>(n) + static_cast<double>(n)) ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Interpreter, PrintsGoThroughTheHandlerOneStatementAtATime) {
  CompilationUnit cu;
  cu.define("def f(i: int):\n    print(\"thread\", i, [i, i], 2.5, 3.0)\n");
  std::mutex mutex;
  std::vector<std::string> lines;
  set_print_handler([&](const std::string& s) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(s);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int c = 0; c < 50; ++c) cu.get_function("f")({IValue(int64_t(t))});
    });
  for (std::thread& th : threads) th.join();
  reset_print_handler();
  ASSERT_EQ(lines.size(), 200u);
  for (const std::string& line : lines) {
    char i = line[7];
    EXPECT_EQ(line, std::string("thread ") + i + " [" + i + ", " + i + "] 2.5 3.\n");
  }
}

}  // namespace
}  // namespace script
}  // namespace ember
