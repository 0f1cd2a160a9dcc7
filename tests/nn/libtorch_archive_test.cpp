// Archives in libtorch's format (nn/serialize/archive.h): archives written by libtorch 1.13's
// torch::save (tests/nn/libtorch_archives, made by libtorch_archives.cpp there) load with their
// values; ember's archives round-trip, keep key order and kinds, and are written for libtorch to
// read (ArchiveForLibtorch; the ctest nn.libtorch_reads_ember_archives then loads them with
// libtorch); ember's earlier state-dict files still load; damaged and foreign files are typed
// errors. The scenario (deterministic weights, optimizers after two steps) is the one
// libtorch_archives.cpp builds.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;
namespace nn = ember::nn;
namespace optim = ember::optim;

std::string fixture(const std::string& name) {
  return std::string(EMBER_SOURCE_DIR) + "/tests/nn/libtorch_archives/" + name;
}

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "ember_archive_" + std::to_string(::getpid()) + "_" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void expect_close(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  EXPECT_TRUE(ember::allclose(got.to(kFloat64), want.to(kFloat64), 1e-6, 1e-7)) << what << ": " << got << " vs " << want;
}

// ---- the scenario of libtorch_archives.cpp --------------------------------------------------------

void fill_linear(nn::Linear& l) {
  NoGradGuard g;
  l->weight.copy_(ember::arange(l->weight.numel(), TensorOptions(kFloat32)).reshape(l->weight.sizes()) * 0.25 - 0.5);
  l->bias.copy_(0.125 - 0.5 * ember::arange(l->bias.numel(), TensorOptions(kFloat32)));
}

nn::Linear make_linear() {
  nn::Linear l(3, 2);
  fill_linear(l);
  return l;
}

nn::Sequential make_sequential() {
  nn::Linear l(2, 2);
  fill_linear(l);
  nn::BatchNorm1d bn(2);
  {
    NoGradGuard g;
    bn->weight.copy_(ember::tensor({1.5f, -0.5f}));
    bn->running_mean.copy_(ember::tensor({0.5f, -1.0f}));
    bn->running_var.copy_(ember::tensor({2.0f, 3.0f}));
    bn->num_batches_tracked.fill_(4);
  }
  return nn::Sequential(l, nn::ReLU(), bn);
}

std::vector<Tensor> make_tensors() {
  return {ember::arange(6, TensorOptions(kFloat32)).reshape({2, 3}), ember::tensor({{7, -8}}, kInt64),
          ember::tensor({true, false, true}), ember::tensor({0.1, -2.5}, kFloat64)};
}

nn::Linear training_model() {
  nn::Linear l(2, 1);
  NoGradGuard g;
  for (auto& p : l->parameters()) p.fill_(0.5);
  return l;
}

template <typename Opt, typename Options>
std::unique_ptr<Opt> trained(nn::Linear& l, const Options& options) {
  auto opt = std::make_unique<Opt>(l->parameters(), options);
  Tensor x = ember::tensor({{1.0f, 2.0f}, {3.0f, -1.0f}});
  for (int i = 0; i < 2; ++i) {
    opt->zero_grad();
    l(x).pow(2).sum().backward();
    opt->step();
  }
  return opt;
}

optim::SGDOptions sgd_options() { return optim::SGDOptions(0.1).momentum(0.9).nesterov(true); }
optim::AdamOptions adam_options() { return optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.1); }
optim::AdagradOptions adagrad_options() { return optim::AdagradOptions(0.1).lr_decay(0.01); }
optim::RMSpropOptions rmsprop_options() { return optim::RMSpropOptions(0.01).momentum(0.5).centered(true); }

template <typename State, typename Opt>
State& state_of(Opt& opt, const Tensor& p) {
  return static_cast<State&>(*opt.state().at(p.impl()));
}

// ---- libtorch's archives ---------------------------------------------------------------------------

