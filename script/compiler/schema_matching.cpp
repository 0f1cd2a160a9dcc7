// Call matching (see schema_matching.h). The algorithm and the failure messages follow
// TorchScript's tryMatchSchema/matchSchemas, so that errors read the same.
#include "script/compiler/schema_matching.h"

#include <mutex>
#include <sstream>
#include <unordered_map>

#include "script/frontend/error_report.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

namespace {

TypePtr unwrap_optional(const TypePtr& t) { return t->kind() == TypeKind::Optional ? t->element() : t; }

bool convertible_to_list(const TypePtr& type, const TypePtr& list_type) {
  if (list_type->kind() != TypeKind::List) return false;
  if (type->is_subtype_of(list_type)) return true;
  if (type->kind() == TypeKind::Tuple) {
    for (const TypePtr& e : type->contained())
      if (!e->is_subtype_of(list_type->element())) return false;
    return true;
  }
  return false;
}

// The elements of a tuple value: a TupleConstruct's inputs, or a new TupleUnpack's outputs.
std::vector<Value*> tuple_elements(Graph& g, Value* tuple) {
  if (tuple->node()->kind() == prim::TupleConstruct) return tuple->node()->inputs();
  Node* unpack = g.insert_node(g.create_tuple_unpack(tuple));
  return unpack->outputs();
}

}  // namespace

Value* try_convert_to_type(const SourceRange& loc, Graph& g, const TypePtr& concrete_type, Value* value,
                           bool allow_conversions) {
  // Conversion to Optional[T] is conversion to T.
  if (concrete_type->kind() == TypeKind::Optional && value->type()->kind() != TypeKind::Optional &&
      value->type()->kind() != TypeKind::None)
    return try_convert_to_type(loc, g, concrete_type->element(), value, allow_conversions);

  // An untyped `[]` takes the list type the argument needs.
  if (value->node()->kind() == Symbol::prim("EmptyListLiteral") && concrete_type->kind() == TypeKind::List)
    value = g.insert_node(g.create_list(concrete_type->element(), {}))->output();

  if (value->type()->kind() == TypeKind::Tuple) {
    // Homogeneous tuples become lists.
    if (convertible_to_list(value->type(), unwrap_optional(concrete_type))) {
      std::vector<Value*> items = tuple_elements(g, value);
      value = g.insert_node(g.create_list(unwrap_optional(concrete_type)->element(), items))->output();
    }
    // Element-wise conversion of tuples.
    if (concrete_type->kind() == TypeKind::Tuple && !value->type()->is_subtype_of(concrete_type) &&
        concrete_type->contained().size() == value->type()->contained().size()) {
      std::vector<Value*> items = tuple_elements(g, value);
      std::vector<Value*> converted;
      for (size_t i = 0; i < items.size(); ++i)
        converted.push_back(try_convert_to_type(loc, g, concrete_type->contained()[i], items[i], allow_conversions));
      value = g.insert_node(g.create_tuple(converted))->output();
    }
  }

  if (allow_conversions) {
    TypeKind target = concrete_type->kind();
    if (value->type()->is_subtype_of(Type::tensor())) {
      if (target == TypeKind::Float) value = insert_op(g, Symbol::aten("FloatImplicit"), {value}, loc);
      else if (target == TypeKind::Int) value = insert_op(g, Symbol::aten("IntImplicit"), {value}, loc);
      else if (target == TypeKind::Number) value = insert_op(g, Symbol::aten("ScalarImplicit"), {value}, loc);
    } else if (value->type()->kind() == TypeKind::Number) {
      if (target == TypeKind::Float) value = insert_op(g, Symbol::aten("Float"), {value}, loc);
      else if (target == TypeKind::Int) value = insert_op(g, Symbol::aten("Int"), {value}, loc);
    }
    if (value->type()->kind() == TypeKind::Str && concrete_type->kind() == TypeKind::Device)
      return insert_op(g, Symbol::aten("device"), {value}, loc);
  }
  return value;
}

