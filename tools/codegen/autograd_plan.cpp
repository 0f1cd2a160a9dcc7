// plan_autograd: backward functions, saved state and Autograd-key kernels from ops.yaml's
// `derivatives:` (see autograd_plan.h).
#include "tools/codegen/autograd_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "tools/codegen/cpp_types.h"

namespace ember {
namespace codegen {

namespace {

// Names the generated apply() and kernels use for their own locals.
const std::set<std::string> kReservedArgumentNames = {
    "grad", "grads", "grad_inputs", "any_grad_defined", "ix", "result", "record", "grad_fn", "guard",
    "grad_input_mask", "grad_result"};

// Metadata accessors of a tensor that a formula may read without the tensor being saved.
struct MetaAccessor {
  const char* accessor;
  const char* type;
  const char* capture;  // applied to the tensor expression
};
const MetaAccessor kMetaAccessors[] = {
    {"sizes", "std::vector<int64_t>", ".sizes().vec()"},  {"strides", "std::vector<int64_t>", ".strides().vec()"},
    {"scalar_type", "ScalarType", ".scalar_type()"},     {"options", "TensorOptions", ".options()"},
    {"dim", "int64_t", ".dim()"},                         {"numel", "int64_t", ".numel()"},
    {"device", "Device", ".device()"},                    {"storage_offset", "int64_t", ".storage_offset()"},
};
// Functions of a Tensor[] argument that save only metadata.
const MetaAccessor kListAccessors[] = {
    {"to_args_sizes", "std::vector<std::vector<int64_t>>", ""},
    {"to_args_scalartypes", "std::vector<ScalarType>", ""},
};

bool has_backward_formulas(const OpDef& op) {
  for (const auto& [key, formula] : op.derivatives)
    if (op.schema.argument_index(derivative_key_names(key)[0]) >= 0) return true;
  return false;
}

bool is_tensor_like(const Argument& a) { return a.type.base == BaseType::Tensor && !a.type.elem_optional; }

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

size_t skip_spaces(const std::string& s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// The output names a formula may use: result (one return), resultN, and return names.
std::map<std::string, int> output_names(const FunctionSchema& s) {
  std::map<std::string, int> names;
  const auto& rets = s.returns();
  if (rets.size() == 1) names["result"] = 0;
  for (size_t i = 0; i < rets.size(); ++i) {
    if (rets.size() > 1) names["result" + std::to_string(i)] = static_cast<int>(i);
    if (!rets[i].name.empty()) names[rets[i].name] = static_cast<int>(i);
  }
  return names;
}

// The storage type of a non-tensor argument kept by value, from its kernel parameter type.
std::string value_storage_type(const std::string& param_type) {
  if (param_type == "IntArrayRef") return "std::vector<int64_t>";
  if (param_type == "std::optional<IntArrayRef>") return "std::optional<std::vector<int64_t>>";
  if (param_type == "ArrayRef<double>") return "std::vector<double>";
  std::string t = param_type;
  if (t.rfind("const ", 0) == 0) t = t.substr(6);
  if (!t.empty() && t.back() == '&') t.pop_back();
  return t;
}

class Planner {
 public:
  Planner(const ApiPlan& api, AutogradPlan& plan) : api_(api), plan_(plan) {}

  void run() {
    plan_.ops.resize(api_.ops.size());
    assign_owners();
    for (size_t i = 0; i < api_.ops.size(); ++i) {
      const OpDef& op = *api_.ops[i].op;
      if (!op.backward_name.empty() && owner_of_[i] != static_cast<int>(i))
        error(op.backward_name_line, "backward_name: " + op.schema.name_with_overload() +
                                         " has no derivatives of its own to name");
    }
    for (size_t i = 0; i < api_.ops.size(); ++i)
      if (owner_of_[i] == static_cast<int>(i)) build_function(i);
    name_functions();
    assign_kinds();
  }

 private:
  void error(int line, std::string message) { plan_.errors.push_back({line, std::move(message)}); }

  // owner_of_[i]: the op whose formulas op i uses, or -1.
  void assign_owners() {
    size_t n = api_.ops.size();
    owner_of_.assign(n, -1);
    std::vector<std::vector<size_t>> groups(n);  // structured op -> its members
    for (size_t i = 0; i < n; ++i) {
      const OpDef& op = *api_.ops[i].op;
      if (op.is_structured_backend()) groups[i].push_back(i);
      else if (op.delegate_index >= 0) groups[static_cast<size_t>(op.delegate_index)].push_back(i);
    }
    std::vector<bool> grouped(n, false);
    for (size_t x = 0; x < n; ++x) {
      if (groups[x].empty()) continue;
      int owner = -1;
      for (size_t m : groups[x]) {
        grouped[m] = true;
        if (!has_backward_formulas(*api_.ops[m].op)) continue;
        if (owner >= 0) {
          const OpDef& op = *api_.ops[m].op;
          error(op.derivatives_line, "derivatives: " + op.schema.name_with_overload() + " shares formulas with " +
                                         api_.ops[static_cast<size_t>(owner)].op->schema.name_with_overload() +
                                         " (structured group of " + api_.ops[x].op->schema.name_with_overload() +
                                         "); give them once, on the functional form");
          continue;
        }
        owner = static_cast<int>(m);
      }
      if (owner >= 0)
        for (size_t m : groups[x]) owner_of_[m] = owner;
    }
    for (size_t i = 0; i < n; ++i)
      if (!grouped[i] && has_backward_formulas(*api_.ops[i].op)) owner_of_[i] = static_cast<int>(i);
  }

  void build_function(size_t owner_index) {
    const OpApi& api = api_.ops[owner_index];
    const OpDef& op = *api.op;
    const FunctionSchema& s = op.schema;
    BackwardFunction fn;
    fn.owner = &op;
    std::set<std::string> keyed;
    for (const Argument& a : s.arguments()) {
      if (kReservedArgumentNames.count(a.name))
        error(op.derivatives_line, "derivatives: argument '" + a.name + "' of " + s.name_with_overload() +
                                       " clashes with a name the generated backward uses; rename it");
    }
    if (s.returns().size() == 1 && s.returns()[0].type.is_list)
      error(op.derivatives_line, "derivatives: ops returning Tensor[] are not supported yet (" +
                                     s.name_with_overload() + ")");
    outputs_ = output_names(s);
    for (const auto& [key, formula] : op.derivatives) {
      const std::vector<std::string> names = derivative_key_names(key);
      if (s.argument_index(names[0]) < 0) continue;  // output keys: forward-mode formulas, not generated yet
      std::vector<GradInput> members;
      for (const std::string& name : names) {
        int arg = s.argument_index(name);
        const Argument& a = s.arguments()[static_cast<size_t>(arg)];
        if (!keyed.insert(name).second)
          error(op.derivatives_line, "derivatives: '" + name + "' of " + s.name_with_overload() + " has two formulas");
        if (!is_tensor_like(a) || a.is_out()) {
          error(op.derivatives_line, "derivatives: '" + name + "' is not a tensor input of " + s.name_with_overload());
          continue;
        }
        GradInput in;
        in.name = name;
        in.arg_index = arg;
        in.kind = a.type.is_list ? GradInput::TensorList : a.type.optional ? GradInput::OptionalTensor : GradInput::Tensor;
        members.push_back(std::move(in));
      }
      if (formula == "non_differentiable" || members.size() != names.size()) continue;
      if (members.size() == 1) {
        GradInput& in = members[0];
        if (in.kind == GradInput::TensorList) fn.has_list_input = true;
        in.formula = rewrite(formula, api, fn, in.uses, op.derivatives_line);
        fn.inputs.push_back(std::move(in));
        continue;
      }
      // One formula for several inputs: each member's slot is its own next edge, so lists (a run
      // of edges whose length is known only at run time) cannot be members.
      GradGroup group;
      std::vector<std::string> uses;
      group.formula = rewrite(formula, api, fn, uses, op.derivatives_line);
      for (GradInput& in : members) {
        if (in.kind == GradInput::TensorList)
          error(op.derivatives_line, "derivatives: '" + in.name + "' of " + s.name_with_overload() +
                                         " is a Tensor[]; a formula of several inputs takes single tensors only");
        in.uses = uses;
        in.group = static_cast<int>(fn.groups.size());
        group.members.push_back(fn.inputs.size());
        fn.inputs.push_back(std::move(in));
      }
      fn.groups.push_back(std::move(group));
    }
    if (fn.has_list_input && !fn.groups.empty())
      error(op.derivatives_line, "derivatives: " + s.name_with_overload() +
                                     " mixes a Tensor[] input with a formula of several inputs; not supported");
    for (const Argument& a : s.arguments()) {
      if (is_tensor_like(a) && !a.is_out() && !keyed.count(a.name))
        error(op.derivatives_line, "derivatives: no formula for '" + a.name + "' of " + s.name_with_overload() +
                                       " (write `" + a.name + ": non_differentiable` if it has none)");
    }
    function_of_[owner_index] = static_cast<int>(plan_.functions.size());
    plan_.functions.push_back(std::move(fn));
  }

  // Finds or adds the saved item for (kind, name, accessor); returns its member name.
  std::string use_item(BackwardFunction& fn, SavedItem item) {
    for (const SavedItem& s : fn.saved)
      if (s.kind == item.kind && s.name == item.name && s.accessor == item.accessor) return s.member;
    fn.saved.push_back(item);
    return item.member;
  }

  // Rewrites a formula for apply(): metadata reads become members; records what it uses.
  std::string rewrite(const std::string& f, const OpApi& api, BackwardFunction& fn, std::vector<std::string>& uses,
                      int line) {
    const FunctionSchema& s = api.op->schema;
    std::string out;
    size_t i = 0;
    auto note = [&](const std::string& member) {
      if (std::find(uses.begin(), uses.end(), member) == uses.end()) uses.push_back(member);
    };
    while (i < f.size()) {
      char c = f[i];
      if (c == '"' || c == '\'') {  // string and char literals are copied as they are
        size_t j = i + 1;
        while (j < f.size() && f[j] != c) j += f[j] == '\\' ? 2 : 1;
        j = std::min(j + 1, f.size());
        out += f.substr(i, j - i);
        i = j;
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c))) {  // numbers, with suffixes and exponents
        size_t j = i;
        while (j < f.size() && (is_ident_char(f[j]) || f[j] == '.')) ++j;
        out += f.substr(i, j - i);
        i = j;
        continue;
      }
      if (!is_ident_start(c)) {
        out += c;
        ++i;
        continue;
      }
      size_t j = i;
      while (j < f.size() && is_ident_char(f[j])) ++j;
      std::string word = f.substr(i, j - i);
      // A member or qualified name (x.sizes, std::min, p->x) is not one of ours.
      size_t k = out.find_last_not_of(" \t");
      bool qualified = k != std::string::npos &&
                       (out[k] == '.' || (out[k] == ':' && k > 0 && out[k - 1] == ':') ||
                        (out[k] == '>' && k > 0 && out[k - 1] == '-'));
      if (qualified) {
        out += word;
        i = j;
        continue;
      }
      // to_args_sizes(X) / to_args_scalartypes(X) of a Tensor[] argument.
      bool handled = false;
      for (const MetaAccessor& m : kListAccessors) {
        if (word != m.accessor) continue;
        size_t p = skip_spaces(f, j);
        if (p >= f.size() || f[p] != '(') break;
        size_t q = skip_spaces(f, p + 1), r = q;
        while (r < f.size() && is_ident_char(f[r])) ++r;
        std::string list = f.substr(q, r - q);
        size_t e = skip_spaces(f, r);
        int arg = s.argument_index(list);
        if (e >= f.size() || f[e] != ')' || arg < 0 || !s.arguments()[static_cast<size_t>(arg)].type.is_tensor_list()) {
          error(line, "derivatives: " + word + "() takes a Tensor[] argument of " + s.name_with_overload());
          break;
        }
        SavedItem item;
        item.kind = SavedItem::Meta;
        item.name = list;
        item.arg_index = arg;
        item.accessor = word;
        item.type = m.type;
        item.member = list + "_" + std::string(word).substr(std::string("to_").size()) + "_";
        out += use_item(fn, item);
        i = e + 1;
        handled = true;
        break;
      }
      if (handled) continue;
      int arg = s.argument_index(word);
      auto output = outputs_.find(word);
      bool is_output = arg < 0 && output != outputs_.end();
      if (arg < 0 && !is_output) {  // grad, grads, helpers, ember ops, literals
        out += word;
        i = j;
        continue;
      }
      const Argument* a = arg >= 0 ? &s.arguments()[static_cast<size_t>(arg)] : nullptr;
      bool plain_tensor = is_output || (a->type.is_tensor() && !a->type.optional);
      // X.accessor() of a tensor: only that metadata is saved.
      if (plain_tensor) {
        size_t p = skip_spaces(f, j);
        if (p < f.size() && f[p] == '.') {
          size_t q = skip_spaces(f, p + 1), r = q;
          while (r < f.size() && is_ident_char(f[r])) ++r;
          std::string method = f.substr(q, r - q);
          size_t open = skip_spaces(f, r);
          size_t close = open < f.size() && f[open] == '(' ? skip_spaces(f, open + 1) : std::string::npos;
          if (close != std::string::npos && close < f.size() && f[close] == ')') {
            for (const MetaAccessor& m : kMetaAccessors) {
              if (method != m.accessor) continue;
              SavedItem item;
              item.kind = SavedItem::Meta;
              item.name = word;
              item.arg_index = arg;
              item.output_index = is_output ? output->second : -1;
              item.accessor = method;
              item.type = m.type;
              item.member = word + "_" + method + "_";
              out += use_item(fn, item);
              i = close + 1;
              handled = true;
              break;
            }
          }
        }
      }
      if (handled) continue;
      SavedItem item;
      item.name = word;
      item.member = word + "_";
      if (is_output) {
        item.kind = SavedItem::Output;
        item.output_index = output->second;
        item.type = "SavedVariable";
        if (!s.returns()[static_cast<size_t>(output->second)].type.is_tensor())
          error(line, "derivatives: output '" + word + "' of " + s.name_with_overload() + " is not a tensor");
      } else if (is_tensor_like(*a)) {
        item.kind = a->type.is_list ? SavedItem::InputList : SavedItem::Input;
        item.arg_index = arg;
        item.type = a->type.is_list ? "std::vector<SavedVariable>" : "SavedVariable";
        if (a->is_out()) error(line, "derivatives: formulas cannot read the out= argument '" + word + "'");
      } else {
        item.kind = SavedItem::Value;
        item.arg_index = arg;
        item.type = value_storage_type(api.kernel_params[static_cast<size_t>(arg)].type);
      }
      note(use_item(fn, item));
      out += word;
      i = j;
    }
    return out;
  }

