// nn::Module: registration and its errors, traversal and dotted names, train/eval, to(dtype)
// keeping tensor identity, zero_grad, apply, holders, Sequential / ModuleList / Functional,
// OrderedDict, and printing as libtorch (without its namespace prefix).
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;

struct BlockImpl : nn::Module {
  BlockImpl() : Module("Block") {
    fc = register_module("fc", nn::Linear(2, 3));
    bn = register_module("bn", nn::BatchNorm2d(3));
    scale = register_parameter("scale", ember::ones({3}));
    register_buffer("steps", ember::zeros({}, kInt64));
  }
  Tensor forward(const Tensor& x) { return fc(x) * scale; }
  nn::Linear fc{nullptr};
  nn::BatchNorm2d bn{nullptr};
  Tensor scale;
};
EMBER_MODULE(Block);

struct NetImpl : nn::Module {
  NetImpl() {
    layer1 = register_module("layer1", nn::Linear(4, 2));
    block = register_module("block", Block());
    head = register_module("head", nn::Linear(nn::LinearOptions(3, 1).bias(false)));
  }
  Tensor forward(const Tensor& x) { return head(block(layer1(x))); }
  nn::Linear layer1{nullptr}, head{nullptr};
  Block block{nullptr};
};
EMBER_MODULE(Net);

std::vector<std::string> keys_of(const OrderedDict<std::string, Tensor>& d) { return d.keys(); }

TEST(Module, NamedParametersUseDottedPathsInRegistrationOrder) {
  Net net;
  EXPECT_EQ(keys_of(net->named_parameters()),
            (std::vector<std::string>{"layer1.weight", "layer1.bias", "block.scale", "block.fc.weight", "block.fc.bias",
                                      "block.bn.weight", "block.bn.bias", "head.weight"}));
  EXPECT_EQ(keys_of(net->named_parameters(/*recurse=*/false)), std::vector<std::string>{});
  EXPECT_EQ(keys_of(net->block->named_parameters(false)), std::vector<std::string>{"scale"});
  EXPECT_EQ(net->parameters().size(), 8u);
  // Values are the modules' own tensors (same identity), and all require grad.
  EXPECT_TRUE(net->named_parameters()["layer1.weight"].is_same(net->layer1->weight));
  for (const Tensor& p : net->parameters()) EXPECT_TRUE(p.requires_grad());
  EXPECT_EQ(keys_of(net->named_buffers()),
            (std::vector<std::string>{"block.steps", "block.bn.running_mean", "block.bn.running_var",
                                      "block.bn.num_batches_tracked"}));
  EXPECT_FALSE(net->named_buffers()["block.bn.running_mean"].requires_grad());
}

TEST(Module, ChildrenAndModulesArePreOrder) {
  Net net;
  EXPECT_EQ(net->named_children().keys(), (std::vector<std::string>{"layer1", "block", "head"}));
  auto named = net->named_modules();
  EXPECT_EQ(named.keys(), (std::vector<std::string>{"", "layer1", "block", "block.fc", "block.bn", "head"}));
  EXPECT_EQ(named[""].get(), net.get());
  EXPECT_EQ(net->named_modules("net").keys().at(3), "net.block.fc");
  EXPECT_EQ(net->modules(/*include_self=*/false).size(), 5u);
  EXPECT_EQ(net->children().size(), 3u);
  EXPECT_NE(net->modules()[3]->as<nn::Linear>(), nullptr);
  EXPECT_EQ(net->modules()[3]->as<nn::BatchNorm2dImpl>(), nullptr);
  // include_self needs a shared_ptr; a module on the stack says so.
  BlockImpl on_stack;
  EXPECT_THROW_MSG(on_stack.modules(), ember::ValueError, "not stored in a shared_ptr");
  EXPECT_EQ(on_stack.modules(false).size(), 2u);
}

