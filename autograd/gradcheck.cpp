// gradcheck and gradgradcheck (see gradcheck.h).
#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"

namespace ember {
namespace autograd {

namespace {

std::vector<int64_t> index_of(int64_t flat, IntArrayRef sizes) {
  std::vector<int64_t> idx(sizes.size());
  for (size_t d = sizes.size(); d-- > 0;) {
    idx[d] = sizes[d] ? flat % sizes[d] : 0;
    flat = sizes[d] ? flat / sizes[d] : 0;
  }
  return idx;
}

std::string index_str(int64_t flat, IntArrayRef sizes) {
  std::ostringstream os;
  os << IntArrayRef(index_of(flat, sizes));
  return os.str();
}

// A 0-d view of element `flat` (row-major) of t.
Tensor element(const Tensor& t, int64_t flat) {
  Tensor e = t;
  for (int64_t i : index_of(flat, t.sizes())) e = e.select(0, i);
  return e.dim() == t.dim() ? t.alias() : e;
}

// t's values in row-major order, as doubles on the host.
std::vector<double> host_values(const Tensor& t) {
  NoGradGuard no_grad;
  Tensor h = t.to(TensorOptions(kFloat64).device(Device("cpu"))).contiguous();
  const double* p = h.data_ptr<double>();
  return std::vector<double>(p, p + h.numel());
}

bool is_checked_output(const Tensor& t) { return t.defined() && t.is_floating_point(); }

std::string matrix_str(const std::vector<double>& m, int64_t rows, int64_t cols) {
  std::ostringstream os;
  os.precision(6);
  for (int64_t r = 0; r < rows; ++r) {
    os << "    [";
    for (int64_t c = 0; c < cols; ++c) os << (c ? ", " : "") << m[static_cast<size_t>(r * cols + c)];
    os << "]\n";
  }
  return os.str();
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps, double atol,
                          double rtol) {
  GradcheckResult result;
  auto fail = [&](std::string message) {
    result.ok = false;
    result.message = std::move(message);
    return result;
  };
  std::vector<size_t> diff;  // inputs that require grad
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined() || !x.requires_grad()) continue;
    if (x.scalar_type() != kFloat64)
      return fail("gradcheck: input " + std::to_string(i) + " requires grad but is " + scalar_type_name(x.scalar_type()) +
                  "; gradcheck needs float64 inputs for its finite differences");
    diff.push_back(i);
  }
  if (diff.empty()) return fail("gradcheck: no input requires grad");
  std::vector<Tensor> diff_inputs;
  for (size_t i : diff) diff_inputs.push_back(inputs[i]);

  AutoGradMode grad_mode(true);
  std::vector<Tensor> outputs = fn(inputs);
  std::vector<size_t> checked;
  for (size_t o = 0; o < outputs.size(); ++o)
    if (is_checked_output(outputs[o])) checked.push_back(o);
  if (checked.empty()) return fail("gradcheck: the function returned no floating-point output");

