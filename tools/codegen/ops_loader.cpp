// read_ops_yaml: ops.yaml -> OpDefs, with every per-entry rule checked (see ops_loader.h).
//
// Field lines come from yaml-cpp's Mark (0-based, so +1). A problem in one entry does not stop
// the others from being checked; an entry whose func does not parse is left out of the result.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/ops_loader.h"

namespace ember {
namespace codegen {

namespace {

const std::vector<std::string> kAllowedFields = {"func",        "variants",      "dispatch", "structured",
                                                 "structured_delegate", "derivatives", "backward_name", "tags",
                                                 "doc"};
const std::vector<std::string> kAllowedTags = {"pointwise", "reduction", "view", "inplace", "inplace_view",
                                               "factory", "nondeterministic_seeded", "core"};

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return "scalar";
    case YAML::NodeType::Sequence: return "list";
    case YAML::NodeType::Map: return "map";
    default: return "null";
  }
}

struct Word {
  std::string text;
  int line;
};

// Reads one ops.yaml entry. Collects diagnostics; returns false when the entry is unusable.
class EntryReader {
 public:
  EntryReader(std::vector<Diagnostic>& errors) : errors_(errors) {}

  bool read(const YAML::Node& entry, OpDef& op, FieldLines& lines) {
    lines.entry = line_of(entry);
    if (!entry.IsMap()) {
      error(lines.entry, std::string("entry must be a map of fields, got a ") + node_kind(entry));
      return false;
    }
    // Present fields by name. (A default-constructed YAML::Node is a defined null node and
    // assigning to one writes through, so presence is tracked here rather than in Nodes.)
    std::map<std::string, YAML::Node> fields;
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      int key_line = line_of(it->first);
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(kAllowedFields.begin(), kAllowedFields.end(), key) == kAllowedFields.end()) {
        error(key_line, "unknown field '" + key + "' (allowed: " + join(kAllowedFields) + ")");
        continue;
      }
      if (fields.count(key)) {
        error(key_line, "duplicate field '" + key + "'");
        continue;
      }
      fields.emplace(key, it->second);
      if (key == "func") lines.func = key_line;
      else if (key == "variants") lines.variants = key_line;
      else if (key == "dispatch") lines.dispatch = key_line;
      else if (key == "structured") lines.structured = key_line;
      else if (key == "structured_delegate") lines.delegate = key_line;
    }
    auto field = [&](const char* name) -> const YAML::Node* {
      auto it = fields.find(name);
      return it == fields.end() ? nullptr : &it->second;
    };
    const YAML::Node* func = field("func");
    const YAML::Node* variants = field("variants");
    const YAML::Node* dispatch = field("dispatch");
    const YAML::Node* structured = field("structured");
    const YAML::Node* delegate = field("structured_delegate");
    const YAML::Node* derivatives = field("derivatives");
    const YAML::Node* backward_name = field("backward_name");
    const YAML::Node* tags = field("tags");
    const YAML::Node* doc = field("doc");
    if (!func) {
      error(lines.entry, "missing 'func'");
      return false;
    }
    if (!func->IsScalar()) {
      error(lines.func, "func must be a string");
      return false;
    }
    try {
      op.schema = FunctionSchema::parse(trim(func->Scalar()));
    } catch (const SchemaError& e) {
      error(lines.func, std::string("func: ") + e.what());
      return false;
    }
    op.line = lines.entry;
    op.unique_name = unique_op_name(op.schema);
    check_schema(op, lines);
    if (variants) read_variants(*variants, op, lines.variants);
    if (dispatch) read_dispatch(*dispatch, op, lines.dispatch);
    else if (delegate) op.dispatch = DispatchKind::Delegate;
    if (structured) read_identifier(*structured, "structured", lines.structured, op.structured);
    if (delegate) {
      if (!delegate->IsScalar() || trim(delegate->Scalar()).empty())
        error(lines.delegate, "structured_delegate must be an operator name such as add.out");
      else
        op.delegate = trim(delegate->Scalar());
    }
    if (derivatives) {
      op.derivatives_line = line_of(*derivatives);
      read_derivatives(*derivatives, op);
    }
    if (backward_name) {
      op.backward_name_line = line_of(*backward_name);
      read_identifier(*backward_name, "backward_name", op.backward_name_line, op.backward_name);
    }
    if (tags) {
      for (const Word& w : words(*tags, "tags")) {
        if (std::find(kAllowedTags.begin(), kAllowedTags.end(), w.text) == kAllowedTags.end())
          error(w.line, "unknown tag '" + w.text + "' (allowed: " + join(kAllowedTags) + ")");
        else
          op.tags.push_back(w.text);
      }
    }
    if (doc) {
      if (!doc->IsScalar()) error(line_of(*doc), "doc must be a string");
      else op.doc = doc->Scalar();
    }
    return true;
  }

 private:
  void error(int line, std::string message) { errors_.push_back({line, std::move(message)}); }

  // The rules that need only the entry's own schema.
  void check_schema(const OpDef& op, const FieldLines& lines) {
    const FunctionSchema& s = op.schema;
    if (is_cpp_keyword(s.name())) error(lines.func, "operator name '" + s.name() + "' is a C++ keyword");
    for (const Argument& a : s.arguments()) {
      if (!cpp_param_type(a.type))
        error(lines.func, "argument '" + a.name + "' has type '" + a.type.str() +
                              "', which the C++ API does not support yet (docs/CONVENTIONS.md)");
    }
    if (!cpp_return_type(s)) {
      std::string types;
      for (size_t i = 0; i < s.returns().size(); ++i) types += (i ? ", " : "") + s.returns()[i].type.str();
      error(lines.func, "return type '" + types + "' is not supported by the C++ API yet");
    }
    // out= arguments (kwarg-only Tensor(a!)) last: the C++ _outf and the plugin ABI rely on it.
    const std::vector<Argument>& args = s.arguments();
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].is_out()) continue;
      for (size_t j = i + 1; j < args.size(); ++j) {
        if (!args[j].is_out()) {
          error(lines.func, "out= argument '" + args[i].name + "' must come last, but '" + args[j].name +
                                "' follows it");
          return;
        }
      }
    }
  }

  // A field given as `a, b` or as a YAML list.
  std::vector<Word> words(const YAML::Node& n, const char* field) {
    std::vector<Word> out;
    if (n.IsScalar()) {
      std::string text = n.Scalar();
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string w = trim(text.substr(start, comma - start));
        if (!w.empty()) out.push_back({w, line_of(n)});
        start = comma + 1;
      }
    } else if (n.IsSequence()) {
      for (const YAML::Node& item : n) {
        if (item.IsScalar()) out.push_back({trim(item.Scalar()), line_of(item)});
        else error(line_of(item), std::string(field) + " must be a list of words");
      }
    } else if (!n.IsNull()) {
      error(line_of(n), std::string(field) + " must be a list of words");
    }
    return out;
  }

  void read_variants(const YAML::Node& n, OpDef& op, int line) {
    op.function_variant = false;
    std::vector<Word> ws = words(n, "variants");
    if (ws.empty()) error(line, "variants must name function and/or method");
    for (const Word& w : ws) {
      if (w.text == "function") op.function_variant = true;
      else if (w.text == "method") op.method_variant = true;
      else error(w.line, "unknown variant '" + w.text + "' (allowed: function, method)");
    }
    if (op.method_variant) {
      int self = op.schema.argument_index("self");
      if (self < 0 || !op.schema.arguments()[self].type.is_tensor() || op.schema.arguments()[self].type.optional)
        error(line, "variant 'method' needs a Tensor argument named 'self'");
      else if (op.schema.is_out())
        error(line, "variant 'method' is not supported for out= operators");
    }
  }

  void read_dispatch(const YAML::Node& n, OpDef& op, int line) {
    const char* shape = "dispatch must be 'backend' or a map {Composite: fn} or {CompositeExplicit: fn}";
    if (n.IsScalar()) {
      if (trim(n.Scalar()) == "backend") op.dispatch = DispatchKind::Backend;
      else error(line, std::string(shape) + ", got '" + n.Scalar() + "'");
      return;
    }
    if (!n.IsMap()) {
      error(line, shape);
      return;
    }
    if (n.size() != 1) {
      error(line, "dispatch map must have exactly one key (Composite or CompositeExplicit), got " +
                      std::to_string(n.size()));
      return;
    }
    auto it = n.begin();
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    if (key == "Composite") op.dispatch = DispatchKind::Composite;
    else if (key == "CompositeExplicit") op.dispatch = DispatchKind::CompositeExplicit;
    else {
      error(line_of(it->first), "unknown dispatch key '" + key + "' (allowed: Composite, CompositeExplicit)");
      return;
    }
    read_identifier(it->second, "dispatch", line_of(it->second), op.kernel);
  }

  void read_identifier(const YAML::Node& n, const char* field, int line, std::string& out) {
    std::string text = n.IsScalar() ? trim(n.Scalar()) : "";
    if (!is_cpp_identifier(text) || text == "True" || text == "False") {
      error(line, std::string(field) + ": '" + text + "' is not a C++ identifier");
      return;
    }
    out = text;
  }

  void read_derivatives(const YAML::Node& n, OpDef& op) {
    if (!n.IsMap()) {
      error(line_of(n), "derivatives must be a map from argument name to formula");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      int line = line_of(it->first);
      std::string key = it->first.IsScalar() ? trim(it->first.Scalar()) : "";
      const std::vector<std::string> names = derivative_key_names(key);
      if (names.size() == 1 && !is_derivative_key(op.schema, key)) {
        error(line, "derivatives: '" + key + "' is not an argument or output of " + op.schema.name_with_overload());
        continue;
      }
      if (names.size() > 1) {  // one formula for several inputs: each must be an argument, once
        std::string bad;
        for (size_t i = 0; i < names.size() && bad.empty(); ++i) {
          if (op.schema.argument_index(names[i]) < 0) bad = "'" + names[i] + "' is not an argument of " + op.schema.name_with_overload();
          for (size_t j = 0; j < i && bad.empty(); ++j)
            if (names[j] == names[i]) bad = "'" + names[i] + "' is named twice";
        }
        if (!bad.empty()) {
          error(line, "derivatives: in '" + key + "', " + bad);
          continue;
        }
      }
      std::string formula = it->second.IsScalar() ? trim(it->second.Scalar()) : "";
      if (formula.empty()) {
        error(line, "derivatives: the formula for '" + key + "' must be a non-empty string");
        continue;
      }
      op.derivatives.emplace_back(key, formula);
    }
  }

  static bool is_derivative_key(const FunctionSchema& s, const std::string& key) {
    if (key.empty()) return false;
    if (key == "result" || s.argument_index(key) >= 0) return true;
    for (const Argument& r : s.returns())
      if (r.name == key) return true;
    return false;
  }

  std::vector<Diagnostic>& errors_;
};

}  // namespace

namespace {
// Reads the entries of a parsed document.
LoadedOps read_root(const YAML::Node& root, LoadedOps loaded) {
  if (root.IsNull()) return loaded;  // an empty file defines no operators
  if (!root.IsSequence()) {
    loaded.errors.push_back({line_of(root), "expected a list of operator entries"});
    return loaded;
  }
  EntryReader reader(loaded.errors);
  for (const YAML::Node& entry : root) {
    OpDef op;
    FieldLines lines;
    if (!reader.read(entry, op, lines)) continue;
    op.index = static_cast<int>(loaded.ops.size());
    loaded.ops.push_back(std::move(op));
    loaded.lines.push_back(lines);
  }
  return loaded;
}
}  // namespace

LoadedOps read_ops_yaml(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadedOps loaded;
    loaded.errors.push_back({0, "cannot open the file"});
    return loaded;
  }
  std::stringstream text;
  text << in.rdbuf();
  return read_ops_yaml_text(text.str());
}

LoadedOps read_ops_yaml_text(const std::string& text) {
  LoadedOps loaded;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    loaded.errors.push_back({e.mark.line + 1, "yaml: " + e.msg});
    return loaded;
  }
  return read_root(root, std::move(loaded));
}

}  // namespace codegen
}  // namespace ember
