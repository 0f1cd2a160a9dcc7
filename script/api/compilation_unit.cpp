// CompilationUnit (see compilation_unit.h).
#include "script/api/compilation_unit.h"

#include <algorithm>

#include "script/compiler/emitter.h"
#include "script/frontend/parser.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

// `__torch__.name` (and `__torch__.a.b.name` in archives), as code prints calls and classes:
// the unit's functions and classes, found through namespaces one name at a time.
struct TorchNamespaceValue : SugaredValue {
  TorchNamespaceValue(CompilationUnit& cu, std::string prefix) : cu(cu), prefix(std::move(prefix)) {}
  std::string kind() const override { return "module"; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter&, const std::string& name) override {
    std::string full = prefix.empty() ? name : prefix + "." + name;
    if (Function* f = cu.find_function(full); f && !f->is_method()) return std::make_shared<FunctionValue>(f);
    if (ClassTypePtr cls = cu.find_class(full)) return std::make_shared<ClassValue>(cls);
    if (Function* f = cu.find_function(full); f && !f->is_method()) return std::make_shared<FunctionValue>(f);
    if (full.size() > 200 || std::count(full.begin(), full.end(), '.') > 16)
      throw(ErrorReport(loc) << "__torch__ has no function or class named '" << full << "'").error();
    return std::make_shared<TorchNamespaceValue>(cu, full);
  }
  SugaredValuePtr call(const SourceRange& loc, Emitter&, const std::vector<NamedValue>&, const std::vector<NamedValue>&,
                       size_t) override {
    throw(ErrorReport(loc) << "__torch__ has no function or class named '" << prefix << "'").error();
  }
  CompilationUnit& cu;
  std::string prefix;
};

// CONSTANTS.cN: the unit's constants (an archive's constants.pkl).
struct ConstantsValue : SugaredValue {
  explicit ConstantsValue(CompilationUnit& cu) : cu(cu) {}
  std::string kind() const override { return "module"; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter& e, const std::string& name) override {
    size_t index = cu.constants().size();
    if (name.size() > 1 && name[0] == 'c' && name.find_first_not_of("0123456789", 1) == std::string::npos &&
        name.size() < 10)
      index = std::stoul(name.substr(1));
    if (index >= cu.constants().size())
      throw(ErrorReport(loc) << "CONSTANTS has no constant '" << name << "' (the unit has " << cu.constants().size()
                             << ")").error();
    return std::make_shared<SimpleValue>(e.insert_constant(cu.constants()[index], loc));
  }
  CompilationUnit& cu;
};

// Names visible to the unit's code: its functions and classes.
class UnitResolver : public Resolver {
 public:
  explicit UnitResolver(CompilationUnit& cu) : cu_(cu) {}
  SugaredValuePtr resolve_value(const std::string& name, const SourceRange&) override {
    auto it = cu_.by_name_.find(name);
    if (it != cu_.by_name_.end() && name.find('.') == std::string::npos) return std::make_shared<FunctionValue>(it->second);
    if (name == "__torch__") return std::make_shared<TorchNamespaceValue>(cu_, "");
    if (name == "CONSTANTS" && !cu_.constants().empty()) return std::make_shared<ConstantsValue>(cu_);
    return nullptr;
  }
  ClassTypePtr resolve_class(const std::string& name) override { return cu_.find_class(name); }

 private:
  CompilationUnit& cu_;
};

