// script::Module (see module.h).
#include "script/api/module.h"

namespace ember {
namespace script {

namespace {

std::shared_ptr<ClassType> mutable_class(const IValue& object) {
  return object.to_object().type();
}

}  // namespace

Module::Module(const std::string& class_name) : Module(class_name, std::make_shared<CompilationUnit>()) {}

Module::Module(const std::string& class_name, std::shared_ptr<CompilationUnit> unit) : unit_(std::move(unit)) {
  EMBER_CHECK(unit_, ValueError, "[script::Module] no compilation unit");
  type_ = unit_->create_class(class_name, /*is_module=*/true);
  object_ = IValue::object(type_, 0);
}

Module Module::wrap(IValue object, std::shared_ptr<CompilationUnit> unit) {
  EMBER_CHECK(object.is_object(), TypeError, "[script::Module] expected a module object, got ",
              type_of(object)->repr_str());
  Module m;
  m.unit_ = std::move(unit);
  m.object_ = std::move(object);
  m.type_ = mutable_class(m.object_);
  EMBER_CHECK(m.type_->is_module(), TypeError, "[script::Module] ", m.type_->repr_str(), " is not a module class");
  return m;
}

size_t Module::add_slot(const std::string& name, const TypePtr& type, bool is_parameter, bool is_buffer, IValue value) {
  EMBER_CHECK(!type_->find_attribute(name) && !type_->find_method(name), ValueError, "[script::Module] ",
              type_->repr_str(), " already has a member named '", name, "'");
  EMBER_CHECK(value_has_type(value, type), TypeError, "[script::Module] attribute '", name, "' is declared ",
              type->repr_str(), " but the value is ", type_of(value)->repr_str());
  size_t slot = type_->add_attribute(name, type, is_parameter, is_buffer);
  std::vector<IValue>& slots = object_.to_object().slots();
  if (slots.size() <= slot) slots.resize(slot + 1);
  slots[slot] = std::move(value);
  return slot;
}

void Module::register_parameter(const std::string& name, const Tensor& value) {
  EMBER_CHECK(value.defined(), ValueError, "[script::Module] parameter '", name, "' is an undefined tensor");
  add_slot(name, Type::tensor(), true, false, IValue(value));
}

void Module::register_buffer(const std::string& name, const Tensor& value) {
  EMBER_CHECK(value.defined(), ValueError, "[script::Module] buffer '", name, "' is an undefined tensor");
  add_slot(name, Type::tensor(), false, true, IValue(value));
}

void Module::register_attribute(const std::string& name, const TypePtr& type, const IValue& value) {
  add_slot(name, type, false, false, value);
}

void Module::register_module(const std::string& name, const Module& module) {
  add_slot(name, module.type(), false, false, module.object());
  // The submodule's methods belong to its unit, which must outlive every handle to this module.
  unit_->keep_alive(module.unit());
}

IValue Module::attr(const std::string& name) const { return object_.to_object().attr(name); }

void Module::setattr(const std::string& name, IValue value) {
  std::optional<size_t> slot = type_->find_attribute(name);
  EMBER_CHECK(slot, IndexError, "[script::Module] ", type_->repr_str(), " has no attribute '", name, "'");
  const TypePtr& declared = type_->attributes()[*slot].type;
  EMBER_CHECK(value_has_type(value, declared), TypeError, "[script::Module] attribute '", name, "' has type ",
              declared->repr_str(), ", not ", type_of(value)->repr_str());
  object_.to_object().slots()[*slot] = std::move(value);
}

bool Module::hasattr(const std::string& name) const { return type_->find_attribute(name).has_value(); }

void Module::define(const std::string& source, const std::string& filename) {
  unit_->define_methods(type_, source, filename);
}

Function* Module::find_method(const std::string& name) const { return type_->find_method(name); }

Function& Module::get_method(const std::string& name) const {
  Function* f = find_method(name);
  if (!f) {
    std::string names;
    for (const ClassType::Method& m : type_->methods()) names += (names.empty() ? "" : ", ") + m.first;
    EMBER_FAIL(ValueError, "[script::Module] ", type_->repr_str(), " has no method '", name, "' (methods: ",
               names.empty() ? "none" : names, ")");
  }
  return *f;
}

IValue Module::run_method(const std::string& name, std::vector<IValue> args) {
  args.insert(args.begin(), object_);
  return get_method(name)(std::move(args));
}

namespace {

void collect(const IValue& object, const std::string& prefix, bool recurse, bool parameters,
             std::vector<std::pair<std::string, Tensor>>& out) {
  const ivalue::Object& obj = object.to_object();
  const auto& attrs = obj.type()->attributes();
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (parameters ? attrs[i].is_parameter : attrs[i].is_buffer)
      out.emplace_back(prefix + attrs[i].name, obj.slots()[i].to_tensor());
  }
  if (!recurse) return;
  for (size_t i = 0; i < attrs.size(); ++i) {
    const TypePtr& t = attrs[i].type;
    if (t->kind() == TypeKind::Class && static_cast<const ClassType*>(t.get())->is_module())
      collect(obj.slots()[i], prefix + attrs[i].name + ".", true, parameters, out);
  }
}

}  // namespace

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect(object_, "", recurse, true, out);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect(object_, "", recurse, false, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters(recurse)) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, Module>> Module::named_children() const {
  std::vector<std::pair<std::string, Module>> out;
  const ivalue::Object& obj = object_.to_object();
  const auto& attrs = type_->attributes();
  for (size_t i = 0; i < attrs.size(); ++i) {
    const TypePtr& t = attrs[i].type;
    if (t->kind() == TypeKind::Class && static_cast<const ClassType*>(t.get())->is_module())
      out.emplace_back(attrs[i].name, Module::wrap(obj.slots()[i], unit_));
  }
  return out;
}

}  // namespace script
}  // namespace ember
