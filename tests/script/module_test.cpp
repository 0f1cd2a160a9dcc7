// script::Module built from C++: members, methods calling each other and submodules, training
// through a script forward, the seed's MyModule wrapped as a Module, and the error paths.
#include <gtest/gtest.h>

#include "ember/ember.h"
#include "script/api/module.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  Tensor c = t.contiguous();
  for (int64_t i = 0; i < c.numel(); ++i) out.push_back(c.reshape({-1})[i].item<double>());
  return out;
}

TEST(ScriptModule, ParametersAttributesAndMethods) {
  Module m("Scale");
  m.register_parameter("weight", ember::tensor({1.0, 2.0, 3.0}));
  m.register_buffer("offset", ember::tensor({0.5, 0.5, 0.5}));
  m.register_attribute("factor", Type::float_(), IValue(2.0));
  m.define(R"(
def forward(self, x):
    return self.helper(x) * self.factor + self.offset

def helper(self, x):
    return x * self.weight
)");
  Tensor y = m.forward({ember::tensor({1.0, 1.0, 2.0})}).to_tensor();
  EXPECT_EQ(values(y), (std::vector<double>{2.5, 4.5, 12.5}));
  // Attributes are read when the method runs.
  m.setattr("factor", IValue(1.0));
  EXPECT_EQ(values(m.forward({ember::tensor({1.0, 1.0, 2.0})}).to_tensor()), (std::vector<double>{1.5, 2.5, 6.5}));
  ASSERT_EQ(m.named_parameters().size(), 1u);
  EXPECT_EQ(m.named_parameters()[0].first, "weight");
  ASSERT_EQ(m.named_buffers().size(), 1u);
  EXPECT_EQ(m.named_buffers()[0].first, "offset");
  EXPECT_EQ(m.run_method("helper", {ember::tensor({2.0, 2.0, 2.0})}).to_tensor().sum().item<double>(), 12.0);
}

TEST(ScriptModule, SubmodulesAndTraining) {
  auto unit = std::make_shared<CompilationUnit>();
  Module inner("Affine", unit);
  inner.register_parameter("w", ember::tensor({{1.0, 0.0}, {0.0, 1.0}}).requires_grad_());
  inner.register_parameter("b", ember::tensor({0.0, 0.0}).requires_grad_());
  inner.define("def forward(self, x):\n    return torch.mv(self.w, x) + self.b\n");
  Module outer("Net", unit);
  outer.register_module("layer", inner);
  outer.define(R"(
def forward(self, x, target):
    y = self.layer(x)
    return ((y - target) ** 2).sum()
)");
  auto named = outer.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "layer.w");
  EXPECT_EQ(named[1].first, "layer.b");
  EXPECT_EQ(outer.named_children().at(0).first, "layer");
  // Gradient descent through the script forward: fit y = [2, -1] from x = [1, 1].
  Tensor x = ember::tensor({1.0, 1.0}), target = ember::tensor({2.0, -1.0});
  double first_loss = 0, loss = 0;
  for (int step = 0; step < 50; ++step) {
    Tensor l = outer.forward({x, target}).to_tensor();
    loss = l.item<double>();
    if (step == 0) first_loss = loss;
    l.backward();
    NoGradGuard no_grad;
    for (Tensor p : outer.parameters()) {
      p.sub_(p.grad() * 0.1);
      p.grad().zero_();
    }
  }
  EXPECT_DOUBLE_EQ(first_loss, 5.0);  // (1-2)^2 + (1+1)^2
  EXPECT_LT(loss, 1e-6);
}

TEST(ScriptModule, SeedClassWrappedAsModule) {
  auto unit = std::make_shared<CompilationUnit>();
  unit->define(golden::source_of("mymodule"), "mymodule.py");
  Module m = Module::wrap(unit->create_object("MyModule", {IValue(int64_t(3)), IValue(int64_t(4))}), unit);
  ASSERT_EQ(m.named_parameters().size(), 1u);
  EXPECT_EQ(m.named_parameters()[0].first, "weight");
  EXPECT_EQ(m.named_parameters()[0].second.sizes().vec(), (std::vector<int64_t>{3, 4}));
  Tensor out = m.forward({ember::ones({4})}).to_tensor();
  EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{3}));
}

TEST(ScriptModule, Errors) {
  Module m("M");
  m.register_parameter("w", ember::ones({2}));
  EXPECT_THROW(m.register_parameter("w", ember::ones({2})), ValueError);
  EXPECT_THROW(m.register_parameter("u", Tensor()), ValueError);
  EXPECT_THROW(m.register_attribute("n", Type::int_(), IValue(1.5)), TypeError);
  m.register_attribute("n", Type::int_(), IValue(int64_t(1)));
  EXPECT_THROW(m.setattr("n", IValue("x")), TypeError);
  EXPECT_THROW(m.setattr("missing", IValue(1)), IndexError);
  EXPECT_THROW(m.forward({}), ValueError);  // no forward yet: the error names the methods
  try {
    m.define("def forward(self, x):\n    return x + self.nope\n");
    FAIL() << "expected a compile error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Module 'M' has no attribute 'nope'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Module::wrap(IValue(int64_t(1)), std::make_shared<CompilationUnit>()), TypeError);
}

}  // namespace
}  // namespace script
}  // namespace ember
