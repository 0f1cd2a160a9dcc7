// Constant pooling (see passes.h). As TorchScript's: walking the graph in order, the first
// constant of each value is moved to the start of the graph and later equal ones are replaced
// by it, so the pooled constants end up in reverse order of first use.
#include <string>
#include <unordered_map>

#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

// Identity of a constant: its type and value (tensors by object; functions by target).
std::string constant_key(Node* n) {
  std::string key = n->output()->type()->str() + "|";
  if (n->has_attribute(attr::value)) {
    const IValue& v = n->ival(attr::value);
    if (v.is_tensor() || v.is_object() || v.is_any_list() || v.is_dict()) key += "@" + std::to_string(reinterpret_cast<uintptr_t>(n));
    else key += constant_text(v) + (v.is_double() ? "d" : "");
  }
  if (n->has_attribute(attr::name)) key += "fn:" + n->s(attr::name);
  return key;
}

bool pool(Block* b, std::unordered_map<std::string, Node*>& seen, Graph& g) {
  bool changed = false;
  for (Node* n = b->nodes().front(); n != b->return_node();) {
    Node* next = n->next();
    if (!n->blocks().empty()) {
      for (Block* inner : n->blocks()) changed |= pool(inner, seen, g);
    } else if (n->kind() == prim::Constant) {
      std::string key = constant_key(n);
      auto it = seen.find(key);
      if (it != seen.end()) {
        n->output()->replace_all_uses_with(it->second->output());
        n->destroy();
        changed = true;
      } else {
        seen.emplace(key, n);
        Node* first = g.block()->nodes().front();
        if (n != first) {
          n->move_before(first);
          changed = true;
        }
      }
    }
    n = next;
  }
  return changed;
}

}  // namespace

bool constant_pooling(Graph& g) {
  std::unordered_map<std::string, Node*> seen;
  return pool(g.block(), seen, g);
}

}  // namespace script
}  // namespace ember