namespace {

bool is_module_class(const StmtPtr& cls) {
  for (const ExprPtr& base : cls->bases) {
    std::string text = dump(base);
    if (text.find("ScriptModule") != std::string::npos || text.find("Module") != std::string::npos) return true;
  }
  return false;
}

// A class whose __init__ has parameters without annotations is compiled when it is first
// constructed: those parameters take the types of the first construction's arguments.
bool init_needs_argument_types(const StmtPtr& def) {
  if (def->has_type_comment) return false;
  for (size_t i = 1; i < def->params.size(); ++i)
    if (!def->params[i].type) return true;
  return false;
}

std::function<void(Function&)> creator_for(const StmtPtr& def, CompilationUnit& cu, ClassTypePtr self_type) {
  return [def, &cu, self_type](Function& f) {
    ensure_script_ops();
    if (self_type && f.name() != "__init__") {
      // Methods see the attributes __init__ declares: compile it first.
      if (Function* init = self_type->find_method("__init__")) init->ensure_defined();
    }
    if (self_type && f.name() == "__init__" && init_needs_argument_types(def) && f.argument_type_hints().empty()) {
      std::string params;
      for (size_t i = 1; i < def->params.size(); ++i)
        if (!def->params[i].type) params += (params.empty() ? "" : ", ") + def->params[i].name.name;
      std::string cls = self_type->name().substr(self_type->name().rfind('.') + 1);
      throw(ErrorReport(def->range) << "__init__ of " << cls << " has parameters without type annotations (" << params
                                    << "): annotate them, or construct " << cls
                                    << " first so that they take the types of its arguments")
          .error();
    }
    UnitResolver resolver(cu);
    Self self{self_type};
    std::string call_name = self_type ? self_type->name().substr(self_type->name().rfind('.') + 1) + "." + f.name() : f.name();
    ErrorReport::CallStackEntry entry(call_name, def->range);
    Emitter(f, resolver, self_type ? &self : nullptr).emit_function(def);
  };
}

}  // namespace

CompilationUnit::CompilationUnit() = default;
CompilationUnit::~CompilationUnit() = default;

namespace {

bool is_name(const ExprPtr& e, const char* name) { return e->kind == ExprKind::Var && e->name == name; }

// `__parameters__ = ["weight", ]`: the names.
std::vector<std::string> string_list(const StmtPtr& s) {
  if (s->value->kind != ExprKind::List)
    throw(ErrorReport(s->value->range) << "expected a list of attribute names").error();
  std::vector<std::string> names;
  for (const ExprPtr& e : s->value->args) {
    if (e->kind != ExprKind::String) throw(ErrorReport(e->range) << "expected an attribute name").error();
    names.push_back(e->name);
  }
  return names;
}

}  // namespace

void CompilationUnit::declare_attributes(const ClassTypePtr& cls, const StmtPtr& class_def) {
  std::vector<std::string> parameters, buffers;
  std::vector<std::pair<std::string, ExprPtr>> declared;  // in order
  for (const StmtPtr& m : class_def->body) {
    if (m->kind == StmtKind::Def || m->kind == StmtKind::Pass ||
        (m->kind == StmtKind::ExprStmt && m->value->kind == ExprKind::String))
      continue;
    if (m->kind != StmtKind::Assign || m->targets.size() != 1)
      throw(ErrorReport(m->range) << "class bodies may only contain method definitions and attribute declarations").error();
    const ExprPtr& target = m->targets[0];
    if (is_name(target, "__parameters__")) parameters = string_list(m);
    else if (is_name(target, "__buffers__")) buffers = string_list(m);
    else if (is_name(target, "__constants__")) string_list(m);
    // PyTorch's printer starts the dict it then fills with `__annotations__["params/0"] = T`.
    else if (is_name(target, "__annotations__") && m->value && m->value->kind == ExprKind::List &&
             m->value->args.empty())
      continue;
    else if (target->kind == ExprKind::Var && m->annotation && !m->value) declared.emplace_back(target->name, m->annotation);
    else if (target->kind == ExprKind::Subscript && is_name(target->base, "__annotations__") && target->args.size() == 1 &&
             target->args[0]->kind == ExprKind::String && m->value)
      declared.emplace_back(target->args[0]->name, m->value);
    else throw(ErrorReport(m->range) << "class bodies may only contain method definitions and attribute declarations").error();
  }
  auto has = [](const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const auto& [name, annotation] : declared) {
    TypePtr type = parse_type(annotation);
    cls->add_attribute(name, type, has(parameters, name), has(buffers, name));
  }
  for (const std::string& n : parameters)
    if (!cls->find_attribute(n)) throw(ErrorReport(class_def->range) << "parameter '" << n << "' is not declared").error();
  for (const std::string& n : buffers)
    if (!cls->find_attribute(n)) throw(ErrorReport(class_def->range) << "buffer '" << n << "' is not declared").error();
}

