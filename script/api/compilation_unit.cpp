// CompilationUnit (see compilation_unit.h).
#include "script/api/compilation_unit.h"

#include "script/compiler/emitter.h"
#include "script/frontend/parser.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

// `__torch__.name`, as code prints calls and classes: the unit's functions and classes.
struct TorchNamespaceValue : SugaredValue {
  explicit TorchNamespaceValue(CompilationUnit& cu) : cu(cu) {}
  std::string kind() const override { return "module"; }
  SugaredValuePtr attr(const SourceRange& loc, Emitter&, const std::string& name) override {
    if (name.find('.') == std::string::npos)
      if (Function* f = cu.find_function(name)) return std::make_shared<FunctionValue>(f);
    if (ClassTypePtr cls = cu.find_class(name)) return std::make_shared<ClassValue>(cls);
    throw(ErrorReport(loc) << "__torch__ has no function or class named '" << name << "'").error();
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
    if (name == "__torch__") return std::make_shared<TorchNamespaceValue>(cu_);
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

std::vector<Function*> CompilationUnit::define(const std::string& source, const std::string& filename,
                                               size_t starting_line) {
  ensure_script_ops();
  auto src = std::make_shared<Source>(source, filename, starting_line);
  std::vector<StmtPtr> defs = Parser(src).parse_module();
  std::vector<Function*> defined;      // everything to compile, classes' __init__ first
  std::vector<Function*> top_level;
  std::vector<Function*> inits;
  for (const StmtPtr& d : defs) {
    if (d->kind == StmtKind::Def) {
      EMBER_CHECK(!by_name_.count(d->name.name), ValueError, "[script] function '", d->name.name, "' is defined twice");
      auto fn = std::make_unique<Function>("__torch__." + d->name.name, std::make_shared<Graph>(),
                                           creator_for(d, *this, nullptr));
      by_name_[d->name.name] = fn.get();
      top_level.push_back(fn.get());
      defined.push_back(fn.get());
      owned_.push_back(std::move(fn));
      continue;
    }
    // A class: its methods (decorators such as @torch.jit.script_method change nothing).
    EMBER_CHECK(!classes_.count(d->name.name), ValueError, "[script] class '", d->name.name, "' is defined twice");
    ClassTypePtr cls = ClassType::create("__torch__." + d->name.name, is_module_class(d));
    classes_[d->name.name] = cls;
    bool deferred = false;  // compiled at the first construction
    for (const StmtPtr& member : d->body)
      if (member->kind == StmtKind::Def && member->name.name == "__init__") deferred = init_needs_argument_types(member);
    for (const StmtPtr& member : d->body) {
      if (member->kind == StmtKind::Pass || (member->kind == StmtKind::ExprStmt && member->value->kind == ExprKind::String))
        continue;
      if (member->kind != StmtKind::Def)
        throw(ErrorReport(member->range) << "class bodies may only contain method definitions").error();
      auto fn = std::make_unique<Function>(cls->name() + "." + member->name.name, std::make_shared<Graph>(),
                                           creator_for(member, *this, cls));
      fn->set_is_method(true);
      cls->add_method(member->name.name, fn.get());
      by_name_[d->name.name + "." + member->name.name] = fn.get();
      if (!deferred) (member->name.name == "__init__" ? inits : defined).push_back(fn.get());
      owned_.push_back(std::move(fn));
    }
  }
  // __init__ first: it declares the attributes other methods use.
  for (Function* f : inits) f->ensure_defined();
  for (Function* f : defined) f->ensure_defined();
  top_level_.insert(top_level_.end(), top_level.begin(), top_level.end());
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
  return it == classes_.end() ? nullptr : it->second;
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
