// script::Module: a script module built from C++ — an object of a module class type with
// parameters, buffers, attributes and submodules, and methods compiled from source that use
// them (`self.weight`, `self.sub(x)`, `self.helper(x)`).
//
//   script::Module m("Scale");
//   m.register_parameter("weight", ember::ones({3}));
//   m.register_attribute("factor", Type::float_(), IValue(2.0));
//   m.define(R"(
//   def forward(self, x):
//       return self.helper(x) * self.factor
//   def helper(self, x):
//       return x * self.weight
//   )");
//   Tensor y = m.forward({x}).to_tensor();
//
// A Module is a handle: copies share the object (its attributes and compiled methods). Members
// are registered before the methods that use them are defined. Modules defined in one
// CompilationUnit (each Module made by the constructor gets its own) may be submodules of each
// other. Thread-safety: registration and define() on one thread; forward()/run_method() may then
// be called from many threads at once (attribute writes from script code are not synchronized).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "script/api/compilation_unit.h"

namespace ember {
namespace script {

class EMBER_API Module {
 public:
  // A new, empty module class "__torch__.<class_name>" in a unit of its own.
  explicit Module(const std::string& class_name);
  // A new module class in an existing unit (class names are unique per unit).
  Module(const std::string& class_name, std::shared_ptr<CompilationUnit> unit);
  // Wraps a module object (a script class instance whose type is a module), e.g. one created by
  // CompilationUnit::create_object from a class in the dialect. TypeError for other values.
  static Module wrap(IValue object, std::shared_ptr<CompilationUnit> unit);

  const IValue& object() const { return object_; }
  const ClassTypePtr& type() const { return type_; }
  const std::shared_ptr<CompilationUnit>& unit() const { return unit_; }

  // Members. A tensor parameter keeps requires_grad as given; ValueError if the name is taken.
  void register_parameter(const std::string& name, const Tensor& value);
  void register_buffer(const std::string& name, const Tensor& value);
  void register_attribute(const std::string& name, const TypePtr& type, const IValue& value);
  void register_module(const std::string& name, const Module& module);

  IValue attr(const std::string& name) const;
  void setattr(const std::string& name, IValue value);  // same type as declared (TypeError)
  bool hasattr(const std::string& name) const;

  // Compiles `source`'s defs as methods of this module (compile errors as in CompilationUnit).
  void define(const std::string& source, const std::string& filename = "<string>");
  Function* find_method(const std::string& name) const;
  Function& get_method(const std::string& name) const;  // ValueError naming the methods
  IValue run_method(const std::string& name, std::vector<IValue> args);
  IValue forward(std::vector<IValue> args) { return run_method("forward", std::move(args)); }

  // Parameters (and buffers), this module's first, then each submodule's as "sub.weight".
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
  std::vector<Tensor> parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Module>> named_children() const;

 private:
  Module() = default;
  size_t add_slot(const std::string& name, const TypePtr& type, bool is_parameter, bool is_buffer, IValue value);
  std::shared_ptr<CompilationUnit> unit_;
  ClassTypePtr type_;
  IValue object_;
};

}  // namespace script
}  // namespace ember
