// Tensor printing in PyTorch's format (torch/_tensor_str.py): the same number formatting
// (integer mode "1.", fixed "%.4f", scientific "%.4e"), the same padding, line wrapping at 80
// columns, summarization with "..." past 1000 elements, and the same suffixes.
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <vector>

#include "core/tensor.h"
#include "dispatcher/dispatcher.h"
#include "generated/functions.h"

namespace ember {

// Set by autograd so that printing shows grad_fn / requires_grad without core depending on it.
std::function<std::string(const Tensor&)>& tensor_repr_autograd_suffix() {
  static std::function<std::string(const Tensor&)> hook;
  return hook;
}

namespace {

constexpr int kLineWidth = 80;
constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// Python's '{:.4e}' prints a two-digit exponent at least, as C's %e does.
struct Formatter {
  enum class Mode { Bool, Int, FloatInt, Fixed, Sci } mode = Mode::Fixed;
  size_t width = 1;

  std::string raw(double v) const {
    switch (mode) {
      case Mode::Bool: return v != 0 ? "True" : "False";
      case Mode::Int: return format("%.0f", v);
      case Mode::FloatInt:
        if (std::isnan(v)) return "nan";
        if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
        return format("%.0f", v) + ".";
      case Mode::Fixed:
        if (std::isnan(v)) return "nan";
        if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
        return format("%.4f", v);
      case Mode::Sci:
        if (std::isnan(v)) return "nan";
        if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
        return format("%.4e", v);
    }
    return "";
  }
  std::string operator()(double v) const {
    std::string s = raw(v);
    return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
  }
};

Formatter make_formatter(ScalarType dtype, const std::vector<double>& values) {
  Formatter f;
  if (dtype == kBool) {
    f.mode = Formatter::Mode::Bool;
  } else if (!is_floating_point(dtype)) {
    f.mode = Formatter::Mode::Int;
  } else {
    bool int_mode = true;
    bool any = false;
    double mn = 0, mx = 0;
    for (double v : values) {
      if (!std::isfinite(v) || v == 0) continue;
      double a = std::fabs(v);
      if (!any) mn = mx = a;
      mn = std::min(mn, a);
      mx = std::max(mx, a);
      any = true;
      if (std::ceil(v) != v) int_mode = false;
    }
    if (!any) {
      f.mode = Formatter::Mode::FloatInt;
    } else if (int_mode) {
      f.mode = (mx / mn > 1000.0 || mx > 1e8) ? Formatter::Mode::Sci : Formatter::Mode::FloatInt;
    } else {
      f.mode = (mx / mn > 1000.0 || mx > 1e8 || mn < 1e-4) ? Formatter::Mode::Sci : Formatter::Mode::Fixed;
    }
  }
  // As torch/_tensor_str.py: for floating dtypes only the non-zero finite values set the width
  // ("tensor([nan, 1., 2.])", "tensor([-0., 0.])"); longer values (nan, -0.) are not padded.
  f.width = 1;
  bool floating = is_floating_point(dtype);
  for (double v : values) {
    if (floating && (!std::isfinite(v) || v == 0)) continue;
    f.width = std::max(f.width, f.raw(v).size());
  }
  return f;
}

// Host copy of the values as doubles, in row-major order.
// The values are read through data_ptr, so they go to the host ("cpu"), not to the default device
// (which may be an accelerator).
std::vector<double> host_values(const Tensor& t) {
  const Device host("cpu");
  Tensor c = t.to(TensorOptions(kFloat64).device(host)).contiguous();
  if (t.scalar_type() == kInt64) c = t.to(TensorOptions(kInt64).device(host)).contiguous();
  std::vector<double> out(static_cast<size_t>(c.numel()));
  if (c.scalar_type() == kInt64) {
    const int64_t* p = c.data_ptr<int64_t>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  } else {
    const double* p = c.data_ptr<double>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  }
  return out;
}

// The values that are shown (all, or the summarized edges).
void collect_shown(const Tensor& t, bool summarize, std::vector<Tensor>& parts) {
  if (t.dim() == 0) {
    parts.push_back(t.reshape({1}));
    return;
  }
  if (summarize && t.size(0) > 2 * kEdgeItems) {
    if (t.dim() == 1) {
      parts.push_back(t.slice(0, 0, kEdgeItems));
      parts.push_back(t.slice(0, t.size(0) - kEdgeItems, t.size(0)));
      return;
    }
    for (int64_t i = 0; i < kEdgeItems; ++i) collect_shown(t.select(0, i), summarize, parts);
    for (int64_t i = t.size(0) - kEdgeItems; i < t.size(0); ++i) collect_shown(t.select(0, i), summarize, parts);
    return;
  }
  if (t.dim() == 1) {
    parts.push_back(t);
    return;
  }
  for (int64_t i = 0; i < t.size(0); ++i) collect_shown(t.select(0, i), summarize, parts);
}

std::string body(const Tensor& t, int indent, bool summarize, const Formatter& f) {
  if (t.dim() == 0) return f(host_values(t)[0]);
  if (t.dim() == 1) {
    std::vector<std::string> data;
    int64_t n = t.size(0);
    if (summarize && n > 2 * kEdgeItems) {
      auto head = host_values(t.slice(0, 0, kEdgeItems));
      auto tail = host_values(t.slice(0, n - kEdgeItems, n));
      for (double v : head) data.push_back(f(v));
      data.push_back(" ...");
      for (double v : tail) data.push_back(f(v));
    } else {
      for (double v : host_values(t)) data.push_back(f(v));
    }
    size_t element_length = f.width + 2;
    size_t per_line = std::max<size_t>(1, static_cast<size_t>((kLineWidth - indent) / static_cast<int>(element_length)));
    std::string out = "[";
    for (size_t i = 0; i < data.size(); ++i) {
      if (i > 0) out += (i % per_line == 0) ? ",\n" + std::string(indent + 1, ' ') : ", ";
      out += data[i];
    }
    return out + "]";
  }
  std::vector<std::string> slices;
  int64_t n = t.size(0);
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) slices.push_back(body(t.select(0, i), indent + 1, summarize, f));
    slices.push_back("...");
    for (int64_t i = n - kEdgeItems; i < n; ++i) slices.push_back(body(t.select(0, i), indent + 1, summarize, f));
  } else {
    for (int64_t i = 0; i < n; ++i) slices.push_back(body(t.select(0, i), indent + 1, summarize, f));
  }
  std::string sep = "," + std::string(static_cast<size_t>(t.dim() - 1), '\n') + std::string(indent + 1, ' ');
  std::string out = "[";
  for (size_t i = 0; i < slices.size(); ++i) out += (i ? sep : "") + slices[i];
  return out + "]";
}

}  // namespace