TEST(LibtorchArchives, ModulesLoadWithTheirValues) {
  nn::Linear l(3, 2);
  ember::load(l, fixture("linear.pt"));
  nn::Linear want = make_linear();
  EXPECT_EQ(values(l->weight), values(want->weight));
  EXPECT_EQ(values(l->bias), (std::vector<double>{0.125, -0.375}));
  EXPECT_TRUE(l->weight.requires_grad());

  // A child without tensors (ReLU) is an empty nested archive in libtorch's files.
  nn::Sequential s(nn::Linear(2, 2), nn::ReLU(), nn::BatchNorm1d(2));
  ember::load(s, fixture("sequential.pt"));
  nn::Sequential ref = make_sequential();
  for (const auto& item : ref->named_parameters()) EXPECT_EQ(values(s->named_parameters()[item.key()]), values(item.value())) << item.key();
  for (const auto& item : ref->named_buffers()) EXPECT_EQ(values(s->named_buffers()[item.key()]), values(item.value())) << item.key();
  EXPECT_EQ(s->named_buffers()["2.num_batches_tracked"].scalar_type(), kInt64);

  // ember::load(path) gives the tensors of such a file as a state dict.
  StateDict d = ember::load(fixture("sequential.pt"));
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean",
                                                 "2.running_var", "2.num_batches_tracked"}));
  EXPECT_EQ(values(d["2.running_var"]), (std::vector<double>{2.0, 3.0}));
}

TEST(LibtorchArchives, TensorsAndValuesLoad) {
  std::vector<Tensor> v;
  ember::load(v, fixture("tensors.pt"));
  std::vector<Tensor> want = make_tensors();
  ASSERT_EQ(v.size(), want.size());
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].scalar_type(), want[i].scalar_type()) << i;
    EXPECT_EQ(v[i].sizes(), want[i].sizes()) << i;
    EXPECT_EQ(values(v[i]), values(want[i])) << i;
  }
  Tensor first;
  ember::load(first, fixture("tensors.pt"));  // torch::save(tensor) is key "0" as well
  EXPECT_EQ(values(first), values(want[0]));

  serialize::InputArchive a;
  a.load_from(fixture("values.pt"));
  EXPECT_EQ(a.keys(), (std::vector<std::string>{"i", "d", "s", "b", "ints", "pair", "params/size", "nested"}));
  IValue x;
  a.read("i", x);
  EXPECT_EQ(x.to_int(), 7);
  a.read("d", x);
  EXPECT_EQ(x.to_double(), 2.5);
  a.read("s", x);
  EXPECT_EQ(x.to_string_ref(), "hi");
  a.read("b", x);
  EXPECT_TRUE(x.to_bool());
  a.read("ints", x);
  EXPECT_EQ(x.to_int_list(), (std::vector<int64_t>{1, -2, 3}));
  a.read("pair", x);
  ASSERT_TRUE(x.is_tuple());
  EXPECT_EQ(x.to_tuple()[1].to_double(), 2.5);
  Tensor size;
  a.read("params/size", size);
  EXPECT_EQ(size.item<int64_t>(), 3);
  serialize::InputArchive nested;
  a.read("nested", nested);
  Tensor w;
  nested.read("w", w, /*is_buffer=*/true);
  EXPECT_EQ(values(w), (std::vector<double>{1, 1}));
  EXPECT_THROW_MSG(nested.read("v", w), ValueError, "No such serialized tensor 'nested.v'");
  EXPECT_FALSE(a.try_read("s", w));         // a value is not a tensor
  EXPECT_FALSE(a.try_read("nested", x));    // nor is a nested archive
  EXPECT_FALSE(a.try_read("i", nested));
}

