// The tracer: the seed's foo traced from C++ and called from script (bar), a traced function
// calling a script function (baz), the tensor-to-bool warning, traced modules with their
// parameters, and the error paths. Graphs are compared with PyTorch's traces
// (tests/script/golden/cases/trace.py) modulo value names and source comments, which come from
// Python there.
#include <gtest/gtest.h>

#include <regex>

#include "ember/ember.h"
#include "nn/nn.h"
#include "script/api/compilation_unit.h"
#include "script/ir/code_printer.h"
#include "script/tracer/tracer.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

using golden::expected;
using golden::normalize_graph;
using golden::source_of;

// Without "# file:line:col" comments, every value renamed %v0, %v1, ... by first appearance.
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

IValue foo(const std::vector<IValue>& in) {
  const Tensor& x = in[0].to_tensor();
  Tensor y = x.mm(x);
  std::cout << "";  // C++ code (printing, logging) runs while tracing and is not recorded
  return y + in[1].to_tensor();
}

TEST(Trace, SeedFooTracedThenCalledFromScript) {
  Tensor x = ember::tensor({{1.0, 2.0}, {3.0, 4.0}}), t = ember::tensor({0.5, -1.0});
  Traced traced = trace("foo", foo, {x, t}, {"x", "t"});
  EXPECT_TRUE(traced.warnings.empty());
  EXPECT_EQ(structure(traced.function->graph()->str()), structure(expected("trace", "graph.foo")));
  EXPECT_EQ((*traced.function)({x, t}).to_tensor().toString(), expected("trace", "output.foo"));
  // The traced graph runs on new inputs (it does not replay the example's values).
  EXPECT_EQ((*traced.function)({x * 2, t}).to_tensor().sum().item<double>(), ((x * 2).mm(x * 2) + t).sum().item<double>());

  CompilationUnit cu;
  cu.register_function(std::move(traced.function));
  cu.define(source_of("trace"), "trace.py");
  Function& bar = cu.get_function("bar");
  bar.ensure_defined();
  EXPECT_EQ(normalize_graph(bar.graph()->str()), normalize_graph(expected("trace", "graph.bar")));
  EXPECT_EQ(print_code(bar), expected("trace", "code.bar"));
  Tensor out = bar({ember::tensor({{0.1, 0.2}, {0.3, 0.4}}), ember::scalar_tensor(0.5)}).to_tensor();
  EXPECT_EQ(out.toString(), expected("trace", "output.bar"));
}

TEST(Trace, TracedCodeCallingScriptKeepsItsControlFlow) {
  CompilationUnit cu;
  Tensor ex = ember::tensor({{1.0, 2.0}, {3.0, 4.0}}), et = ember::tensor({0.5, -1.0});
  cu.register_function(trace("foo", foo, {ex, et}, {"x", "t"}).function);  // bar calls it
  cu.define(source_of("trace"), "trace.py");
  Function& flip = cu.get_function("flip_if_negative");
  auto baz = [&](const std::vector<IValue>& in) -> IValue {
    const Tensor& x = in[0].to_tensor();
    Tensor flipped = flip({x.mm(x) - in[1].to_tensor()}).to_tensor();
    return flipped + x;
  };
  Tensor x = ember::tensor({{1.0, 2.0}, {3.0, 4.0}});
  Traced traced = trace("baz", baz, {x, ember::scalar_tensor(20.0)}, {"x", "b"});
  EXPECT_EQ(structure(traced.function->graph()->str()), structure(expected("trace", "graph.baz")));
  Function& f = *traced.function;
  EXPECT_EQ(f({x, ember::scalar_tensor(20.0)}).to_tensor().toString(), expected("trace", "output.baz_small"));
  EXPECT_EQ(f({x, ember::scalar_tensor(1.0)}).to_tensor().toString(), expected("trace", "output.baz_large"));
}

