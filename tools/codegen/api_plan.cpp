// plan_api: public and kernel C++ signatures for every op (see api_plan.h).
//
// Overloads: C++ cannot tell apart two overloads of one name when a call supplies the same
// leading parameter types to both and leaves the rest to defaults (ember::var(t) with
// var(Tensor, bool unbiased=true) and var(Tensor, optional<IntArrayRef> dim=nullopt, ...)).
// For each such pair the overload with more parameters (on a tie, the later one in ops.yaml)
// loses defaults from the front of its defaulted run until no argument count is shared with
// an identical type prefix. Pairs whose full parameter lists are identical are errors.
// Braced lists: `{1}` converts to bool and double by a standard conversion, which beats the
// user-defined conversion to IntArrayRef, so where a list parameter competes with a bool/double
// one (t.std({1}) vs std(bool unbiased)), an initializer_list overload is added (BracedListShim).
#include "tools/codegen/api_plan.h"

#include <map>
#include <set>

#include "tools/codegen/cpp_types.h"

namespace ember {
namespace codegen {

std::string CppSignature::param_list(bool with_defaults) const {
  std::string s;
  for (size_t i = 0; i < params.size(); ++i) {
    const CppParam& p = params[i];
    s += (i ? ", " : "") + p.type + " " + p.name;
    if (with_defaults && !p.default_value.empty()) s += " = " + p.default_value;
  }
  return s;
}

size_t CppSignature::required() const {
  size_t r = params.size();
  while (r > 0 && !params[r - 1].default_value.empty()) --r;
  return r;
}

std::string OpApi::kernel_param_types() const {
  std::string s;
  for (size_t i = 0; i < kernel_params.size(); ++i) s += (i ? ", " : "") + kernel_params[i].type;
  return s;
}

std::string OpApi::kernel_param_list() const {
  std::string s;
  for (size_t i = 0; i < kernel_params.size(); ++i)
    s += (i ? ", " : "") + kernel_params[i].type + " " + kernel_params[i].name;
  return s;
}

std::string OpApi::kernel_arg_names() const {
  std::string s;
  for (size_t i = 0; i < kernel_params.size(); ++i) s += (i ? ", " : "") + kernel_params[i].name;
  return s;
}

int find_options_group(const FunctionSchema& s) {
  static const std::pair<const char*, BaseType> kGroup[] = {
      {"dtype", BaseType::ScalarType}, {"layout", BaseType::Layout}, {"device", BaseType::Device},
      {"pin_memory", BaseType::Bool}};
  const std::vector<Argument>& args = s.arguments();
  int first = s.argument_index("dtype");
  if (first < 0 || first + 4 > static_cast<int>(args.size())) return -1;
  for (int k = 0; k < 4; ++k) {
    const Argument& a = args[first + k];
    if (a.name != kGroup[k].first || a.type.base != kGroup[k].second || !a.type.optional || a.type.is_list)
      return -1;
  }
  return first;
}

namespace {

CppParam param_of(const Argument& a, int index, bool with_default, bool public_api) {
  CppParam p;
  p.type = public_api ? *cpp_public_param_type(a.type) : *cpp_param_type(a.type);
  p.name = cpp_arg_name(a.name);
  if (with_default && a.default_text) p.default_value = cpp_default(a);
  p.arg_index = index;
  return p;
}

// C++ allows defaults only on a trailing run of parameters.
void keep_trailing_defaults(CppSignature& sig) {
  for (size_t i = sig.params.size(); i-- > 0;) {
    if (sig.params[i].default_value.empty()) {
      for (size_t k = 0; k < i; ++k) sig.params[k].default_value.clear();
      return;
    }
  }
}

// The public parameters in schema order: self dropped for methods, the factory group folded
// into one TensorOptions parameter (defaulted to {} when all four arguments have defaults).
CppSignature public_signature(const OpDef& op, int options_first, bool drop_self) {
  const std::vector<Argument>& args = op.schema.arguments();
  CppSignature sig;
  sig.defined = true;
  sig.name = op.schema.name();
  sig.return_type = *cpp_return_type(op.schema);
  for (int i = 0; i < static_cast<int>(args.size()); ++i) {
    if (i == options_first) {
      CppParam p;
      p.type = "TensorOptions";
      p.name = "options";
      bool all_defaulted = true;
      for (int k = 0; k < 4; ++k) all_defaulted = all_defaulted && args[i + k].default_text.has_value();
      if (all_defaulted) p.default_value = "{}";
      sig.params.push_back(p);
      i += 3;
      continue;
    }
    if (drop_self && args[i].name == "self") continue;
    sig.params.push_back(param_of(args[i], i, true, true));
  }
  keep_trailing_defaults(sig);
  return sig;
}

CppSignature out_signature(const OpDef& op, bool outs_first) {
  const std::vector<Argument>& args = op.schema.arguments();
  CppSignature sig;
  sig.defined = true;
  sig.name = op.schema.name() + (outs_first ? "_out" : "_outf");
  sig.return_type = *cpp_return_type(op.schema);
  if (outs_first) {
    for (int i = 0; i < static_cast<int>(args.size()); ++i)
      if (args[i].is_out()) sig.params.push_back(param_of(args[i], i, false, true));
  }
  for (int i = 0; i < static_cast<int>(args.size()); ++i)
    if (!outs_first || !args[i].is_out()) sig.params.push_back(param_of(args[i], i, true, true));
  keep_trailing_defaults(sig);
  return sig;
}

struct Overload {
  CppSignature* sig;
  const OpDef* op;
  OpApi* api;
  std::string scope;  // "ember::" or "Tensor::", for messages
};

bool same_prefix(const CppSignature& a, const CppSignature& b, size_t k) {
  for (size_t i = 0; i < k; ++i)
    if (a.params[i].type != b.params[i].type) return false;
  return true;
}

// Whether some call could match both with the same leading types (see the file comment).
bool shares_a_call(const CppSignature& a, const CppSignature& b) {
  size_t k = std::max(a.required(), b.required());
  if (k > std::min(a.params.size(), b.params.size())) return false;
  return same_prefix(a, b, k);
}

void resolve_overload_group(std::vector<Overload>& group, std::vector<Diagnostic>& errors) {
  std::set<std::pair<size_t, size_t>> reported;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < group.size(); ++i) {
      for (size_t j = i + 1; j < group.size(); ++j) {
        CppSignature& a = *group[i].sig;
        CppSignature& b = *group[j].sig;
        if (!shares_a_call(a, b)) continue;
        CppSignature& loser = a.params.size() > b.params.size() ? a : b;
        size_t req = loser.required();
        if (req == loser.params.size()) {
          if (reported.insert({i, j}).second)
            errors.push_back({group[j].op->line, "C++ function '" + group[j].scope + b.name + "' of " +
                                                     group[j].op->schema.name_with_overload() +
                                                     " has the same parameters as the one of " +
                                                     group[i].op->schema.name_with_overload() + " (line " +
                                                     std::to_string(group[i].op->line) + ")"});
          continue;
        }
        loser.params[req].default_value.clear();
        changed = true;
      }
    }
  }
}

bool is_list_type(const std::string& t) { return t == "IntArrayRef" || t == "OptionalIntArrayRef"; }
bool takes_braced_int(const std::string& t) { return t == "bool" || t == "double"; }

// Adds a BracedListShim for each list parameter that a bool/double parameter of another overload
// (same name, same leading parameter types) would otherwise capture.
void add_braced_list_shims(const std::vector<Overload>& group, bool is_method) {
  for (const Overload& list_overload : group) {
    const CppSignature& l = *list_overload.sig;
    for (size_t k = 0; k < l.params.size(); ++k) {
      if (!is_list_type(l.params[k].type)) continue;
      bool trapped = false, by_bool = false;
      for (const Overload& other : group) {
        const CppSignature& b = *other.sig;
        const bool here = other.sig != list_overload.sig && k < b.params.size() &&
                          takes_braced_int(b.params[k].type) && same_prefix(l, b, k);
        trapped = trapped || here;
        by_bool = by_bool || (here && b.params[k].type == "bool");
      }
      if (!trapped) continue;
      // The braced list; and, where a bool would capture it, a single int as a dim, as in libtorch:
      // t.std(0) is the std along dim 0, not std(unbiased=false) (an int converts to bool by a
      // standard conversion, which beats the int -> OptionalIntArrayRef user conversion). Both
      // int and int64_t, so that neither an int literal nor an int64_t variable is ambiguous.
      std::vector<std::string> types = {"std::initializer_list<int64_t>"};
      if (by_bool) {
        types.push_back("int64_t");
        types.push_back("int");
      }
      for (const std::string& type : types) {
        BracedListShim shim;
        shim.is_method = is_method;
        shim.sig = l;
        shim.sig.params[k].type = type;
        shim.sig.params[k].default_value.clear();  // {} stays with the list overload
        for (size_t i = 0; i < k; ++i) shim.sig.params[i].default_value.clear();
        shim.list_param = k;
        shim.forward_type = l.params[k].type;
        list_overload.api->shims.push_back(shim);
      }
    }
  }
}

}  // namespace