TEST(LibtorchArchives, OptimizersLoadWithTheirOptionsAndState) {
  {
    nn::Linear ref_model = training_model(), model = training_model();
    auto ref = trained<optim::SGD>(ref_model, sgd_options());
    optim::SGD opt(model->parameters(), optim::SGDOptions(1.0));
    ember::load(opt, fixture("sgd.pt"));
    auto& o = static_cast<optim::SGDOptions&>(opt.param_groups()[0].options());
    EXPECT_EQ(o.lr(), 0.1);
    EXPECT_EQ(o.momentum(), 0.9);
    EXPECT_TRUE(o.nesterov());
    EXPECT_FALSE(o.maximize());  // libtorch 1.13 has no maximize: the optimizer's value stays
    for (size_t i = 0; i < 2; ++i)
      expect_close(state_of<optim::SGDParamState>(opt, model->parameters()[i]).momentum_buffer(),
                   state_of<optim::SGDParamState>(*ref, ref_model->parameters()[i]).momentum_buffer(), "sgd buffer");
  }
  {
    nn::Linear ref_model = training_model(), model = training_model();
    auto ref = trained<optim::Adam>(ref_model, adam_options());
    optim::Adam opt(model->parameters(), optim::AdamOptions(1.0));
    ember::load(opt, fixture("adam.pt"));
    auto& o = static_cast<optim::AdamOptions&>(opt.param_groups()[0].options());
    EXPECT_EQ(o.lr(), 0.01);
    EXPECT_TRUE(o.amsgrad());
    EXPECT_EQ(o.weight_decay(), 0.1);
    EXPECT_EQ(std::get<1>(o.betas()), 0.999);
    for (size_t i = 0; i < 2; ++i) {
      auto& got = state_of<optim::AdamParamState>(opt, model->parameters()[i]);
      auto& want = state_of<optim::AdamParamState>(*ref, ref_model->parameters()[i]);
      EXPECT_EQ(got.step(), 2);
      expect_close(got.exp_avg(), want.exp_avg(), "adam exp_avg");
      expect_close(got.exp_avg_sq(), want.exp_avg_sq(), "adam exp_avg_sq");
      expect_close(got.max_exp_avg_sq(), want.max_exp_avg_sq(), "adam max_exp_avg_sq");
    }
  }
  {
    nn::Linear ref_model = training_model(), model = training_model();
    auto ref = trained<optim::Adagrad>(ref_model, adagrad_options());
    optim::Adagrad opt(model->parameters(), optim::AdagradOptions(1.0));
    ember::load(opt, fixture("adagrad.pt"));
    EXPECT_EQ(static_cast<optim::AdagradOptions&>(opt.param_groups()[0].options()).lr_decay(), 0.01);
    for (size_t i = 0; i < 2; ++i) {
      auto& got = state_of<optim::AdagradParamState>(opt, model->parameters()[i]);
      EXPECT_EQ(got.step(), 2);
      expect_close(got.sum(), state_of<optim::AdagradParamState>(*ref, ref_model->parameters()[i]).sum(), "adagrad sum");
    }
  }
  {
    nn::Linear ref_model = training_model(), model = training_model();
    auto ref = trained<optim::RMSprop>(ref_model, rmsprop_options());
    optim::RMSprop opt(model->parameters(), optim::RMSpropOptions(1.0));
    ember::load(opt, fixture("rmsprop.pt"));
    EXPECT_TRUE(static_cast<optim::RMSpropOptions&>(opt.param_groups()[0].options()).centered());
    for (size_t i = 0; i < 2; ++i) {
      auto& got = state_of<optim::RMSpropParamState>(opt, model->parameters()[i]);
      auto& want = state_of<optim::RMSpropParamState>(*ref, ref_model->parameters()[i]);
      EXPECT_EQ(got.step(), 2);
      expect_close(got.square_avg(), want.square_avg(), "rmsprop square_avg");
      expect_close(got.momentum_buffer(), want.momentum_buffer(), "rmsprop momentum_buffer");
      expect_close(got.grad_avg(), want.grad_avg(), "rmsprop grad_avg");
    }
  }
}

