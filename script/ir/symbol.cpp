// The symbol interner: an append-only table of qualified names.
#include "script/ir/symbol.h"

#include <deque>
#include <mutex>
#include <unordered_map>

namespace ember {
namespace script {

namespace {
struct Interner {
  std::mutex mutex;
  std::deque<std::string> names{""};  // id 0: the invalid symbol; a deque keeps references stable
  std::unordered_map<std::string, uint32_t> ids;
};
Interner& interner() {
  static Interner* table = new Interner();  // never destroyed: symbols outlive static teardown
  return *table;
}
}  // namespace

Symbol Symbol::from_qual_string(const std::string& qual) {
  Interner& t = interner();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.ids.find(qual);
  if (it != t.ids.end()) return Symbol(it->second);
  uint32_t id = static_cast<uint32_t>(t.names.size());
  t.names.push_back(qual);
  t.ids.emplace(qual, id);
  return Symbol(id);
}

const std::string& Symbol::qual_string() const {
  Interner& t = interner();
  std::lock_guard<std::mutex> lock(t.mutex);
  return t.names[id_];
}

std::string Symbol::ns() const {
  const std::string& q = qual_string();
  size_t at = q.find("::");
  return at == std::string::npos ? "" : q.substr(0, at);
}

std::string Symbol::name() const {
  const std::string& q = qual_string();
  size_t at = q.find("::");
  return at == std::string::npos ? q : q.substr(at + 2);
}

}  // namespace script
}  // namespace ember