TEST(Trace, TensorToBoolWarnsAndBecomesAConstant) {
  auto warns = [](const std::vector<IValue>& in) -> IValue {
    const Tensor& x = in[0].to_tensor();
    if ((x.sum() > 0).item<bool>()) return x * x;
    return x;
  };
  Tensor x = ember::tensor({{1.0, 2.0}, {3.0, 4.0}});
  Traced traced = trace("warns", warns, {x}, {"x"});
  ASSERT_EQ(traced.warnings.size(), 1u);
  std::string expected_warning = expected("trace", "warning.bool");
  EXPECT_EQ(traced.warnings[0], "TracerWarning: " + expected_warning.substr(0, expected_warning.find('\n')));
  EXPECT_EQ(structure(traced.function->graph()->str()), structure(expected("trace", "graph.warns")));
  // The branch taken while tracing is baked in: a negative input is squared too.
  EXPECT_EQ((*traced.function)({-x}).to_tensor().sum().item<double>(), 30.0);
}

struct TwoLayer : nn::Module {
  TwoLayer() : nn::Module("TwoLayer") {
    fc1 = register_module("fc1", nn::Linear(2, 3));
    fc2 = register_module("fc2", nn::Linear(3, 1));
  }
  Tensor forward(const Tensor& x) { return fc2->forward(ember::relu(fc1->forward(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};

TEST(Trace, ModuleKeepsItsParameters) {
  auto net = std::make_shared<TwoLayer>();
  Tensor x = ember::tensor({{1.0, -2.0}, {0.5, 0.25}});
  TracedModule traced = trace_module(
      "Net", *net, [](nn::Module& m, const std::vector<IValue>& in) -> IValue {
        return static_cast<TwoLayer&>(m).forward(in[0].to_tensor());
      },
      {x}, {"x"});
  Module& m = traced.module;
  auto params = m.named_parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].first, "fc1.weight");
  EXPECT_EQ(params[3].first, "fc2.bias");
  EXPECT_TRUE(params[0].second.is_same(net->fc1->weight));  // the same tensors, not copies
  std::string graph = m.get_method("forward").graph()->str();
  EXPECT_NE(graph.find("prim::GetAttr[name=\"fc1\"](%self)"), std::string::npos) << graph;
  EXPECT_NE(graph.find("aten::relu"), std::string::npos) << graph;
  Tensor expected_out = net->forward(x);
  Tensor out = m.forward({x}).to_tensor();
  EXPECT_LT((out - expected_out).abs().max().item<double>(), 1e-6) << out << expected_out;
  // Training the script module trains the nn module's parameters.
  out.sum().backward();
  ASSERT_TRUE(net->fc2->bias.grad().defined());
  EXPECT_DOUBLE_EQ(net->fc2->bias.grad().item<double>(), 2.0);
}

TEST(Trace, Errors) {
  auto identity = [](const std::vector<IValue>& in) -> IValue { return in[0]; };
  try {
    trace("f", identity, {ember::ones({2}), IValue(int64_t(1))});
    FAIL() << "expected a TypeError";
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "Type 'Tuple[Tensor, int]' cannot be traced. Only Tensors and (possibly nested) Lists, "
                           "Dicts, and Tuples of Tensors can be traced");
  }
  auto returns_int = [](const std::vector<IValue>&) -> IValue { return IValue(int64_t(3)); };
  EXPECT_THROW(trace("g", returns_int, {ember::ones({2})}), TypeError);
  auto nested = [](const std::vector<IValue>& in) -> IValue {
    trace("inner", [](const std::vector<IValue>& i) { return i[0]; }, in);
    return in[0];
  };
  EXPECT_THROW(trace("outer", nested, {ember::ones({2})}), RuntimeError);
  // After a failed trace the thread traces again.
  Traced ok = trace("h", identity, {ember::ones({2})});
  EXPECT_EQ(ok.function->graph()->outputs()[0], ok.function->graph()->inputs()[0]);
}

}  // namespace
}  // namespace script
}  // namespace ember
