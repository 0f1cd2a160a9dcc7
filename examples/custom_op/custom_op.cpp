// A custom operator registered at run time, with no rebuild of ember:
//
//   myops::scaled_tanh(Tensor x, float scale) -> Tensor      = scale * tanh(x)
//
// It gets a kernel for cpu written in C++ over the tensor's memory, then a Composite kernel
// written in terms of other operators (so every device gets it, the sim device included). The
// program calls it typed (ember::op<Sig>), boxed (ember::call_boxed, as an interpreter would),
// and shows the error ember raises for a device that has no kernel yet.
//
// Single-threaded program; ember's registration API itself is thread-safe.
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <ember/ember.h>

namespace {

using ember::Tensor;

// The cpu kernel: reads and writes the tensors' memory directly. It receives the schema's
// arguments with the C++ API types (`float` in a schema is a double in C++).
Tensor scaled_tanh_cpu(const Tensor& x, double scale) {
  Tensor in = x.contiguous();
  Tensor out = ember::empty(in.sizes(), in.options());
  const int64_t n = in.numel();
  if (in.scalar_type() == ember::kFloat64) {
    const double* src = in.data_ptr<double>();
    double* dst = out.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) dst[i] = scale * std::tanh(src[i]);
  } else {
    // Other dtypes go through float32, as a small kernel library might do.
    Tensor in32 = in.to(ember::kFloat32).contiguous();
    Tensor out32 = ember::empty(in.sizes(), ember::kFloat32);
    const float* src = in32.data_ptr<float>();
    float* dst = out32.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(scale * std::tanh(src[i]));
    out = in.is_floating_point() ? out32.to(in.scalar_type()) : out32;
  }
  return out;
}

// The Composite kernel: built from operators every device has, so it needs no device code.
Tensor scaled_tanh_composite(const Tensor& x, double scale) { return ember::tanh(x) * scale; }

void show(const char* what, const Tensor& t) { std::cout << what << "\n" << t << "\n\n"; }

}  // namespace

int main() {
  try {
    // Start ember first ($EMBER_CONFIG or the built-in configuration): device types such as
    // "cpu" and "sim" exist only once their plugins are loaded.
    ember::init();

    ember::Library myops("myops");
    myops.def("scaled_tanh(Tensor x, float scale) -> Tensor");
    myops.impl("scaled_tanh", "cpu", &scaled_tanh_cpu);

    const Tensor x = ember::tensor({-1.0, 0.0, 0.5, 2.0});
    auto scaled_tanh = ember::op<Tensor(const Tensor&, double)>("myops::scaled_tanh");
    show("typed call, cpu kernel: myops::scaled_tanh(x, 2.0)", scaled_tanh.call(x, 2.0));

    ember::Stack results = ember::call_boxed("myops::scaled_tanh", {x, 0.5});
    show("boxed call: ember::call_boxed(\"myops::scaled_tanh\", {x, 0.5})", results.at(0).to_tensor());

    const bool have_sim = ember::find_device_type("sim") != ember::kInvalidDeviceType;
    bool sim_falls_back_to_cpu = false;
    for (const auto& d : ember::runtime_report().device_types) sim_falls_back_to_cpu |= d.name == "sim" && d.fallback == "cpu";
    if (!have_sim) {
      std::cout << "(the sim plugin is not loaded, so there is no second device to show the missing-kernel error on)\n";
    } else if (sim_falls_back_to_cpu) {
      // With `fallback: cpu`, ops sim lacks run on the cpu instead: no error to show.
      show("on sim, through the CPU fallback the configuration asks for:", scaled_tanh.call(x.to(ember::Device("sim")), 2.0));
    } else {
      const Tensor x_sim = x.to(ember::Device("sim"));
      try {
        scaled_tanh.call(x_sim, 2.0);
        std::cout << "unexpected: the call on sim succeeded without a sim kernel\n";
        return 1;
      } catch (const ember::Error& e) {
        std::cout << "on sim, with only a cpu kernel registered, ember says:\n  " << e.what() << "\n\n";
      }
    }

    // A Composite kernel covers every device that has no kernel of its own.
    myops.impl("scaled_tanh", "Composite", &scaled_tanh_composite);
    if (have_sim) {
      const Tensor y = scaled_tanh.call(x.to(ember::Device("sim")), 2.0);
      show("on sim, through the Composite kernel:", y);
      const Tensor on_cpu = scaled_tanh.call(x, 2.0);
      const double diff = (y.to(ember::Device("cpu")) - on_cpu).abs().max().item<double>();
      std::cout << "max |sim - cpu| = " << diff << "\n";
      if (diff > 1e-6) return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "custom_op: " << e.what() << "\n";
    return 1;
  }
}
