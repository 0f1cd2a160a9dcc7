// OrderedDict<Key, Value>: a map that remembers insertion order, as libtorch's
// torch::OrderedDict. Modules keep their parameters, buffers and submodules in one, and
// named_parameters(), state_dict() and friends return one:
//
//   for (const auto& item : module.named_parameters()) std::cout << item.key() << "\n";
//   Tensor w = module.named_parameters()["fc1.weight"];
//
// Lookup is by hash; iteration is in insertion order. Inserting an existing key and reading a
// missing one throw ValueError / IndexError naming the key. Owns its keys and values; not
// synchronized (like a std::vector).
#pragma once

#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"

namespace ember {

template <typename Key, typename Value>
class OrderedDict {
 public:
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const noexcept { return pair_.first; }
    Value& value() noexcept { return pair_.second; }
    const Value& value() const noexcept { return pair_.second; }
    Value& operator*() noexcept { return pair_.second; }
    const Value& operator*() const noexcept { return pair_.second; }
    Value* operator->() noexcept { return &pair_.second; }
    const Value* operator->() const noexcept { return &pair_.second; }
    const std::pair<Key, Value>& pair() const noexcept { return pair_; }

   private:
    std::pair<Key, Value> pair_;
  };

  using iterator = typename std::vector<Item>::iterator;
  using const_iterator = typename std::vector<Item>::const_iterator;

  // key_description names keys in error messages ("Parameter", "Buffer", "Key").
  explicit OrderedDict(std::string key_description = "Key") : key_description_(std::move(key_description)) {}
  OrderedDict(std::initializer_list<Item> items) : OrderedDict() {
    for (const Item& item : items) insert(item.key(), item.value());
  }

  const std::string& key_description() const noexcept { return key_description_; }

  // Appends (key, value); throws ValueError if key is already present.
  Value& insert(Key key, Value value) {
    EMBER_CHECK(index_.count(key) == 0, ValueError, "[OrderedDict] ", key_description_, " '", key,
                "' already defined");
    index_.emplace(key, items_.size());
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  // Inserts or overwrites (keeping the original position when the key exists).
  Value& insert_or_assign(Key key, Value value) {
    if (Value* v = find(key)) return *v = std::move(value);
    return insert(std::move(key), std::move(value));
  }
  // Inserts every item of other; throws on the first key already present.
  void update(const OrderedDict& other) {
    for (const Item& item : other) insert(item.key(), item.value());
  }

  Value* find(const Key& key) noexcept {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const noexcept {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  bool contains(const Key& key) const noexcept { return index_.count(key) != 0; }

  // Throws IndexError when key is missing.
  Value& operator[](const Key& key) {
    if (Value* v = find(key)) return *v;
    EMBER_FAIL(IndexError, "[OrderedDict] ", key_description_, " '", key, "' is not defined");
  }
  const Value& operator[](const Key& key) const {
    if (const Value* v = find(key)) return *v;
    EMBER_FAIL(IndexError, "[OrderedDict] ", key_description_, " '", key, "' is not defined");
  }

  // Position-based access, as libtorch's dict[0] (throws IndexError out of range).
  Item& operator[](size_t index) { return item(index); }
  const Item& operator[](size_t index) const { return item(index); }

  // Removes key (throws IndexError when missing); later items keep their relative order.
  void erase(const Key& key) {
    auto it = index_.find(key);
    EMBER_CHECK(it != index_.end(), IndexError, "[OrderedDict] ", key_description_, " '", key, "' is not defined");
    size_t pos = it->second;
    index_.erase(it);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(pos));
    for (auto& entry : index_)
      if (entry.second > pos) --entry.second;
  }
  void clear() {
    items_.clear();
    index_.clear();
  }

  // Position-based access (throws IndexError out of range).
  Item& item(size_t index) {
    EMBER_CHECK(index < items_.size(), IndexError, "[OrderedDict] index ", index, " is out of range for ", items_.size(),
                " items");
    return items_[index];
  }
  const Item& item(size_t index) const { return const_cast<OrderedDict*>(this)->item(index); }
  Item& front() {
    EMBER_CHECK(!items_.empty(), IndexError, "Called front() on an empty OrderedDict");
    return items_.front();
  }
  const Item& front() const { return const_cast<OrderedDict*>(this)->front(); }
  Item& back() {
    EMBER_CHECK(!items_.empty(), IndexError, "Called back() on an empty OrderedDict");
    return items_.back();
  }
  const Item& back() const { return const_cast<OrderedDict*>(this)->back(); }

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const noexcept { return items_.size(); }
  bool is_empty() const noexcept { return items_.empty(); }
  bool empty() const noexcept { return items_.empty(); }

  const std::vector<Item>& items() const noexcept { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> out;
    out.reserve(items_.size());
    for (const Item& item : items_) out.push_back(item.key());
    return out;
  }
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(items_.size());
    for (const Item& item : items_) out.push_back(item.value());
    return out;
  }
  std::vector<std::pair<Key, Value>> pairs() const {
    std::vector<std::pair<Key, Value>> out;
    out.reserve(items_.size());
    for (const Item& item : items_) out.push_back(item.pair());
    return out;
  }

 private:
  std::string key_description_;
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
};

}  // namespace ember
