// nn::ModuleList and nn::ModuleDict: submodules kept in a list or by name, for the owner to use
// as it likes (neither has a forward()), as torch::nn's. Entries are registered as submodules
// ("0", "1", ... for a list; their keys for a dict), so parameters() and to() reach them.
//
//   ember::nn::ModuleList list(ember::nn::Linear(2, 3), ember::nn::ReLU());
//   for (const auto& m : *list) ...;              // shared_ptr<Module>
//   list->at<ember::nn::LinearImpl>(0);           // typed (throws for an index or type mismatch)
//   ember::nn::ModuleDict dict({{"fc", ember::nn::Linear(2, 3).ptr()}});
//   dict["fc"]; dict->pop("fc"); dict->update(other);
//
// Thread-safety: as nn::Module.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/str.h"
#include "nn/cloneable.h"

namespace ember {
namespace nn {

class EMBER_API ModuleListImpl : public Cloneable<ModuleListImpl> {
 public:
  using Iterator = std::vector<std::shared_ptr<Module>>::iterator;
  using ConstIterator = std::vector<std::shared_ptr<Module>>::const_iterator;

  ModuleListImpl() = default;
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_same<std::decay_t<First>, ModuleListImpl>::value>>
  explicit ModuleListImpl(First&& first, Rest&&... rest) {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;  // ember::nn::ModuleList

  void push_back(std::shared_ptr<Module> module);
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void push_back(M&& module) {
    push_back(std::static_pointer_cast<Module>(std::make_shared<std::decay_t<M>>(std::forward<M>(module))));
  }
  template <typename M>
  void push_back(const ModuleHolder<M>& holder) {
    push_back(std::static_pointer_cast<Module>(holder.ptr()));
  }
  template <typename M>
  void push_back(std::shared_ptr<M> module) {
    push_back(std::static_pointer_cast<Module>(std::move(module)));
  }
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& module : container) push_back(module);
  }
  // Inserts before position index (== size() appends); later modules are renamed.
  void insert(size_t index, std::shared_ptr<Module> module);
  template <typename M>
  void insert(size_t index, const ModuleHolder<M>& holder) {
    insert(index, std::static_pointer_cast<Module>(holder.ptr()));
  }
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void insert(size_t index, M&& module) {
    insert(index, std::static_pointer_cast<Module>(std::make_shared<std::decay_t<M>>(std::forward<M>(module))));
  }

  template <typename T>
  T& at(size_t index) {
    static_assert(std::is_base_of<Module, T>::value, "ModuleList::at<T>: T must be a module (an Impl)");
    auto* typed = ptr(index)->as<T>();
    EMBER_CHECK(typed != nullptr, TypeError, "Unable to cast module[", index, "] to ", demangle(typeid(T).name()));
    return *typed;
  }
  std::shared_ptr<Module> ptr(size_t index) const;
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    return std::dynamic_pointer_cast<T>(ptr(index));
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }

  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  Iterator begin() { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator begin() const { return modules_.begin(); }
  ConstIterator end() const { return modules_.end(); }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};
EMBER_MODULE(ModuleList);

class EMBER_API ModuleDictImpl : public Cloneable<ModuleDictImpl> {
 public:
  using Iterator = OrderedDict<std::string, std::shared_ptr<Module>>::iterator;
  using ConstIterator = OrderedDict<std::string, std::shared_ptr<Module>>::const_iterator;

  ModuleDictImpl() = default;
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    update(modules);
  }
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) { update(modules); }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;  // ember::nn::ModuleDict

  std::vector<std::pair<std::string, std::shared_ptr<Module>>> items() const { return modules_.pairs(); }
  std::vector<std::string> keys() const { return modules_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return modules_.values(); }
  Iterator begin() { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator begin() const { return modules_.begin(); }
  ConstIterator end() const { return modules_.end(); }
  size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.is_empty(); }
  bool contains(const std::string& key) const noexcept { return modules_.contains(key); }
  void clear();

  // Adds module under key, replacing the one there (in its place) if any.
  void insert(const std::string& key, std::shared_ptr<Module> module);
  // Removes and returns the module under key (IndexError when missing).
  std::shared_ptr<Module> pop(const std::string& key);
  // Inserts every (key, module) of a vector of pairs, an OrderedDict or another ModuleDict.
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) insert(key_of(item), value_of(item));
  }

  std::shared_ptr<Module> operator[](const std::string& key) const { return modules_[key]; }
  template <typename T>
  T& at(const std::string& key) {
    static_assert(std::is_base_of<Module, T>::value, "ModuleDict::at<T>: T must be a module (an Impl)");
    auto* typed = modules_[key]->as<T>();
    EMBER_CHECK(typed != nullptr, TypeError, "Unable to cast module[", key, "] to ", demangle(typeid(T).name()));
    return *typed;
  }

 private:
  template <typename Item>
  static const std::string& key_of(const Item& item) {
    if constexpr (std::is_same<Item, std::pair<std::string, std::shared_ptr<Module>>>::value) return item.first;
    else return item.key();
  }
  template <typename Item>
  static std::shared_ptr<Module> value_of(const Item& item) {
    if constexpr (std::is_same<Item, std::pair<std::string, std::shared_ptr<Module>>>::value) return item.second;
    else return item.value();
  }

  OrderedDict<std::string, std::shared_ptr<Module>> modules_{"Module"};
};
EMBER_MODULE(ModuleDict);

}  // namespace nn
}  // namespace ember