TEST(Module, SharedSubmodulesAndParametersAreListedOnce) {
  auto shared = nn::Linear(2, 2);
  nn::Sequential seq(shared, shared);
  EXPECT_EQ(seq->named_modules().size(), 2u);  // seq and the one Linear
  EXPECT_EQ(keys_of(seq->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(seq->state_dict().size(), 4u);  // the state dict keeps every name, as PyTorch's
}

TEST(Module, RegistrationErrors) {
  nn::Module m;
  EXPECT_THROW_MSG(m.register_parameter("", ember::ones({1})), ember::ValueError, "must not be empty");
  EXPECT_THROW_MSG(m.register_parameter("a.b", ember::ones({1})), ember::ValueError, "must not contain a dot (got 'a.b')");
  EXPECT_THROW_MSG(m.register_buffer("x.y", ember::ones({1})), ember::ValueError, "must not contain a dot");
  m.register_parameter("w", ember::ones({1}));
  EXPECT_THROW_MSG(m.register_parameter("w", ember::ones({1})), ember::ValueError, "'w' already defined");
  EXPECT_THROW_MSG(m.register_module("m.n", nn::ReLU()), ember::ValueError, "must not contain a dot");
  EXPECT_THROW_MSG(m.register_module("null", std::shared_ptr<nn::ReLUImpl>()), ember::ValueError, "is null");
  EXPECT_THROW_MSG(m.register_module("empty", nn::ReLU(nullptr)), ember::ValueError, "empty holder");
  EXPECT_THROW_MSG(m.register_parameter("i", ember::ones({2}, kInt64)), ember::RuntimeError, "floating point");
  EXPECT_TRUE(m.register_parameter("frozen", ember::ones({2}), /*requires_grad=*/false).defined());
  EXPECT_FALSE(m.named_parameters()["frozen"].requires_grad());
  m.register_module("act", nn::ReLU());
  m.replace_module("act", nn::Tanh());
  EXPECT_NE(m.named_children()["act"]->as<nn::Tanh>(), nullptr);
  EXPECT_THROW_MSG(m.replace_module("nope", nn::Tanh()), ember::IndexError, "Submodule 'nope' is not defined");
  m.unregister_module("act");
  EXPECT_TRUE(m.children().empty());
}

TEST(Module, TrainEvalRecurse) {
  Net net;
  EXPECT_TRUE(net->is_training());
  net->eval();
  for (const auto& m : net->modules()) EXPECT_FALSE(m->is_training());
  net->train();
  for (const auto& m : net->modules()) EXPECT_TRUE(m->is_training());
  net->block->train(false);
  EXPECT_TRUE(net->is_training());
  EXPECT_FALSE(net->block->bn->is_training());
}

TEST(Module, ToDtypeConvertsInPlaceKeepingIdentity) {
  Net net;
  Tensor w = net->layer1->weight;  // a handle held elsewhere (an optimizer would hold one)
  std::vector<double> before = values(w);
  w.mutable_grad() = ember::ones({2, 4});
  net->to(kFloat64);
  EXPECT_EQ(w.grad().scalar_type(), kFloat64);  // gradients follow, as PyTorch's Module.to
  EXPECT_EQ(w.scalar_type(), kFloat64);
  EXPECT_TRUE(w.is_same(net->layer1->weight));
  EXPECT_TRUE(all_close(w, before, Tol{1e-7, 0}));
  EXPECT_TRUE(w.requires_grad());
  EXPECT_EQ(net->block->bn->running_var.scalar_type(), kFloat64);
  // Integer buffers keep their dtype (as PyTorch's Module.to).
  EXPECT_EQ(net->block->bn->num_batches_tracked.scalar_type(), kInt64);
  Tensor y = net->forward(ember::ones({5, 4}, kFloat64));
  EXPECT_EQ(y.scalar_type(), kFloat64);
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{5, 1}));
  net->to(Device("cpu"), kFloat32);
  EXPECT_EQ(w.scalar_type(), kFloat32);
  net->to(Device("cpu"));
  EXPECT_THROW_MSG(net->to(kInt32), ember::TypeError, "only accepts floating point");
}

TEST(Module, ZeroGradResetsOrZeroes) {
  nn::Linear fc(2, 2);
  fc->weight.mutable_grad() = ember::ones({2, 2});
  fc->bias.mutable_grad() = ember::ones({2});
  fc->zero_grad(/*set_to_none=*/false);
  EXPECT_TRUE(all_equal(fc->weight.grad(), {0, 0, 0, 0}));
  fc->zero_grad();
  EXPECT_FALSE(fc->weight.grad().defined());
  EXPECT_FALSE(fc->bias.grad().defined());
}

