#!/usr/bin/env python3
"""Fits the polynomial coefficients of vec/math_impl.h (near-minimax Chebyshev fits in 40-digit
arithmetic, mpmath.chebyfit) and prints them as C++ constants, highest degree first. Run with
/usr/bin/python3 (Debian's python3-mpmath); the output is pasted into vec/coefficients.h.
The accuracy of each fit (max relative error of the approximated factor) is printed as a comment;
the functions' ulp errors are measured by tests/plugins/cpu_vector_math_test.cpp."""
import struct

import mpmath as mp

mp.mp.dps = 40


def fit(name, f, a, b, degree, doc, split_constant=False):
    poly = mp.chebyfit(f, [a, b], degree + 1)
    worst = max(abs(mp.polyval(poly, x) - f(x)) / abs(f(x))
                for x in (a + (b - a) * i / 4000 for i in range(4001)))
    print("// %s (max relative error of the fit %.1e)" % (doc, float(worst)))
    print("constexpr float %s[] = {%s};" % (name, ", ".join("%.9gf" % float(c) for c in poly)))
    if split_constant:  # the constant term as float hi + lo, for a leading term without rounding
        hi = float(mp.mpf(struct.unpack("f", struct.pack("f", float(poly[-1])))[0]))
        lo = float(poly[-1] - mp.mpf(hi))
        print("constexpr float %sConstant[] = {%.9gf, %.9gf};" % (name, hi, lo))


ln2 = mp.log(2)
fit("kExpQ", lambda r: (mp.exp(r) - 1 - r) / r**2 if r else mp.mpf(1) / 2, -ln2 / 2, ln2 / 2, 4,
    "e^r = 1 + r + r^2 q(r), |r| <= ln2 / 2")
fit("kLogP", lambda f: (mp.log(1 + f) - f) / f**2 if f else -mp.mpf(1) / 2, mp.sqrt(0.5) - 1, mp.sqrt(2) - 1, 8,
    "log(1 + f) = f + f^2 p(f), f in [sqrt(1/2) - 1, sqrt(2) - 1]")
quarter = (mp.pi / 4)**2
fit("kSinS", lambda z: (mp.sin(mp.sqrt(z)) - mp.sqrt(z)) / z**1.5 if z else -mp.mpf(1) / 6, 0, quarter, 3,
    "sin r = r + r^3 s(r^2), |r| <= pi / 4")
fit("kCosC", lambda z: (mp.cos(mp.sqrt(z)) - 1 + z / 2) / z**2 if z else mp.mpf(1) / 24, 0, quarter, 3,
    "cos r = 1 - r^2 / 2 + r^4 c(r^2), |r| <= pi / 4")
fit("kTanhT", lambda z: (mp.tanh(mp.sqrt(z)) - mp.sqrt(z)) / z**1.5 if z else -mp.mpf(1) / 3, 0, mp.mpf(0.625)**2, 5,
    "tanh x = x + x^3 t(x^2), |x| <= 0.625")
fit("kErfE", lambda z: mp.erf(mp.sqrt(z)) / mp.sqrt(z) if z else 2 / mp.sqrt(mp.pi), 0, 1, 6,
    "erf t = t e(t^2), |t| <= 1", split_constant=True)
fit("kErfcR", lambda u: mp.erfc(2 / u - 2) * mp.exp((2 / u - 2)**2), 1 / (1 + mp.mpf(9.3) / 2), 1, 11,
    "erfc t = exp(-t^2) R(u), u = 1 / (1 + t / 2), 0 <= t <= 9.3")

# Constants used as float hi + lo pairs (gelu_tanh's double-float argument).
for name, value in (("kGeluKappa", mp.mpf("0.044715")), ("kGeluTwoBeta", 2 * mp.sqrt(2 / mp.pi))):
    hi = struct.unpack("f", struct.pack("f", float(value)))[0]
    print("// %s: hi %.9g lo %.9g" % (name, hi, float(value - mp.mpf(hi))))
