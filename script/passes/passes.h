// Graph passes: free functions over a Graph, one per file in script/passes/, each with
// text-in/text-out tests (tests/script/passes_test.cpp). They rewrite the graph in place and
// return whether anything changed. A graph is rewritten by one thread at a time.
#pragma once

#include <optional>
#include <vector>

#include "script/ir/ir.h"

namespace ember {
namespace script {

// Removes nodes whose results are unused and that have no side effects (print, raise, writes
// to their inputs, calls), unused If outputs and unused loop-carried values.
EMBER_API bool eliminate_dead_code(Graph& g);

// Runs nodes whose inputs are all constants and replaces their results by constants; folds
// prim::If on a constant condition, drops If outputs both branches agree on and loop-carried
// values the body does not change, removes loops that never run. With immutable_types_only
// (what every compiled function gets) only nodes whose inputs and outputs are immutable values
// (numbers, bool, str, None, tuples of them) are run; otherwise tensor ops run too, when
// nothing in the graph writes to their inputs. Side-effecting and random ops never run.
EMBER_API bool constant_propagation(Graph& g, bool immutable_types_only = false);

// Makes one prim::Constant per distinct value and moves constants to the start of the graph.
EMBER_API bool constant_pooling(Graph& g);

// Replaces a node by an earlier identical one (same kind, inputs and attributes) that
// dominates it. Nodes that write or may observe writes are left alone.
EMBER_API bool eliminate_common_subexpressions(Graph& g);

// Replaces prim::CallFunction / prim::CallMethod of known script functions by their bodies.
EMBER_API bool inline_calls(Graph& g);

// TupleUnpack / TupleIndex of a TupleConstruct read the constructed values directly.
EMBER_API bool lower_simple_tuples(Graph& g);

// The results of n when every input is a constant and n is safe to run at compile time.
EMBER_API std::optional<std::vector<IValue>> run_node_if_inputs_are_constant(Node* n);

// What every compiled function gets: tuple lowering with dead code elimination, constant
// propagation of immutable values, constant pooling (as TorchScript's runCleanupPasses).
EMBER_API void run_cleanup_passes(Graph& g);

// The optimizing pipeline (`ember script --optimized`): inlining, constant propagation, CSE,
// dead code elimination and constant pooling.
EMBER_API void run_optimizations(Graph& g);

}  // namespace script
}  // namespace ember
