// `ember demo` (what `make demo` shows): the plugins and devices the built-in configuration
// loaded, the seed's myfun `tanh(x * x)` run eagerly on cpu and on the sim device with the
// results compared, a custom operator registered at run time with ember::Library, training
// (demo_training.cpp) and myfun as a script function (demo_script.cpp).
//
// Everything goes through the public C++ API, as an application would use it. Runs once, on
// one thread; any ember::Error propagates to main, which prints it and exits 1.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <ember/ember.h>

#include "tools/ember/commands.h"

namespace ember {
namespace cli {
namespace {

// Prints a tensor under a label, every line of PyTorch's format indented.
void print_tensor(const std::string& label, const Tensor& t) {
  std::cout << "  " << label << "\n";
  std::istringstream lines(t.toString());
  for (std::string line; std::getline(lines, line);) std::cout << "      " << line << "\n";
}

double max_abs_difference(const Tensor& a, const Tensor& b) {
  const Device cpu("cpu");
  return (a.to(cpu) - b.to(cpu)).abs().max().item<double>();
}

void show_runtime(const RuntimeReport& report) {
  std::cout << "1. Plugins and devices, from " << report.config_source << " (`ember info` has the details)\n";
  size_t width = 4;
  for (const auto& p : report.plugins) width = std::max(width, p.name.size());
  for (const auto& p : report.plugins) {
    std::cout << "  plugin " << p.name << std::string(width - p.name.size() + 2, ' ') << plugin_status_name(p.status);
    if (p.status == PluginStatus::Loaded) {
      std::cout << ": " << p.kernels_registered << " kernels, " << p.path << "\n";
    } else {
      std::cout << (p.required ? "" : " (optional)") << ": " << p.reason << "\n";
    }
  }
  for (const auto& d : report.device_types) {
    std::cout << "  device " << d.name << std::string(width - std::min(width, d.name.size()) + 2, ' ') << d.device_count
              << (d.device_count == 1 ? " device" : " devices") << " from plugin " << d.plugin
              << (d.host_accessible ? ", host memory" : ", device memory (copies go through the plugin)")
              << (d.fallback == "cpu" ? ", cpu fallback" : "") << "\n";
  }
  std::cout << "\n";
}

// The seed's example function, written once for every device.
Tensor myfun(const Tensor& x) { return (x * x).tanh(); }

void show_myfun(const Tensor& x, bool have_sim) {
  std::cout << "2. The seed's myfun(x) = tanh(x * x), run eagerly\n";
  print_tensor("x =", x);
  const Tensor on_cpu = myfun(x);
  print_tensor("myfun(x) on cpu =", on_cpu);
  if (!have_sim) {
    std::cout << "  (the sim plugin is not loaded, so myfun runs on cpu only)\n\n";
    return;
  }
  // The same code on another device: x moves to sim; mul and tanh run there, in sim's kernels.
  const Tensor on_sim = myfun(x.to(Device("sim")));
  print_tensor("myfun(x) on sim =", on_sim);
  const double diff = max_abs_difference(on_cpu, on_sim);
  std::cout << "  cpu and sim " << (diff <= 1e-6 ? "agree" : "DISAGREE") << ": max |cpu - sim| = " << diff << "\n\n";
  EMBER_CHECK(diff <= 1e-6, RuntimeError, "[demo] myfun differs between cpu and sim by ", diff);
}

void show_custom_op(const Tensor& x, bool have_sim) {
  std::cout << "3. A custom operator, registered at run time with ember::Library\n";
  std::cout << "  demo::scaled_tanh(Tensor x, float scale) -> Tensor, with a Composite kernel tanh(x) * scale\n";
  Library demo_ops("demo");  // the registrations outlive this object: they are permanent
  demo_ops.def("scaled_tanh(Tensor x, float scale) -> Tensor");
  demo_ops.impl("scaled_tanh", "Composite", [](const Tensor& t, double scale) { return t.tanh() * scale; });

  auto scaled_tanh = op<Tensor(const Tensor&, double)>("demo::scaled_tanh");
  const Tensor on_cpu = scaled_tanh.call(x, 3.0);
  print_tensor("demo::scaled_tanh(x, 3.0) on cpu =", on_cpu);
  if (have_sim) {
    const Tensor on_sim = scaled_tanh.call(x.to(Device("sim")), 3.0);
    print_tensor("and on sim (the Composite kernel covers every device) =", on_sim);
    const double diff = max_abs_difference(on_cpu, on_sim);
    EMBER_CHECK(diff <= 1e-6, RuntimeError, "[demo] demo::scaled_tanh differs between cpu and sim by ", diff);
  }
  std::cout << "\n";
}

void show_inplace_autograd() {
  std::cout << "4. Autograd through an in-place write into a view, as PyTorch's: y = x * 2; y[0] = 0\n";
  const Tensor x = ember::tensor({1.0, 2.0, 3.0}).requires_grad_(true);
  Tensor y = x * 2.0;
  y.index_put_({0}, 0.0);  // y[0] is a view of y: y's history becomes CopySlices
  print_tensor("y =", y);
  (y * y).sum().backward();
  print_tensor("d sum(y * y) / dx = 8 x, except where y[0] was overwritten:", x.grad());
  const double diff = max_abs_difference(x.grad(), ember::tensor({0.0, 16.0, 24.0}));
  EMBER_CHECK(diff == 0, RuntimeError, "[demo] the gradient through y[0] = 0 is off by ", diff);
  std::cout << "\n";
}

// The CPU plugin keeps convolution weights in oneDNN's layout between calls; the core's content
// versions (plugin ABI 2.2) tell it whether the weights changed, so a cached call reads them
// not at all, and every change made through ember is seen at the next call.
void show_weight_versions() {
  std::cout << "8. Convolution weights kept between calls, checked by content versions (plugin ABI 2.2)\n";
  ember::manual_seed(1);
  NoGradGuard no_grad;
  const Tensor x = ember::randn({1, 64, 14, 14});
  Tensor w = ember::randn({64, 64, 3, 3}).mul_(0.05);
  auto check = [&](const char* what) {
    const Tensor got = ember::conv2d(x, w, std::nullopt, {1, 1}, {1, 1});
    const Tensor want = ember::conv2d(x.to(kFloat64), w.to(kFloat64), std::nullopt, {1, 1}, {1, 1});
    const double diff = (got.to(kFloat64) - want).abs().max().item<double>();
    std::cout << "  " << what << ": weight version " << w._version() << ", max |conv - float64 conv| = " << diff << "\n";
    EMBER_CHECK(diff < 1e-4, RuntimeError, "[demo] a convolution after '", what, "' is off by ", diff);
  };
  check("first call (weights cached)");
  check("second call (the version vouches for them: not read again)");
  w.mul_(0.5);
  check("after w.mul_(0.5) (a new version: cached again)");
  std::cout << "\n";
}

}  // namespace

int run_demo() {
  detail::ensure_runtime_initialized();
  const RuntimeReport report = runtime_report();
  std::cout << "ember " << version() << ": a small deep-learning core whose devices are plugins\n\n";
  show_runtime(report);

  const bool have_sim = find_device_type("sim") != kInvalidDeviceType;
  const Tensor x = ember::tensor({{-1.0, 0.5}, {2.0, -0.25}});
  show_myfun(x, have_sim);
  show_custom_op(x, have_sim);
  show_inplace_autograd();
  show_training();
  show_script(x);
  show_ddp_training();
  show_weight_versions();

  std::cout << "More: `ember info` (what loaded, and why not); examples/ (an application, an out-of-tree\n"
               "device plugin, a custom op); `ember-conformance --plugin <library>` (checks a plugin).\n";
  return 0;
}

}  // namespace cli
}  // namespace ember