  // Node names as PyTorch's: CamelName + "Backward" + the overload's number, numbered per
  // CamelName in ops.yaml order, skipping numbers that backward_name fields take.
  void name_functions() {
    struct Group {
      std::set<int> used;
      std::map<std::string, std::string> by_overload;  // overload -> name
    };
    std::map<std::string, Group> groups;
    auto key_of = [](const OpDef& op) { return op.schema.overload(); };
    for (const BackwardFunction& fn : plan_.functions) {
      if (fn.owner->backward_name.empty()) continue;
      std::string camel = camel_case_op_name(fn.owner->schema.name());
      Group& g = groups[camel];
      const std::string& name = fn.owner->backward_name;
      std::string prefix = camel + "Backward";
      if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
          std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(), ::isdigit))
        g.used.insert(std::stoi(name.substr(prefix.size())));
      g.by_overload.emplace(key_of(*fn.owner), name);
    }
    std::map<std::string, const OpDef*> taken;  // display name -> (camel, overload) owner
    for (BackwardFunction& fn : plan_.functions) {
      std::string camel = camel_case_op_name(fn.owner->schema.name());
      Group& g = groups[camel];
      auto it = g.by_overload.find(key_of(*fn.owner));
      if (!fn.owner->backward_name.empty()) {
        fn.display_name = fn.owner->backward_name;
      } else if (it != g.by_overload.end()) {
        fn.display_name = it->second;
      } else {
        int n = 0;
        while (g.used.count(n)) ++n;
        g.used.insert(n);
        fn.display_name = camel + "Backward" + std::to_string(n);
        g.by_overload.emplace(key_of(*fn.owner), fn.display_name);
      }
      auto [t, fresh] = taken.emplace(fn.display_name, fn.owner);
      if (!fresh && (camel_case_op_name(t->second->schema.name()) != camel ||
                     t->second->schema.overload() != fn.owner->schema.overload()))
        error(fn.owner->backward_name_line ? fn.owner->backward_name_line : fn.owner->derivatives_line,
              "backward_name: '" + fn.display_name + "' is already the backward of " +
                  t->second->schema.name_with_overload());
    }
    std::set<std::string> classes;
    for (BackwardFunction& fn : plan_.functions) {
      fn.class_name = fn.display_name;
      if (!classes.insert(fn.class_name).second) {
        fn.class_name += "_" + fn.owner->unique_name;
        classes.insert(fn.class_name);
      }
    }
  }

