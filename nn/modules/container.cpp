// Sequential, ModuleList, Functional.
#include "nn/modules/container.h"

namespace ember {
namespace nn {

Tensor AnyModule::forward(const Tensor& input) const {
  EMBER_CHECK(forward_ != nullptr, ValueError, "[AnyModule] calling forward on an empty AnyModule");
  return forward_(input);
}

// ---- Sequential --------------------------------------------------------------------------------

SequentialImpl::SequentialImpl() : Module("Sequential") {}

SequentialImpl::SequentialImpl(std::initializer_list<NamedAnyModule> named_modules) : SequentialImpl() {
  for (const NamedAnyModule& m : named_modules) push_back(m.name, m.module);
}

void SequentialImpl::push_back(AnyModule module) { push_back(std::to_string(modules_.size()), std::move(module)); }

void SequentialImpl::push_back(std::string name, AnyModule module) {
  EMBER_CHECK(!module.is_empty(), ValueError, "[Sequential] cannot add an empty module");
  register_module(std::move(name), module.ptr());
  modules_.push_back(std::move(module));
}

void SequentialImpl::extend(const SequentialImpl& other) {
  for (size_t i = 0; i < other.modules_.size(); ++i) push_back(other.children_.item(i).key(), other.modules_[i]);
}

Tensor SequentialImpl::forward(const Tensor& input) {
  EMBER_CHECK(!modules_.empty(), ValueError, "[Sequential] cannot call forward() on an empty Sequential");
  Tensor x = modules_.front().forward(input);
  for (size_t i = 1; i < modules_.size(); ++i) x = modules_[i].forward(x);
  return x;
}

std::shared_ptr<Module> SequentialImpl::ptr(size_t index) const {
  EMBER_CHECK(index < modules_.size(), IndexError, "[Sequential] index ", index, " is out of range (size ",
              modules_.size(), ")");
  return modules_[index].ptr();
}

void SequentialImpl::pretty_print(std::ostream& stream) const { stream << "Sequential"; }

// ---- ModuleList --------------------------------------------------------------------------------

ModuleListImpl::ModuleListImpl() : Module("ModuleList") {}

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, ValueError, "[ModuleList] cannot add a null module");
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleListImpl::insert(size_t index, std::shared_ptr<Module> module) {
  EMBER_CHECK(index <= modules_.size(), IndexError, "[ModuleList] insert index ", index, " is out of range (size ",
              modules_.size(), ")");
  EMBER_CHECK(module != nullptr, ValueError, "[ModuleList] cannot add a null module");
  modules_.insert(modules_.begin() + static_cast<std::ptrdiff_t>(index), std::move(module));
  children_.clear();
  for (size_t i = 0; i < modules_.size(); ++i) register_module(std::to_string(i), modules_[i]);
}

void ModuleListImpl::extend(const ModuleListImpl& other) {
  for (const auto& m : other.modules_) push_back(m);
}

std::shared_ptr<Module> ModuleListImpl::ptr(size_t index) const {
  EMBER_CHECK(index < modules_.size(), IndexError, "[ModuleList] index ", index, " is out of range (size ",
              modules_.size(), ")");
  return modules_[index];
}

void ModuleListImpl::pretty_print(std::ostream& stream) const { stream << "ModuleList"; }

// ---- Functional --------------------------------------------------------------------------------

FunctionalImpl::FunctionalImpl(Function function) : Module("Functional"), function_(std::move(function)) {
  EMBER_CHECK(function_ != nullptr, ValueError, "[Functional] the function is empty");
}

Tensor FunctionalImpl::forward(Tensor input) { return function_(std::move(input)); }

void FunctionalImpl::pretty_print(std::ostream& stream) const { stream << "Functional()"; }

}  // namespace nn
}  // namespace ember
