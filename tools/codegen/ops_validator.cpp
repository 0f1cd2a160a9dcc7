// validate_ops: the ops.yaml rules that relate entries to each other (see ops_loader.h).
//
//   - name.overload is unique, and so is the per-op C++ name (unique_op_name);
//   - `dispatch: backend` <=> `structured`, on an out= or in-place op with at most 3 outputs;
//   - structured_delegate names a structured op, the delegating op has no dispatch, and its
//     arguments are the target's minus the out= arguments, with the same types;
//   - every op has dispatch or structured_delegate;
//   - ops naming one native function with the same parameters agree on the return type.
#include <map>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/ops_loader.h"

namespace ember {
namespace codegen {

namespace {

// ops/structured.h's MetaResult::kMaxOutputs (not included: the generator builds without the core).
constexpr size_t kMaxStructuredOutputs = 3;

// How many tensors a structured backend op's kernel writes: its out= arguments, or its self
// (none for an op that updates tensor lists: those are arguments, not outputs).
size_t structured_outputs(const FunctionSchema& s) {
  return s.is_out() ? s.num_out_arguments() : writes_lists(s) ? 0 : 1;
}

std::string type_of(const Argument& a) { return cpp_param_type(a.type).value_or(a.type.str()); }

class Validator {
 public:
  explicit Validator(LoadedOps& loaded) : ops_(loaded.ops), lines_(loaded.lines), errors_(loaded.errors) {}

  void run() {
    index_names();
    for (size_t i = 0; i < ops_.size(); ++i) check_dispatch(i);
    check_native_signatures();
  }

 private:
  void error(int line, std::string message) { errors_.push_back({line, std::move(message)}); }

  void index_names() {
    std::map<std::string, size_t> by_unique;
    for (size_t i = 0; i < ops_.size(); ++i) {
      const FunctionSchema& s = ops_[i].schema;
      auto [it, fresh] = by_name_.emplace(s.full_name(), i);
      if (!fresh) {
        error(lines_[i].entry, "duplicate operator '" + s.name_with_overload() + "' (first defined at line " +
                                   std::to_string(ops_[it->second].line) + ")");
        continue;
      }
      auto [u, unique] = by_unique.emplace(ops_[i].unique_name, i);
      if (!unique)
        error(lines_[i].entry, "operator '" + s.name_with_overload() + "' has the same C++ name '" +
                                   ops_[i].unique_name + "' as '" + ops_[u->second].schema.name_with_overload() +
                                   "' (line " + std::to_string(ops_[u->second].line) + ")");
    }
  }

  void check_dispatch(size_t i) {
    OpDef& op = ops_[i];
    const FieldLines& l = lines_[i];
    bool has_dispatch = l.dispatch != 0;
    bool has_delegate = l.delegate != 0;
    bool has_structured = l.structured != 0;
    if (has_dispatch && op.dispatch == DispatchKind::Backend && !has_structured)
      error(l.dispatch, "'dispatch: backend' requires 'structured'");
    if (has_structured && !(has_dispatch && op.dispatch == DispatchKind::Backend))
      error(l.structured, "'structured' requires 'dispatch: backend'");
    if (has_structured && !op.schema.is_out() && !writes_self(op.schema) && !writes_lists(op.schema))
      error(l.structured, "'structured' needs an out= or in-place operator (or one that updates Tensor(a!)[] lists "
                          "and returns ())");
    if (has_structured && structured_outputs(op.schema) > kMaxStructuredOutputs)
      error(l.structured, "structured operators have at most " + std::to_string(kMaxStructuredOutputs) +
                              " outputs, got " + std::to_string(structured_outputs(op.schema)));
    if (!has_dispatch && !has_delegate) error(l.entry, "needs 'dispatch' or 'structured_delegate'");
    if (!has_delegate || op.delegate.empty()) return;
    if (has_dispatch) error(l.dispatch, "an operator with 'structured_delegate' must not have 'dispatch'");
    auto it = by_name_.find(qualified(op.delegate, op.schema.ns()));
    if (it == by_name_.end()) {
      error(l.delegate, "structured_delegate: no operator named '" + op.delegate + "'");
      return;
    }
    const OpDef& target = ops_[it->second];
    if (target.structured.empty() || target.dispatch != DispatchKind::Backend) {
      error(l.delegate, "structured_delegate: '" + op.delegate + "' is not structured");
      return;
    }
    op.delegate_index = static_cast<int>(it->second);
    if (!has_dispatch) check_delegate_arguments(op, target, l.delegate);
  }

