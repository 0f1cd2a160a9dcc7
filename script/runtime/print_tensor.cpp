// libtorch's C++ tensor printing (what TorchScript's print shows), reproduced exactly:
// values converted to double, one format for the whole tensor chosen from the magnitudes
// (integers at their width, fixed with 4 decimals, or scientific; a common scale factor printed
// first when the magnitudes call for it), matrices printed row by row (in column chunks that fit
// 80 characters), higher dimensions as "(i,j,.,.) = " slices, then "[ CPUFloatType{2,3} ]".
#include <cctype>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/device_runtime.h"
#include "script/runtime/values.h"

namespace ember {
namespace script {

namespace {

struct HostDoubles {
  std::vector<int64_t> sizes;
  std::vector<double> data;  // contiguous
  double at(int64_t row, int64_t col) const { return data[static_cast<size_t>(row * sizes[1] + col)]; }
};

HostDoubles to_host(const Tensor& t) {
  Tensor c = t.to(TensorOptions(kFloat64).device(Device("cpu"))).contiguous();
  HostDoubles h;
  h.sizes = c.sizes().vec();
  const double* p = c.data_ptr<double>();
  h.data.assign(p, p + c.numel());
  return h;
}

// "CPUFloatType": the device in capitals, then the dtype.
std::string type_string(const Tensor& t) {
  std::string device = device_type_name(t.device().type());
  for (char& ch : device) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return device + scalar_type_name(t.scalar_type()) + "Type";
}

struct Format {
  double scale = 1;
  int64_t width = 0;
};

// Chooses the stream format for a set of values and returns (scale, field width).
Format choose_format(std::ostream& out, const double* values, size_t n) {
  if (n == 0) return {1., 0};
  bool int_mode = true;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(values[i]) && values[i] != std::ceil(values[i])) {
      int_mode = false;
      break;
    }
  size_t offset = 0;
  while (offset < n && !std::isfinite(values[offset])) ++offset;
  double exp_min = 1, exp_max = 1;
  if (offset < n) {
    exp_min = std::fabs(values[offset]);
    exp_max = std::fabs(values[offset]);
    for (size_t i = offset; i < n; ++i) {
      double z = std::fabs(values[i]);
      if (std::isfinite(z)) {
        if (z < exp_min) exp_min = z;
        if (values[i] > exp_max) exp_max = z;  // libtorch compares the signed value here
      }
    }
    exp_min = exp_min != 0 ? std::floor(std::log10(exp_min)) + 1 : 1;
    exp_max = exp_max != 0 ? std::floor(std::log10(exp_max)) + 1 : 1;
  }
  Format f;
  if (int_mode) {
    if (exp_max > 9) {
      f.width = 11;
      out << std::scientific << std::setprecision(4);
    } else {
      f.width = static_cast<int64_t>(exp_max) + 1;
      out.unsetf(std::ios_base::floatfield);
    }
  } else if (exp_max - exp_min > 4) {
    f.width = 11;
    if (std::fabs(exp_max) > 99 || std::fabs(exp_min) > 99) f.width += 1;
    out << std::scientific << std::setprecision(4);
  } else {
    if (exp_max > 5 || exp_max < 0) {
      f.width = 7;
      f.scale = std::pow(10, exp_max - 1);
    } else {
      f.width = exp_max == 0 ? 7 : static_cast<int64_t>(exp_max) + 6;
    }
    out << std::fixed << std::setprecision(4);
  }
  return f;
}

void print_scale(std::ostream& out, double scale) {
  std::ios saved(nullptr);
  saved.copyfmt(out);
  out.unsetf(std::ios_base::floatfield);
  out << scale << " *\n";
  out.copyfmt(saved);
}

void indent(std::ostream& out, int64_t n) { out << std::string(static_cast<size_t>(n), ' '); }

void print_matrix(std::ostream& out, const HostDoubles& m, int64_t linesize, int64_t ind) {
  Format f = choose_format(out, m.data.data(), m.data.size());
  indent(out, ind);
  int64_t rows = m.sizes[0], cols = m.sizes[1];
  int64_t per_line = (linesize - ind) / (f.width + 1);
  int64_t first = 0;
  while (first < cols) {
    int64_t last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
    if (per_line < cols) {
      if (first != 0) out << "\n";
      out << "Columns " << first + 1 << " to " << last + 1;
      indent(out, ind);
    }
    if (f.scale != 1) {
      print_scale(out, f.scale);
      indent(out, ind);
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = first; c <= last; ++c) {
        out << std::setw(static_cast<int>(f.width)) << m.at(r, c) / f.scale;
        if (c == last) {
          out << "\n";
          if (r != rows - 1) {
            indent(out, ind);
            if (f.scale != 1) out << " ";
          }
        } else {
          out << " ";
        }
      }
    }
    first = last + 1;
  }
}

// Dimensions beyond two: every trailing matrix, headed "(i,j,.,.) = ". As libtorch, the first
// leading index varies fastest.
void print_nd(std::ostream& out, const HostDoubles& t, int64_t linesize) {
  size_t outer = t.sizes.size() - 2;
  int64_t rows = t.sizes[outer], cols = t.sizes[outer + 1];
  int64_t count = 1;
  for (size_t d = 0; d < outer; ++d) count *= t.sizes[d];
  std::vector<int64_t> index(outer, 0);
  for (int64_t k = 0; k < count; ++k) {
    if (k) out << "\n";
    out << "(";
    int64_t matrix = 0;
    for (size_t d = 0; d < outer; ++d) {
      out << index[d] + 1 << ",";
      matrix = matrix * t.sizes[d] + index[d];
    }
    out << ".,.) = \n";
    HostDoubles m;
    m.sizes = {rows, cols};
    auto begin = t.data.begin() + static_cast<std::ptrdiff_t>(matrix * rows * cols);
    m.data.assign(begin, begin + static_cast<std::ptrdiff_t>(rows * cols));
    print_matrix(out, m, linesize, 1);
    for (size_t d = 0; d < outer; ++d) {
      if (++index[d] < t.sizes[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

void print_tensor_cpp(std::ostream& out, const Tensor& tensor, int64_t linesize) {
  std::ios saved(nullptr);
  saved.copyfmt(out);
  if (!tensor.defined()) {
    out << "[ Tensor (undefined) ]";
    return;
  }
  HostDoubles h = to_host(tensor);
  std::string type = type_string(tensor);
  int64_t dim = static_cast<int64_t>(h.sizes.size());
  if (dim == 0) {
    out.unsetf(std::ios_base::floatfield);
    out << h.data[0] << "\n[ " << type << "{}";
  } else if (dim == 1) {
    if (!h.data.empty()) {
      Format f = choose_format(out, h.data.data(), h.data.size());
      if (f.scale != 1) print_scale(out, f.scale);
      for (double v : h.data) out << std::setw(static_cast<int>(f.width)) << v / f.scale << "\n";
    }
    out << "[ " << type << "{" << h.sizes[0] << "}";
  } else if (dim == 2) {
    if (!h.data.empty()) print_matrix(out, h, linesize, 0);
    out << "[ " << type << "{" << h.sizes[0] << "," << h.sizes[1] << "}";
  } else {
    if (!h.data.empty()) print_nd(out, h, linesize);
    out << "[ " << type << "{" << h.sizes[0];
    for (int64_t i = 1; i < dim; ++i) out << "," << h.sizes[static_cast<size_t>(i)];
    out << "}";
  }
  out << " ]";
  out.copyfmt(saved);
}

}  // namespace script
}  // namespace ember
