// nn::Sequential: modules run one after another, each taking the previous one's output, as
// torch::nn::Sequential. Modules of any forward() signature are allowed (they are held as
// AnyModule); the first receives forward()'s arguments.
//
//   ember::nn::Sequential seq(ember::nn::Linear(2, 3), ember::nn::ReLU(), ember::nn::Linear(3, 1));
//   ember::Tensor y = seq->forward(x);           // the last output, as a Tensor by default
//   int n = seq->forward<int>(1);                // another return type, checked at run time
//   seq->push_back("act", ember::nn::Sigmoid()); // named (default names are "0", "1", ...)
//   seq->at<ember::nn::LinearImpl>(0).weight;    // typed access; seq[0] is a shared_ptr<Module>
//   ember::nn::Sequential named({{"fc", ember::nn::Linear(2, 3)}, {"act", ember::nn::ReLU()}});
//
// Thread-safety: as nn::Module.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nn/cloneable.h"
#include "nn/modules/container/any_module.h"

namespace ember {
namespace nn {

// A (name, module) pair for Sequential's braced-list constructor.
class NamedAnyModule {
 public:
  template <typename M>
  NamedAnyModule(std::string name, M&& module) : name_(std::move(name)), module_(std::forward<M>(module)) {}
  const std::string& name() const noexcept { return name_; }
  const AnyModule& module() const noexcept { return module_; }

 private:
  std::string name_;
  AnyModule module_;
};

class EMBER_API SequentialImpl : public Cloneable<SequentialImpl> {
 public:
  using Iterator = std::vector<AnyModule>::iterator;
  using ConstIterator = std::vector<AnyModule>::const_iterator;

  SequentialImpl() = default;
  template <typename First, typename... Rest,
            typename = std::enable_if_t<!std::is_same<std::decay_t<First>, SequentialImpl>::value>>
  explicit SequentialImpl(First&& first, Rest&&... rest) {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }
  explicit SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict);
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named_modules);

  // Clones every module (names become positions again, as libtorch's).
  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}
  void pretty_print(std::ostream& stream) const override;  // ember::nn::Sequential

  // Runs the modules in order; the result converted to ReturnType (a TypeError if it is not one).
  template <typename ReturnType = Tensor, typename... Inputs>
  ReturnType forward(Inputs&&... inputs) {
    EMBER_CHECK(!is_empty(), ValueError, "Cannot call forward() on an empty Sequential");
    auto it = modules_.begin();
    AnyValue value = it->any_forward(std::forward<Inputs>(inputs)...);
    for (++it; it != modules_.end(); ++it) value = it->any_forward(std::move(value));
    if (ReturnType* result = value.template try_get<ReturnType>()) return std::move(*result);
    EMBER_FAIL(TypeError, "The type of the return value is ", demangle(value.type_info().name()),
               ", but you asked for type ", demangle(typeid(ReturnType).name()));
  }

  // forward with type-erased arguments: lets a Sequential sit inside another (AnyModule).
  AnyValue forward_any(std::vector<AnyValue>&& inputs);

  // Appends a module: a holder, a shared_ptr, a module value or an AnyModule.
  template <typename M>
  void push_back(M&& module) {
    push_back(std::to_string(modules_.size()), std::forward<M>(module));
  }
  template <typename M>
  void push_back(std::string name, M&& module) {
    push_back_any(std::move(name), AnyModule(std::forward<M>(module)));
  }
  // Appends every module of other (or of a container of modules).
  void extend(const SequentialImpl& other);
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& module : container) push_back(module);
  }

  template <typename T>
  T& at(size_t index) {
    check_index(index);
    return modules_[index].template get<T>();
  }
  template <typename T>
  const T& at(size_t index) const {
    check_index(index);
    return const_cast<AnyModule&>(modules_[index]).template get<T>();
  }
  std::shared_ptr<Module> ptr(size_t index) const;
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    check_index(index);
    return modules_[index].template ptr<T>();
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }

  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }
  Iterator begin() { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator begin() const { return modules_.begin(); }
  ConstIterator end() const { return modules_.end(); }

 private:
  void push_back_any(std::string name, AnyModule module);
  void check_index(size_t index) const;

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

}  // namespace nn
}  // namespace ember