TEST(Module, ApplyVisitsEveryModulePreOrder) {
  Net net;
  std::vector<std::string> names;
  net->apply([&](const std::string& name, nn::Module& m) { names.push_back(name + ":" + m.name()); });
  EXPECT_EQ(names, (std::vector<std::string>{":" + net->name(), "layer1:ember::nn::LinearImpl", "block:Block",
                                             "block.fc:ember::nn::LinearImpl", "block.bn:ember::nn::BatchNorm2dImpl",
                                             "head:ember::nn::LinearImpl"}));
  int linears = 0;
  net->apply([&](nn::Module& m) {
    if (auto* linear = m.as<nn::Linear>()) {
      ++linears;
      nn::init::constant_(linear->weight, 0.5);
    }
  });
  EXPECT_EQ(linears, 3);
  EXPECT_TRUE(all_equal(net->head->weight, {0.5, 0.5, 0.5}));
  size_t pointers = 0;
  net->apply([&](const std::shared_ptr<nn::Module>&) { ++pointers; });
  EXPECT_EQ(pointers, 6u);
  // The named forms on a const module and with shared pointers take a prefix for every name.
  const nn::Module& const_net = *net;
  std::vector<std::string> const_names;
  const_net.apply([&](const std::string& name, const nn::Module&) { const_names.push_back(name); }, "net");
  EXPECT_EQ(const_names, (std::vector<std::string>{"net", "net.layer1", "net.block", "net.block.fc", "net.block.bn",
                                                   "net.head"}));
  std::vector<std::string> pointer_names;
  net->apply([&](const std::string& name, const std::shared_ptr<nn::Module>& m) {
    EXPECT_TRUE(m != nullptr);
    pointer_names.push_back(name);
  }, "p");
  EXPECT_EQ(pointer_names.size(), 6u);
  EXPECT_EQ(pointer_names[3], "p.block.fc");
}

TEST(ModuleHolder, ForwardsCallsAndSharesTheModule) {
  nn::Linear fc(10, 5);
  Tensor x = ember::ones({3, 10});
  EXPECT_TRUE(all_close(fc(x), values(fc->forward(x)), Tol{0, 0}));
  nn::Linear alias = fc;  // copies share the module
  EXPECT_EQ(alias.get(), fc.get());
  EXPECT_EQ(alias.ptr().use_count(), 2);
  nn::Linear empty{nullptr};
  EXPECT_TRUE(empty.is_empty());
  EXPECT_FALSE(static_cast<bool>(empty));
  EXPECT_THROW_MSG(empty.ptr(), ember::ValueError, "empty ModuleHolder");
  empty = nn::Linear(nn::LinearOptions(10, 5).bias(false));
  EXPECT_FALSE(empty->bias.defined());
  EXPECT_EQ(empty->named_parameters().size(), 1u);
  static_assert(!std::is_default_constructible<nn::LinearImpl>::value, "Linear needs its sizes");
}

TEST(Options, ChainedSettersAndExpandingArrays) {
  auto o = nn::Conv2dOptions(3, 16, 3).stride(2).padding({1, 2}).groups(1).bias(false);
  EXPECT_EQ(o.in_channels(), 3);
  EXPECT_EQ(o.out_channels(), 16);
  EXPECT_EQ((*o.kernel_size()), (std::array<int64_t, 2>{3, 3}));
  EXPECT_EQ((*o.stride()), (std::array<int64_t, 2>{2, 2}));
  EXPECT_EQ((*std::get<ember::ExpandingArray<2>>(o.padding())), (std::array<int64_t, 2>{1, 2}));
  EXPECT_FALSE(o.bias());
  EXPECT_EQ(nn::MaxPool2dOptions(3).stride()[0], 3);  // stride defaults to the kernel size
  EXPECT_THROW_MSG(ember::ExpandingArray<2>({1, 2, 3}), ember::ValueError, "expected 2 values, but instead got 3");
  EXPECT_TRUE(std::holds_alternative<ember::enumtype::kSum>(nn::MSELossOptions(ember::kSum).reduction()));
}

