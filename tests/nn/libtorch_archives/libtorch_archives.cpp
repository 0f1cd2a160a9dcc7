// The other side of ember's libtorch-format archives (nn/serialize/archive.h), built against
// Debian's libtorch 1.13 (never against ember):
//
//   libtorch_archives write DIR   writes the archives tests/nn/libtorch_archive_test.cpp loads
//                                 (kept in this folder: linear.pt, sequential.pt, tensors.pt,
//                                 values.pt, sgd.pt, adam.pt, adagrad.pt, rmsprop.pt)
//   libtorch_archives check DIR   loads the archives ember wrote to DIR (ArchiveForLibtorch.*,
//                                 e_<name>.pt) with torch::load and compares them with what this
//                                 program builds itself; exit status 1 on any difference
//
// Both sides build the same objects: deterministic weights (no random initialization), and
// optimizers that took two steps on the same batch. The test file spells out the same scenario.
#include <torch/torch.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "MISMATCH: " << what << "\n";
    ++failures;
  }
}

void expect_close(const torch::Tensor& a, const torch::Tensor& b, const std::string& what) {
  bool ok = a.defined() && b.defined() && a.sizes() == b.sizes() &&
            torch::allclose(a.to(torch::kDouble), b.to(torch::kDouble), 1e-6, 1e-7);
  if (!ok) std::cerr << what << ": got\n" << a << "\nexpected\n" << b << "\n";
  expect(ok, what);
}

// weight[i] = 0.25 * i - 0.5 (row-major), bias[i] = 0.125 - 0.5 * i.
void fill_linear(torch::nn::Linear& l) {
  torch::NoGradGuard g;
  l->weight.copy_(torch::arange(l->weight.numel(), torch::kFloat).reshape(l->weight.sizes()) * 0.25 - 0.5);
  l->bias.copy_(0.125 - 0.5 * torch::arange(l->bias.numel(), torch::kFloat));
}

torch::nn::Linear make_linear() {
  torch::nn::Linear l(3, 2);
  fill_linear(l);
  return l;
}

torch::nn::Sequential make_sequential() {
  torch::nn::Linear l(2, 2);
  fill_linear(l);
  torch::nn::BatchNorm1d bn(2);
  {
    torch::NoGradGuard g;
    bn->weight.copy_(torch::tensor({1.5f, -0.5f}));
    bn->running_mean.copy_(torch::tensor({0.5f, -1.0f}));
    bn->running_var.copy_(torch::tensor({2.0f, 3.0f}));
    bn->num_batches_tracked.fill_(4);
  }
  return torch::nn::Sequential(l, torch::nn::ReLU(), bn);
}

std::vector<torch::Tensor> make_tensors() {
  return {torch::arange(6, torch::kFloat).reshape({2, 3}), torch::tensor({{7, -8}}, torch::kLong),
          torch::tensor({true, false, true}), torch::tensor({0.1, -2.5}, torch::kDouble)};
}

// Linear(2, 1) with every parameter 0.5, trained two steps on one batch; loss sum(y^2).
torch::nn::Linear training_model() {
  torch::nn::Linear l(2, 1);
  torch::NoGradGuard g;
  for (auto& p : l->parameters()) p.fill_(0.5);
  return l;
}

template <typename Opt, typename Options>
std::unique_ptr<Opt> trained(torch::nn::Linear& l, const Options& options) {
  auto opt = std::make_unique<Opt>(l->parameters(), options);
  auto x = torch::tensor({{1.0f, 2.0f}, {3.0f, -1.0f}});
  for (int i = 0; i < 2; ++i) {
    opt->zero_grad();
    l(x).pow(2).sum().backward();
    opt->step();
  }
  return opt;
}

torch::optim::SGDOptions sgd_options() { return torch::optim::SGDOptions(0.1).momentum(0.9).nesterov(true); }
torch::optim::AdamOptions adam_options() { return torch::optim::AdamOptions(0.01).amsgrad(true).weight_decay(0.1); }
torch::optim::AdagradOptions adagrad_options() { return torch::optim::AdagradOptions(0.1).lr_decay(0.01); }
torch::optim::RMSpropOptions rmsprop_options() { return torch::optim::RMSpropOptions(0.01).momentum(0.5).centered(true); }