TEST(LibtorchArchives, AnOptimizerOfAnotherShapeIsRefusedAndKeepsItsState) {
  nn::Linear model = training_model();
  nn::Linear other(2, 1);
  optim::SGD two_groups(std::vector<optim::OptimizerParamGroup>{{{model->weight}}, {{model->bias}}}, optim::SGDOptions(1.0));
  EXPECT_THROW_MSG(ember::load(two_groups, fixture("sgd.pt")), ValueError, "different number of parameter groups");
  EXPECT_TRUE(two_groups.state().empty());
  optim::SGD three({model->weight, model->bias, other->bias}, optim::SGDOptions(1.0));
  EXPECT_THROW_MSG(ember::load(three, fixture("sgd.pt")), ValueError, "parameter group of 2 parameters");
  // An Adam file's state does not fit an SGD.
  optim::SGD sgd(model->parameters(), optim::SGDOptions(1.0));
  EXPECT_THROW(ember::load(sgd, fixture("adam.pt")), ValueError);
  EXPECT_TRUE(sgd.state().empty());
  EXPECT_EQ(sgd.param_groups()[0].options().get_lr(), 1.0);
}

// ---- ember's archives -------------------------------------------------------------------------------

TEST(Archives, RoundTripKeepsKindsOrderAndValues) {
  serialize::OutputArchive out, nested, empty;
  Tensor p = ember::tensor({1.0f, 2.0f}).requires_grad_(true);
  out.write("z", p);
  out.write("a", ember::tensor({3}, kInt64), /*is_buffer=*/true);
  out.write("params/0", IValue(std::string("0x1234")));
  out.write("f", IValue(0.25));
  out.write("flags", IValue(std::vector<bool>{true, false}));
  out.write("list", IValue(std::vector<Tensor>{ember::ones({2}), ember::zeros({1}, kInt64)}));
  out.write("none", IValue());
  nested.write("w.x", ember::full({2, 2}, Scalar(1.5)));
  out.write("nested", nested);
  out.write("empty", empty);
  out.write("f", IValue(0.5));  // writing a key again replaces it in place
  {
    NoGradGuard g;
    p.fill_(9);  // the archive holds a copy
  }
  std::ostringstream bytes;
  out.save_to(bytes);
  const std::string data = bytes.str();
  ASSERT_EQ(data.compare(0, 2, "PK"), 0);

  serialize::InputArchive in;
  in.load_from(data.data(), data.size());
  EXPECT_EQ(in.keys(), (std::vector<std::string>{"z", "a", "params/0", "f", "flags", "list", "none", "nested", "empty"}));
  Tensor z, a;
  in.read("z", z);
  EXPECT_EQ(values(z), (std::vector<double>{1, 2}));
  EXPECT_TRUE(z.requires_grad());
  in.read("a", a, /*is_buffer=*/true);
  EXPECT_EQ(a.scalar_type(), kInt64);
  IValue v;
  in.read("f", v);
  EXPECT_EQ(v.to_double(), 0.5);
  in.read("params/0", v);
  EXPECT_EQ(v.to_string_ref(), "0x1234");
  in.read("flags", v);
  EXPECT_EQ(v.to_bool_list(), (std::vector<bool>{true, false}));
  in.read("list", v);
  ASSERT_EQ(v.to_tensor_list().size(), 2u);
  EXPECT_EQ(v.to_tensor_list()[1].scalar_type(), kInt64);
  in.read("none", v);
  EXPECT_TRUE(v.is_none());
  serialize::InputArchive n, e;
  in.read("nested", n);
  Tensor w;
  n.read("w.x", w);
  EXPECT_EQ(values(w), (std::vector<double>(4, 1.5)));
  in.read("empty", e);
  EXPECT_TRUE(e.keys().empty());
  // Reading into a defined tensor copies (converting dtype); the shape must match.
  Tensor into = ember::zeros({2}, kFloat64);
  in.read("z", into);
  EXPECT_EQ(values(into), (std::vector<double>{1, 2}));
  Tensor wrong = ember::zeros({3});
  EXPECT_THROW_MSG(in.read("z", wrong), ValueError, "has shape [2], but the tensor read into has shape [3]");
  EXPECT_THROW_MSG(in.read("missing", v), ValueError, "does not have a field with name 'missing'");
  EXPECT_THROW_MSG(in.read("z", e), ValueError, "No such serialized submodule: 'z'");

  // The writer and reader functions, and files, give the same archive.
  std::string through_func;
  out.save_to([&](const void* buf, size_t n) {
    through_func.append(static_cast<const char*>(buf), std::min<size_t>(n, 100));
    return std::min<size_t>(n, 100);
  });
  EXPECT_EQ(through_func, data);
  serialize::InputArchive from_func;
  from_func.load_from([&](uint64_t pos, void* buf, size_t n) {
    size_t k = std::min<size_t>(n, 37);
    std::memcpy(buf, data.data() + pos, k);
    return k;
  }, [&] { return data.size(); });
  EXPECT_EQ(from_func.keys(), in.keys());
  EXPECT_THROW_MSG(out.save_to([](const void*, size_t) { return size_t{0}; }), RuntimeError, "accepted no bytes");
  EXPECT_THROW_MSG(out.write("", ember::ones({1})), ValueError, "keys must not be empty");
  EXPECT_THROW_MSG(out.write("u", Tensor()), ValueError, "undefined tensor 'u'");
  EXPECT_THROW_MSG(out.write("self", out), ValueError, "into itself");
  serialize::OutputArchive inner, outer;
  outer.write("inner", inner);
  EXPECT_THROW_MSG(inner.write("outer", outer), ValueError, "into itself");  // a cycle
  std::ostringstream sink;
  outer.save_to(sink);
}

