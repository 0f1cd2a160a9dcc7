// Float64 reference implementations of the nn forward ops (2-d convolution, max and average
// pooling) as plain loops, shared by the forward tests (conv_test.cpp, pool_test.cpp) and the
// backward tests (nn_backward_test.cpp); and numeric_vjp, the vector-Jacobian product of such a
// reference by central differences, the reference for gradients. Header-only (see
// ember_test_support.h).
#pragma once

#include <cmath>
#include <functional>
#include <optional>
#include <vector>

#include "support/ember_test_support.h"

namespace ember_test {

struct ConvSpec {
  int64_t n, cin, h, w, cout, kh, kw;
  int64_t sh, sw, ph, pw, dh, dw, groups;
  bool bias;
};

// out[b, o, y, x] = bias[o] + sum_{c in group(o), i, j} in[b, c, y*sh - ph + i*dh, x*sw - pw + j*dw] * w[o, c', i, j]
inline std::vector<double> conv_ref(const ConvSpec& s, const std::vector<double>& in, const std::vector<double>& w,
                             const std::vector<double>& bias, std::vector<int64_t>* shape) {
  int64_t oh = (s.h + 2 * s.ph - s.dh * (s.kh - 1) - 1) / s.sh + 1;
  int64_t ow = (s.w + 2 * s.pw - s.dw * (s.kw - 1) - 1) / s.sw + 1;
  int64_t cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  *shape = {s.n, s.cout, oh, ow};
  std::vector<double> out;
  for (int64_t b = 0; b < s.n; ++b)
    for (int64_t o = 0; o < s.cout; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double acc = s.bias ? bias[static_cast<size_t>(o)] : 0.0;
          int64_t g = o / cout_g;
          for (int64_t c = 0; c < cin_g; ++c)
            for (int64_t i = 0; i < s.kh; ++i)
              for (int64_t j = 0; j < s.kw; ++j) {
                int64_t iy = y * s.sh - s.ph + i * s.dh, ix = x * s.sw - s.pw + j * s.dw;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                int64_t ci = g * cin_g + c;
                acc += in[static_cast<size_t>(((b * s.cin + ci) * s.h + iy) * s.w + ix)] *
                       w[static_cast<size_t>(((o * cin_g + c) * s.kh + i) * s.kw + j)];
              }
          out.push_back(acc);
        }
  return out;
}

struct PoolSpec {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  bool ceil_mode;
};

inline int64_t pooled(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  int64_t num = in + 2 * p - d * (k - 1) - 1;
  int64_t out = (ceil_mode ? (num + s - 1) / s : num / s) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

// Max pooling of planes [planes, h, w]: values and flat indices (y * w + x) within the plane.
inline void max_pool_ref(const std::vector<double>& in, int64_t planes, int64_t h, int64_t w, const PoolSpec& s,
                  std::vector<double>* vals, std::vector<double>* idx, int64_t* oh, int64_t* ow) {
  *oh = pooled(h, s.kh, s.sh, s.ph, s.dh, s.ceil_mode);
  *ow = pooled(w, s.kw, s.sw, s.pw, s.dw, s.ceil_mode);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < *oh; ++y)
      for (int64_t x = 0; x < *ow; ++x) {
        double best = -INFINITY;
        int64_t best_i = -1;
        for (int64_t i = 0; i < s.kh; ++i)
          for (int64_t j = 0; j < s.kw; ++j) {
            int64_t iy = y * s.sh - s.ph + i * s.dh, ix = x * s.sw - s.pw + j * s.dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            double v = in[static_cast<size_t>((p * h + iy) * w + ix)];
            // The first maximum wins; the first NaN wins over everything.
            if (best_i < 0 || (!std::isnan(best) && (v > best || std::isnan(v)))) {
              best = v;
              best_i = iy * w + ix;
            }
          }
        vals->push_back(best);
        idx->push_back(static_cast<double>(best_i));
      }
}

inline std::vector<double> avg_pool_ref(const std::vector<double>& in, int64_t planes, int64_t h, int64_t w, const PoolSpec& s,
                                 bool count_include_pad, std::optional<int64_t> divisor, int64_t* oh, int64_t* ow) {
  *oh = pooled(h, s.kh, s.sh, s.ph, 1, s.ceil_mode);
  *ow = pooled(w, s.kw, s.sw, s.pw, 1, s.ceil_mode);
  std::vector<double> out;
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < *oh; ++y)
      for (int64_t x = 0; x < *ow; ++x) {
        int64_t hs = y * s.sh - s.ph, ws = x * s.sw - s.pw;
        int64_t he = std::min(hs + s.kh, h + s.ph), we = std::min(ws + s.kw, w + s.pw);
        int64_t pool_size = (he - hs) * (we - ws);
        hs = std::max<int64_t>(hs, 0);
        ws = std::max<int64_t>(ws, 0);
        he = std::min(he, h);
        we = std::min(we, w);
        double sum = 0;
        for (int64_t iy = hs; iy < he; ++iy)
          for (int64_t ix = ws; ix < we; ++ix) sum += in[static_cast<size_t>((p * h + iy) * w + ix)];
        double div = divisor ? static_cast<double>(*divisor)
                             : static_cast<double>(count_include_pad ? pool_size : (he - hs) * (we - ws));
        out.push_back(sum / div);
      }
  return out;
}

// sum_j g[j] * d f(x)[j] / d x[i] for every i, by central differences of step h (exact up to
// rounding for linear f; O(h^2) otherwise).
inline std::vector<double> numeric_vjp(const std::function<std::vector<double>(const std::vector<double>&)>& f,
                                       std::vector<double> x, const std::vector<double>& g, double h = 1e-5) {
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    double xi = x[i];
    x[i] = xi + h;
    std::vector<double> plus = f(x);
    x[i] = xi - h;
    std::vector<double> minus = f(x);
    x[i] = xi;
    double s = 0;
    for (size_t j = 0; j < g.size(); ++j) s += g[j] * (plus[j] - minus[j]);
    out[i] = s / (2 * h);
  }
  return out;
}

}  // namespace ember_test
