#include "nn/modules/container/sequential.h"

namespace ember {
namespace nn {

SequentialImpl::SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict) {
  for (auto& item : ordered_dict) push_back_any(item.key(), std::move(item.value()));
}

SequentialImpl::SequentialImpl(std::initializer_list<NamedAnyModule> named_modules) {
  for (const NamedAnyModule& m : named_modules) push_back_any(m.name(), m.module());
}

std::shared_ptr<Module> SequentialImpl::clone(const std::optional<Device>& device) const {
  auto copy = std::make_shared<SequentialImpl>();
  for (const AnyModule& module : modules_) copy->push_back(module.clone(device));
  return copy;
}

AnyValue SequentialImpl::forward_any(std::vector<AnyValue>&& inputs) {
  EMBER_CHECK(!is_empty(), ValueError, "Cannot call forward() on an empty Sequential");
  auto it = modules_.begin();
  AnyValue value = it->forward_values(std::move(inputs));
  for (++it; it != modules_.end(); ++it) value = it->any_forward(std::move(value));
  return value;
}

void SequentialImpl::pretty_print(std::ostream& stream) const { stream << module_name_prefix() << "Sequential"; }

void SequentialImpl::push_back_any(std::string name, AnyModule module) {
  EMBER_CHECK(!module.is_empty(), ValueError, "[Sequential] cannot add an empty module");
  register_module(std::move(name), module.ptr());
  modules_.push_back(std::move(module));
}

void SequentialImpl::extend(const SequentialImpl& other) {
  for (const AnyModule& module : other.modules_) push_back(module);
}

void SequentialImpl::check_index(size_t index) const {
  EMBER_CHECK(index < modules_.size(), IndexError, "Index out of range (got ", index, ", the Sequential has ",
              modules_.size(), " modules)");
}

std::shared_ptr<Module> SequentialImpl::ptr(size_t index) const {
  check_index(index);
  return modules_[index].ptr();
}

}  // namespace nn
}  // namespace ember