std::string Tensor::toString() const {
  if (!defined()) return "[ Tensor (undefined) ]";
  // Reading values for display is not part of any computation: autograd records nothing.
  ExcludeDispatchKeyGuard no_autograd(DispatchKeySet::functionality(FunctionalityKey::Autograd));
  const std::string prefix = "tensor(";
  int indent = static_cast<int>(prefix.size());
  std::vector<std::string> suffixes;
  std::string text;
  bool empty = numel() == 0;
  if (empty) {
    text = "[]";
    if (dim() != 1) {
      std::ostringstream os;
      os << "size=(";
      for (int64_t i = 0; i < dim(); ++i) os << (i ? ", " : "") << sizes()[i];
      os << (dim() == 1 ? ",)" : ")");
      suffixes.push_back(os.str());
    }
  } else {
    bool summarize = numel() > kThreshold;
    std::vector<Tensor> parts;
    collect_shown(*this, summarize, parts);
    std::vector<double> shown;
    for (const Tensor& p : parts) {
      auto v = host_values(p);
      shown.insert(shown.end(), v.begin(), v.end());
    }
    Formatter f = make_formatter(scalar_type(), shown);
    text = body(*this, indent, summarize, f);
  }
  if (!device().is_cpu()) suffixes.push_back("device='" + device().str() + "'");
  ScalarType dt = scalar_type();
  bool default_dtype_shown = dt == default_dtype() || dt == kInt64 || dt == kBool;
  if (!default_dtype_shown || (empty && dt != default_dtype())) suffixes.push_back(std::string("dtype=") + dtype_python_name(dt));
  auto& hook = tensor_repr_autograd_suffix();
  if (hook) {
    std::string s = hook(*this);
    if (!s.empty()) suffixes.push_back(s);
  }
  std::string out = prefix + text;
  for (const std::string& s : suffixes) out += ", " + s;
  return out + ")";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.toString(); }

}  // namespace ember