void write_all(const std::string& dir) {
  torch::save(make_linear(), dir + "/linear.pt");
  torch::save(make_sequential(), dir + "/sequential.pt");
  torch::save(make_tensors(), dir + "/tensors.pt");
  {
    torch::serialize::OutputArchive a, nested;
    a.write("i", c10::IValue(int64_t{7}));
    a.write("d", c10::IValue(2.5));
    a.write("s", c10::IValue(std::string("hi")));
    a.write("b", c10::IValue(true));
    a.write("ints", c10::IValue(std::vector<int64_t>{1, -2, 3}));
    a.write("pair", c10::IValue(std::make_tuple(1.5, 2.5)));
    a.write("params/size", torch::tensor(int64_t{3}));
    nested.write("w", torch::ones({2}), /*is_buffer=*/true);
    a.write("nested", nested);
    a.save_to(dir + "/values.pt");
  }
  auto l1 = training_model(), l2 = training_model(), l3 = training_model(), l4 = training_model();
  torch::save(*trained<torch::optim::SGD>(l1, sgd_options()), dir + "/sgd.pt");
  torch::save(*trained<torch::optim::Adam>(l2, adam_options()), dir + "/adam.pt");
  torch::save(*trained<torch::optim::Adagrad>(l3, adagrad_options()), dir + "/adagrad.pt");
  torch::save(*trained<torch::optim::RMSprop>(l4, rmsprop_options()), dir + "/rmsprop.pt");
}

// The state of `loaded` (fresh, filled by torch::load) against `reference` (trained here), by
// parameter position.
template <typename State, typename Opt, typename Fields>
void compare_states(Opt& loaded, torch::nn::Linear& fresh, Opt& reference, torch::nn::Linear& trained_model,
                    const std::string& name, Fields fields) {
  auto params = fresh->parameters();
  auto ref_params = trained_model->parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    auto key = c10::guts::to_string(params[i].unsafeGetTensorImpl());
    auto ref_key = c10::guts::to_string(ref_params[i].unsafeGetTensorImpl());
    bool present = loaded.state().count(key) == 1;
    expect(present, name + ": no state for parameter " + std::to_string(i));
    if (!present) continue;
    fields(static_cast<State&>(*loaded.state().at(key)), static_cast<State&>(*reference.state().at(ref_key)),
           name + " parameter " + std::to_string(i));
  }
}

