// Containers, as torch::nn's: Sequential (runs its modules one after another), ModuleList (a
// list of submodules to use as the owner likes) and Functional (wraps a Tensor -> Tensor function
// as a module, for Sequential).
//
//   ember::nn::Sequential seq(ember::nn::Linear(2, 3), ember::nn::ReLU(), ember::nn::Linear(3, 1));
//   seq->push_back(ember::nn::Sigmoid());
//   ember::Tensor y = seq(x);                    // chained forward
//   seq[0];                                      // shared_ptr<Module>
//   seq->at<ember::nn::LinearImpl>(0).weight;   // typed access
//   ember::nn::Sequential named({{"fc", ember::nn::Linear(2, 3)}, {"act", ember::nn::ReLU()}});
//
// Submodules are named "0", "1", ... unless named explicitly. Sequential accepts modules whose
// forward takes one Tensor and returns a Tensor. Thread-safety: as nn::Module.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "nn/module.h"

namespace ember {
namespace nn {

// A module and its Tensor -> Tensor forward, with the concrete type erased.
class EMBER_API AnyModule {
 public:
  AnyModule() = default;
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, M>::value>>
  AnyModule(std::shared_ptr<M> module) : module_(module) {  // NOLINT: implicit, as libtorch
    static_assert(std::is_convertible<decltype(std::declval<M&>().forward(std::declval<const Tensor&>())), Tensor>::value,
                  "Sequential needs modules whose forward takes one Tensor and returns a Tensor");
    EMBER_CHECK(module != nullptr, ValueError, "[AnyModule] the module is null");
    M* raw = module.get();
    forward_ = [raw](const Tensor& input) -> Tensor { return raw->forward(input); };
  }
  template <typename M>
  AnyModule(const ModuleHolder<M>& holder) : AnyModule(holder.ptr()) {}  // NOLINT

  Tensor forward(const Tensor& input) const;
  const std::shared_ptr<Module>& ptr() const { return module_; }
  bool is_empty() const { return module_ == nullptr; }
  // The module as its concrete type (Impl); throws TypeError if it is not a T.
  template <typename T>
  T& get() const {
    T* typed = dynamic_cast<T*>(module_.get());
    EMBER_CHECK(typed != nullptr, TypeError, "[AnyModule] the module is a ", module_ ? module_->name() : "null module",
                ", not the requested type");
    return *typed;
  }

 private:
  std::shared_ptr<Module> module_;
  std::function<Tensor(const Tensor&)> forward_;
};

struct EMBER_API NamedAnyModule {
  template <typename M>
  NamedAnyModule(std::string name, const ModuleHolder<M>& holder) : name(std::move(name)), module(holder) {}
  template <typename M>
  NamedAnyModule(std::string name, std::shared_ptr<M> ptr) : name(std::move(name)), module(std::move(ptr)) {}
  std::string name;
  AnyModule module;
};

class EMBER_API SequentialImpl : public Module {
 public:
  using iterator = std::vector<AnyModule>::iterator;
  using const_iterator = std::vector<AnyModule>::const_iterator;

  SequentialImpl();
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_base_of<SequentialImpl, std::decay_t<First>>::value>>
  explicit SequentialImpl(First&& first, Rest&&... rest) : SequentialImpl() {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }
  SequentialImpl(std::initializer_list<NamedAnyModule> named_modules);

  // Appends a module (holder or shared_ptr), named by its position unless a name is given.
  void push_back(AnyModule module);
  void push_back(std::string name, AnyModule module);
  // Appends every module of other, keeping their names.
  void extend(const SequentialImpl& other);

  // input -> module 0 -> module 1 -> ...; an empty Sequential is an error.
  Tensor forward(const Tensor& input);

  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(size_t index) const;
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    auto typed = std::dynamic_pointer_cast<T>(ptr(index));
    EMBER_CHECK(typed != nullptr, TypeError, "[Sequential] module ", index, " is a ", ptr(index)->name(),
                ", not the requested type");
    return typed;
  }
  template <typename T>
  T& at(size_t index) const {
    return *ptr<T>(index);
  }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  iterator begin() { return modules_.begin(); }
  iterator end() { return modules_.end(); }
  const_iterator begin() const { return modules_.begin(); }
  const_iterator end() const { return modules_.end(); }

  void pretty_print(std::ostream& stream) const override;  // Sequential (children follow)

 private:
  std::vector<AnyModule> modules_;
};

// Sequential's holder also takes a braced list of (name, module) pairs.
class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  using Impl = SequentialImpl;
  Sequential() : ModuleHolder(std::make_shared<SequentialImpl>()) {}
  Sequential(std::initializer_list<NamedAnyModule> named_modules)  // NOLINT
      : ModuleHolder(std::make_shared<SequentialImpl>(named_modules)) {}
};

class EMBER_API ModuleListImpl : public Module {
 public:
  using iterator = std::vector<std::shared_ptr<Module>>::iterator;
  using const_iterator = std::vector<std::shared_ptr<Module>>::const_iterator;

  ModuleListImpl();
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_base_of<ModuleListImpl, std::decay_t<First>>::value>>
  explicit ModuleListImpl(First&& first, Rest&&... rest) : ModuleListImpl() {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  void push_back(std::shared_ptr<Module> module);
  template <typename M>
  void push_back(const ModuleHolder<M>& holder) {
    push_back(std::static_pointer_cast<Module>(holder.ptr()));
  }
  // Inserts before position index (== size() appends); later modules are renamed.
  void insert(size_t index, std::shared_ptr<Module> module);
  template <typename M>
  void insert(size_t index, const ModuleHolder<M>& holder) {
    insert(index, std::static_pointer_cast<Module>(holder.ptr()));
  }
  void extend(const ModuleListImpl& other);

  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(size_t index) const;
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    auto typed = std::dynamic_pointer_cast<T>(ptr(index));
    EMBER_CHECK(typed != nullptr, TypeError, "[ModuleList] module ", index, " is a ", ptr(index)->name(),
                ", not the requested type");
    return typed;
  }
  template <typename T>
  T& at(size_t index) const {
    return *ptr<T>(index);
  }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  iterator begin() { return modules_.begin(); }
  iterator end() { return modules_.end(); }
  const_iterator begin() const { return modules_.begin(); }
  const_iterator end() const { return modules_.end(); }

  void pretty_print(std::ostream& stream) const override;  // ModuleList (children follow)

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};
EMBER_MODULE(ModuleList);

class EMBER_API FunctionalImpl : public Module {
 public:
  using Function = std::function<Tensor(Tensor)>;
  explicit FunctionalImpl(Function function);
  Tensor forward(Tensor input);
  void pretty_print(std::ostream& stream) const override;  // Functional()

 private:
  Function function_;
};
EMBER_MODULE(Functional);

}  // namespace nn
}  // namespace ember