template <typename Opt, typename Options>
void round_trip(const Options& options, const std::string& path) {
  SCOPED_TRACE(typeid(Opt).name());
  nn::Linear a = training_model(), b = training_model();
  Tensor x = ember::tensor({{1.0f, 2.0f}, {3.0f, -1.0f}});
  auto step = [&x](Opt& opt, nn::Linear& model) {
    opt.step([&] {
      opt.zero_grad();
      Tensor loss = model(x).pow(2).sum();
      loss.backward();
      return loss;
    });
  };
  Opt first(a->parameters(), options);
  step(first, a);
  step(first, a);
  Opt second(b->parameters(), options);
  {
    NoGradGuard g;
    for (size_t i = 0; i < 2; ++i) b->parameters()[i].copy_(a->parameters()[i]);
  }
  ember::save(first, path);
  ember::load(second, path);
  EXPECT_EQ(second.state().size(), first.state().size());
  step(first, a);
  step(second, b);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(values(a->parameters()[i]), values(b->parameters()[i]));
}

TEST(Archives, ModulesAndOptimizersRoundTripThroughFiles) {
  const std::string path = temp_path("model.pt");
  nn::Sequential s = make_sequential();
  ember::save(s, path);
  nn::Sequential back(nn::Linear(2, 2), nn::ReLU(), nn::BatchNorm1d(2));
  ember::load(back, path);
  for (const auto& item : s->named_parameters()) EXPECT_EQ(values(back->named_parameters()[item.key()]), values(item.value()));
  for (const auto& item : s->named_buffers()) EXPECT_EQ(values(back->named_buffers()[item.key()]), values(item.value()));
  // The zip's top folder is the file's stem, as torch::save names it.
  EXPECT_NE(read_file(path).find("model/data.pkl"), std::string::npos);
  // Loading onto a device argument.
  serialize::InputArchive on_cpu;
  on_cpu.load_from(path, Device("cpu"));
  EXPECT_EQ(on_cpu.state_dict().size(), 7u);

  // Every optimizer: the state saved after two steps is the state loaded, and both take the
  // same third step.
  round_trip<optim::SGD>(sgd_options(), path);
  round_trip<optim::Adam>(adam_options(), path);
  round_trip<optim::Adagrad>(adagrad_options(), path);
  round_trip<optim::RMSprop>(rmsprop_options(), path);
  round_trip<optim::LBFGS>(optim::LBFGSOptions(0.5).history_size(3).line_search_fn("strong_wolfe"), path);
  std::remove(path.c_str());
}


