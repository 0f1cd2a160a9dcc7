// Helpers over script values: lists in any of IValue's five representations (int[], float[],
// bool[], Tensor[] or generic), Python equality, and how `print`/`str()` render values (as
// TorchScript of PyTorch 1.13: tensors in libtorch's C++ form, floats as 2.5 and 3.).
// Stateless; thread-safe (list mutation follows the value's own sharing rules).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/jit_type.h"

namespace ember {
namespace script {

// A new list holding items, in the representation the element type calls for
// (int -> int[], float -> float[], bool -> bool[], Tensor -> Tensor[], anything else generic).
EMBER_API IValue make_list(const TypePtr& element, std::vector<IValue> items);
// An empty list in the same representation as `like`.
EMBER_API IValue empty_list_like(const IValue& like);

EMBER_API size_t list_size(const IValue& list);
EMBER_API IValue list_get(const IValue& list, size_t i);
EMBER_API void list_set(const IValue& list, size_t i, IValue v);
EMBER_API void list_append(const IValue& list, IValue v);
EMBER_API void list_insert(const IValue& list, size_t i, IValue v);
EMBER_API void list_erase(const IValue& list, size_t i);
EMBER_API void list_clear(const IValue& list);
EMBER_API std::vector<IValue> list_items(const IValue& list);
// Python's index normalization: -1 is the last; IndexError("list index out of range").
EMBER_API size_t normalize_index(int64_t index, size_t size, const char* what = "list");

// Python's == on script values (numbers by value, containers element-wise, tensors by identity).
EMBER_API bool values_equal(const IValue& a, const IValue& b);

// print()/str() rendering: str raw at the top level, floats as 2.5 / 3. / 1e+20, bools True,
// lists [1, 2], tuples (1, a), dicts {a: 1}, tensors as libtorch prints them.
EMBER_API void print_value(std::ostream& out, const IValue& v);
EMBER_API std::string value_to_string(const IValue& v);
// libtorch's operator<<(ostream, Tensor): " 0  1  2\n 3  4  5\n[ CPUFloatType{2,3} ]".
EMBER_API void print_tensor_cpp(std::ostream& out, const Tensor& t, int64_t linesize = 80);

}  // namespace script
}  // namespace ember
