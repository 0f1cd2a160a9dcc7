// The Emitter's environment (variables as prim::Load/Store) and function definitions.
#include "script/compiler/emitter.h"

#include <algorithm>
#include <cctype>

#include "script/compiler/schema_matching.h"

namespace ember {
namespace script {

bool meaningful_name(const std::string& name) {
  if (name.empty() || name[0] == '$') return false;
  // A submodule of a Sequential ("0") cannot name a value: integers are not names.
  if (name.find_first_not_of("0123456789") == std::string::npos) return false;
  if (name[0] != '_') return true;
  for (size_t i = 1; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return true;
  return false;
}

namespace {
Value* as_simple(const SugaredValuePtr& v) {
  if (auto* s = dynamic_cast<SimpleValue*>(v.get())) return s->value;
  return nullptr;
}
}  // namespace

// ---- Environment -----------------------------------------------------------------------------

SugaredValuePtr Environment::find_in_this_frame(const std::string& name) {
  auto v = value_table.find(name);
  if (v != value_table.end()) return v->second;
  auto t = type_table.find(name);
  if (t != type_table.end()) {
    Graph& g = *block->owning_graph();
    Node* load = g.insert_node(g.create_load(name, t->second));
    if (meaningful_name(name)) load->output()->set_debug_name(name);
    return std::make_shared<SimpleValue>(load->output());
  }
  return nullptr;
}

SugaredValuePtr Environment::find_in_any_frame(const std::string& name) {
  for (Environment* e = this; e; e = e->next.get())
    if (SugaredValuePtr r = e->find_in_this_frame(name)) return r;
  return nullptr;
}

void Environment::set_var(const SourceRange& loc, const std::string& name, Value* value) {
  set_sugared_var(loc, name, std::make_shared<SimpleValue>(value), nullptr);
}

void Environment::set_sugared_var(const SourceRange& loc, const std::string& name, SugaredValuePtr value,
                                  TypePtr annotated_type) {
  Value* simple = as_simple(value);
  // Name the value after the variable, unless it has a name or lives in an outer block.
  if (simple && !simple->has_debug_name() && meaningful_name(name) && simple->node()->owning_block() == block)
    simple->set_debug_name(name);
  if (SugaredValuePtr parent = find_in_parent_frame(name)) {
    if (annotated_type)
      throw(ErrorReport(loc) << "Attempting to declare and annotate the type of variable '" << name
                             << "' but it is already defined in an outer block")
          .error();
    if (!simple) {
      throw(ErrorReport(loc) << "Cannot re-assign '" << name << "' to a value of type " << value->kind() << " because "
                             << name << " is not a first-class value.  Only reassignments to first-class values are allowed")
          .error();
    }
    Value* parent_simple = as_simple(parent);
    if (!parent_simple) {
      throw(ErrorReport(loc) << "Cannot re-assign '" << name << "' because it has type " << value->kind() << " and "
                             << name << " is not a first-class value.  Only reassignments to first-class values are allowed")
          .error();
    }
    TypePtr parent_type = parent_simple->type();
    simple = try_convert_to_type(loc, *block->owning_graph(), parent_type, simple, /*allow_conversions=*/true);
    if (!simple->type()->is_subtype_of(parent_type)) {
      ErrorReport error(loc);
      error << "Variable '" << name << "' previously has type " << parent_type->repr_str()
            << " but is now being assigned to a value of type " << simple->type()->repr_str();
      if (parent_type->kind() == TypeKind::List && simple->type()->kind() == TypeKind::List)
        error << "\nEmpty lists default to List[Tensor]. Add a variable annotation to the assignment to create an empty "
                 "list of another type (torch.jit.annotate(List[T, []]) where T is the type of elements in the list "
                 "for Python 2)";
      throw error.error();
    }
  }
  if (simple) {
    if (annotated_type && !simple->type()->is_subtype_of(annotated_type)) {
      throw(ErrorReport(loc) << "Variable '" << name << "' is annotated with type " << annotated_type->repr_str()
                             << " but is being assigned to a value of type " << simple->type()->repr_str())
          .error();
    }
    Graph& g = *block->owning_graph();
    g.insert_node(g.create_store(name, simple))->set_range(loc);
    type_table[name] = annotated_type ? annotated_type : simple->type();
  } else {
    value_table[name] = std::move(value);
  }
}

void Environment::set_variable_type_error(const std::string& name, std::function<std::string()> message) {
  Environment* root = this;
  while (root->next) root = root->next.get();
  root->error_messages[name] = std::move(message);
}

std::optional<std::string> Environment::find_variable_type_error(const std::string& name) {
  Environment* root = this;
  while (root->next) root = root->next.get();
  auto it = root->error_messages.find(name);
  if (it == root->error_messages.end()) return std::nullopt;
  return it->second();
}

SugaredValuePtr Environment::get_sugared_var(const std::string& name, const SourceRange& loc, bool required) {
  SugaredValuePtr r = find_in_any_frame(name);
  if (!r) r = builtin_global(name);
  if (!r) r = emitter.resolver().resolve_value(name, loc);
  if (!r) {
    if (ClassTypePtr cls = emitter.resolver().resolve_class(name)) r = std::make_shared<ClassValue>(cls);
  }
  if (!r && required) {
    if (std::optional<std::string> msg = find_variable_type_error(name))
      throw(ErrorReport(loc) << *msg << "and was used here").error();
    throw(ErrorReport(loc) << "undefined value " << name).error();
  }
  return r;
}

Value* Environment::get_var(const std::string& name, const SourceRange& loc) {
  return get_sugared_var(name, loc)->as_value(loc, emitter);
}

void Environment::remove_var(const std::string& name) {
  for (Environment* e = this; e; e = e->next.get()) {
    e->value_table.erase(name);
    e->type_table.erase(name);
  }
}

std::vector<std::string> Environment::defined_variables() const {
  std::vector<std::string> names;
  for (const auto& kv : type_table) names.push_back(kv.first);
  return names;
}

// ---- RefinementSet ---------------------------------------------------------------------------

namespace {
using Refinements = std::vector<Refinement>;
Refinements union_set(const Refinements& a, const Refinements& b) {
  Refinements result = a;
  for (const Refinement& r : b) {
    auto it = std::find_if(result.begin(), result.end(), [&](const Refinement& e) { return e.name == r.name; });
    if (it == result.end()) result.push_back(r);
    else if (!it->type->equals(*r.type)) result.erase(it);
  }
  return result;
}
Refinements intersect_set(const Refinements& a, const Refinements& b) {
  Refinements result;
  for (const Refinement& r : a) {
    auto it = std::find_if(b.begin(), b.end(), [&](const Refinement& e) { return e.name == r.name; });
    if (it != b.end() && r.type->equals(*it->type)) result.push_back(r);
  }
  return result;
}
}  // namespace

RefinementSet RefinementSet::And(const RefinementSet& rhs) const {
  return {union_set(true_refinements, rhs.true_refinements), intersect_set(false_refinements, rhs.false_refinements)};
}
RefinementSet RefinementSet::Or(const RefinementSet& rhs) const {
  return {intersect_set(true_refinements, rhs.true_refinements), union_set(false_refinements, rhs.false_refinements)};
}

// ---- Emitter: frames and definitions ----------------------------------------------------------

namespace {
void replace_empty_lists(Block* b) {
  static const Symbol empty = Symbol::prim("EmptyListLiteral");
  for (Node* n : b->node_vector()) {
    for (Block* inner : n->blocks()) replace_empty_lists(inner);
    if (n->kind() != empty) continue;
    Graph& g = *n->owning_graph();
    Node* list = g.create_list(Type::tensor(), {})->insert_before(n);
    n->output()->replace_all_uses_with(list->output());
    n->destroy();
  }
}
}  // namespace

void replace_empty_list_literals(Graph& g) { replace_empty_lists(g.block()); }

Emitter::Emitter(Function& function, Resolver& resolver, const Self* self)
    : function_(function), graph_(function.graph()), resolver_(resolver), self_(self) {}

void Emitter::push_frame(Block* b, bool starts_def) {
  if (starts_def) def_stack_.emplace_back();
  env_ = std::make_shared<Environment>(*this, b, env_);
}

std::shared_ptr<Environment> Emitter::pop_frame(bool ends_def) {
  auto old = env_;
  env_ = env_->next;
  if (ends_def) def_stack_.pop_back();
  return old;
}

Value* Emitter::materialize_constant(const IValue& v, const SourceRange& loc) {
  // One constant per literal value per function, at the start of the graph (as PyTorch).
  Value** cached = nullptr;
  if (v.is_int()) cached = &integral_constants_[v.to_int()];
  else cached = &fp_constants_[v.to_double()];
  if (*cached) return *cached;
  WithInsertPoint guard(*graph_, graph_->block()->nodes().front());
  *cached = graph_->insert_constant(v, loc);
  return *cached;
}

Signature Emitter::signature_from_def(const StmtPtr& def) {
  Signature sig;
  sig.name = function_.qualified_name();
  size_t first = self_ ? 1 : 0;
  size_t n = def->params.size() - first;
  if (def->has_type_comment && def->comment_arg_types.size() != n) {
    throw(ErrorReport(def->range) << "Number of type annotations (" << def->comment_arg_types.size()
                                  << ") did not match the number of function parameters (" << n << ")")
        .error();
  }
  for (size_t i = first; i < def->params.size(); ++i) {
    const Param& p = def->params[i];
    SignatureArg arg;
    arg.name = p.name.name;
    const std::vector<TypePtr>& hints = function_.argument_type_hints();
    if (def->has_type_comment) arg.type = parse_type(def->comment_arg_types[i - first]);
    else if (p.type) arg.type = parse_type(p.type);
    else if (i - first < hints.size() && hints[i - first]) arg.type = hints[i - first];
    else arg.type = Type::inferred_tensor();
    if (p.default_value) {
      // Defaults are constant expressions, evaluated by compiling them.
      std::optional<IValue> value = evaluate_constant_expression(p.default_value);
      if (!value) throw(ErrorReport(p.default_value->range) << "Default values must be constants").error();
      arg.default_value = *value;
    }
    sig.args.push_back(std::move(arg));
  }
  if (def->has_type_comment) sig.returns = {parse_type(def->comment_return_type)};
  else if (def->return_type) sig.returns = {parse_type(def->return_type)};
  return sig;
}

void Emitter::emit_formal_arguments(const StmtPtr& def, const Signature& sig) {
  Block* block = graph_->block();
  size_t i = 0;
  if (self_) {
    const Param& p = def->params[0];
    Value* in = block->add_input()->set_debug_name(p.name.name);
    in->set_type(self_->type);
    SugaredValuePtr sv = self_->type->is_module() ? SugaredValuePtr(std::make_shared<ModuleValue>(in))
                                                  : SugaredValuePtr(std::make_shared<SimpleValue>(in));
    env_->set_sugared_var(p.name.range, p.name.name, sv, nullptr);
    i = 1;
  }
  for (size_t k = 0; i < def->params.size(); ++i, ++k) {
    const Param& p = def->params[i];
    Value* in = block->add_input();
    if (meaningful_name(p.name.name)) in->set_debug_name(p.name.name);
    in->set_type(sig.args[k].type);
    env_->set_var(p.name.range, p.name.name, in);
  }
}

void Emitter::handle_maybe_no_return(const StmtPtr& def) {
  Block* block = graph_->block();
  TypePtr declared = def_stack_.back().declared_return_type;
  if (!exit_blocks_.count(block)) {
    if (declared && declared->kind() != TypeKind::None)
      throw(ErrorReport(def->range) << "Function was not annotated as having type None, but does not return along all paths")
          .error();
    WithInsertPoint guard(*graph_, block);
    auto ret = std::make_shared<Stmt>();
    ret->kind = StmtKind::Return;
    ret->range = def->range;
    auto none = std::make_shared<Expr>();
    none->kind = ExprKind::None;
    none->range = def->range;
    ret->value = none;
    emit_return(ret);
  } else if (!def_stack_.back().merged_return_type) {
    def_stack_.back().merged_return_type = declared ? declared : Type::none();
  }
}

void Emitter::emit_output(const SourceRange&) {
  TypePtr ret = def_stack_.back().merged_return_type;
  Value* placeholder = graph_->insert_node(graph_->create_uninitialized(ret))->output();
  graph_->register_output(placeholder);
}

void Emitter::emit_function(const StmtPtr& def) {
  push_frame(graph_->block(), /*starts_def=*/true);
  if (self_ && def->params.empty())
    throw(ErrorReport(def->range) << "methods must have a self argument").error();
  Signature sig = signature_from_def(def);
  if (sig.returns.size() == 1) def_stack_.back().declared_return_type = sig.returns[0];
  emit_formal_arguments(def, sig);
  emit_statements(def->body);
  handle_maybe_no_return(def);
  emit_output(def->range);
  sig.returns = {def_stack_.back().merged_return_type};
  {
    // Errors show the schema under the function's own name, as PyTorch's do: f(int x) -> int.
    Signature shown = sig;
    shown.name = function_.name();
    sig.text = shown.str();
  }
  function_.set_signature(std::move(sig));

  convert_to_ssa(*graph_);
  canonicalize_modified_loops(*graph_);
  replace_empty_list_literals(*graph_);
  run_cleanup_passes(*graph_);
}

}  // namespace script
}  // namespace ember