ApiPlan plan_api(const std::vector<OpDef>& ops) {
  ApiPlan plan;
  plan.ops.resize(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpDef& op = ops[i];
    OpApi& api = plan.ops[i];
    api.op = &op;
    api.kernel_return = *cpp_return_type(op.schema);
    for (int k = 0; k < static_cast<int>(op.schema.arguments().size()); ++k)
      api.kernel_params.push_back(param_of(op.schema.arguments()[k], k, false, false));
    api.options_first_arg = find_options_group(op.schema);
    if (op.function_variant && op.schema.is_out()) {
      api.out = out_signature(op, /*outs_first=*/true);
      api.outf = out_signature(op, /*outs_first=*/false);
    } else if (op.function_variant) {
      api.function = public_signature(op, api.options_first_arg, /*drop_self=*/false);
    }
    if (op.method_variant) {
      api.method = public_signature(op, api.options_first_arg, /*drop_self=*/true);
      bool single_tensor = op.schema.returns().size() == 1 && op.schema.returns()[0].type.is_tensor();
      if (op.schema.is_inplace() && single_tensor) api.method.return_type = "Tensor&";
    }
  }
  // Free functions (plain, _out and _outf) share one namespace; methods have their own.
  std::map<std::string, std::vector<Overload>> free_groups, method_groups;
  for (OpApi& api : plan.ops) {
    for (CppSignature* sig : {&api.function, &api.out, &api.outf})
      if (sig->defined) free_groups[sig->name].push_back({sig, api.op, &api, "ember::"});
    if (api.method.defined) method_groups[api.method.name].push_back({&api.method, api.op, &api, "Tensor::"});
  }
  for (auto* groups : {&free_groups, &method_groups})
    for (auto& [name, group] : *groups) resolve_overload_group(group, plan.errors);
  for (auto& [name, group] : free_groups) add_braced_list_shims(group, /*is_method=*/false);
  for (auto& [name, group] : method_groups) add_braced_list_shims(group, /*is_method=*/true);
  return plan;
}

}  // namespace codegen
}  // namespace ember
