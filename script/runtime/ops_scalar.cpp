// Script operators on numbers: arithmetic and comparisons on int, float, bool and Scalar
// (Python's semantics: int / int is float, // and % floor toward negative infinity, ** of ints is
// float), casts between them, `is`, and the helpers `range` loops use.
#include <cmath>
#include <limits>

#include "core/error.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {
namespace detail {

namespace {

// int64 arithmetic wraps, as TorchScript's (and C++'s unsigned) does; no undefined behavior.
int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t wrap_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

int64_t int_floordiv(int64_t a, int64_t b) {
  EMBER_CHECK(b != 0, RuntimeError, "ZeroDivisionError: integer division or modulo by zero");
  if (a == std::numeric_limits<int64_t>::min() && b == -1) return a;  // wraps, as TorchScript
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t int_remainder(int64_t a, int64_t b) {
  EMBER_CHECK(b != 0, RuntimeError, "ZeroDivisionError: integer division or modulo by zero");
  if (b == -1) return 0;
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}
double float_div(double a, double b) {
  EMBER_CHECK(b != 0, RuntimeError, "ZeroDivisionError: float division by zero");
  return a / b;
}
double float_floordiv(double a, double b) {
  EMBER_CHECK(b != 0, RuntimeError, "ZeroDivisionError: float divmod()");
  return std::floor(a / b);
}
double float_remainder(double a, double b) {
  EMBER_CHECK(b != 0, RuntimeError, "ZeroDivisionError: float modulo");
  double r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

template <typename R>
void push2(Stack& s, R r) {
  drop(s, 2);
  s.emplace_back(r);
}

}  // namespace

// Registers NAME.int, NAME.float, NAME.int_float, NAME.float_int and NAME(Scalar, Scalar).
#define EMBER_NUMERIC_BINARY(NAME, INT_RET, INT_EXPR, FLOAT_EXPR, SCALAR_RET)                      \
  register_script_op("aten::" NAME ".int(int a, int b) -> " INT_RET, [](Stack& s) {                \
    int64_t a = peek(s, 0, 2).to_int(), b = peek(s, 1, 2).to_int();                                \
    push2(s, INT_EXPR);                                                                            \
  });                                                                                              \
  register_script_op("aten::" NAME ".float(float a, float b) -> float", [](Stack& s) {             \
    double a = peek(s, 0, 2).to_double(), b = peek(s, 1, 2).to_double();                           \
    push2(s, FLOAT_EXPR);                                                                          \
  });                                                                                              \
  register_script_op("aten::" NAME ".int_float(int a, float b) -> float", [](Stack& s) {           \
    double a = peek(s, 0, 2).to_double(), b = peek(s, 1, 2).to_double();                           \
    push2(s, FLOAT_EXPR);                                                                          \
  });                                                                                              \
  register_script_op("aten::" NAME ".float_int(float a, int b) -> float", [](Stack& s) {           \
    double a = peek(s, 0, 2).to_double(), b = peek(s, 1, 2).to_double();                           \
    push2(s, FLOAT_EXPR);                                                                          \
  });                                                                                              \
  register_script_op("aten::" NAME "(Scalar a, Scalar b) -> " SCALAR_RET, [](Stack& s) {           \
    const IValue &x = peek(s, 0, 2), &y = peek(s, 1, 2);                                           \
    IValue r;                                                                                      \
    if (x.is_int() && y.is_int()) {                                                                \
      int64_t a = x.to_int(), b = y.to_int();                                                      \
      r = IValue(INT_EXPR);                                                                        \
    } else {                                                                                       \
      double a = x.to_double(), b = y.to_double();                                                 \
      r = IValue(FLOAT_EXPR);                                                                      \
    }                                                                                              \
    drop(s, 2);                                                                                    \
    s.push_back(std::move(r));                                                                     \
  });

#define EMBER_COMPARISON(NAME, OP)                                                                \
  register_script_op("aten::" NAME ".int(int a, int b) -> bool",                                  \
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_int() OP peek(s, 1, 2).to_int()); }); \
  register_script_op("aten::" NAME ".float(float a, float b) -> bool",                            \
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_double() OP peek(s, 1, 2).to_double()); }); \
  register_script_op("aten::" NAME ".int_float(int a, float b) -> bool",                          \
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_double() OP peek(s, 1, 2).to_double()); }); \
  register_script_op("aten::" NAME ".float_int(float a, int b) -> bool",                          \
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_double() OP peek(s, 1, 2).to_double()); }); \
  register_script_op("aten::" NAME "(Scalar a, Scalar b) -> bool", [](Stack& s) {                  \
    const IValue &x = peek(s, 0, 2), &y = peek(s, 1, 2);                                           \
    bool r = x.is_int() && y.is_int() ? (x.to_int() OP y.to_int()) : (x.to_double() OP y.to_double()); \
    push2(s, r);                                                                                   \
  });

