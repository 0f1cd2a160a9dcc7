// CompilationUnit: compiles script source (a file of defs and classes) into Functions and
// class types, and owns them.
//
//   script::CompilationUnit cu;
//   cu.define(R"(
//   def myfun(x):
//       y = x * x
//       return y.tanh()
//   )");
//   std::cout << cu.get_function("myfun").graph()->str();
//   Tensor z = cu.get_function("myfun")({x}).to_tensor();
//
// Functions of one unit call each other by name in any order; classes are constructed by
// calling them (MyModule(3, 4)), their attributes declared by assignments in __init__.
// Functions registered from outside (traced functions) are callable by name too. Compile errors
// are CompileErrors printed as PyTorch's. A unit is defined on one thread; its compiled
// functions may then be called from any number of threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "script/api/function.h"

namespace ember {
namespace script {

struct Expr;
struct Stmt;

class EMBER_API CompilationUnit {
 public:
  CompilationUnit();
  ~CompilationUnit();
  CompilationUnit(const CompilationUnit&) = delete;
  CompilationUnit& operator=(const CompilationUnit&) = delete;

  // Compiles every def and class of `source`. `filename` and `starting_line` are what errors
  // and IR source comments report. Returns the new top-level functions.
  // `qualifier` places the source's classes and functions in a namespace below __torch__ ("a.b"
  // gives __torch__.a.b.C), as archives do with code/__torch__/a/b.py. Class bodies may declare
  // attributes as PyTorch's archived code does (`weight : Tensor`, `__parameters__ = ["weight", ]`,
  // `__buffers__ = [...]`, `__annotations__["0"] = T`); objects of such classes are made by the
  // archive loader, not by calling the class.
  std::vector<Function*> define(const std::string& source, const std::string& filename = "<string>",
                                size_t starting_line = 1, const std::string& qualifier = "");
  // Compiles `source`'s defs as methods of `cls` (Module::define).
  std::vector<Function*> define_methods(const ClassTypePtr& cls, const std::string& source,
                                        const std::string& filename = "<string>", size_t starting_line = 1);

  // "myfun", or "MyModule.forward" for a method; nullptr when absent.
  Function* find_function(const std::string& name) const;
  Function& get_function(const std::string& name) const;  // ValueError naming what exists
  std::vector<Function*> functions() const;               // top-level functions in definition order
  // "MyModule" or "__torch__.MyModule" ("a.b.C" or "__torch__.a.b.C" when qualified). A class
  // the unit lacks is asked of the class loader, if one is set.
  ClassTypePtr find_class(const std::string& name) const;
  // Called with "__torch__.a.b.C" for classes the unit does not have yet (archives load their
  // code files on demand); returns nullptr when there is no such class. While a loader is set,
  // define() does not compile: functions compile when first needed (or ensure_defined()).
  void set_class_loader(std::function<ClassTypePtr(const std::string& qualified_name)> loader) {
    class_loader_ = std::move(loader);
  }
  // Values the code reads as CONSTANTS.c0, CONSTANTS.c1, ... (an archive's constants.pkl).
  void set_constants(std::vector<IValue> constants) { constants_ = std::move(constants); }
  const std::vector<IValue>& constants() const { return constants_; }
  // A type annotation in the dialect ("Dict[str, Tensor]", "__torch__.M"); CompileError if bad.
  TypePtr parse_type(const std::string& annotation);
  std::vector<ClassTypePtr> classes() const;

  // Makes an external function (a traced one) callable from this unit's code by its name.
  Function* register_function(std::unique_ptr<Function> fn);
  // Adds an already built method (a traced forward) to a class of the unit; the unit owns it.
  Function* add_method(const ClassTypePtr& cls, std::unique_ptr<Function> fn);
  // A new class type owned by the unit (for modules built from C++).
  ClassTypePtr create_class(const std::string& name, bool is_module);
  // Constructs an instance of a class, running its __init__ with args.
  IValue create_object(const std::string& class_name, std::vector<IValue> args);
  // Keeps `other` (and so the methods of its classes) alive as long as this unit: a module of
  // this unit holds a submodule whose class another unit owns.
  void keep_alive(std::shared_ptr<CompilationUnit> other);

 private:
  friend class UnitResolver;
  void declare_attributes(const ClassTypePtr& cls, const std::shared_ptr<const Stmt>& class_def);
  TypePtr parse_type(const std::shared_ptr<const Expr>& annotation);
  std::vector<std::unique_ptr<Function>> owned_;
  std::vector<Function*> top_level_;
  std::map<std::string, Function*> by_name_;  // "myfun", "MyModule.forward"
  std::map<std::string, ClassTypePtr> classes_;  // by name below __torch__ ("M", "a.b.C")
  std::function<ClassTypePtr(const std::string&)> class_loader_;
  std::vector<IValue> constants_;
  std::vector<std::shared_ptr<CompilationUnit>> kept_alive_;
};

}  // namespace script
}  // namespace ember
