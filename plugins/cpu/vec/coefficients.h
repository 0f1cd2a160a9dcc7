// Polynomial coefficients of vec/math_impl.h, highest degree first, as printed by
// fit_coefficients.py (near-minimax fits in 40-digit arithmetic; the comment after each line is
// the fit's own relative error, before float rounding). Plain constants; thread-safe.
#pragma once

namespace ember_cpu {
namespace vec_coefficients {

// e^r = 1 + r + r^2 q(r), |r| <= ln2 / 2 (max relative error of the fit 1.3e-07)
constexpr float kExpQ[] = {0.00139261761f, 0.00836317307f, 0.0416665547f, 0.16666577f, 0.5f};
// log(1 + f) = f + f^2 p(f), f in [sqrt(1/2) - 1, sqrt(2) - 1] (max relative error of the fit 5.1e-08)
constexpr float kLogP[] = {-0.076736415f, 0.127226728f, -0.131275557f, 0.14204856f, -0.166266456f, 0.200012345f, -0.250007812f, 0.3333333f, -0.499999976f};
// sin r = r + r^3 s(r^2), |r| <= pi / 4 (max relative error of the fit 1.7e-10)
constexpr float kSinS[] = {2.72499258e-06f, -0.000198400867f, 0.00833333187f, -0.166666667f};
// cos r = 1 - r^2 / 2 + r^4 c(r^2), |r| <= pi / 4 (max relative error of the fit 5.7e-11)
constexpr float kCosC[] = {-2.73009592e-07f, 2.48006004e-05f, -0.00138888877f, 0.0416666667f};
// tanh x = x + x^3 t(x^2), |x| <= 0.625 (max relative error of the fit 4.8e-09)
constexpr float kTanhT[] = {0.00229274482f, -0.00834394552f, 0.0217689187f, -0.0539592596f, 0.133333036f, -0.333333332f};
// erf t = t e(t^2), |t| <= 1 (max relative error of the fit 1.3e-09)
constexpr float kErfE[] = {7.87587506e-05f, -0.000801686429f, 0.00518908742f, -0.026854212f, 0.112835947f, -0.376126267f, 1.12837917f};
constexpr float kErfEConstant[] = {1.12837911f, 5.93267445e-08f};
// erfc t = exp(-t^2) R(u), u = 1 / (1 + t / 2), 0 <= t <= 9.3 (max relative error of the fit 6.8e-09)
constexpr float kErfcR[] = {0.0111853967f, -0.0364351501f, -0.0490202264f, 0.409395299f, -0.756065707f, 0.557899915f, -0.201770302f, 0.272432978f, 0.225377232f, 0.285146996f, 0.281844594f, 8.97571236e-06f};
// kGeluKappa: hi 0.0447149985 lo 1.54614449e-09
// kGeluTwoBeta: hi 1.59576917 lo -4.53406804e-08

}  // namespace vec_coefficients
}  // namespace ember_cpu