  static std::string qualified(const std::string& name, const std::string& ns) {
    return name.find("::") == std::string::npos ? ns + "::" + name : name;
  }

  // The structured wrapper passes the delegate's parameters to the target's meta function and
  // kernel by name, so the names and types must line up.
  void check_delegate_arguments(const OpDef& op, const OpDef& target, int line) {
    const FunctionSchema& w = op.schema;
    const FunctionSchema& x = target.schema;
    std::string prefix = "structured_delegate: ";
    if (writes_lists(x)) {
      error(line, prefix + "'" + op.delegate + "' updates tensor lists; such an operator has no other forms");
      return;
    }
    for (const Argument& a : x.arguments()) {
      if (a.is_out()) continue;
      int k = w.argument_index(a.name);
      if (k < 0) {
        error(line, prefix + "'" + op.delegate + "' has argument '" + a.name + "', which " +
                        w.name_with_overload() + " lacks");
        return;
      }
      const Argument& b = w.arguments()[k];
      if (type_of(a) != type_of(b)) {
        error(line, prefix + "argument '" + a.name + "' has type '" + b.type.str() + "' here but '" + a.type.str() +
                        "' in '" + op.delegate + "'");
        return;
      }
    }
    for (const Argument& b : w.arguments()) {
      if (b.is_out()) continue;
      int k = x.argument_index(b.name);
      if (k < 0 || x.arguments()[k].is_out()) {
        error(line, prefix + "argument '" + b.name + "' is not an argument of '" + op.delegate + "'");
        return;
      }
    }
    size_t outputs = structured_outputs(x);
    size_t produced = w.is_out() ? w.num_out_arguments() : writes_self(w) ? 1 : w.returns().size();
    if (produced != outputs) {
      error(line, prefix + w.name_with_overload() + " produces " + std::to_string(produced) + " tensor(s) but '" +
                      op.delegate + "' has " + std::to_string(outputs) + " output(s)");
      return;
    }
    if (!w.is_out() && !writes_self(w)) {
      for (const Argument& r : w.returns()) {
        if (!r.type.is_tensor() || r.type.optional) {
          error(line, prefix + w.name_with_overload() + " must return tensors");
          return;
        }
      }
    }
  }

  void check_native_signatures() {
    struct Seen {
      std::string ret;
      size_t op;
    };
    std::map<std::string, Seen> seen;  // "f(const Tensor&, ...)" -> first declaration
    for (size_t i = 0; i < ops_.size(); ++i) {
      const OpDef& op = ops_[i];
      if (op.kernel.empty()) continue;
      std::string key = op.kernel + "(";
      for (size_t k = 0; k < op.schema.arguments().size(); ++k)
        key += (k ? ", " : "") + type_of(op.schema.arguments()[k]);
      key += ")";
      std::string ret = cpp_return_type(op.schema).value_or("?");
      auto [it, fresh] = seen.emplace(key, Seen{ret, i});
      if (!fresh && it->second.ret != ret)
        error(lines_[i].dispatch, "native function '" + op.kernel + "' has the same parameters as for '" +
                                      ops_[it->second.op].schema.name_with_overload() + "' (line " +
                                      std::to_string(ops_[it->second.op].line) + ") but returns '" + ret +
                                      "' instead of '" + it->second.ret + "'");
    }
  }

  std::vector<OpDef>& ops_;
  std::vector<FieldLines>& lines_;
  std::vector<Diagnostic>& errors_;
  std::map<std::string, size_t> by_name_;  // full name -> first op with it
};

}  // namespace

void validate_ops(LoadedOps& loaded) { Validator(loaded).run(); }

}  // namespace codegen
}  // namespace ember
