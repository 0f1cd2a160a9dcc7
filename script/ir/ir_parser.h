// Reads the IR text format Graph::str() prints (PyTorch's) back into a Graph:
//
//   graph(%x.1 : Tensor,
//         %n : int):
//     %2 : int = prim::Constant[value=1]()
//     %y : Tensor = aten::add(%x.1, %x.1, %2) # f.py:3:8
//     %z : Tensor = prim::If(%c)
//       block0():
//         -> (%y)
//       block1():
//         -> (%x.1)
//     return (%z)
//
// Named values keep their names; numbered ones (%2) are unnamed. Types use the printed syntax
// (int[], Tensor?, (int, str), Dict(str, int), Float(2, strides=[1], ...)); classes resolve
// through `classes` when given. Source comments are skipped. Operator nodes (aten::add) are
// bound to the first registered overload whose arguments accept the input types, so the graph
// can be run and constant-folded. Malformed text is a ValueError naming the line and what was
// expected.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "script/ir/ir.h"

namespace ember {
namespace script {

using ClassResolver = std::function<TypePtr(const std::string& qualified_name)>;

EMBER_API std::shared_ptr<Graph> parse_ir(const std::string& text, const ClassResolver& classes = nullptr);

// A type in the printed IR syntax ("int[]", "(Tensor, int)?").
EMBER_API TypePtr parse_ir_type(const std::string& text, const ClassResolver& classes = nullptr);

// The registered overload of an operator node whose schema accepts its inputs' types.
EMBER_API std::optional<OperatorHandle> find_operator_for(const Node* n);

}  // namespace script
}  // namespace ember
