// L-BFGS: the two-loop recursion and the strong-Wolfe line search of PyTorch's lbfgs.py.
#include "nn/optim/lbfgs.h"

#include <algorithm>
#include <cmath>

#include "autograd/grad_mode.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "ops/creation.h"

namespace ember {
namespace optim {

void LBFGSOptions::validate() const {
  EMBER_CHECK(lr() >= 0, ValueError, "[LBFGS] Invalid learning rate: ", lr());
  EMBER_CHECK(max_iter() > 0, ValueError, "[LBFGS] max_iter must be positive, got ", max_iter());
  EMBER_CHECK(history_size() > 0, ValueError, "[LBFGS] history_size must be positive, got ", history_size());
  EMBER_CHECK(!line_search_fn() || *line_search_fn() == "strong_wolfe", ValueError,
              "[LBFGS] only 'strong_wolfe' is supported as line_search_fn, got '", line_search_fn().value_or(""), "'");
}

bool operator==(const LBFGSOptions& a, const LBFGSOptions& b) {
  return a.lr() == b.lr() && a.max_iter() == b.max_iter() && a.max_eval() == b.max_eval() &&
         a.tolerance_grad() == b.tolerance_grad() && a.tolerance_change() == b.tolerance_change() &&
         a.history_size() == b.history_size() && a.line_search_fn() == b.line_search_fn();
}

void LBFGSOptions::save(StateDict& out, const std::string& prefix) const {
  put_scalar(out, prefix + "lr", lr());
  put_count(out, prefix + "max_iter", max_iter());
  if (max_eval()) put_count(out, prefix + "max_eval", *max_eval());
  put_scalar(out, prefix + "tolerance_grad", tolerance_grad());
  put_scalar(out, prefix + "tolerance_change", tolerance_change());
  put_count(out, prefix + "history_size", history_size());
  put_flag(out, prefix + "strong_wolfe", line_search_fn().has_value());
}

void LBFGSOptions::load(StateDictReader& in, const std::string& prefix) {
  lr(in.scalar(prefix + "lr"));
  max_iter(static_cast<int64_t>(in.scalar(prefix + "max_iter")));
  if (in.contains(prefix + "max_eval")) max_eval(static_cast<int64_t>(in.scalar(prefix + "max_eval")));
  else max_eval(std::nullopt);
  tolerance_grad(in.scalar(prefix + "tolerance_grad"));
  tolerance_change(in.scalar(prefix + "tolerance_change"));
  history_size(static_cast<int64_t>(in.scalar(prefix + "history_size")));
  if (in.scalar(prefix + "strong_wolfe") != 0) line_search_fn(std::string("strong_wolfe"));
  else line_search_fn(std::nullopt);
}

void LBFGSParamState::save(StateDict& out, const std::string& prefix) const {
  put_count(out, prefix + "func_evals", func_evals());
  put_count(out, prefix + "n_iter", n_iter());
  put_scalar(out, prefix + "t", t());
  put_scalar(out, prefix + "prev_loss", prev_loss());
  put_scalar(out, prefix + "H_diag", H_diag());
  if (d().defined()) out.insert(prefix + "d", d());
  if (prev_flat_grad().defined()) out.insert(prefix + "prev_flat_grad", prev_flat_grad());
  put_count(out, prefix + "history", static_cast<int64_t>(old_dirs().size()));
  for (size_t i = 0; i < old_dirs().size(); ++i) {
    out.insert(prefix + "old_dirs." + std::to_string(i), old_dirs()[i]);
    out.insert(prefix + "old_stps." + std::to_string(i), old_stps()[i]);
    put_scalar(out, prefix + "ro." + std::to_string(i), ro()[i]);
  }
}

void LBFGSParamState::load(StateDictReader& in, const std::string& prefix) {
  func_evals(static_cast<int64_t>(in.scalar(prefix + "func_evals")));
  n_iter(static_cast<int64_t>(in.scalar(prefix + "n_iter")));
  t(in.scalar(prefix + "t"));
  prev_loss(in.scalar(prefix + "prev_loss"));
  H_diag(in.scalar(prefix + "H_diag"));
  d(in.contains(prefix + "d") ? in.tensor(prefix + "d") : Tensor());
  prev_flat_grad(in.contains(prefix + "prev_flat_grad") ? in.tensor(prefix + "prev_flat_grad") : Tensor());
  auto n = static_cast<size_t>(in.scalar(prefix + "history"));
  std::deque<Tensor> dirs, stps;
  std::deque<double> ros;
  for (size_t i = 0; i < n; ++i) {
    dirs.push_back(in.tensor(prefix + "old_dirs." + std::to_string(i)));
    stps.push_back(in.tensor(prefix + "old_stps." + std::to_string(i)));
    ros.push_back(in.scalar(prefix + "ro." + std::to_string(i)));
  }
  old_dirs(std::move(dirs));
  old_stps(std::move(stps));
  ro(std::move(ros));
}

LBFGS::LBFGS(const std::vector<OptimizerParamGroup>& param_groups, LBFGSOptions defaults)
    : Optimizer(param_groups, std::make_unique<LBFGSOptions>(defaults)) {
  EMBER_CHECK(param_groups_.size() <= 1, ValueError,
              "[LBFGS] LBFGS doesn't support per-parameter options (parameter groups)");
}

Tensor LBFGS::gather_flat_grad() const {
  std::vector<Tensor> views;
  for (const Tensor& p : params())
    views.push_back(p.grad().defined() ? p.grad().reshape({-1}) : ember::zeros({p.numel()}, p.options()));
  return views.empty() ? Tensor() : ember::cat(views, 0);
}

void LBFGS::add_grad(double step_size, const Tensor& update) {
  int64_t offset = 0;
  for (Tensor& p : param_groups_.at(0).params()) {
    int64_t n = p.numel();
    p.add_(update.slice(0, offset, offset + n).view_as(p), step_size);
    offset += n;
  }
}

std::vector<Tensor> LBFGS::clone_params() const {
  std::vector<Tensor> out;
  for (const Tensor& p : params()) out.push_back(p.clone());
  return out;
}

void LBFGS::set_params(const std::vector<Tensor>& values) {
  auto& ps = param_groups_.at(0).params();
  for (size_t i = 0; i < ps.size(); ++i) ps[i].copy_(values[i]);
}

std::pair<double, Tensor> LBFGS::directional_evaluate(const LossClosure& closure, const std::vector<Tensor>& x,
                                                      double t, const Tensor& d) {
  add_grad(t, d);
  double loss;
  {
    AutoGradMode enable_grad(true);
    loss = closure().item<double>();
  }
  Tensor flat_grad = gather_flat_grad();
  set_params(x);
  return {loss, flat_grad};
}

namespace {

double dot_value(const Tensor& a, const Tensor& b) { return ember::dot(a, b).item<double>(); }
double abs_max(const Tensor& t) { return t.abs().max().item<double>(); }

// The minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to bounds (default:
// between x1 and x2); their midpoint when the cubic has no minimum.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::pair<double, double>> bounds = std::nullopt) {
  auto [lo, hi] = bounds ? *bounds : (x1 <= x2 ? std::make_pair(x1, x2) : std::make_pair(x2, x1));
  double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    double d2 = std::sqrt(d2_square);
    double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                              : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return std::min(std::max(min_pos, lo), hi);
  }
  return (lo + hi) / 2;
}

struct LineSearchResult {
  double loss;
  Tensor flat_grad;
  double t;
  int64_t func_evals;
};

// The strong-Wolfe line search along d from x (loss f, gradient g, directional derivative gtd).
template <typename Objective>
LineSearchResult strong_wolfe(Objective obj_func, double t, const Tensor& d, double f, const Tensor& g, double gtd,
                              double c1 = 1e-4, double c2 = 0.9, double tolerance_change = 1e-9, int64_t max_ls = 25) {
  double d_norm = abs_max(d);
  auto [f_new, g_new] = obj_func(t);
  int64_t ls_func_evals = 1;
  double gtd_new = dot_value(g_new, d);
  double t_prev = 0, f_prev = f, gtd_prev = gtd;
  Tensor g_prev = g.clone();
  bool done = false;
  int64_t ls_iter = 0;
  std::vector<double> bracket, bracket_f, bracket_gtd;
  std::vector<Tensor> bracket_g;
  while (ls_iter < max_ls) {
    if (f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev)) {
      bracket = {t_prev, t};
      bracket_f = {f_prev, f_new};
      bracket_g = {g_prev, g_new.clone()};
      bracket_gtd = {gtd_prev, gtd_new};
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket = {t};
      bracket_f = {f_new};
      bracket_g = {g_new};
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket = {t_prev, t};
      bracket_f = {f_prev, f_new};
      bracket_g = {g_prev, g_new.clone()};
      bracket_gtd = {gtd_prev, gtd_new};
      break;
    }
    double min_step = t + 0.01 * (t - t_prev);
    double max_step = t * 10;
    double tmp = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, std::make_pair(min_step, max_step));
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new.clone();
    gtd_prev = gtd_new;
    std::tie(f_new, g_new) = obj_func(t);
    ++ls_func_evals;
    gtd_new = dot_value(g_new, d);
    ++ls_iter;
  }
  if (ls_iter == max_ls) {
    bracket = {0, t};
    bracket_f = {f, f_new};
    bracket_g = {g, g_new};
  }
  // Zoom: shrink the bracket until a point satisfies the strong Wolfe conditions.
  bool insufficient_progress = false;
  size_t low = 0, high = 1;
  if (bracket_f.size() == 2 && bracket_f[0] > bracket_f[1]) std::swap(low, high);
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]);
    double bmax = std::max(bracket[0], bracket[1]), bmin = std::min(bracket[0], bracket[1]);
    double eps = 0.1 * (bmax - bmin);
    if (std::min(bmax - t, t - bmin) < eps) {
      if (insufficient_progress || t >= bmax || t <= bmin) {
        t = std::abs(t - bmax) < std::abs(t - bmin) ? bmax - eps : bmin + eps;
        insufficient_progress = false;
      } else {
        insufficient_progress = true;
      }
    } else {
      insufficient_progress = false;
    }
    std::tie(f_new, g_new) = obj_func(t);
    ++ls_func_evals;
    gtd_new = dot_value(g_new, d);
    ++ls_iter;
    if (f_new > f + c1 * t * gtd || f_new >= bracket_f[low]) {
      bracket[high] = t;
      bracket_f[high] = f_new;
      bracket_g[high] = g_new.clone();
      bracket_gtd[high] = gtd_new;
      if (bracket_f[0] <= bracket_f[1]) low = 0, high = 1;
      else low = 1, high = 0;
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket[high] - bracket[low]) >= 0) {
        bracket[high] = bracket[low];
        bracket_f[high] = bracket_f[low];
        bracket_g[high] = bracket_g[low];
        bracket_gtd[high] = bracket_gtd[low];
      }
      bracket[low] = t;
      bracket_f[low] = f_new;
      bracket_g[low] = g_new.clone();
      bracket_gtd[low] = gtd_new;
    }
  }
  if (bracket.size() == 1) low = 0;
  return {bracket_f[low], bracket_g[low], bracket[low], ls_func_evals};
}

}  // namespace