TEST(Sequential, ChainsIndexesAndNames) {
  nn::Sequential seq(nn::Linear(2, 3), nn::ReLU(), nn::Linear(3, 1));
  EXPECT_EQ(seq->size(), 3u);
  nn::init::constant_(seq->at<nn::LinearImpl>(0).weight, 1.0);
  nn::init::constant_(seq->at<nn::LinearImpl>(0).bias, -2.0);
  nn::init::constant_(seq->ptr<nn::LinearImpl>(2)->weight, 1.0);
  nn::init::zeros_(seq->ptr<nn::LinearImpl>(2)->bias);
  // [1, 2] -> fc0 -> [1, 1, 1] -> relu -> [1, 1, 1] -> fc2 -> 3; [0, 1] -> [-1, -1, -1] -> 0 -> 0.
  Tensor y = seq(make({1, 2, 0, 1}, {2, 2}));
  EXPECT_TRUE(matches(y, {2, 1}, kFloat32, {3, 0}));
  EXPECT_NE(seq[1]->as<nn::ReLU>(), nullptr);
  EXPECT_THROW_MSG(seq->at<nn::LinearImpl>(1), ember::TypeError, "module of type ember::nn::ReLUImpl");
  EXPECT_THROW_MSG(seq[7], ember::IndexError, "out of range");
  seq->push_back(nn::Sigmoid());
  seq->push_back("last", nn::Functional([](Tensor x) { return x * 2; }));
  EXPECT_EQ(seq->named_children().keys(), (std::vector<std::string>{"0", "1", "2", "3", "last"}));
  EXPECT_TRUE(all_close(seq(make({1, 2}, {1, 2})), {2 / (1 + std::exp(-3.0))}, Tol{1e-6, 1e-6}));
  nn::Sequential named({{"fc", nn::Linear(2, 2)}, {"act", nn::Tanh()}});
  EXPECT_EQ(keys_of(named->named_parameters()), (std::vector<std::string>{"fc.weight", "fc.bias"}));
  nn::Sequential empty;
  EXPECT_THROW_MSG(empty(ember::ones({1})), ember::ValueError, "empty Sequential");
  nn::Sequential with_fn((nn::Functional(ember::relu)));  // parenthesized: not a function declaration
  EXPECT_TRUE(all_equal(with_fn(make1d({-1, 2})), {0, 2}));
}

