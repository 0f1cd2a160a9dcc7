// Script operators on dicts (one overload per key type, as PyTorch registers them: str, int,
// float, bool, Tensor) and on strings (concatenation, comparison, indexing, slicing, str(),
// str.format, join).
#include <algorithm>
#include <sstream>

#include "core/error.h"
#include "script/runtime/script_ops.h"
#include "script/runtime/values.h"

namespace ember {
namespace script {
namespace detail {

namespace {

void replace_top(Stack& s, size_t n, IValue v) {
  drop(s, n);
  s.push_back(std::move(v));
}

[[noreturn]] void key_error(const IValue& key) { EMBER_FAIL(IndexError, "KeyError: ", value_to_string(key)); }

IValue dict_keys(const ivalue::Dict& d) {
  std::vector<IValue> keys;
  for (const auto& kv : d.entries()) keys.push_back(kv.first);
  return d.key_type() ? make_list(d.key_type(), std::move(keys)) : IValue(std::move(keys));
}

IValue dict_values(const ivalue::Dict& d) {
  std::vector<IValue> values;
  for (const auto& kv : d.entries()) values.push_back(kv.second);
  return d.value_type() ? make_list(d.value_type(), std::move(values)) : IValue(std::move(values));
}

void register_dict_ops_for(const std::string& key) {
  auto def = [&](const std::string& schema, ScriptOpFn fn) { register_script_op(schema.c_str(), fn); };
  const std::string dict = "Dict(" + key + ", t)";
  def("aten::__getitem__.Dict_" + key + "(" + dict + " self, " + key + " key) -> t(*)", [](Stack& s) {
    const IValue* v = peek(s, 0, 2).to_dict().find(peek(s, 1, 2));
    if (!v) key_error(peek(s, 1, 2));
    IValue r = *v;
    replace_top(s, 2, std::move(r));
  });
  def("aten::_set_item." + key + "(" + dict + "(a!) l, " + key + "(b -> *) idx, t(c -> *) v) -> ()", [](Stack& s) {
    peek(s, 0, 3).to_dict().insert_or_assign(peek(s, 1, 3), peek(s, 2, 3));
    drop(s, 3);
  });
  def("aten::len.Dict_" + key + "(" + dict + " self) -> int",
      [](Stack& s) { s.back() = IValue(int64_t(s.back().to_dict().size())); });
  def("aten::keys." + key + "(" + dict + " self) -> " + key + "[](*)", [](Stack& s) { s.back() = dict_keys(s.back().to_dict()); });
  def("aten::values." + key + "(" + dict + " self) -> t[](*)", [](Stack& s) { s.back() = dict_values(s.back().to_dict()); });
  def("aten::items." + key + "(" + dict + " self) -> ((" + key + ", t)[])", [](Stack& s) {
    std::vector<IValue> items;
    for (const auto& kv : s.back().to_dict().entries()) items.push_back(IValue::tuple({kv.first, kv.second}));
    s.back() = IValue(std::move(items));
  });
  def("aten::get." + key + "(" + dict + " self, " + key + " key) -> t(*)?", [](Stack& s) {
    const IValue* v = peek(s, 0, 2).to_dict().find(peek(s, 1, 2));
    IValue r = v ? *v : IValue();
    replace_top(s, 2, std::move(r));
  });
  def("aten::get.default_" + key + "(" + dict + " self, " + key + " key, t default_value) -> t(*)", [](Stack& s) {
    const IValue* v = peek(s, 0, 3).to_dict().find(peek(s, 1, 3));
    IValue r = v ? *v : peek(s, 2, 3);
    replace_top(s, 3, std::move(r));
  });
  def("aten::__contains__." + key + "(" + dict + " dict, " + key + " key) -> bool",
      [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_dict().find(peek(s, 1, 2)) != nullptr)); });
  def("aten::pop.Dict_" + key + "(" + dict + "(a!) self, " + key + " key) -> t(*)", [](Stack& s) {
    ivalue::Dict& d = peek(s, 0, 2).to_dict();
    const IValue* v = d.find(peek(s, 1, 2));
    if (!v) key_error(peek(s, 1, 2));
    IValue r = *v;
    d.erase(peek(s, 1, 2));
    replace_top(s, 2, std::move(r));
  });
  def("aten::Delete.Dict_" + key + "(" + dict + "(a!) self, " + key + " key) -> ()", [](Stack& s) {
    if (!peek(s, 0, 2).to_dict().erase(peek(s, 1, 2))) key_error(peek(s, 1, 2));
    drop(s, 2);
  });
  def("aten::clear." + key + "(" + dict + "(a!) self) -> ()", [](Stack& s) { pop(s).to_dict().clear(); });
  def("aten::copy.Dict_" + key + "(" + dict + "(a) self) -> " + dict, [](Stack& s) {
    const ivalue::Dict& d = s.back().to_dict();
    IValue out = IValue::dict();
    out.to_dict().set_types(d.key_type(), d.value_type());
    for (const auto& kv : d.entries()) out.to_dict().insert_or_assign(kv.first, kv.second);
    s.back() = std::move(out);
  });
}

// str.format: each "{}" takes the next argument's str().
std::string format_string(const std::string& fmt, const IValue* args, size_t n) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '{' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      EMBER_CHECK(next < n, IndexError, "tuple index out of range (str.format has more {} than arguments)");
      out += value_to_string(args[next++]);
      ++i;
    } else {
      out += fmt[i];
    }
  }
  return out;
}

}  // namespace