  // numerical[k][o] and analytical[k][o]: [numel(input k) x numel(output o)], row-major.
  std::vector<std::vector<std::vector<double>>> numerical(diff.size()), analytical(diff.size());
  for (size_t k = 0; k < diff.size(); ++k) {
    const Tensor& x = inputs[diff[k]];
    int64_t n_in = x.numel();
    numerical[k].resize(outputs.size());
    analytical[k].resize(outputs.size());
    for (size_t o : checked) {
      numerical[k][o].assign(static_cast<size_t>(n_in * outputs[o].numel()), 0.0);
      analytical[k][o].assign(static_cast<size_t>(n_in * outputs[o].numel()), 0.0);
    }
  }
  // Analytical rows: the gradient of each output element.
  for (size_t o : checked) {
    const Tensor& out = outputs[o];
    if (!out.requires_grad()) continue;  // independent of the inputs: zero rows
    int64_t n_out = out.numel();
    for (int64_t c = 0; c < n_out; ++c) {
      Tensor seed;
      {
        NoGradGuard no_grad;
        seed = zeros_like(out);
        element(seed, c).fill_(1.0);
      }
      std::vector<Tensor> grads = grad({out}, diff_inputs, {seed}, /*retain_graph=*/true, /*create_graph=*/false,
                                       /*allow_unused=*/true);
      for (size_t k = 0; k < diff.size(); ++k) {
        const Tensor& g = grads[k];
        if (!g.defined()) continue;
        const Tensor& x = inputs[diff[k]];
        std::ostringstream where;
        where << "gradcheck: the gradient of output " << o << " for input " << diff[k];
        if (g.sizes() != x.sizes()) {
          std::ostringstream os;
          os << where.str() << " has shape " << g.sizes() << ", expected the input's shape " << x.sizes();
          return fail(os.str());
        }
        if (g.scalar_type() != x.scalar_type())
          return fail(where.str() + " has dtype " + scalar_type_name(g.scalar_type()) + ", expected " +
                      scalar_type_name(x.scalar_type()));
        std::vector<double> values = host_values(g);
        for (size_t j = 0; j < values.size(); ++j) analytical[k][o][j * static_cast<size_t>(n_out) + static_cast<size_t>(c)] = values[j];
      }
    }
  }

  // Numerical columns: central differences, one input element at a time. (After the analytical
  // pass: perturbing the inputs in place invalidates the graph of `outputs`.)
  for (size_t k = 0; k < diff.size(); ++k) {
    const Tensor& x = inputs[diff[k]];
    int64_t n_in = x.numel();
    for (int64_t j = 0; j < n_in; ++j) {
      Tensor e;
      double v;
      {
        NoGradGuard no_grad;
        e = element(x, j);
        v = e.item<double>();
        e.fill_(v + eps);
      }
      // Outputs are read at once: a view of the input changes with the next perturbation.
      auto evaluate = [&](std::vector<std::vector<double>>& values) -> bool {
        std::vector<Tensor> outs = fn(inputs);
        if (outs.size() != outputs.size()) return false;
        values.assign(outputs.size(), {});
        for (size_t o : checked) values[o] = host_values(outs[o]);
        return true;
      };
      std::vector<std::vector<double>> plus, minus;
      bool same_arity = evaluate(plus);
      {
        NoGradGuard no_grad;
        e.fill_(v - eps);
      }
      same_arity = evaluate(minus) && same_arity;
      {
        NoGradGuard no_grad;
        e.fill_(v);
      }
      if (!same_arity) return fail("gradcheck: the function returned a different number of outputs when its input changed");
      for (size_t o : checked) {
        const std::vector<double>& p = plus[o];
        const std::vector<double>& m = minus[o];
        int64_t n_out = outputs[o].numel();
        if (static_cast<int64_t>(p.size()) != n_out || static_cast<int64_t>(m.size()) != n_out)
          return fail("gradcheck: output " + std::to_string(o) + " changed shape when its input changed");
        for (int64_t c = 0; c < n_out; ++c)
          numerical[k][o][static_cast<size_t>(j * n_out + c)] = (p[static_cast<size_t>(c)] - m[static_cast<size_t>(c)]) / (2 * eps);
      }
    }
  }