TEST(ModuleList, PushInsertIndex) {
  nn::ModuleList list(nn::Linear(2, 2), nn::ReLU());
  list->push_back(nn::Tanh());
  list->insert(1, nn::Sigmoid());
  EXPECT_EQ(list->size(), 4u);
  EXPECT_EQ(list->named_children().keys(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_NE(list[1]->as<nn::Sigmoid>(), nullptr);
  EXPECT_NE(list[3]->as<nn::Tanh>(), nullptr);
  EXPECT_EQ(keys_of(list->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias"}));
  size_t n = 0;
  for (const auto& m : *list) n += m->parameters().size();
  EXPECT_EQ(n, 2u);
  EXPECT_THROW_MSG(list->insert(9, nn::ReLU()), ember::IndexError, "out of range");
}

TEST(OrderedDict, KeepsOrderAndReportsKeys) {
  OrderedDict<std::string, int> d("Thing");
  d.insert("b", 1);
  d.insert("a", 2);
  d.insert("c", 3);
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(d["a"], 2);
  EXPECT_EQ(d.find("z"), nullptr);
  EXPECT_THROW_MSG(d.insert("a", 5), ember::ValueError, "Thing 'a' already defined");
  EXPECT_THROW_MSG(d["z"], ember::IndexError, "Thing 'z' is not defined");
  d.erase("b");
  EXPECT_EQ(d.values(), (std::vector<int>{2, 3}));
  EXPECT_EQ(d["c"], 3);
  d.insert_or_assign("a", 7);
  EXPECT_EQ(d.item(0).value(), 7);
}

TEST(Printing, TheNamePrefixIsEmberOrTorch) {
  auto str = [](const auto& m) {
    std::ostringstream os;
    os << m;
    return os.str();
  };
  EXPECT_STREQ(nn::module_name_prefix(), "ember::nn::");
  nn::set_module_name_prefix("torch::nn::");
  EXPECT_EQ(str(nn::Linear(2, 3)), "torch::nn::Linear(in_features=2, out_features=3, bias=true)");
  EXPECT_EQ(str(nn::Sequential(nn::ReLU(), nn::Tanh())), "torch::nn::Sequential(\n  (0): torch::nn::ReLU()\n  (1): torch::nn::Tanh()\n)");
  EXPECT_EQ(nn::Linear(2, 3)->name(), "torch::nn::LinearImpl");
  EXPECT_THROW_MSG(nn::set_module_name_prefix("tf::"), ValueError, "the module name prefix is");
  EXPECT_THROW_MSG(nn::set_module_name_prefix(nullptr), ValueError, "the module name prefix is");
  nn::set_module_name_prefix("ember::nn::");
  EXPECT_EQ(str(nn::Linear(2, 3)), "ember::nn::Linear(in_features=2, out_features=3, bias=true)");
  EXPECT_EQ(nn::Linear(2, 3)->name(), "ember::nn::LinearImpl");
}

TEST(Printing, MatchesLibtorchFormat) {
  auto str = [](const auto& m) {
    std::ostringstream os;
    os << m;
    return os.str();
  };
  EXPECT_EQ(str(nn::Linear(2, 3)), "ember::nn::Linear(in_features=2, out_features=3, bias=true)");
  EXPECT_EQ(str(nn::Conv2d(nn::Conv2dOptions(3, 16, 3).stride(1).padding(1))),
            "ember::nn::Conv2d(3, 16, kernel_size=[3, 3], stride=[1, 1], padding=[1, 1])");
  EXPECT_EQ(str(nn::Conv2d(nn::Conv2dOptions(4, 8, {3, 5}).stride(2).dilation(2).groups(2).bias(false))),
            "ember::nn::Conv2d(4, 8, kernel_size=[3, 5], stride=[2, 2], dilation=[2, 2], groups=2, bias=false)");
  EXPECT_EQ(str(nn::BatchNorm2d(16)), "ember::nn::BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  EXPECT_EQ(str(nn::BatchNorm2d(nn::BatchNorm2dOptions(2).momentum(std::nullopt))),
            "ember::nn::BatchNorm2d(2, eps=1e-05, momentum=None, affine=true, track_running_stats=true)");
  EXPECT_EQ(str(nn::LayerNorm(nn::LayerNormOptions({10}))), "ember::nn::LayerNorm([10], eps=1e-05, elementwise_affine=true)");
  EXPECT_EQ(str(nn::Embedding(nn::EmbeddingOptions(10, 3).padding_idx(-1))),
            "ember::nn::Embedding(num_embeddings=10, embedding_dim=3, padding_idx=9)");
  EXPECT_EQ(str(nn::Dropout(0.25)), "ember::nn::Dropout(p=0.25, inplace=false)");
  EXPECT_EQ(str(nn::ReLU()), "ember::nn::ReLU()");
  EXPECT_EQ(str(nn::ReLU(true)), "ember::nn::ReLU(inplace=true)");
  EXPECT_EQ(str(nn::GELU()), "ember::nn::GELU()");
  EXPECT_EQ(str(nn::MaxPool2d(2)), "ember::nn::MaxPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=false)");
  EXPECT_EQ(str(nn::AvgPool2d(2)), "ember::nn::AvgPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0])");
  EXPECT_EQ(str(nn::AdaptiveAvgPool2d(1)), "ember::nn::AdaptiveAvgPool2d(output_size=[1, 1])");
  EXPECT_EQ(str(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({std::nullopt, 7}))),
            "ember::nn::AdaptiveAvgPool2d(output_size=[None, 7])");
  EXPECT_EQ(str(nn::Flatten()), "ember::nn::Flatten(start_dim=1, end_dim=-1)");
  EXPECT_EQ(str(nn::CrossEntropyLoss()), "ember::nn::CrossEntropyLoss()");
  EXPECT_EQ(str(nn::Sequential(nn::Linear(2, 3), nn::ReLU())),
            "ember::nn::Sequential(\n  (0): ember::nn::Linear(in_features=2, out_features=3, bias=true)\n  (1): ember::nn::ReLU()\n)");
  EXPECT_EQ(str(Block()),
            "Block(\n  (fc): ember::nn::Linear(in_features=2, out_features=3, bias=true)\n"
            "  (bn): ember::nn::BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)\n)");
  nn::Sequential outer;
  outer->push_back(nn::Sequential(nn::Tanh()));  // (Sequential(Sequential(...)) copies the holder)
  EXPECT_EQ(str(outer), "ember::nn::Sequential(\n  (0): ember::nn::Sequential(\n    (0): ember::nn::Tanh()\n  )\n)");
  // A module without a name prints its (demangled) class name.
  EXPECT_NE(Net()->name().find("NetImpl"), std::string::npos);
}

}  // namespace
}  // namespace ember_test
