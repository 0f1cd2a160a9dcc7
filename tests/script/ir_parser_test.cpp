// The IR text parser: every graph PyTorch printed for the golden cases reads back and prints
// the same; parsed graphs run; types parse; malformed text is a ValueError naming the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "ember/ember.h"
#include "script/api/compilation_unit.h"
#include "script/ir/ir_parser.h"
#include "script/runtime/interpreter.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

std::string without_comments(const std::string& graph) { return std::regex_replace(graph, std::regex(" # [^\n]*"), ""); }

// Classes named in the goldens' graphs.
TypePtr golden_classes(const std::string& name) {
  static std::map<std::string, ClassTypePtr> classes;
  auto it = classes.find(name);
  if (it == classes.end()) it = classes.emplace(name, ClassType::create(name, true)).first;
  return it->second;
}

TEST(IrParser, EveryGoldenGraphRoundTrips) {
  namespace fs = std::filesystem;
  size_t count = 0;
  for (const auto& dir : fs::directory_iterator(golden::golden_dir() + "/expected")) {
    for (const auto& file : fs::directory_iterator(dir.path())) {
      std::string name = file.path().filename().string();
      if (name.rfind("graph.", 0) != 0) continue;
      SCOPED_TRACE(file.path().string());
      std::string text = golden::read_file(file.path().string());
      std::shared_ptr<Graph> g = parse_ir(text, golden_classes);
      EXPECT_EQ(golden::normalize_graph(g->str()), golden::normalize_graph(without_comments(text)));
      ++count;
    }
  }
  EXPECT_GE(count, 15u);
}

Signature signature_of(const Graph& g) {
  Signature sig;
  sig.name = "parsed";
  for (const Value* v : g.inputs()) sig.args.push_back({v->debug_name(), v->type(), std::nullopt, false, -1});
  for (const Value* v : g.outputs()) sig.returns.push_back(v->type());
  return sig;
}

TEST(IrParser, ParsedGraphsRun) {
  std::shared_ptr<Graph> g = parse_ir(R"IR(graph(%x.1 : Tensor,
      %n.1 : int):
  %2 : bool = prim::Constant[value=1]()
  %3 : int = prim::Constant[value=1]()
  %4 : float = prim::Constant[value=0.5]()
  %y : Tensor = prim::Loop(%n.1, %2, %x.1) # f.py:2:4
    block0(%i : int, %y.3 : Tensor):
      %7 : Tensor = aten::mul(%y.3, %4)
      %8 : bool = aten::gt(%i, %3)
      %y.5 : Tensor = prim::If(%8)
        block0():
          %10 : Tensor = aten::add(%7, %y.3, %3)
          -> (%10)
        block1():
          -> (%7)
      -> (%2, %y.5)
  return (%y)
)IR");
  Function f("__torch__.parsed", g, nullptr);
  f.set_signature(signature_of(*g));
  // y = 8: i=0 -> 4, i=1 -> 2, i=2 -> 1 + 2 = 3, i=3 -> 1.5 + 3 = 4.5
  EXPECT_DOUBLE_EQ(f({ember::scalar_tensor(8.0), IValue(int64_t(4))}).to_tensor().item<double>(), 4.5);
}

TEST(IrParser, Types) {
  EXPECT_EQ(parse_ir_type("int[]")->str(), "int[]");
  EXPECT_EQ(parse_ir_type("(Tensor, int?)[]")->str(), "(Tensor, int?)[]");
  EXPECT_EQ(parse_ir_type("Dict(str, Tensor[])")->str(), "Dict(str, Tensor[])");
  EXPECT_EQ(parse_ir_type("Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu)")->str(),
            "Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu)");
  EXPECT_EQ(parse_ir_type("Future(int)")->str(), "Future(int)");
  EXPECT_THROW(parse_ir_type("Blob"), ValueError);
}

TEST(IrParser, Constants) {
  std::shared_ptr<Graph> g = parse_ir(R"IR(graph():
  %a : bool = prim::Constant[value=0]()
  %b : str = prim::Constant[value="a\"b\n"]()
  %c : float[] = prim::Constant[value=[1., 2.5]]()
  %d : Device = prim::Constant[value="cpu"]()
  %e : NoneType = prim::Constant()
  %f : Tensor = prim::Constant[value={2}]()
  %t : (bool, str, float[], Device, NoneType, Tensor) = prim::TupleConstruct(%a, %b, %c, %d, %e, %f)
  return (%t)
)IR");
  EXPECT_EQ(g->str(), R"IR(graph():
  %a : bool = prim::Constant[value=0]()
  %b : str = prim::Constant[value="a\"b\n"]()
  %c : float[] = prim::Constant[value=[1., 2.5]]()
  %d : Device = prim::Constant[value="cpu"]()
  %e : NoneType = prim::Constant()
  %f : Tensor = prim::Constant[value={2}]()
  %t : (bool, str, float[], Device, NoneType, Tensor) = prim::TupleConstruct(%a, %b, %c, %d, %e, %f)
  return (%t)
)IR");
  EXPECT_TRUE(g->outputs()[0]->node()->input(0)->constant()->is_bool());
}

TEST(IrParser, ErrorsNameTheLine) {
  auto error_of = [](const std::string& text) {
    try {
      parse_ir(text);
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_of("graph(%x : Tensor):\n  %y : Tensor = aten::neg(%z)\n  return (%y)\n"),
            "[parse_ir] line 2: expected a defined value (%z is not defined before this use) in:   %y : Tensor = aten::neg(%z)");
  EXPECT_NE(error_of("graph(%x : Tensor):\n  %y : Tensor = aten::neg(%x)\n").find("expected 'return'"), std::string::npos);
  EXPECT_NE(error_of("graph(%x : Tensor):\n  %x : Tensor = aten::neg(%x)\n  return (%x)\n").find("defined twice"),
            std::string::npos);
  EXPECT_NE(error_of("graph(%x : Blob):\n  return (%x)\n").find("expected a type (got 'Blob')"), std::string::npos);
}

}  // namespace
}  // namespace script
}  // namespace ember