namespace {

struct MatchContext {
  const Signature& sig;
  std::ostream* failures;
  std::ostream& err() const {
    *failures << "\n" << sig.text << ":\n";
    return *failures;
  }
};

bool int_or_float_used_as_list(const TypePtr& value_type, const SignatureArg& arg) {
  if (value_type->kind() != TypeKind::Int && value_type->kind() != TypeKind::Float) return false;
  TypePtr t = unwrap_optional(arg.type);
  return t->kind() == TypeKind::List && t->element()->equals(*value_type) && arg.list_size > 0;
}

Value* try_match_argument(const SignatureArg& arg, Graph& g, const SourceRange& loc, const NamedValue& nv,
                          const MatchContext& ctx, bool allow_conversions, TypeEnv& env) {
  Value* value = nv.value(g);
  if (int_or_float_used_as_list(value->type(), arg)) {
    std::vector<Value*> repeated(static_cast<size_t>(arg.list_size), value);
    value = g.insert_node(g.create_list(value->type(), repeated))->output();
  }
  std::string why;
  if (!match_type_variables(arg.type, value->type(), env, &why)) {
    if (ctx.failures)
      ctx.err() << "Could not match type " << value->type()->repr_str() << " to " << arg.type->repr_str()
                << " in argument '" << arg.name << "': " << why << ".\n";
    return nullptr;
  }
  TypePtr concrete = substitute_type_variables(arg.type, env);
  if (!concrete) {
    if (ctx.failures)
      ctx.err() << "Type variables in type " << arg.type->repr_str() << " could not be inferred from actual type "
                << value->type()->repr_str();
    return nullptr;
  }
  value = try_convert_to_type(loc, g, concrete, value, allow_conversions);
  if (!value->type()->is_subtype_of(concrete)) {
    if (ctx.failures) {
      std::ostream& out = ctx.err() << "Expected a value of type '" << arg.type->repr_str() << "' for argument '"
                                    << arg.name << "' but instead found type '" << value->type()->repr_str() << "'.\n";
      if (value->type()->is_inferred())
        out << "Inferred the value for argument '" << arg.name
            << "' to be of type 'Tensor' because it was not annotated with an explicit type.\n";
      if (value->type()->kind() == TypeKind::List && value->type()->element()->kind() == TypeKind::Tensor)
        out << "Empty lists default to List[Tensor]. Add a variable annotation to the assignment to create an empty "
               "list of another type (torch.jit.annotate(List[T, []]) where T is the type of elements in the list "
               "for Python 2)\n";
    }
    return nullptr;
  }
  return value;
}

std::optional<size_t> find_input_with_name(const std::string& name, const std::vector<NamedValue>& kwargs, bool is_aten) {
  for (size_t i = 0; i < kwargs.size(); ++i) {
    if (is_aten && name == "self" && kwargs[i].name == "input") return i;  // torch.f(input=x)
    if (kwargs[i].name == name) return i;
  }
  return std::nullopt;
}

bool varargs_can_be_used_as_list(const Signature& sig, size_t i, const SignatureArg& arg) {
  bool is_last = i + 1 == sig.args.size() || sig.args[i + 1].kwarg_only;
  bool is_list = arg.type->kind() == TypeKind::List;
  bool typevar_list = is_list && arg.type->element()->kind() == TypeKind::Var;
  return is_last && is_list && !typevar_list && arg.list_size < 0;
}

}  // namespace

