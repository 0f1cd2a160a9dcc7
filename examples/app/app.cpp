// A small application on ember's C++ API, as a user would write it against an installed ember
// (find_package(ember), target ember::ember):
//
//   app [DEVICE]      runs on DEVICE ("cpu", "sim", "sim:0"; default: the configured default)
//
// It computes the seed's myfun, tanh(x * x), a small matrix product and a reduction on fixed
// inputs, prints them in PyTorch's format, and checks them against values computed by hand.
// Which plugins load comes from $EMBER_CONFIG (or ember's built-in configuration).
//
// Exit status: 0 when every result matches, 1 otherwise (or on an error, printed to stderr).
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace {

using ember::Tensor;

// The seed's example function.
Tensor myfun(const Tensor& x) { return (x * x).tanh(); }

// Compares t (on any device) with expected values, element by element in row-major order.
bool matches(const char* what, const Tensor& t, const std::vector<double>& expected) {
  const Tensor host = t.to(ember::Device("cpu")).to(ember::kFloat64).contiguous();
  const double* got = host.data_ptr<double>();
  if (host.numel() != static_cast<int64_t>(expected.size())) {
    std::cerr << what << ": " << host.numel() << " elements, expected " << expected.size() << "\n";
    return false;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::fabs(got[i] - expected[i]) > 1e-5) {
      std::cerr << what << ": element " << i << " is " << got[i] << ", expected " << expected[i] << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    ember::init();
    const ember::Device device = argc > 1 ? ember::Device(std::string(argv[1])) : ember::default_device();
    std::cout << "ember " << ember::version() << " on " << device << "\n\n";

    const Tensor x = ember::tensor({{0.5, -1.0}, {1.5, 0.25}}).to(device);
    const Tensor w = ember::tensor({{1.0, 2.0}, {3.0, 4.0}}).to(device);

    const Tensor y = myfun(x);
    std::cout << "x =\n" << x << "\n\nmyfun(x) = tanh(x * x) =\n" << y << "\n\n";

    const Tensor z = ember::matmul(x, w);
    std::cout << "x @ w =\n" << z << "\n\n";

    const Tensor total = z.sum();
    std::cout << "(x @ w).sum() = " << total << "\n\n";

    bool ok = matches("myfun(x)", y, {std::tanh(0.25), std::tanh(1.0), std::tanh(2.25), std::tanh(0.0625)});
    ok = matches("x @ w", z, {-2.5, -3.0, 2.25, 4.0}) && ok;
    ok = matches("sum", total, {0.75}) && ok;
    std::cout << (ok ? "all results match" : "MISMATCH") << "\n";
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "app: " << e.what() << "\n";
    return 1;
  }
}
