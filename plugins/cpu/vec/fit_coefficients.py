#!/usr/bin/env python3
"""Fits the polynomial coefficients and piecewise tables of vec/math_impl.h (near-minimax
Chebyshev fits in 40-digit arithmetic, mpmath.chebyfit) and prints them as C++ constants, highest
degree first. Run with /usr/bin/python3 (Debian's python3-mpmath); the output is pasted into
vec/coefficients.h. The accuracy of each fit is printed as a comment; the functions' ulp errors
are measured by tests/plugins/cpu_vector_math_test.cpp."""
import struct

import mpmath as mp

mp.mp.dps = 40


def f32(v):
    return struct.unpack("f", struct.pack("f", float(v)))[0]


def fmt(v):
    s = "%.9g" % float(v)
    return s + ("f" if "e" in s or "." in s else ".0f")


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


# Piecewise tables: one polynomial per interval [k / 4, (k + 1) / 4) in s = x - k / 4, laid out
# coefficient by coefficient (row j holds coefficient j of every interval), so that a vector of
# lanes reads row j with one permute by its interval index.
def print_table(name, columns, doc):
    print("// " + doc)
    print("constexpr float %s[%d][%d] = {" % (name, len(columns[0]), len(columns)))
    for j in range(len(columns[0])):
        print("    {%s}," % ", ".join(fmt(c[j]) for c in columns))
    print("};")


quarter_step = mp.mpf(1) / 4
samples = [quarter_step * i / 200 for i in range(1, 201)]
# erf(k/4 + s) = C_hi + (s B + (C_lo + s q(s))): C = erf(k/4) as float hi + lo, B = erf'(k/4) rounded
# to float, q of degree 5 fitted to the rest. The leading s B rounds once, so near 0 (k = 0, C = 0)
# erf keeps its relative accuracy.
columns, worst = [], 0
for k in range(16):
    a = k * quarter_step
    C = mp.erf(a)
    slope = 2 / mp.sqrt(mp.pi) * mp.exp(-a * a)
    B = mp.mpf(f32(slope))
    rest = lambda s: (mp.erf(a + s) - C) / s - B if s else slope - B
    q = mp.chebyfit(rest, [0, quarter_step], 6)
    worst = max(worst, max(abs(s * (mp.polyval(q, s) - rest(s))) for s in samples))
    columns.append(list(q) + [B, f32(C - mp.mpf(f32(C))), f32(C)])
print_table("kErfTable", columns, "erf on [k/4, (k+1)/4), k = 0..15: rows q5..q0, B, C_lo, C_hi (max abs error of the fit %.1e)" % float(worst))
# Phi(k/4 + s) = C_hi + (C_lo + s p(s)), Phi the normal CDF, C = Phi(k/4), k = -16..15 (index k + 16).
Phi = lambda x: mp.erfc(-x / mp.sqrt(2)) / 2
columns, worst = [], 0
for k in range(-16, 16):
    a = k * quarter_step
    C = Phi(a)
    rest = lambda s: (Phi(a + s) - C) / s if s else mp.exp(-a * a / 2) / mp.sqrt(2 * mp.pi)
    p = mp.chebyfit(rest, [0, quarter_step], 6)
    worst = max(worst, max(abs(s * (mp.polyval(p, s) - rest(s))) / Phi(a + s) for s in samples))
    columns.append(list(p) + [f32(C - mp.mpf(f32(C))), f32(C)])
print_table("kPhiTable", columns, "Phi on [k/4, (k+1)/4), k = -16..15: rows p5..p0, C_lo, C_hi (max relative error of the fit %.1e)" % float(worst))

# pow in double: log2 x = k + log2(c) + log2(1 + r), r = z / c - 1, with 16 subintervals of
# z in [0x3f330000, 2 * 0x3f330000) as float bits (glibc's powf layout); c = 1 exactly on the
# interval holding 1, so that log2(1) = 0 and 1^y = 1. Then 2^t = 2^(j/16) 2^n (1 + r q(r)).
def asfloat(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def asdouble(bits):
    return struct.unpack("<d", struct.pack("<Q", bits & 0xFFFFFFFFFFFFFFFF))[0]


def double_bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


inverse, log_c, r_lo, r_hi = [], [], 0, 0
for i in range(16):
    z_lo, z_hi = asfloat(0x3F330000 + (i << 19)), asfloat(0x3F330000 + ((i + 1) << 19))
    c = 1.0 if z_lo <= 1.0 < z_hi else (z_lo + z_hi) / 2
    inverse.append(float(1 / mp.mpf(c)))
    log_c.append(float(-mp.log(mp.mpf(inverse[-1]), 2)))
    r_lo, r_hi = min(r_lo, z_lo * inverse[-1] - 1), max(r_hi, z_hi * inverse[-1] - 1)
log2_ratio = lambda r: mp.log1p(r) / (r * mp.log(2)) if r else 1 / mp.log(2)
p = mp.chebyfit(log2_ratio, [r_lo, r_hi], 5)
worst = max(abs(mp.polyval(p, r) / log2_ratio(r) - 1) for r in (r_lo + (r_hi - r_lo) * i / 2000 for i in range(2001)))
print("// pow: log2(1 + r) = r p(r), r in [%.4f, %.4f] (max relative error of the fit %.1e)" % (r_lo, r_hi, float(worst)))
print("constexpr double kPowInvC[16] = {%s};" % ", ".join(float.hex(v) for v in inverse))
print("constexpr double kPowLogC[16] = {%s};" % ", ".join(float.hex(v) for v in log_c))
print("constexpr double kPowLog2P[] = {%s};" % ", ".join(float.hex(float(c)) for c in p))
# 2^(j/16) with j << 48 taken from its bits: adding m << 48 (m = 16 n + j) gives 2^(n + j/16).
table = [asdouble(double_bits(float(mp.mpf(2) ** (mp.mpf(j) / 16))) - (j << 48)) for j in range(16)]
print("constexpr double kPowExp2T[16] = {%s};" % ", ".join(float.hex(v) for v in table))
half_step = mp.mpf(1) / 32
exp2_ratio = lambda r: (mp.mpf(2) ** r - 1) / r if r else mp.log(2)
q = mp.chebyfit(exp2_ratio, [-half_step, half_step], 4)
worst = max(abs((1 + r * mp.polyval(q, r)) / mp.mpf(2) ** r - 1) for r in (-half_step + 2 * half_step * i / 2000 for i in range(2001)))
print("// pow: 2^r = 1 + r q(r), |r| <= 1/32 (max relative error of the fit %.1e)" % float(worst))
print("constexpr double kPowExp2Q[] = {%s};" % ", ".join(float.hex(float(c)) for c in q))