void register_dict_string_ops() {
  for (const char* key : {"str", "int", "float", "bool", "Tensor"}) register_dict_ops_for(key);

  register_script_op("aten::add.str(str a, str b) -> str", [](Stack& s) {
    std::string r = peek(s, 0, 2).to_string_ref() + peek(s, 1, 2).to_string_ref();
    replace_top(s, 2, IValue(std::move(r)));
  });
  register_script_op("aten::eq.str(str a, str b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_string_ref() == peek(s, 1, 2).to_string_ref())); });
  register_script_op("aten::ne.str(str a, str b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_string_ref() != peek(s, 1, 2).to_string_ref())); });
  register_script_op("aten::lt.str(str a, str b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_string_ref() < peek(s, 1, 2).to_string_ref())); });
  register_script_op("aten::gt.str(str a, str b) -> bool",
                     [](Stack& s) { replace_top(s, 2, IValue(peek(s, 0, 2).to_string_ref() > peek(s, 1, 2).to_string_ref())); });
  register_script_op("aten::len.str(str s) -> int",
                     [](Stack& s) { s.back() = IValue(int64_t(s.back().to_string_ref().size())); });
  register_script_op("aten::__getitem__.str(str s, int index) -> str", [](Stack& s) {
    const std::string& str = peek(s, 0, 2).to_string_ref();
    size_t i = normalize_index(peek(s, 1, 2).to_int(), str.size(), "string");
    replace_top(s, 2, IValue(std::string(1, str[i])));
  });
  register_script_op("aten::slice.str(str string, int? start=None, int? end=None, int step=1) -> str", [](Stack& s) {
    const std::string& str = peek(s, 0, 4).to_string_ref();
    int64_t n = static_cast<int64_t>(str.size()), step = peek(s, 3, 4).to_int();
    EMBER_CHECK(step != 0, ValueError, "slice step cannot be zero");
    auto clamp = [&](const IValue& v, int64_t dflt) {
      if (v.is_none()) return dflt;
      int64_t i = v.to_int();
      if (i < 0) i += n;
      return step > 0 ? std::clamp<int64_t>(i, 0, n) : std::clamp<int64_t>(i, -1, n - 1);
    };
    int64_t b = clamp(peek(s, 1, 4), step > 0 ? 0 : n - 1), e = clamp(peek(s, 2, 4), step > 0 ? n : -1);
    std::string out;
    for (int64_t i = b; step > 0 ? i < e : i > e; i += step) out += str[static_cast<size_t>(i)];
    replace_top(s, 4, IValue(std::move(out)));
  });
  register_script_op("aten::str(t elem) -> str", [](Stack& s) { s.back() = IValue(value_to_string(s.back())); });
  register_script_op("aten::format(str self, ...) -> str", [](Stack& s) {
    // Varargs: the interpreter pushes the argument count after the arguments.
    int64_t n = pop(s).to_int();
    size_t base = s.size() - static_cast<size_t>(n);
    std::string r = format_string(s[base].to_string_ref(), &s[base + 1], static_cast<size_t>(n - 1));
    s.resize(base);
    s.emplace_back(std::move(r));
  });
  register_script_op("aten::join(str self, str[] values) -> str", [](Stack& s) {
    const std::string& sep = peek(s, 0, 2).to_string_ref();
    std::string out;
    const IValue& l = peek(s, 1, 2);
    for (size_t i = 0, n = list_size(l); i < n; ++i) out += (i ? sep : "") + list_get(l, i).to_string_ref();
    replace_top(s, 2, IValue(std::move(out)));
  });
  register_script_op("aten::__contains__.str_in(str self, str key) -> bool", [](Stack& s) {
    replace_top(s, 2, IValue(peek(s, 0, 2).to_string_ref().find(peek(s, 1, 2).to_string_ref()) != std::string::npos));
  });
}

}  // namespace detail
}  // namespace script
}  // namespace ember