TEST(Archives, EarlierEmberStateDictFilesStillLoad) {
  // The layout ember's archives had before they took libtorch's format: nested archives as dotted
  // names, values as "<key>\x1f<kind>" entries (i int, d float, s string bytes, a nested marker,
  // T tensor list count and T<i> elements).
  const std::string path = temp_path("legacy.ember");
  StateDict d("Key");
  d.insert("fc.weight", ember::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}}));
  d.insert("fc.bias", ember::tensor({0.5f, -0.5f}));
  d.insert(std::string("step\x1f") + "i", ember::full({}, Scalar(int64_t{3}), TensorOptions(kInt64)));
  d.insert(std::string("name\x1f") + "s", ember::tensor({'o', 'k'}, kUInt8));
  d.insert(std::string("act\x1f") + "a", ember::empty({0}, TensorOptions(kUInt8)));
  d.insert(std::string("xs\x1f") + "T", ember::full({}, Scalar(int64_t{2}), TensorOptions(kInt64)));
  d.insert(std::string("xs\x1f") + "T0", ember::ones({1}));
  d.insert(std::string("xs\x1f") + "T1", ember::zeros({2}));
  ember::save(d, path);
  serialize::InputArchive in;
  in.load_from(path);
  EXPECT_EQ(in.keys(), (std::vector<std::string>{"fc", "step", "name", "act", "xs"}));
  IValue v;
  in.read("step", v);
  EXPECT_EQ(v.to_int(), 3);
  in.read("name", v);
  EXPECT_EQ(v.to_string_ref(), "ok");
  in.read("xs", v);
  ASSERT_EQ(v.to_tensor_list().size(), 2u);
  EXPECT_EQ(v.to_tensor_list()[1].numel(), 2);
  serialize::InputArchive fc, act;
  in.read("act", act);
  in.read("fc", fc);
  nn::Linear l(2, 2);
  l->load(fc);
  EXPECT_EQ(values(l->weight), (std::vector<double>{1, 2, 3, 4}));

  // A module file of that time (children without tensors left out) and an optimizer's (its
  // state_dict() entries) load into today's objects.
  nn::Sequential s = make_sequential();
  ember::save(s->state_dict(), path);
  nn::Sequential back(nn::Linear(2, 2), nn::ReLU(), nn::BatchNorm1d(2));
  ember::load(back, path);
  EXPECT_EQ(values(back->named_buffers()["2.running_var"]), (std::vector<double>{2, 3}));
  nn::Linear a = training_model(), b = training_model();
  auto first = trained<optim::Adam>(a, adam_options());
  ember::save(first->state_dict(), path);
  optim::Adam second(b->parameters(), adam_options());
  ember::load(second, path);
  expect_close(state_of<optim::AdamParamState>(second, b->parameters()[0]).exp_avg(),
               state_of<optim::AdamParamState>(*first, a->parameters()[0]).exp_avg(), "legacy adam");

  d.insert(std::string("bad\x1f") + "q", ember::ones({1}));
  ember::save(d, path);
  EXPECT_THROW_MSG(in.load_from(path), ValueError, "has an unknown value kind");
  std::remove(path.c_str());
}