  // Compare, and describe the worst entry of the first mismatching (output, input) pair.
  for (size_t k = 0; k < diff.size(); ++k) {
    const Tensor& x = inputs[diff[k]];
    for (size_t o : checked) {
      const auto& num = numerical[k][o];
      const auto& ana = analytical[k][o];
      int64_t n_out = outputs[o].numel();
      double worst_excess = 0;
      size_t worst = 0, bad = 0;
      for (size_t e = 0; e < num.size(); ++e) {
        double diff_abs = std::fabs(ana[e] - num[e]);
        if (!std::isfinite(diff_abs) && !(std::isnan(ana[e]) && std::isnan(num[e]))) diff_abs = INFINITY;
        if (std::isnan(ana[e]) && std::isnan(num[e])) diff_abs = 0;
        result.max_abs_error = std::max(result.max_abs_error, diff_abs);
        ++result.entries_checked;
        double excess = diff_abs - (atol + rtol * std::fabs(num[e]));
        if (excess > 0) {
          ++bad;
          if (excess > worst_excess || bad == 1) {
            worst_excess = excess;
            worst = e;
          }
        }
      }
      if (bad == 0 || !result.ok) continue;
      int64_t j = static_cast<int64_t>(worst) / n_out, c = static_cast<int64_t>(worst) % n_out;
      std::ostringstream os;
      os << "Jacobian mismatch for output " << o << " with respect to input " << diff[k] << " (" << bad << " of "
         << num.size() << " entries differ):\n"
         << "  worst at output element " << index_str(c, outputs[o].sizes()) << " and input element "
         << index_str(j, x.sizes()) << ": numerical " << num[worst] << ", analytical " << ana[worst]
         << ", |difference| " << std::fabs(ana[worst] - num[worst]) << " > atol " << atol << " + rtol " << rtol
         << " * |numerical|\n";
      if (num.size() <= 64) {
        os << "  numerical (rows: input elements, columns: output elements):\n"
           << matrix_str(num, x.numel(), n_out) << "  analytical:\n"
           << matrix_str(ana, x.numel(), n_out);
      }
      result.ok = false;
      result.message = os.str();
    }
  }
  return result;
}

GradcheckResult gradcheck(const GradcheckFunction1& fn, const std::vector<Tensor>& inputs, double eps, double atol,
                          double rtol) {
  return gradcheck(GradcheckFunction([&](const std::vector<Tensor>& x) { return std::vector<Tensor>{fn(x)}; }), inputs,
                   eps, atol, rtol);
}

void gradcheck_or_throw(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps, double atol,
                        double rtol) {
  GradcheckResult r = gradcheck(fn, inputs, eps, atol, rtol);
  EMBER_CHECK(r.ok, RuntimeError, r.message);
}

GradcheckResult gradgradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs, double eps, double atol,
                              double rtol) {
  std::vector<Tensor> diff_inputs;
  for (const Tensor& x : inputs)
    if (x.defined() && x.requires_grad()) diff_inputs.push_back(x);
  std::vector<Tensor> outputs;
  {
    AutoGradMode grad_mode(true);
    outputs = fn(inputs);
  }
  // Fixed pseudo-random gradients for the outputs that depend on the inputs.
  std::vector<size_t> used;
  std::vector<Tensor> all = inputs;
  Generator gen(20240611);
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (!is_checked_output(outputs[o]) || !outputs[o].requires_grad()) continue;
    NoGradGuard no_grad;
    Tensor v = rand(outputs[o].sizes(), gen, TensorOptions(kFloat64).device(outputs[o].device())) * 2.0 - 1.0;
    all.push_back(v.requires_grad_());
    used.push_back(o);
  }
  if (used.empty()) {
    GradcheckResult r;
    r.ok = false;
    r.message = "gradgradcheck: no output requires grad";
    return r;
  }
  size_t n = inputs.size();
  GradcheckFunction first_derivative = [&](const std::vector<Tensor>& xs) {
    std::vector<Tensor> x(xs.begin(), xs.begin() + static_cast<long>(n));
    std::vector<Tensor> outs = fn(x), roots, seeds, wrt;
    for (size_t u = 0; u < used.size(); ++u) {
      roots.push_back(outs[used[u]]);
      seeds.push_back(xs[n + u]);
    }
    for (const Tensor& t : x)
      if (t.defined() && t.requires_grad()) wrt.push_back(t);
    std::vector<Tensor> g = grad(roots, wrt, seeds, /*retain_graph=*/true, /*create_graph=*/true, /*allow_unused=*/true);
    for (size_t i = 0; i < g.size(); ++i)
      if (!g[i].defined()) g[i] = zeros_like(wrt[i]);
    return g;
  };
  return gradcheck(first_derivative, all, eps, atol, rtol);
}

}  // namespace autograd
}  // namespace ember