Tensor LBFGS::step(LossClosure closure) {
  EMBER_CHECK(closure != nullptr, ValueError, "[LBFGS] LBFGS requires a closure function");
  NoGradGuard no_grad;
  const auto& options = static_cast<const LBFGSOptions&>(param_groups_.at(0).options());
  const double lr = options.lr();
  const int64_t max_iter = options.max_iter();
  const int64_t max_eval = options.max_eval().value_or(max_iter * 5 / 4);
  const double tolerance_grad = options.tolerance_grad(), tolerance_change = options.tolerance_change();
  const auto history_size = static_cast<size_t>(options.history_size());

  EMBER_CHECK(!params().empty(), ValueError, "[LBFGS] there are no parameters to optimize");
  auto& slot = state_[params()[0].impl()];
  if (!slot) slot = std::make_unique<LBFGSParamState>();
  auto& state = static_cast<LBFGSParamState&>(*slot);

  Tensor orig_loss = run_closure(closure);
  double loss = orig_loss.item<double>();
  int64_t current_evals = 1;
  state.func_evals(state.func_evals() + 1);
  Tensor flat_grad = gather_flat_grad();
  if (abs_max(flat_grad) <= tolerance_grad) return orig_loss;

  Tensor d = state.d(), prev_flat_grad = state.prev_flat_grad();
  double t = state.t(), H_diag = state.H_diag(), prev_loss = state.prev_loss();
  std::deque<Tensor>& old_dirs = state.old_dirs();
  std::deque<Tensor>& old_stps = state.old_stps();
  std::deque<double>& ro = state.ro();

  int64_t n_iter = 0;
  while (n_iter < max_iter) {
    ++n_iter;
    state.n_iter(state.n_iter() + 1);
    if (state.n_iter() == 1) {
      d = flat_grad.neg();
      old_dirs.clear();
      old_stps.clear();
      ro.clear();
      H_diag = 1;
    } else {
      // Update the curvature history with the last step, then the two-loop recursion.
      Tensor y = flat_grad.sub(prev_flat_grad);
      Tensor s = d.mul(t);
      double ys = dot_value(y, s);
      if (ys > 1e-10) {
        if (old_dirs.size() == history_size) {
          old_dirs.pop_front();
          old_stps.pop_front();
          ro.pop_front();
        }
        old_dirs.push_back(y);
        old_stps.push_back(s);
        ro.push_back(1.0 / ys);
        H_diag = ys / dot_value(y, y);
      }
      size_t num_old = old_dirs.size();
      std::vector<double> al(num_old);
      Tensor q = flat_grad.neg();
      for (size_t i = num_old; i-- > 0;) {
        al[i] = dot_value(old_stps[i], q) * ro[i];
        q.add_(old_dirs[i], -al[i]);
      }
      Tensor r = q.mul(H_diag);
      for (size_t i = 0; i < num_old; ++i) {
        double be_i = dot_value(old_dirs[i], r) * ro[i];
        r.add_(old_stps[i], al[i] - be_i);
      }
      d = r;
    }
    if (!prev_flat_grad.defined()) prev_flat_grad = flat_grad.clone();
    else prev_flat_grad.copy_(flat_grad);
    prev_loss = loss;

    t = state.n_iter() == 1 ? std::min(1.0, 1.0 / flat_grad.abs().sum().item<double>()) * lr : lr;
    double gtd = dot_value(flat_grad, d);
    if (gtd > -tolerance_change) break;  // not a descent direction

    int64_t ls_func_evals = 0;
    bool opt_cond = false;
    if (options.line_search_fn()) {
      std::vector<Tensor> x_init = clone_params();
      auto objective = [&](double step) { return directional_evaluate(closure, x_init, step, d); };
      LineSearchResult ls = strong_wolfe(objective, t, d, loss, flat_grad, gtd);
      loss = ls.loss;
      flat_grad = ls.flat_grad;
      t = ls.t;
      ls_func_evals = ls.func_evals;
      add_grad(t, d);
      opt_cond = abs_max(flat_grad) <= tolerance_grad;
    } else {
      add_grad(t, d);
      if (n_iter != max_iter) {
        {
          AutoGradMode enable_grad(true);
          loss = closure().item<double>();
        }
        flat_grad = gather_flat_grad();
        opt_cond = abs_max(flat_grad) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    state.func_evals(state.func_evals() + ls_func_evals);

    if (n_iter == max_iter) break;
    if (current_evals >= max_eval) break;
    if (opt_cond) break;
    if (abs_max(d.mul(t)) <= tolerance_change) break;
    if (std::abs(loss - prev_loss) < tolerance_change) break;
  }

  state.d(d);
  state.t(t);
  state.H_diag(H_diag);
  state.prev_flat_grad(prev_flat_grad);
  state.prev_loss(prev_loss);
  return orig_loss;
}

}  // namespace optim
}  // namespace ember