TypePtr CompilationUnit::parse_type(const ExprPtr& annotation) {
  UnitResolver resolver(*this);
  Function scratch("<annotation>", std::make_shared<Graph>(), nullptr);
  return Emitter(scratch, resolver, nullptr).parse_type(annotation);
}

TypePtr CompilationUnit::parse_type(const std::string& annotation) {
  auto src = std::make_shared<Source>(annotation, "<type>", 1);
  return parse_type(Parser(src).parse_expression_only());
}

std::vector<Function*> CompilationUnit::define(const std::string& source, const std::string& filename,
                                               size_t starting_line, const std::string& qualifier) {
  ensure_script_ops();
  auto src = std::make_shared<Source>(source, filename, starting_line);
  std::vector<StmtPtr> defs = Parser(src).parse_module();
  std::string prefix = qualifier.empty() ? "" : qualifier + ".";
  std::vector<Function*> defined;      // everything to compile, classes' __init__ first
  std::vector<Function*> top_level;
  std::vector<Function*> inits;
  // Every class first: attribute declarations and methods may name classes defined later.
  std::vector<std::pair<StmtPtr, ClassTypePtr>> new_classes;
  for (const StmtPtr& d : defs) {
    if (d->kind != StmtKind::Class) continue;
    std::string name = prefix + d->name.name;
    EMBER_CHECK(!classes_.count(name), ValueError, "[script] class '", name, "' is defined twice");
    ClassTypePtr cls = ClassType::create("__torch__." + name, is_module_class(d));
    classes_[name] = cls;
    new_classes.emplace_back(d, cls);
  }
  for (const StmtPtr& d : defs) {
    if (d->kind != StmtKind::Def) continue;
    std::string name = prefix + d->name.name;
    EMBER_CHECK(!by_name_.count(name), ValueError, "[script] function '", name, "' is defined twice");
    auto fn = std::make_unique<Function>("__torch__." + name, std::make_shared<Graph>(), creator_for(d, *this, nullptr));
    by_name_[name] = fn.get();
    top_level.push_back(fn.get());
    defined.push_back(fn.get());
    owned_.push_back(std::move(fn));
  }
  for (const auto& [d, cls] : new_classes) {
    // Its methods (decorators such as @torch.jit.script_method change nothing).
    bool deferred = false;  // compiled at the first construction
    for (const StmtPtr& member : d->body)
      if (member->kind == StmtKind::Def && member->name.name == "__init__") deferred = init_needs_argument_types(member);
    for (const StmtPtr& member : d->body) {
      if (member->kind != StmtKind::Def) continue;
      auto fn = std::make_unique<Function>(cls->name() + "." + member->name.name, std::make_shared<Graph>(),
                                           creator_for(member, *this, cls));
      fn->set_is_method(true);
      cls->add_method(member->name.name, fn.get());
      by_name_[prefix + d->name.name + "." + member->name.name] = fn.get();
      if (!deferred) (member->name.name == "__init__" ? inits : defined).push_back(fn.get());
      owned_.push_back(std::move(fn));
    }
  }
  // Attribute types may name classes of other files (a class loader defines them).
  for (const auto& [d, cls] : new_classes) declare_attributes(cls, d);
  top_level_.insert(top_level_.end(), top_level.begin(), top_level.end());
  // With a class loader, files define classes for each other's code: compile when all exist.
  if (class_loader_) return top_level;
  // __init__ first: it declares the attributes other methods use.
  for (Function* f : inits) f->ensure_defined();
  for (Function* f : defined) f->ensure_defined();
  return top_level;
}