  void assign_kinds() {
    for (size_t i = 0; i < api_.ops.size(); ++i) {
      const OpDef& op = *api_.ops[i].op;
      const FunctionSchema& s = op.schema;
      OpAutograd& a = plan_.ops[i];
      bool has_tensor_arg = false;
      for (const Argument& arg : s.arguments())
        if (is_tensor_like(arg) && !arg.is_out()) has_tensor_arg = true;
      if (owner_of_[i] >= 0) {
        int f = function_of_.at(static_cast<size_t>(owner_of_[i]));
        if (s.is_out()) {
          a.kind = AutogradKind::Out;
        } else if (plan_.functions[static_cast<size_t>(f)].inputs.empty()) {
          a.kind = AutogradKind::Passthrough;
        } else {
          a.kind = AutogradKind::Formula;
          a.function = f;
          a.inplace = writes_self(s);
          a.inplace_view = a.inplace && std::find(op.tags.begin(), op.tags.end(), "inplace_view") != op.tags.end();
        }
        continue;
      }
      bool factory = std::find(op.tags.begin(), op.tags.end(), "factory") != op.tags.end();
      if (factory && has_tensor_arg && op.dispatch != DispatchKind::Composite) a.kind = AutogradKind::Passthrough;
    }
  }

  const ApiPlan& api_;
  AutogradPlan& plan_;
  std::vector<int> owner_of_;
  std::map<size_t, int> function_of_;  // owner op -> function
  std::map<std::string, int> outputs_;  // of the function being built
};

}  // namespace

std::string camel_case_op_name(const std::string& name) {
  std::string out;
  bool prev_alpha = false;
  for (char c : name) {
    if (c == '_') {
      prev_alpha = false;
      continue;
    }
    bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (alpha) out += prev_alpha ? static_cast<char>(std::tolower(c)) : static_cast<char>(std::toupper(c));
    else out += c;
    prev_alpha = alpha;
  }
  return out;
}

const char* autograd_kind_name(const OpDef& op, const OpAutograd& a) {
  switch (a.kind) {
    case AutogradKind::Formula: return "formula";
    case AutogradKind::Out: return "out";
    case AutogradKind::Passthrough: return "passthrough";
    case AutogradKind::None: break;
  }
  if (op.dispatch == DispatchKind::Composite) return "composite";
  for (const Argument& arg : op.schema.arguments())
    if (arg.type.base == BaseType::Tensor) return "fallback";
  return "none";  // no tensor argument: calls never reach the Autograd key
}

AutogradPlan plan_autograd(const ApiPlan& api) {
  AutogradPlan plan;
  Planner(api, plan).run();
  return plan;
}

}  // namespace codegen
}  // namespace ember