void register_scalar_ops() {
  EMBER_NUMERIC_BINARY("add", "int", wrap_add(a, b), a + b, "Scalar")
  EMBER_NUMERIC_BINARY("sub", "int", wrap_sub(a, b), a - b, "Scalar")
  EMBER_NUMERIC_BINARY("mul", "int", wrap_mul(a, b), a * b, "Scalar")
  EMBER_NUMERIC_BINARY("div", "float", float_div(double(a), double(b)), float_div(a, b), "float")
  EMBER_NUMERIC_BINARY("floordiv", "int", int_floordiv(a, b), float_floordiv(a, b), "Scalar")
  EMBER_NUMERIC_BINARY("remainder", "int", int_remainder(a, b), float_remainder(a, b), "Scalar")
  EMBER_NUMERIC_BINARY("pow", "float", std::pow(double(a), double(b)), std::pow(a, b), "float")
  EMBER_COMPARISON("eq", ==)
  EMBER_COMPARISON("ne", !=)
  EMBER_COMPARISON("lt", <)
  EMBER_COMPARISON("le", <=)
  EMBER_COMPARISON("gt", >)
  EMBER_COMPARISON("ge", >=)

  register_script_op("aten::eq.bool(bool a, bool b) -> bool",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_bool() == peek(s, 1, 2).to_bool()); });
  register_script_op("aten::ne.bool(bool a, bool b) -> bool",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_bool() != peek(s, 1, 2).to_bool()); });

  // Logic and bits.
  register_script_op("aten::__and__.bool(bool a, bool b) -> bool",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_bool() && peek(s, 1, 2).to_bool()); });
  register_script_op("aten::__or__.bool(bool a, bool b) -> bool",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_bool() || peek(s, 1, 2).to_bool()); });
  register_script_op("aten::__xor__.bool(bool a, bool b) -> bool",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_bool() != peek(s, 1, 2).to_bool()); });
  register_script_op("aten::__and__.int(int a, int b) -> int",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_int() & peek(s, 1, 2).to_int()); });
  register_script_op("aten::__or__.int(int a, int b) -> int",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_int() | peek(s, 1, 2).to_int()); });
  register_script_op("aten::__xor__.int(int a, int b) -> int",
                     [](Stack& s) { push2(s, peek(s, 0, 2).to_int() ^ peek(s, 1, 2).to_int()); });
  register_script_op("aten::__lshift__.int(int a, int b) -> int", [](Stack& s) {
    int64_t a = peek(s, 0, 2).to_int(), b = peek(s, 1, 2).to_int();
    EMBER_CHECK(b >= 0, ValueError, "negative shift count");
    push2(s, b >= 64 ? int64_t(0) : static_cast<int64_t>(static_cast<uint64_t>(a) << b));
  });
  register_script_op("aten::__rshift__.int(int a, int b) -> int", [](Stack& s) {
    int64_t a = peek(s, 0, 2).to_int(), b = peek(s, 1, 2).to_int();
    EMBER_CHECK(b >= 0, ValueError, "negative shift count");
    push2(s, b >= 64 ? (a < 0 ? int64_t(-1) : int64_t(0)) : (a >> b));
  });
  register_script_op("aten::__not__(bool self) -> bool", [](Stack& s) { s.back() = IValue(!s.back().to_bool()); });

  // Unary.
  register_script_op("aten::neg.int(int a) -> int", [](Stack& s) { s.back() = IValue(wrap_sub(0, s.back().to_int())); });
  register_script_op("aten::neg.float(float a) -> float", [](Stack& s) { s.back() = IValue(-s.back().to_double()); });
  register_script_op("aten::neg.Scalar(Scalar a) -> Scalar", [](Stack& s) {
    s.back() = s.back().is_int() ? IValue(wrap_sub(0, s.back().to_int())) : IValue(-s.back().to_double());
  });
  register_script_op("prim::abs.int(int x) -> int", [](Stack& s) {
    int64_t v = s.back().to_int();
    s.back() = IValue(v < 0 ? wrap_sub(0, v) : v);
  });
  register_script_op("prim::abs.float(float x) -> float", [](Stack& s) { s.back() = IValue(std::fabs(s.back().to_double())); });
  register_script_op("prim::min.int(int a, int b) -> int",
                     [](Stack& s) { push2(s, std::min(peek(s, 0, 2).to_int(), peek(s, 1, 2).to_int())); });
  register_script_op("prim::max.int(int a, int b) -> int",
                     [](Stack& s) { push2(s, std::max(peek(s, 0, 2).to_int(), peek(s, 1, 2).to_int())); });
  register_script_op("prim::min.float(float a, float b) -> float",
                     [](Stack& s) { push2(s, std::fmin(peek(s, 0, 2).to_double(), peek(s, 1, 2).to_double())); });
  register_script_op("prim::max.float(float a, float b) -> float",
                     [](Stack& s) { push2(s, std::fmax(peek(s, 0, 2).to_double(), peek(s, 1, 2).to_double())); });

  // Casts (int(x), float(x), bool(x)).
  register_script_op("aten::Int.float(float a) -> int", [](Stack& s) {
    double d = s.back().to_double();
    EMBER_CHECK(std::isfinite(d), ValueError, "cannot convert float ", d, " to integer");
    s.back() = IValue(static_cast<int64_t>(d));
  });
  register_script_op("aten::Int.bool(bool a) -> int", [](Stack& s) { s.back() = IValue(int64_t(s.back().to_bool())); });
  register_script_op("aten::Int.Scalar(Scalar a) -> int", [](Stack& s) {
    if (!s.back().is_int()) s.back() = IValue(static_cast<int64_t>(s.back().to_double()));
  });
  register_script_op("aten::Float.int(int a) -> float", [](Stack& s) { s.back() = IValue(s.back().to_double()); });
  register_script_op("aten::Float.bool(bool a) -> float", [](Stack& s) { s.back() = IValue(s.back().to_bool() ? 1.0 : 0.0); });
  register_script_op("aten::Float.Scalar(Scalar a) -> float", [](Stack& s) { s.back() = IValue(s.back().to_double()); });
  register_script_op("aten::Bool.int(int a) -> bool", [](Stack& s) { s.back() = IValue(s.back().to_int() != 0); });
  register_script_op("aten::Bool.float(float b) -> bool", [](Stack& s) { s.back() = IValue(s.back().to_double() != 0); });

  // `is` compares identity for reference types and values for the rest; None is None.
  register_script_op("aten::__is__(t1 self, t2 obj) -> bool", [](Stack& s) { push2(s, peek(s, 0, 2).is_same(peek(s, 1, 2))); });
  register_script_op("aten::__isnot__(t1 self, t2 obj) -> bool",
                     [](Stack& s) { push2(s, !peek(s, 0, 2).is_same(peek(s, 1, 2))); });

  // for i in range(lo, hi, step): the trip count and the value of i at iteration k.
  register_script_op("aten::__range_length(int lo, int hi, int step) -> int", [](Stack& s) {
    int64_t lo = peek(s, 0, 3).to_int(), hi = peek(s, 1, 3).to_int(), step = peek(s, 2, 3).to_int();
    EMBER_CHECK(step != 0, ValueError, "range() arg 3 must not be zero");
    int64_t n = 0;
    if (step > 0 && lo < hi) n = 1 + (hi - 1 - lo) / step;
    if (step < 0 && lo > hi) n = 1 + (lo - 1 - hi) / (-step);
    drop(s, 3);
    s.emplace_back(n);
  });
  register_script_op("aten::__derive_index(int index, int start, int step) -> int", [](Stack& s) {
    int64_t index = peek(s, 0, 3).to_int(), start = peek(s, 1, 3).to_int(), step = peek(s, 2, 3).to_int();
    drop(s, 3);
    s.emplace_back(wrap_add(start, wrap_mul(index, step)));
  });

  // raise: the interpreter raises with a traceback; this schema is what `code` prints.
  register_script_op("prim::RaiseException(str msg, str? cls=None) -> ()", [](Stack& s) {
    std::string message = peek(s, 0, 2).to_string_ref();
    EMBER_FAIL(RuntimeError, message);
  });

  // math
  register_script_op("aten::floor.float(float a) -> int",
                     [](Stack& s) { s.back() = IValue(static_cast<int64_t>(std::floor(s.back().to_double()))); });
  register_script_op("aten::ceil.float(float a) -> int",
                     [](Stack& s) { s.back() = IValue(static_cast<int64_t>(std::ceil(s.back().to_double()))); });
  register_script_op("aten::sqrt.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::sqrt(s.back().to_double())); });
  register_script_op("aten::sqrt.int(int a) -> float", [](Stack& s) { s.back() = IValue(std::sqrt(s.back().to_double())); });
  register_script_op("aten::exp.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::exp(s.back().to_double())); });
  register_script_op("aten::log.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::log(s.back().to_double())); });
  register_script_op("aten::tanh.float(float a) -> float", [](Stack& s) { s.back() = IValue(std::tanh(s.back().to_double())); });
}

#undef EMBER_NUMERIC_BINARY
#undef EMBER_COMPARISON

}  // namespace detail
}  // namespace script
}  // namespace ember
