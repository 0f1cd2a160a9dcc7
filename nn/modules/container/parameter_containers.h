// nn::ParameterDict and nn::ParameterList: parameters kept by name or in a list, as torch::nn's.
// Each entry is registered as a parameter of the container (keeping whether it requires grad),
// so parameters(), state_dict() and optimizers see it.
//
//   ember::nn::ParameterDict dict;
//   dict->insert("scale", ember::ones({3}, ember::requires_grad()));
//   dict["scale"]; dict->pop("scale"); dict->update(other);   // update: existing keys only
//   ember::nn::ParameterList list(a, b);  list->append(c);  list[0];
//
// Thread-safety: as nn::Module.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nn/cloneable.h"

namespace ember {
namespace nn {

class EMBER_API ParameterDictImpl : public Cloneable<ParameterDictImpl> {
 public:
  using Iterator = OrderedDict<std::string, Tensor>::iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::const_iterator;

  ParameterDictImpl() = default;
  explicit ParameterDictImpl(const OrderedDict<std::string, Tensor>& params) {
    for (const auto& item : params) insert(item.key(), item.value());
  }

  void reset() override {}
  void pretty_print(std::ostream& stream) const override;

  Tensor& insert(const std::string& key, const Tensor& param);
  Tensor pop(const std::string& key);
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  std::vector<std::pair<std::string, Tensor>> items() const { return parameters_.pairs(); }
  Iterator begin() { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator begin() const { return parameters_.begin(); }
  ConstIterator end() const { return parameters_.end(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  bool contains(const std::string& key) const noexcept { return parameters_.contains(key); }
  void clear() { parameters_.clear(); }
  // Replaces the values of keys this dict has (IndexError for a key it lacks), from another
  // ParameterDict or an OrderedDict of tensors.
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) parameters_[item.key()] = item.value();
  }
  Tensor& get(const std::string& key) { return parameters_[key]; }
  const Tensor& get(const std::string& key) const { return parameters_[key]; }
  Tensor& operator[](const std::string& key) { return get(key); }
  const Tensor& operator[](const std::string& key) const { return get(key); }
};
EMBER_MODULE(ParameterDict);

class EMBER_API ParameterListImpl : public Cloneable<ParameterListImpl> {
 public:
  using Iterator = OrderedDict<std::string, Tensor>::iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::const_iterator;

  ParameterListImpl() = default;
  template <typename... Tensors>
  explicit ParameterListImpl(Tensors&&... params) {
    (append(std::forward<Tensors>(params)), ...);
  }

  void reset() override {}
  void pretty_print(std::ostream& stream) const override;

  void append(const Tensor& param);
  void append(const OrderedDict<std::string, Tensor>::Item& item) { append(item.value()); }
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& param : container) append(param);
  }
  void insert(size_t index, const Tensor& param);
  Tensor& at(size_t index);
  const Tensor& at(size_t index) const;
  Tensor& operator[](size_t index) { return at(index); }
  const Tensor& operator[](size_t index) const { return at(index); }
  Iterator begin() { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator begin() const { return parameters_.begin(); }
  ConstIterator end() const { return parameters_.end(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }
};
EMBER_MODULE(ParameterList);

}  // namespace nn
}  // namespace ember