void check_all(const std::string& dir) {
  {
    torch::nn::Linear l(3, 2);
    torch::load(l, dir + "/e_linear.pt");
    auto ref = make_linear();
    expect_close(l->weight, ref->weight, "linear weight");
    expect_close(l->bias, ref->bias, "linear bias");
  }
  {
    torch::nn::Sequential s(torch::nn::Linear(2, 2), torch::nn::ReLU(), torch::nn::BatchNorm1d(2));
    torch::load(s, dir + "/e_sequential.pt");
    auto ref = make_sequential();
    auto got = s->named_parameters(), want = ref->named_parameters();
    for (const auto& item : want) expect_close(got[item.key()], item.value(), "sequential " + item.key());
    auto got_b = s->named_buffers(), want_b = ref->named_buffers();
    for (const auto& item : want_b) expect_close(got_b[item.key()], item.value(), "sequential " + item.key());
  }
  {
    std::vector<torch::Tensor> v;
    torch::load(v, dir + "/e_tensors.pt");
    auto ref = make_tensors();
    expect(v.size() == ref.size(), "tensors: count");
    for (size_t i = 0; i < v.size() && i < ref.size(); ++i) {
      expect(v[i].dtype() == ref[i].dtype(), "tensors: dtype of " + std::to_string(i));
      expect(torch::equal(v[i], ref[i]), "tensors: values of " + std::to_string(i));
    }
  }
  {
    torch::serialize::InputArchive a;
    a.load_from(dir + "/e_values.pt");
    c10::IValue v;
    a.read("i", v);
    expect(v.isInt() && v.toInt() == 7, "values: i");
    a.read("d", v);
    expect(v.isDouble() && v.toDouble() == 2.5, "values: d");
    a.read("s", v);
    expect(v.isString() && v.toStringRef() == "hi", "values: s");
    a.read("b", v);
    expect(v.isBool() && v.toBool(), "values: b");
    a.read("ints", v);
    expect(v.isIntList() && v.toIntVector() == std::vector<int64_t>({1, -2, 3}), "values: ints");
    a.read("pair", v);
    expect(v.isTuple() && v.toTuple()->elements().size() == 2 && v.toTuple()->elements()[1].toDouble() == 2.5,
           "values: pair");
    torch::Tensor size;
    a.read("params/size", size);
    expect(size.item<int64_t>() == 3, "values: params/size");
    torch::serialize::InputArchive nested;
    a.read("nested", nested);
    torch::Tensor w;
    nested.read("w", w, /*is_buffer=*/true);
    expect(torch::equal(w, torch::ones({2})), "values: nested w");
  }
  {
    auto ref_model = training_model(), model = training_model();
    auto ref = trained<torch::optim::SGD>(ref_model, sgd_options());
    torch::optim::SGD opt(model->parameters(), sgd_options());
    torch::load(opt, dir + "/e_sgd.pt");
    compare_states<torch::optim::SGDParamState>(opt, model, *ref, ref_model, "sgd", [](auto& a, auto& b, const std::string& w) {
      expect_close(a.momentum_buffer(), b.momentum_buffer(), w + " momentum_buffer");
    });
  }
  {
    auto ref_model = training_model(), model = training_model();
    auto ref = trained<torch::optim::Adam>(ref_model, adam_options());
    torch::optim::Adam opt(model->parameters(), adam_options());
    torch::load(opt, dir + "/e_adam.pt");
    compare_states<torch::optim::AdamParamState>(opt, model, *ref, ref_model, "adam", [](auto& a, auto& b, const std::string& w) {
      expect(a.step() == b.step(), w + " step");
      expect_close(a.exp_avg(), b.exp_avg(), w + " exp_avg");
      expect_close(a.exp_avg_sq(), b.exp_avg_sq(), w + " exp_avg_sq");
      expect_close(a.max_exp_avg_sq(), b.max_exp_avg_sq(), w + " max_exp_avg_sq");
    });
  }
  {
    auto ref_model = training_model(), model = training_model();
    auto ref = trained<torch::optim::Adagrad>(ref_model, adagrad_options());
    torch::optim::Adagrad opt(model->parameters(), adagrad_options());
    torch::load(opt, dir + "/e_adagrad.pt");
    compare_states<torch::optim::AdagradParamState>(opt, model, *ref, ref_model, "adagrad", [](auto& a, auto& b, const std::string& w) {
      expect(a.step() == b.step(), w + " step");
      expect_close(a.sum(), b.sum(), w + " sum");
    });
  }
  {
    auto ref_model = training_model(), model = training_model();
    auto ref = trained<torch::optim::RMSprop>(ref_model, rmsprop_options());
    torch::optim::RMSprop opt(model->parameters(), rmsprop_options());
    torch::load(opt, dir + "/e_rmsprop.pt");
    compare_states<torch::optim::RMSpropParamState>(opt, model, *ref, ref_model, "rmsprop", [](auto& a, auto& b, const std::string& w) {
      expect(a.step() == b.step(), w + " step");
      expect_close(a.square_avg(), b.square_avg(), w + " square_avg");
      expect_close(a.momentum_buffer(), b.momentum_buffer(), w + " momentum_buffer");
      expect_close(a.grad_avg(), b.grad_avg(), w + " grad_avg");
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "write" && std::string(argv[1]) != "check")) {
    std::cerr << "usage: libtorch_archives write|check DIR\n";
    return 2;
  }
  try {
    if (std::string(argv[1]) == "write") write_all(argv[2]);
    else check_all(argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "ERROR: " << e.what() << "\n";
    return 1;
  }
  if (failures) return 1;
  std::cout << (std::string(argv[1]) == "write" ? "wrote the archives to " : "libtorch read ember's archives in ")
            << argv[2] << "\n";
  return 0;
}