std::optional<MatchedSchema> try_match_schema(const Signature& sig, const SourceRange& loc, Graph& g,
                                              const std::vector<NamedValue>& args, const std::vector<NamedValue>& kwargs,
                                              std::optional<NamedValue> self, std::ostream* failures,
                                              bool allow_conversions) {
  MatchContext ctx{sig, failures};
  TypeEnv env;
  std::vector<Value*> inputs;
  std::vector<bool> used_kwarg(kwargs.size(), false);
  bool is_aten = sig.name.compare(0, 6, "aten::") == 0;
  size_t used_args = 0;
  for (size_t i = 0; i < sig.args.size(); ++i) {
    const SignatureArg& arg = sig.args[i];
    std::optional<NamedValue> actual;
    if (arg.name == "self" && self) {
      actual = self;
      self.reset();
    } else if (!arg.kwarg_only && used_args < args.size()) {
      // zeros(2, 3): the remaining positional values become the int[] argument.
      if (allow_conversions && varargs_can_be_used_as_list(sig, i, arg)) {
        TypePtr actual_type = args[used_args].type();
        if (actual_type->kind() != TypeKind::List && !convertible_to_list(actual_type, unwrap_optional(arg.type))) {
          TypePtr elem = unwrap_optional(arg.type)->element();
          SignatureArg elem_arg{"<varargs>", elem, std::nullopt, false, -1};
          std::vector<Value*> items;
          for (size_t k = used_args; k < args.size(); ++k) {
            Value* v = try_match_argument(elem_arg, g, loc, args[k], ctx, allow_conversions, env);
            if (!v) return std::nullopt;
            items.push_back(v);
          }
          used_args = args.size();
          inputs.push_back(g.insert_node(g.create_list(elem, items))->output());
          continue;
        }
      }
      actual = args[used_args++];
    } else if (std::optional<size_t> k = find_input_with_name(arg.name, kwargs, is_aten)) {
      if (used_kwarg[*k]) {
        if (failures) ctx.err() << "Argument " << kwargs[*k].name << " specified twice in schema, submit a bug report!\n";
        return std::nullopt;
      }
      used_kwarg[*k] = true;
      actual = kwargs[*k];
    } else if (arg.default_value) {
      actual = NamedValue::constant(*arg.default_value);
    } else {
      if (failures) ctx.err() << "Argument " << arg.name << " not provided.\n";
      return std::nullopt;
    }
    Value* v = try_match_argument(arg, g, loc, *actual, ctx, allow_conversions, env);
    if (!v) return std::nullopt;
    inputs.push_back(v);
  }
  if (self && failures) ctx.err() << "Provided self argument not used in schema.\n";
  if (sig.is_vararg)
    for (; used_args < args.size(); ++used_args) inputs.push_back(args[used_args].value(g));
  if (used_args < args.size()) {
    if (failures)
      ctx.err() << "Expected at most " << used_args << " arguments but found " << args.size() << " positional arguments.\n";
    return std::nullopt;
  }
  for (size_t k = 0; k < kwargs.size(); ++k) {
    if (used_kwarg[k]) continue;
    if (failures) {
      bool known = false;
      for (const SignatureArg& a : sig.args) known |= a.name == kwargs[k].name;
      if (known) ctx.err() << "Keyword argument " << kwargs[k].name << " specified twice.\n";
      else ctx.err() << "Keyword argument " << kwargs[k].name << " unknown.\n";
    }
    return std::nullopt;
  }
  MatchedSchema matched;
  matched.inputs = std::move(inputs);
  for (const TypePtr& r : sig.returns) {
    TypePtr t = substitute_type_variables(r, env);
    EMBER_INTERNAL_ASSERT(t, r->repr_str(), " has unbound type variables in ", sig.text);
    matched.return_types.push_back(t);
  }
  return matched;
}

MatchedSchema match_schema(const Signature& sig, const SourceRange& loc, Graph& g, const std::vector<NamedValue>& args,
                           const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self) {
  std::ostringstream failures;
  if (std::optional<MatchedSchema> m = try_match_schema(sig, loc, g, args, kwargs, self, &failures, true)) return *m;
  throw(ErrorReport(loc) << failures.str()).error();
}

namespace {
std::string prefix_lines(const std::string& s, const std::string& prefix) {
  std::string out;
  bool at_line_start = true;
  for (char c : s) {
    if (at_line_start) out += prefix;
    out += c;
    at_line_start = c == '\n';
  }
  return out;
}
}  // namespace