std::vector<Function*> CompilationUnit::define_methods(const ClassTypePtr& cls, const std::string& source,
                                                       const std::string& filename, size_t starting_line) {
  ensure_script_ops();
  auto src = std::make_shared<Source>(source, filename, starting_line);
  std::vector<StmtPtr> defs = Parser(src).parse_module();
  std::string short_name = cls->name().substr(cls->name().rfind('.') + 1);
  std::vector<Function*> methods;
  for (const StmtPtr& d : defs) {
    if (d->kind != StmtKind::Def) throw(ErrorReport(d->range) << "expected method definitions").error();
    auto fn = std::make_unique<Function>(cls->name() + "." + d->name.name, std::make_shared<Graph>(),
                                         creator_for(d, *this, cls));
    fn->set_is_method(true);
    cls->add_method(d->name.name, fn.get());
    by_name_[short_name + "." + d->name.name] = fn.get();
    methods.push_back(fn.get());
    owned_.push_back(std::move(fn));
  }
  for (Function* f : methods) f->ensure_defined();
  return methods;
}

Function* CompilationUnit::find_function(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Function& CompilationUnit::get_function(const std::string& name) const {
  Function* f = find_function(name);
  if (!f) {
    std::string known;
    for (const auto& kv : by_name_) known += (known.empty() ? "" : ", ") + kv.first;
    EMBER_FAIL(ValueError, "[script] no function named '", name, "' (defined: ", known.empty() ? "none" : known, ")");
  }
  return *f;
}

std::vector<Function*> CompilationUnit::functions() const { return top_level_; }

ClassTypePtr CompilationUnit::find_class(const std::string& name) const {
  std::string short_name = name.compare(0, 10, "__torch__.") == 0 ? name.substr(10) : name;
  auto it = classes_.find(short_name);
  if (it != classes_.end()) return it->second;
  return class_loader_ ? class_loader_("__torch__." + short_name) : nullptr;
}

std::vector<ClassTypePtr> CompilationUnit::classes() const {
  std::vector<ClassTypePtr> out;
  for (const auto& kv : classes_) out.push_back(kv.second);
  return out;
}

Function* CompilationUnit::register_function(std::unique_ptr<Function> fn) {
  std::string name = fn->name();
  EMBER_CHECK(!by_name_.count(name), ValueError, "[script] a function named '", name, "' already exists");
  Function* f = fn.get();
  by_name_[name] = f;
  top_level_.push_back(f);
  owned_.push_back(std::move(fn));
  return f;
}

Function* CompilationUnit::add_method(const ClassTypePtr& cls, std::unique_ptr<Function> fn) {
  std::string method = fn->name();
  EMBER_CHECK(!cls->find_method(method), ValueError, "[script] ", cls->repr_str(), " already has a method '", method, "'");
  fn->set_is_method(true);
  Function* f = fn.get();
  cls->add_method(method, f);
  by_name_[cls->name().substr(cls->name().rfind('.') + 1) + "." + method] = f;
  owned_.push_back(std::move(fn));
  return f;
}

ClassTypePtr CompilationUnit::create_class(const std::string& name, bool is_module) {
  EMBER_CHECK(!classes_.count(name), ValueError, "[script] class '", name, "' already exists");
  ClassTypePtr cls = ClassType::create("__torch__." + name, is_module);
  classes_[name] = cls;
  return cls;
}

void CompilationUnit::keep_alive(std::shared_ptr<CompilationUnit> other) {
  if (!other || other.get() == this) return;
  for (const auto& kept : kept_alive_)
    if (kept == other) return;
  kept_alive_.push_back(std::move(other));
}

IValue CompilationUnit::create_object(const std::string& class_name, std::vector<IValue> args) {
  ClassTypePtr cls = find_class(class_name);
  EMBER_CHECK(cls, ValueError, "[script] no class named '", class_name, "'");
  Function* init = cls->find_method("__init__");
  if (init && !init->is_defined() && init->argument_type_hints().empty()) {
    std::vector<TypePtr> hints;
    for (const IValue& a : args) hints.push_back(type_of(a));
    init->set_argument_type_hints(std::move(hints));
  }
  if (init) init->ensure_defined();  // declares the attributes: the object is sized after this
  // As a ScriptModule, the class is compiled when it is constructed (errors surface here).
  for (const ClassType::Method& m : cls->methods()) m.second->ensure_defined();
  IValue obj = IValue::object(cls, cls->attributes().size());
  if (init) {
    args.insert(args.begin(), obj);
    (*init)(std::move(args));
  }
  return obj;
}

}  // namespace script
}  // namespace ember
