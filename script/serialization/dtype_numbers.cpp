// remap_dtype_constants (see dtype_numbers.h). PyTorch's numbers: c10/core/ScalarType.h.
#include "script/serialization/dtype_numbers.h"

#include "dispatcher/dispatcher.h"

namespace ember {
namespace script {

namespace {

struct DtypePair {
  int64_t pytorch;
  ScalarType ember;
};
constexpr DtypePair kDtypes[] = {
    {0, ScalarType::UInt8},  {1, ScalarType::Int8},    {2, ScalarType::Int16},    {3, ScalarType::Int32},
    {4, ScalarType::Int64},  {5, ScalarType::Float16}, {6, ScalarType::Float32},  {7, ScalarType::Float64},
    {11, ScalarType::Bool},  {15, ScalarType::BFloat16},
};

int64_t remap(int64_t v, DtypeNumbers direction) {
  for (const DtypePair& p : kDtypes) {
    if (direction == DtypeNumbers::PyTorchToEmber && p.pytorch == v) return static_cast<int64_t>(p.ember);
    if (direction == DtypeNumbers::EmberToPyTorch && static_cast<int64_t>(p.ember) == v) return p.pytorch;
  }
  EMBER_FAIL(ValueError, "[archive] dtype number ", v, direction == DtypeNumbers::PyTorchToEmber ? " (PyTorch's)" : " (ember's)",
             " has no counterpart in ", direction == DtypeNumbers::PyTorchToEmber ? "ember" : "PyTorch");
}

void remap_block(Block* block, DtypeNumbers direction) {
  for (Node* n : block->nodes()) {
    for (Block* b : n->blocks()) remap_block(b, direction);
    if (!n->op()) continue;
    const std::vector<Argument>& args = n->op()->schema().arguments();
    for (size_t i = 0; i < args.size() && i < n->inputs().size(); ++i) {
      if (args[i].type.base != BaseType::ScalarType || args[i].type.is_list) continue;
      Node* producer = n->inputs()[i]->node();
      if (producer->kind() != prim::Constant || !producer->has_attribute(attr::value)) continue;
      const IValue& v = producer->ival(attr::value);
      if (!v.is_int()) continue;
      // A constant of its own: a pooled constant may also feed plain int arguments.
      Graph* g = n->owning_graph();
      Node* mapped = g->create_constant(IValue(remap(v.to_int(), direction)));
      mapped->insert_before(n);
      n->replace_input(i, mapped->output());
    }
  }
}

}  // namespace

void remap_dtype_constants(Graph& graph, DtypeNumbers direction) { remap_block(graph.block(), direction); }

}  // namespace script
}  // namespace ember
