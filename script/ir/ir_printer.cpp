// The IR's text form, exactly as PyTorch prints graphs:
//
//   graph(%x.1 : Tensor,
//         %n.1 : int):
//     %5 : bool = prim::Constant[value=1]() # example.py:3:4
//     %x : Tensor = prim::Loop(%n.1, %5, %x.1) # example.py:3:4
//       block0(%i : int, %x.11 : Tensor):
//         %x.5 : Tensor = aten::mul(%x.11, %8) # example.py:4:12
//         -> (%5, %x.5)
//     return (%x)
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "script/ir/ir.h"

namespace ember {
namespace script {

std::string float_text(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".";
  return s;
}

std::string quoted_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string constant_text(const IValue& v) {
  switch (v.tag()) {
    case IValue::Tag::None: return "None";
    case IValue::Tag::Int: return std::to_string(v.to_int());
    case IValue::Tag::Bool: return v.to_bool() ? "1" : "0";
    case IValue::Tag::Double: return float_text(v.to_double());
    case IValue::Tag::String: return quoted_string(v.to_string_ref());
    case IValue::Tag::Device: {
      std::ostringstream os;
      os << v.to_device();
      return quoted_string(os.str());
    }
    case IValue::Tag::IntList: {
      std::string s = "[";
      const auto& l = v.to_int_list();
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + std::to_string(l[i]);
      return s + "]";
    }
    case IValue::Tag::DoubleList: {
      std::string s = "[";
      const auto& l = v.to_double_list();
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + float_text(l[i]);
      return s + "]";
    }
    case IValue::Tag::BoolList: {
      std::string s = "[";
      const auto& l = v.to_bool_list();
      for (size_t i = 0; i < l.size(); ++i) s += std::string(i ? ", " : "") + (l[i] ? "1" : "0");
      return s + "]";
    }
    case IValue::Tag::Tensor: {
      const Tensor& t = v.to_tensor();
      if (t.numel() != 1) return "<Tensor>";
      Scalar s = t.item();
      if (s.tag() == Scalar::Tag::Double) return "{" + float_text(s.to_double()) + "}";
      if (s.tag() == Scalar::Tag::Bool) return std::string("{") + (s.to_bool() ? "1" : "0") + "}";
      return "{" + std::to_string(s.to_long()) + "}";
    }
    case IValue::Tag::Tuple: {
      std::string s = "(";
      const auto& l = v.to_tuple();
      for (size_t i = 0; i < l.size(); ++i) s += (i ? ", " : "") + constant_text(l[i]);
      return s + (l.size() == 1 ? ",)" : ")");
    }
    default: {
      std::ostringstream os;
      os << v;
      return os.str();
    }
  }
}

namespace {

std::string attribute_text(const Attribute& a) {
  auto join = [](const auto& items, auto fn) {
    std::string s = "[";
    bool first = true;
    for (const auto& x : items) {
      s += (first ? "" : ", ") + fn(x);
      first = false;
    }
    return s + "]";
  };
  switch (a.kind) {
    case Attribute::Kind::Int: return std::to_string(a.i);
    case Attribute::Kind::Float: return float_text(a.f);
    case Attribute::Kind::String: return quoted_string(a.s);
    case Attribute::Kind::IValue: return constant_text(a.ival);
    case Attribute::Kind::Type: return a.type->str();
    case Attribute::Kind::Ints: return join(a.ints, [](int64_t x) { return std::to_string(x); });
    case Attribute::Kind::Floats: return join(a.floats, [](double x) { return float_text(x); });
    case Attribute::Kind::Strings: return join(a.strings, [](const std::string& x) { return quoted_string(x); });
    case Attribute::Kind::Types: return join(a.types, [](const TypePtr& t) { return t->str(); });
    case Attribute::Kind::Graph: return "<Graph>";
  }
  return "?";
}

void print_value_list(std::ostream& out, const std::vector<Value*>& values, bool with_types,
                      const char* separator = ", ") {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out << separator;
    out << "%" << values[i]->display_name();
    if (with_types) out << " : " << values[i]->type()->str();
  }
}

void print_block(std::ostream& out, const Block* b, size_t indent, bool locations);

void print_node(std::ostream& out, const Node* n, size_t indent, bool locations) {
  out << std::string(indent, ' ');
  print_value_list(out, n->outputs(), /*with_types=*/true);
  out << " = " << n->kind().qual_string();
  if (!n->attributes().empty()) {
    out << "[";
    bool first = true;
    for (const auto& kv : n->attributes()) {
      out << (first ? "" : ", ") << kv.first.name() << "=" << attribute_text(kv.second);
      first = false;
    }
    out << "]";
  }
  out << "(";
  print_value_list(out, n->inputs(), false);
  out << ")";
  if (locations) {
    if (std::optional<SourceRange::Location> loc = n->range().location())
      out << " # " << loc->file << ":" << loc->line << ":" << loc->column;
  }
  out << "\n";
  for (size_t i = 0; i < n->blocks().size(); ++i) {
    const Block* b = n->blocks()[i];
    out << std::string(indent + 2, ' ') << "block" << i << "(";
    print_value_list(out, b->inputs(), true);
    out << "):\n";
    print_block(out, b, indent + 4, locations);
    out << std::string(indent + 4, ' ') << "-> (";
    print_value_list(out, b->outputs(), false);
    out << ")\n";
  }
}

void print_block(std::ostream& out, const Block* b, size_t indent, bool locations) {
  for (const Node* n : b->nodes()) print_node(out, n, indent, locations);
}

}  // namespace

std::string Graph::str(bool print_source_locations) const {
  std::ostringstream out;
  out << "graph(";
  print_value_list(out, inputs(), true, ",\n      ");
  out << "):\n";
  print_block(out, block_, 2, print_source_locations);
  out << "  return (";
  print_value_list(out, outputs(), false);
  out << ")\n";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Graph& g) { return out << g.str(); }

}  // namespace script
}  // namespace ember
