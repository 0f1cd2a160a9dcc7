// Graph passes, text in and text out: each tests/script/golden/passes/NAME.ir is parsed, its pass
// run, and the result compared with what PyTorch 1.13's pass makes of the same text
// (expected/passes/pass.NAME.txt, from generate.py), up to value names and source comments.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "ember/ember.h"
#include "script/api/compilation_unit.h"
#include "script/ir/ir_parser.h"
#include "script/passes/passes.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

std::string structure(const std::string& graph) {
  std::string no_comments = std::regex_replace(graph, std::regex(" # [^\n]*"), "");
  static const std::regex value(R"(%([A-Za-z0-9_.]+))");
  std::map<std::string, std::string> names;
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(no_comments.begin(), no_comments.end(), value); it != std::sregex_iterator(); ++it) {
    out += no_comments.substr(last, static_cast<size_t>(it->position()) - last);
    auto found = names.find((*it)[1]);
    if (found == names.end()) found = names.emplace((*it)[1], "%v" + std::to_string(names.size())).first;
    out += found->second;
    last = static_cast<size_t>(it->position() + it->length());
  }
  return out + no_comments.substr(last);
}

bool run_pass(const std::string& name, Graph& g) {
  if (name == "dead_code_elimination") return eliminate_dead_code(g);
  if (name == "constant_propagation") return constant_propagation(g);
  if (name == "common_subexpression_elimination") return eliminate_common_subexpressions(g);
  if (name == "constant_pooling") return constant_pooling(g);
  ADD_FAILURE() << "unknown pass " << name;
  return false;
}

std::vector<std::string> pass_inputs() {
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::directory_iterator(golden::golden_dir() + "/passes"))
    if (f.path().extension() == ".ir") names.push_back(f.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class PassGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(PassGolden, MatchesPyTorchsPass) {
  std::string text = golden::read_file(golden::golden_dir() + "/passes/" + GetParam() + ".ir");
  std::string pass = text.substr(text.find(": ") + 2, text.find('\n') - text.find(": ") - 2);
  std::shared_ptr<Graph> g = parse_ir(text);
  EXPECT_TRUE(run_pass(pass, *g)) << pass << " changed nothing";
  EXPECT_EQ(structure(g->str()), structure(golden::expected("passes", "pass." + GetParam())));
  // A second run finds nothing left to do (pooling reorders: its order is that of last use).
  if (pass != "constant_pooling") {
    EXPECT_FALSE(run_pass(pass, *g)) << g->str();
  }
}

INSTANTIATE_TEST_SUITE_P(Passes, PassGolden, ::testing::ValuesIn(pass_inputs()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Passes, InliningMatchesPyTorch) {
  CompilationUnit cu;
  cu.define(golden::source_of("passes"), "passes.py");
  Function& caller = cu.get_function("caller");
  caller.ensure_defined();
  std::shared_ptr<Graph> g = parse_ir(caller.graph()->str());  // a copy to rewrite
  // The parsed copy has no functions bound to its calls: inline from the compiled graph instead.
  Graph& compiled = *caller.graph();
  std::string before = compiled.str();
  EXPECT_TRUE(inline_calls(compiled));
  EXPECT_EQ(structure(compiled.str()), structure(golden::expected("passes", "inline.caller")));
  EXPECT_NE(compiled.str(), before);
  // The inlined graph computes what the calls did: 2x + (-x) = x.
  Tensor x = ember::tensor({1.0, -2.0});
  EXPECT_DOUBLE_EQ((caller({x}).to_tensor() - x).abs().sum().item<double>(), 0.0);
  (void)g;
}

TEST(Passes, LowerSimpleTuples) {
  std::shared_ptr<Graph> g = parse_ir(R"IR(graph(%x : Tensor,
      %n : int):
  %t : (Tensor, int) = prim::TupleConstruct(%x, %n)
  %a : Tensor, %b : int = prim::TupleUnpack(%t)
  %0 : int = prim::Constant[value=1]()
  %c : int = prim::TupleIndex(%t, %0)
  %r : (Tensor, int, int) = prim::TupleConstruct(%a, %b, %c)
  return (%r)
)IR");
  EXPECT_TRUE(lower_simple_tuples(*g));
  eliminate_dead_code(*g);
  EXPECT_EQ(g->str(), R"IR(graph(%x : Tensor,
      %n : int):
  %r : (Tensor, int, int) = prim::TupleConstruct(%x, %n, %n)
  return (%r)
)IR");
}

TEST(Passes, OptimizationsKeepResults) {
  CompilationUnit cu;
  cu.define(R"(
def f(x, n: int):
    a = x * 2
    b = x * 2
    k = 3 + 4
    if k > 5:
        y = a + b
    else:
        y = a - b
    for i in range(n):
        y = y + k
    return y
)");
  Function& f = cu.get_function("f");
  Tensor x = ember::tensor({1.0, 2.0});
  Tensor before = f({x, IValue(int64_t(2))}).to_tensor();
  run_optimizations(*f.graph());
  std::string text = f.graph()->str();
  EXPECT_EQ(text.find("prim::If"), std::string::npos) << text;             // folded: 7 > 5
  EXPECT_EQ(text.find("aten::sub"), std::string::npos) << text;            // the dead branch is gone
  EXPECT_EQ(std::count(text.begin(), text.end(), '*') + 0, 0) << text;
  size_t muls = 0;
  for (size_t p = text.find("aten::mul"); p != std::string::npos; p = text.find("aten::mul", p + 1)) ++muls;
  EXPECT_EQ(muls, 1u) << text;  // x * 2 once
  Function g("__torch__.g", f.graph(), nullptr);
  g.set_signature(f.signature());
  Tensor after = g({x, IValue(int64_t(2))}).to_tensor();
  EXPECT_DOUBLE_EQ((after - before).abs().sum().item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(after.sum().item<double>(), 40.0);  // 4x + 14 per element: 18 + 22
}

}  // namespace
}  // namespace script
}  // namespace ember
