// List helpers, equality and value printing (see values.h).
#include "script/runtime/values.h"

#include <sstream>

#include "core/error.h"
#include "script/ir/ir.h"

namespace ember {
namespace script {

IValue make_list(const TypePtr& element, std::vector<IValue> items) {
  switch (element->kind()) {
    case TypeKind::Int: {
      std::vector<int64_t> v;
      v.reserve(items.size());
      for (const IValue& x : items) v.push_back(x.to_int());
      return IValue(std::move(v));
    }
    case TypeKind::Float: {
      std::vector<double> v;
      v.reserve(items.size());
      for (const IValue& x : items) v.push_back(x.to_double());
      return IValue(std::move(v));
    }
    case TypeKind::Bool: {
      std::vector<bool> v;
      v.reserve(items.size());
      for (const IValue& x : items) v.push_back(x.to_bool());
      return IValue(std::move(v));
    }
    case TypeKind::Tensor: {
      std::vector<Tensor> v;
      v.reserve(items.size());
      for (const IValue& x : items) v.push_back(x.to_tensor());
      return IValue(std::move(v));
    }
    default: return IValue(std::move(items));
  }
}

IValue empty_list_like(const IValue& like) {
  switch (like.tag()) {
    case IValue::Tag::IntList: return IValue(std::vector<int64_t>());
    case IValue::Tag::DoubleList: return IValue(std::vector<double>());
    case IValue::Tag::BoolList: return IValue(std::vector<bool>());
    case IValue::Tag::TensorList: return IValue(std::vector<Tensor>());
    default: return IValue(std::vector<IValue>());
  }
}

size_t list_size(const IValue& l) {
  switch (l.tag()) {
    case IValue::Tag::IntList: return l.to_int_list().size();
    case IValue::Tag::DoubleList: return l.to_double_list().size();
    case IValue::Tag::BoolList: return l.to_bool_list().size();
    case IValue::Tag::TensorList: return l.to_tensor_list().size();
    default: return l.to_list().size();
  }
}

IValue list_get(const IValue& l, size_t i) {
  switch (l.tag()) {
    case IValue::Tag::IntList: return IValue(l.to_int_list()[i]);
    case IValue::Tag::DoubleList: return IValue(l.to_double_list()[i]);
    case IValue::Tag::BoolList: return IValue(static_cast<bool>(l.to_bool_list()[i]));
    case IValue::Tag::TensorList: return IValue(l.to_tensor_list()[i]);
    default: return l.to_list()[i];
  }
}

void list_set(const IValue& l, size_t i, IValue v) {
  switch (l.tag()) {
    case IValue::Tag::IntList: l.mutable_int_list()[i] = v.to_int(); break;
    case IValue::Tag::DoubleList: l.mutable_double_list()[i] = v.to_double(); break;
    case IValue::Tag::BoolList: l.mutable_bool_list()[i] = v.to_bool(); break;
    case IValue::Tag::TensorList: l.mutable_tensor_list()[i] = v.to_tensor(); break;
    default: l.mutable_list()[i] = std::move(v);
  }
}

void list_insert(const IValue& l, size_t i, IValue v) {
  switch (l.tag()) {
    case IValue::Tag::IntList: {
      auto& x = l.mutable_int_list();
      x.insert(x.begin() + static_cast<std::ptrdiff_t>(i), v.to_int());
      break;
    }
    case IValue::Tag::DoubleList: {
      auto& x = l.mutable_double_list();
      x.insert(x.begin() + static_cast<std::ptrdiff_t>(i), v.to_double());
      break;
    }
    case IValue::Tag::BoolList: {
      auto& x = l.mutable_bool_list();
      x.insert(x.begin() + static_cast<std::ptrdiff_t>(i), v.to_bool());
      break;
    }
    case IValue::Tag::TensorList: {
      auto& x = l.mutable_tensor_list();
      x.insert(x.begin() + static_cast<std::ptrdiff_t>(i), v.to_tensor());
      break;
    }
    default: {
      auto& x = l.mutable_list();
      x.insert(x.begin() + static_cast<std::ptrdiff_t>(i), std::move(v));
    }
  }
}

void list_append(const IValue& l, IValue v) { list_insert(l, list_size(l), std::move(v)); }

void list_erase(const IValue& l, size_t i) {
  auto at = static_cast<std::ptrdiff_t>(i);
  switch (l.tag()) {
    case IValue::Tag::IntList: l.mutable_int_list().erase(l.mutable_int_list().begin() + at); break;
    case IValue::Tag::DoubleList: l.mutable_double_list().erase(l.mutable_double_list().begin() + at); break;
    case IValue::Tag::BoolList: l.mutable_bool_list().erase(l.mutable_bool_list().begin() + at); break;
    case IValue::Tag::TensorList: l.mutable_tensor_list().erase(l.mutable_tensor_list().begin() + at); break;
    default: l.mutable_list().erase(l.mutable_list().begin() + at);
  }
}

void list_clear(const IValue& l) {
  switch (l.tag()) {
    case IValue::Tag::IntList: l.mutable_int_list().clear(); break;
    case IValue::Tag::DoubleList: l.mutable_double_list().clear(); break;
    case IValue::Tag::BoolList: l.mutable_bool_list().clear(); break;
    case IValue::Tag::TensorList: l.mutable_tensor_list().clear(); break;
    default: l.mutable_list().clear();
  }
}

std::vector<IValue> list_items(const IValue& l) {
  std::vector<IValue> out;
  size_t n = list_size(l);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(list_get(l, i));
  return out;
}

size_t normalize_index(int64_t index, size_t size, const char* what) {
  int64_t n = static_cast<int64_t>(size);
  int64_t i = index < 0 ? index + n : index;
  EMBER_CHECK(i >= 0 && i < n, IndexError, what, " index out of range");
  return static_cast<size_t>(i);
}

bool values_equal(const IValue& a, const IValue& b) {
  if (a.is_scalar() && b.is_scalar()) {
    if (a.is_double() || b.is_double()) return a.to_double() == b.to_double();
    return a.to_int() == b.to_int();
  }
  if (a.is_string() && b.is_string()) return a.to_string_ref() == b.to_string_ref();
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.is_any_list() && b.is_any_list()) {
    size_t n = list_size(a);
    if (n != list_size(b)) return false;
    for (size_t i = 0; i < n; ++i)
      if (!values_equal(list_get(a, i), list_get(b, i))) return false;
    return true;
  }
  if (a.is_tuple() && b.is_tuple()) {
    const auto &x = a.to_tuple(), &y = b.to_tuple();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!values_equal(x[i], y[i])) return false;
    return true;
  }
  if (a.is_dict() && b.is_dict()) {
    const ivalue::Dict &x = a.to_dict(), &y = b.to_dict();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x.entries()) {
      const IValue* other = y.find(kv.first);
      if (!other || !values_equal(kv.second, *other)) return false;
    }
    return true;
  }
  if (a.is_device() && b.is_device()) return a.to_device() == b.to_device();
  return a.is_same(b);
}