std::pair<size_t, MatchedSchema> match_schemas(const std::vector<const Signature*>& sigs, const SourceRange& loc,
                                               Graph& g, const std::vector<NamedValue>& args,
                                               const std::vector<NamedValue>& kwargs,
                                               const std::optional<NamedValue>& self) {
  EMBER_INTERNAL_ASSERT(!sigs.empty(), "matching against no signatures");
  if (sigs.size() == 1) return {0, match_schema(*sigs[0], loc, g, args, kwargs, self)};
  std::ostringstream failures;
  for (bool allow_conversions : {false, true}) {
    failures.str("");
    for (size_t i = 0; i < sigs.size(); ++i) {
      if (std::optional<MatchedSchema> m =
              try_match_schema(*sigs[i], loc, g, args, kwargs, self, &failures, allow_conversions))
        return {i, *m};
    }
  }
  throw(ErrorReport(loc) << "Arguments for call are not valid.\n"
                         << "The following variants are available:\n"
                         << prefix_lines(failures.str(), "  ") << "\nThe original call is")
      .error();
}

// ---- operator lookup ------------------------------------------------------------------------------

namespace {
struct OverloadIndex {
  std::mutex mutex;
  size_t operator_count = 0;
  std::unordered_map<std::string, std::vector<OperatorHandle>> by_name;
};
OverloadIndex& overload_index() {
  static OverloadIndex* index = new OverloadIndex();
  return *index;
}
}  // namespace

std::vector<OperatorHandle> operator_overloads(Symbol name) {
  ensure_script_ops();
  OverloadIndex& index = overload_index();
  std::lock_guard<std::mutex> lock(index.mutex);
  std::vector<OperatorHandle> all = Dispatcher::singleton().all_operators();
  if (all.size() != index.operator_count) {  // new operators since the last lookup: rebuild
    index.by_name.clear();
    for (const OperatorHandle& op : all) index.by_name[op.schema().qualified_name()].push_back(op);
    for (auto& kv : index.by_name) {
      std::stable_sort(kv.second.begin(), kv.second.end(), [](const OperatorHandle& a, const OperatorHandle& b) {
        // ops.yaml's overloads first (the unnamed one, the others, out= last), then the script
        // operators in registration order (int, float, mixed, then the generic Scalar form).
        auto rank = [](const OperatorHandle& h) {
          int order = script_op_order(h.entry());
          if (order >= 0) return 3 + order;
          return h.schema().is_out() ? 2 : h.schema().overload().empty() ? 0 : 1;
        };
        return rank(a) < rank(b);
      });
    }
    index.operator_count = all.size();
  }
  auto it = index.by_name.find(name.qual_string());
  return it == index.by_name.end() ? std::vector<OperatorHandle>() : it->second;
}

Value* emit_builtin_call(const SourceRange& loc, Graph& g, Symbol name, const std::vector<NamedValue>& args,
                         const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self) {
  std::vector<OperatorHandle> ops = operator_overloads(name);
  if (ops.empty()) {
    throw(ErrorReport(loc) << "Unknown builtin op: " << name.qual_string() << ".\nCould not find any similar ops to "
                           << name.qual_string() << ". This op may not exist or may not be currently supported in TorchScript.\n")
        .error();
  }
  std::vector<const Signature*> sigs;
  for (const OperatorHandle& op : ops) sigs.push_back(&operator_signature(op));
  auto matched = match_schemas(sigs, loc, g, args, kwargs, self);
  const OperatorHandle& op = ops[matched.first];
  Node* n = g.insert_node(g.create(name, matched.second.inputs, 0))->set_range(loc);
  for (const TypePtr& t : matched.second.return_types) n->add_output()->set_type(t);
  n->set_op(op);
  if (n->outputs().size() == 1) return n->output();
  return g.insert_node(g.create_tuple(n->outputs()))->output();
}

Value* insert_op(Graph& g, Symbol name, const std::vector<Value*>& args, const SourceRange& loc) {
  std::vector<NamedValue> named;
  for (Value* v : args) named.emplace_back(loc, v);
  return emit_builtin_call(loc, g, name, named, {});
}

}  // namespace script
}  // namespace ember
