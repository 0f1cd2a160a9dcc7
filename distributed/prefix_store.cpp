// PrefixStore (see prefix_store.h).
#include "distributed/prefix_store.h"

#include "core/error.h"

namespace ember {
namespace distributed {

namespace {
Milliseconds timeout_of(const std::shared_ptr<Store>& store) {
  EMBER_CHECK(store != nullptr, ValueError, "[PrefixStore] the underlying store is null");
  return store->timeout();
}
}  // namespace

PrefixStore::PrefixStore(std::string prefix, std::shared_ptr<Store> store)
    : Store(timeout_of(store)), prefix_(std::move(prefix)), store_(std::move(store)) {}

std::vector<std::string> PrefixStore::join(const std::vector<std::string>& keys) const {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(join(k));
  return out;
}

void PrefixStore::set(const std::string& key, const Bytes& value) { store_->set(join(key), value); }
Bytes PrefixStore::get(const std::string& key, Milliseconds timeout) { return store_->get(join(key), effective(timeout)); }
int64_t PrefixStore::add(const std::string& key, int64_t delta) { return store_->add(join(key), delta); }
Bytes PrefixStore::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  return store_->compare_set(join(key), expected, desired);
}
bool PrefixStore::delete_key(const std::string& key) { return store_->delete_key(join(key)); }
bool PrefixStore::check(const std::vector<std::string>& keys) { return store_->check(join(keys)); }
void PrefixStore::wait(const std::vector<std::string>& keys, Milliseconds timeout) {
  store_->wait(join(keys), effective(timeout));
}
int64_t PrefixStore::num_keys() { return store_->num_keys(); }
std::string PrefixStore::describe() const { return store_->describe() + " under '" + prefix_ + "/'"; }

}  // namespace distributed
}  // namespace ember
