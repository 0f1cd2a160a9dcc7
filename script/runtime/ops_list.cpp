// Script operators on lists (t[]): indexing, mutation, slicing, concatenation, comparison.
// Lists are shared and mutable, as in Python: append/_set_item/add_ change the list every
// alias sees. New lists keep the representation of their input (int[] stays int[]).
#include <algorithm>

#include "core/error.h"
#include "script/runtime/script_ops.h"
#include "script/runtime/values.h"

namespace ember {
namespace script {
namespace detail {

namespace {

IValue slice_list(const IValue& l, const IValue& start_v, const IValue& end_v, int64_t step) {
  EMBER_CHECK(step != 0, ValueError, "slice step cannot be zero");
  int64_t n = static_cast<int64_t>(list_size(l));
  auto clamp = [&](const IValue& v, int64_t dflt) {
    if (v.is_none()) return dflt;
    int64_t i = v.to_int();
    if (i < 0) i += n;
    if (step > 0) return std::clamp<int64_t>(i, 0, n);
    return std::clamp<int64_t>(i, -1, n - 1);
  };
  int64_t start = clamp(start_v, step > 0 ? 0 : n - 1);
  int64_t end = clamp(end_v, step > 0 ? n : -1);
  IValue out = empty_list_like(l);
  if (step > 0) {
    for (int64_t i = start; i < end; i += step) list_append(out, list_get(l, static_cast<size_t>(i)));
  } else {
    for (int64_t i = start; i > end; i += step) list_append(out, list_get(l, static_cast<size_t>(i)));
  }
  return out;
}

IValue concat(const IValue& a, const IValue& b) {
  IValue out = empty_list_like(a);
  for (size_t i = 0, n = list_size(a); i < n; ++i) list_append(out, list_get(a, i));
  for (size_t i = 0, n = list_size(b); i < n; ++i) list_append(out, list_get(b, i));
  return out;
}

void replace_top(Stack& s, size_t n, IValue v) {
  drop(s, n);
  s.push_back(std::move(v));
}

}  // namespace

void register_list_ops() {
  register_script_op("aten::len.t(t[] a) -> int", [](Stack& s) { s.back() = IValue(int64_t(list_size(s.back()))); });
  register_script_op("aten::__getitem__.t(t[](a) list, int idx) -> t(*)", [](Stack& s) {
    const IValue& l = peek(s, 0, 2);
    IValue v = list_get(l, normalize_index(peek(s, 1, 2).to_int(), list_size(l)));
    replace_top(s, 2, std::move(v));
  });
  register_script_op("aten::_set_item.t(t[](a!) l, int idx, t(b -> *) el) -> t[](a!)", [](Stack& s) {
    IValue l = peek(s, 0, 3);
    list_set(l, normalize_index(peek(s, 1, 3).to_int(), list_size(l)), peek(s, 2, 3));
    replace_top(s, 3, std::move(l));
  });
  register_script_op("aten::append.t(t[](a!) self, t(c -> *) el) -> t[](a!)", [](Stack& s) {
    IValue l = peek(s, 0, 2);
    list_append(l, peek(s, 1, 2));
    replace_top(s, 2, std::move(l));
  });
  register_script_op("aten::add.t(t[] a, t[] b) -> t[]",
                     [](Stack& s) { replace_top(s, 2, concat(peek(s, 0, 2), peek(s, 1, 2))); });
  register_script_op("aten::add_.t(t[](a!) self, t[] b) -> t[](a!)", [](Stack& s) {
    IValue l = peek(s, 0, 2);
    std::vector<IValue> extra = list_items(peek(s, 1, 2));  // copy first: `l += l` is allowed
    for (IValue& v : extra) list_append(l, std::move(v));
    replace_top(s, 2, std::move(l));
  });
  register_script_op("aten::extend.t(t[](a!) self, t[] other) -> ()", [](Stack& s) {
    std::vector<IValue> extra = list_items(peek(s, 1, 2));
    for (IValue& v : extra) list_append(peek(s, 0, 2), std::move(v));
    drop(s, 2);
  });
  register_script_op("aten::slice.t(t[] l, int? start=None, int? end=None, int step=1) -> t[]", [](Stack& s) {
    IValue out = slice_list(peek(s, 0, 4), peek(s, 1, 4), peek(s, 2, 4), peek(s, 3, 4).to_int());
    replace_top(s, 4, std::move(out));
  });
  register_script_op("aten::list.t(t[] l) -> t[]", [](Stack& s) {
    IValue l = pop(s);
    s.push_back(concat(l, empty_list_like(l)));
  });
  register_script_op("aten::copy.t(t[](a) self) -> t[]", [](Stack& s) {
    IValue l = pop(s);
    s.push_back(concat(l, empty_list_like(l)));
  });
  register_script_op("aten::pop.t(t[](a!) self, int idx=-1) -> t(*)", [](Stack& s) {
    const IValue& l = peek(s, 0, 2);
    EMBER_CHECK(list_size(l) > 0, IndexError, "pop from empty list");
    size_t i = normalize_index(peek(s, 1, 2).to_int(), list_size(l));
    IValue v = list_get(l, i);
    list_erase(l, i);
    replace_top(s, 2, std::move(v));
  });
  register_script_op("aten::insert.t(t[](a!) self, int idx, t(b -> *) el) -> ()", [](Stack& s) {
    const IValue& l = peek(s, 0, 3);
    int64_t n = static_cast<int64_t>(list_size(l)), i = peek(s, 1, 3).to_int();
    if (i < 0) i = std::max<int64_t>(0, i + n);
    list_insert(l, static_cast<size_t>(std::min(i, n)), peek(s, 2, 3));
    drop(s, 3);
  });
  register_script_op("aten::clear.t(t[](a!) self) -> ()", [](Stack& s) { list_clear(pop(s)); });
  register_script_op("aten::reverse.t(t[](a!) self) -> ()", [](Stack& s) {
    IValue l = pop(s);
    std::vector<IValue> items = list_items(l);
    for (size_t i = 0; i < items.size(); ++i) list_set(l, i, items[items.size() - 1 - i]);
  });
  register_script_op("aten::mul.left_t(t[] l, int n) -> t[]", [](Stack& s) {
    IValue l = peek(s, 0, 2);
    int64_t n = peek(s, 1, 2).to_int();
    IValue out = empty_list_like(l);
    std::vector<IValue> items = list_items(l);
    for (int64_t k = 0; k < n; ++k)
      for (const IValue& v : items) list_append(out, v);
    replace_top(s, 2, std::move(out));
  });
  register_script_op("aten::eq.int_list(int[] a, int[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  register_script_op("aten::eq.float_list(float[] a, float[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  register_script_op("aten::eq.bool_list(bool[] a, bool[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  register_script_op("aten::eq.str_list(str[] a, str[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  register_script_op("aten::ne.int_list(int[] a, int[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(!values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  register_script_op("aten::ne.float_list(float[] a, float[] b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(!values_equal(peek(s, 0, 2), peek(s, 1, 2)))); });
  auto contains = [](Stack& s) {
    const IValue& l = peek(s, 0, 2);
    bool found = false;
    for (size_t i = 0, n = list_size(l); i < n && !found; ++i) found = values_equal(list_get(l, i), peek(s, 1, 2));
    replace_top(s, 2, IValue(found));
  };
  register_script_op("aten::__contains__.int_list(int[] l, int item) -> bool", contains);
  register_script_op("aten::__contains__.float_list(float[] l, float item) -> bool", contains);
  register_script_op("aten::__contains__.str_list(str[] l, str item) -> bool", contains);
  register_script_op("aten::count.int(int[] self, int el) -> int", [](Stack& s) {
    const IValue& l = peek(s, 0, 2);
    int64_t n = 0;
    for (size_t i = 0, size = list_size(l); i < size; ++i) n += values_equal(list_get(l, i), peek(s, 1, 2)) ? 1 : 0;
    replace_top(s, 2, IValue(n));
  });
  register_script_op("aten::sum.int(int[] self) -> int", [](Stack& s) {
    int64_t total = 0;
    for (int64_t v : s.back().to_int_list()) total += v;
    s.back() = IValue(total);
  });
  register_script_op("aten::sum.float(float[] self) -> float", [](Stack& s) {
    double total = 0;
    for (double v : s.back().to_double_list()) total += v;
    s.back() = IValue(total);
  });
  register_script_op("prim::min.self_int(int[] self) -> int", [](Stack& s) {
    const auto& l = s.back().to_int_list();
    EMBER_CHECK(!l.empty(), ValueError, "min() arg is an empty sequence");
    s.back() = IValue(*std::min_element(l.begin(), l.end()));
  });
  register_script_op("prim::max.self_int(int[] self) -> int", [](Stack& s) {
    const auto& l = s.back().to_int_list();
    EMBER_CHECK(!l.empty(), ValueError, "max() arg is an empty sequence");
    s.back() = IValue(*std::max_element(l.begin(), l.end()));
  });
}

}  // namespace detail
}  // namespace script
}  // namespace ember
