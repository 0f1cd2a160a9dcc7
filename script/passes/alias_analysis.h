// A may-alias analysis for the passes: which values may share memory (a view and its base, an
// in-place op's result and its input, a list and its elements, the graph's inputs among
// themselves), and which of those memory locations some node writes. Built once per query
// over a graph that does not change while it is used. Conservative: what it cannot see through
// (a call, an unknown prim node) may alias everything mutable it touches.
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "script/ir/ir.h"

namespace ember {
namespace script {

class EMBER_API AliasAnalysis {
 public:
  explicit AliasAnalysis(Graph& g);
  // Whether v, or a value it may alias, is written by some node of the graph.
  bool may_be_written(const Value* v) const;
  // Whether any input of n may be written somewhere (so n's result may depend on when it runs).
  bool reads_written_memory(const Node* n) const;

 private:
  const Value* find(const Value* v) const;
  void unite(const Value* a, const Value* b);
  void visit(Block* b);
  mutable std::unordered_map<const Value*, const Value*> parent_;
  std::vector<const Value*> writes_;
  std::unordered_set<const Value*> written_roots_;
  const Value* wildcard_ = nullptr;  // stands for memory of unknown origin
};

// Whether values of this type can be mutated (tensors, lists, dicts, objects, and containers of them).
EMBER_API bool is_mutable_type(const TypePtr& t);

}  // namespace script
}  // namespace ember