namespace {

void print_nested(std::ostream& out, const IValue& v) {
  switch (v.tag()) {
    case IValue::Tag::None: out << "None"; return;
    case IValue::Tag::Bool: out << (v.to_bool() ? "True" : "False"); return;
    case IValue::Tag::Int: out << v.to_int(); return;
    case IValue::Tag::Double: out << float_text(v.to_double()); return;
    case IValue::Tag::String: out << v.to_string_ref(); return;
    case IValue::Tag::Tensor: print_tensor_cpp(out, v.to_tensor()); return;
    case IValue::Tag::Device: out << v.to_device(); return;
    case IValue::Tag::Tuple: {
      const auto& items = v.to_tuple();
      out << "(";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out << ", ";
        print_nested(out, items[i]);
      }
      out << (items.size() == 1 ? ",)" : ")");
      return;
    }
    case IValue::Tag::Dict: {
      out << "{";
      bool first = true;
      for (const auto& kv : v.to_dict().entries()) {
        if (!first) out << ", ";
        first = false;
        print_nested(out, kv.first);
        out << ": ";
        print_nested(out, kv.second);
      }
      out << "}";
      return;
    }
    case IValue::Tag::Object: out << "<" << v.to_object().type()->name() << " object>"; return;
    default:
      if (v.is_any_list()) {
        out << "[";
        size_t n = list_size(v);
        for (size_t i = 0; i < n; ++i) {
          if (i) out << ", ";
          print_nested(out, list_get(v, i));
        }
        out << "]";
        return;
      }
      out << v;
  }
}

}  // namespace

void print_value(std::ostream& out, const IValue& v) { print_nested(out, v); }

std::string value_to_string(const IValue& v) {
  std::ostringstream os;
  print_value(os, v);
  return os.str();
}

}  // namespace script
}  // namespace ember
