// default_value: the IValue an argument's schema default stands for.
//
// Schemas keep defaults as text (dispatcher/schema.h) so that the code generator needs no
// tensors; boxed callers (the interpreter, Library-defined ops, fallbacks) fill in missing
// arguments with this. Pure function; thread-safe.
#pragma once

#include "core/ivalue.h"
#include "dispatcher/schema.h"

namespace ember {

// Converts arg.default_text: None -> None; numbers, True/False and strings to int / double /
// bool / string; list literals to int, double or bool lists (a single value for a sized list
// such as `int[2] stride=1` expands to N copies); named values (`long`, `contiguous_format`,
// `strided`, `Mean`) to their int codes, as PyTorch boxes ScalarType/Layout/MemoryFormat.
// Throws ValueError when the argument has no default or the text does not fit its type.
EMBER_API IValue default_value(const Argument& arg);

}  // namespace ember