TEST(Archives, DamagedAndForeignFilesAreTypedErrors) {
  const std::string path = temp_path("damaged.pt");
  nn::Sequential s = make_sequential();
  ember::save(s, path);
  const std::string bytes = read_file(path);
  auto write = [&](const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  };
  // Truncated anywhere: an error naming the file; the module keeps its values.
  nn::Sequential target(nn::Linear(2, 2), nn::ReLU(), nn::BatchNorm1d(2));
  const std::vector<double> before = values(target->named_parameters()["0.weight"]);
  for (size_t len = 0; len < bytes.size(); len += (len < 64 || bytes.size() - len < 64) ? 1 : 7) {
    write(bytes.substr(0, len));
    try {
      ember::load(target, path);
      ADD_FAILURE() << "a file truncated to " << len << " of " << bytes.size() << " bytes loaded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(values(target->named_parameters()["0.weight"]), before);
  // Any byte flipped: an error, or (where the byte is one no reader checks) the same values.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    write(bad);
    try {
      nn::Sequential t(nn::Linear(2, 2), nn::ReLU(), nn::BatchNorm1d(2));
      ember::load(t, path);
      for (const auto& item : s->named_parameters())
        EXPECT_EQ(values(t->named_parameters()[item.key()]), values(item.value())) << "byte " << i;
    } catch (const Error&) {
    }
  }
  write("not an archive");
  serialize::InputArchive in;
  EXPECT_THROW_MSG(in.load_from(path), ValueError, "is neither an archive of torch::save / ember::save");
  EXPECT_THROW_MSG(in.load_from(temp_path("absent.pt")), RuntimeError, "cannot open");
  // An archive whose optimizer fields have the wrong kinds.
  serialize::OutputArchive out, groups, group, options;
  out.write("pytorch_version", IValue(std::string("1.5.0")));
  serialize::OutputArchive state;
  out.write("state", state);
  groups.write("param_groups/size", ember::full({}, Scalar(int64_t{1}), TensorOptions(kInt64)));
  group.write("params/size", ember::full({}, Scalar(int64_t{0}), TensorOptions(kInt64)));
  options.write("lr", IValue(std::string("fast")));
  group.write("options", options);
  groups.write("param_groups/0", group);
  out.write("param_groups", groups);
  out.save_to(path);
  optim::SGD sgd(std::vector<Tensor>{}, optim::SGDOptions(0.1));
  EXPECT_THROW_MSG(ember::load(sgd, path), TypeError, "the field 'lr' holds a value of kind");
  std::remove(path.c_str());
}

// Writes ember's archives of the scenario for libtorch_archives.cpp's `check` (the ctest
// nn.libtorch_reads_ember_archives, where libtorch is installed).
TEST(ArchiveForLibtorch, WritesArchives) {
  const std::string dir = std::string(EMBER_BINARY_DIR) + "/nn_archives";
  std::filesystem::create_directories(dir);
  ember::save(make_linear(), dir + "/e_linear.pt");
  ember::save(make_sequential(), dir + "/e_sequential.pt");
  ember::save(make_tensors(), dir + "/e_tensors.pt");
  serialize::OutputArchive a, nested;
  a.write("i", IValue(int64_t{7}));
  a.write("d", IValue(2.5));
  a.write("s", IValue(std::string("hi")));
  a.write("b", IValue(true));
  a.write("ints", IValue(std::vector<int64_t>{1, -2, 3}));
  a.write("pair", IValue::tuple({IValue(1.5), IValue(2.5)}));
  a.write("params/size", ember::full({}, Scalar(int64_t{3}), TensorOptions(kInt64)));
  nested.write("w", ember::ones({2}), /*is_buffer=*/true);
  a.write("nested", nested);
  a.save_to(dir + "/e_values.pt");
  nn::Linear l1 = training_model(), l2 = training_model(), l3 = training_model(), l4 = training_model();
  ember::save(*trained<optim::SGD>(l1, sgd_options()), dir + "/e_sgd.pt");
  ember::save(*trained<optim::Adam>(l2, adam_options()), dir + "/e_adam.pt");
  ember::save(*trained<optim::Adagrad>(l3, adagrad_options()), dir + "/e_adagrad.pt");
  ember::save(*trained<optim::RMSprop>(l4, rmsprop_options()), dir + "/e_rmsprop.pt");
  for (const char* name : {"linear", "sequential", "tensors", "values", "sgd", "adam", "adagrad", "rmsprop"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/e_" + name + ".pt")) << name;
}

}  // namespace
}  // namespace ember_test
