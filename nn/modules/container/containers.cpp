// ModuleList, ModuleDict, ParameterDict, ParameterList and Functional.
#include "nn/modules/container/functional.h"
#include "nn/modules/container/modulelist.h"
#include "nn/modules/container/parameter_containers.h"

namespace ember {
namespace nn {

// ---- ModuleList --------------------------------------------------------------------------------

std::shared_ptr<Module> ModuleListImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& module : modules_) copy->push_back(module->clone(device));
  return copy;
}

void ModuleListImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "ModuleList"; }

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, ValueError, "[ModuleList] cannot add a null module");
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleListImpl::insert(size_t index, std::shared_ptr<Module> module) {
  EMBER_CHECK(index <= modules_.size(), IndexError, "Index out of range (got ", index, " for a ModuleList of ",
              modules_.size(), ")");
  EMBER_CHECK(module != nullptr, ValueError, "[ModuleList] cannot add a null module");
  modules_.insert(modules_.begin() + static_cast<std::ptrdiff_t>(index), std::move(module));
  children_.clear();
  for (size_t i = 0; i < modules_.size(); ++i) register_module(std::to_string(i), modules_[i]);
}

std::shared_ptr<Module> ModuleListImpl::ptr(size_t index) const {
  EMBER_CHECK(index < modules_.size(), IndexError, "Index out of range (got ", index, " for a ModuleList of ",
              modules_.size(), ")");
  return modules_[index];
}

// ---- ModuleDict --------------------------------------------------------------------------------

std::shared_ptr<Module> ModuleDictImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& item : modules_) copy->insert(item.key(), item.value()->clone(device));
  return copy;
}

void ModuleDictImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "ModuleDict"; }

void ModuleDictImpl::clear() {
  modules_.clear();
  children_.clear();
}

void ModuleDictImpl::insert(const std::string& key, std::shared_ptr<Module> module) {
  if (modules_.contains(key)) {
    modules_[key] = module;
    replace_module(key, std::move(module));
  } else {
    modules_.insert(key, module);
    register_module(key, std::move(module));
  }
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string& key) {
  std::shared_ptr<Module> module = modules_[key];
  modules_.erase(key);
  children_.erase(key);
  return module;
}

// ---- ParameterDict / ParameterList -------------------------------------------------------------

namespace {
void print_parameter(std::ostream& stream, const std::string& key, const Tensor& value) {
  stream << "(" << key << "): Parameter containing: [" << scalar_type_name(value.scalar_type()) << " of size "
         << value.sizes() << "]\n";
}
}  // namespace

void ParameterDictImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "ParameterDict(\n";
  for (const auto& item : parameters_) print_parameter(stream, item.key(), item.value());
  stream << ")";
}

Tensor& ParameterDictImpl::insert(const std::string& key, const Tensor& param) {
  return register_parameter(key, param, param.requires_grad());
}

Tensor ParameterDictImpl::pop(const std::string& key) {
  Tensor value = parameters_[key];
  parameters_.erase(key);
  return value;
}

void ParameterListImpl::pretty_print(std::ostream& stream) const {
  stream << module_name_prefix() << "ParameterList(\n";
  for (const auto& item : parameters_) print_parameter(stream, item.key(), item.value());
  stream << ")";
}

void ParameterListImpl::append(const Tensor& param) {
  register_parameter(std::to_string(parameters_.size()), param, param.requires_grad());
}

void ParameterListImpl::insert(size_t index, const Tensor& param) {
  EMBER_CHECK(index <= parameters_.size(), IndexError, "Index out of range (got ", index, " for a ParameterList of ",
              parameters_.size(), ")");
  std::vector<Tensor> values = parameters_.values();
  values.insert(values.begin() + static_cast<std::ptrdiff_t>(index), param);
  parameters_.clear();
  for (const Tensor& t : values) append(t);
}

Tensor& ParameterListImpl::at(size_t index) {
  EMBER_CHECK(index < parameters_.size(), IndexError, "Index out of range (got ", index, " for a ParameterList of ",
              parameters_.size(), ")");
  return parameters_.item(index).value();
}

const Tensor& ParameterListImpl::at(size_t index) const { return const_cast<ParameterListImpl*>(this)->at(index); }

// ---- Functional --------------------------------------------------------------------------------

FunctionalImpl::FunctionalImpl(Function function) : function_(std::move(function)) {
  EMBER_CHECK(function_ != nullptr, ValueError, "[Functional] the function is empty");
}

Tensor FunctionalImpl::forward(Tensor input) { return function_(std::move(input)); }

void FunctionalImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Functional()"; }

}  // namespace nn
}  // namespace ember
