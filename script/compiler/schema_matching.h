// Matching a call against operator overloads and script function signatures, as TorchScript:
// positional arguments, then keywords, then defaults; type variables bound as they are met;
// overloads tried first without implicit conversions, then with them (number <-> Tensor,
// tuple -> list, str -> Device); trailing positional numbers packed into an int[] (zeros(2, 3)).
// On failure every candidate is listed with the reason it was rejected.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "script/api/function.h"
#include "script/compiler/named_value.h"

namespace ember {
namespace script {

struct MatchedSchema {
  std::vector<Value*> inputs;
  std::vector<TypePtr> return_types;
};

// Implicit conversions of v towards concrete_type (see the file comment); may insert nodes.
Value* try_convert_to_type(const SourceRange& loc, Graph& g, const TypePtr& concrete_type, Value* v,
                           bool allow_conversions);

std::optional<MatchedSchema> try_match_schema(const Signature& sig, const SourceRange& loc, Graph& g,
                                              const std::vector<NamedValue>& args, const std::vector<NamedValue>& kwargs,
                                              std::optional<NamedValue> self, std::ostream* failures,
                                              bool allow_conversions);
// CompileError with the reason when sig does not match.
MatchedSchema match_schema(const Signature& sig, const SourceRange& loc, Graph& g, const std::vector<NamedValue>& args,
                           const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self = std::nullopt);
// The first signature that matches (without conversions, then with); CompileError listing
// every variant and why it failed otherwise.
std::pair<size_t, MatchedSchema> match_schemas(const std::vector<const Signature*>& sigs, const SourceRange& loc,
                                               Graph& g, const std::vector<NamedValue>& args,
                                               const std::vector<NamedValue>& kwargs,
                                               const std::optional<NamedValue>& self);

// Every overload of an operator name (aten::add -> add.Tensor, add.Scalar, add.int, ...), the
// unnamed overload first and out= variants last. Operators registered after an earlier lookup
// are found too.
std::vector<OperatorHandle> operator_overloads(Symbol name);

// Emits a call of the best-matching overload of `name` (a node with the operator attached);
// one result is returned as is, several are packed in a tuple.
Value* emit_builtin_call(const SourceRange& loc, Graph& g, Symbol name, const std::vector<NamedValue>& args,
                         const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self = std::nullopt);

// Inserts `name` (one overload chosen by matching plain values): for internal use by passes and
// the compiler when the arguments are known to fit.
Value* insert_op(Graph& g, Symbol name, const std::vector<Value*>& args, const SourceRange& loc = SourceRange());

}  // namespace script
}  // namespace ember
