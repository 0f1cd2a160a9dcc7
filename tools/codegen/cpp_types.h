// Schema types -> C++ API types, schema defaults -> C++ expressions, and C++-safe names.
//
// The mapping is the table in docs/CONVENTIONS.md; every emitter goes through these functions
// so that declarations, definitions and registrations agree. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "dispatcher/schema.h"

namespace ember {
namespace codegen {

// The C++ parameter type of a schema type ("const Tensor&", "IntArrayRef", ...); nullopt for
// schema types the C++ API does not cover yet (Tensor?[], str[], ...).
std::optional<std::string> cpp_param_type(const SchemaType& t);

// The parameter type of the public API (ember::f, Tensor::f, f_out): as cpp_param_type, except
// `int[]?` -> OptionalIntArrayRef (core/optional_array_ref.h), which a braced list or a single
// int can safely initialize; std::optional<IntArrayRef> would dangle for `{1}` and `1`.
std::optional<std::string> cpp_public_param_type(const SchemaType& t);

// The C++ return type: Tensor, std::vector<Tensor>, std::tuple<...>, void, or a number type;
// nullopt when a return has no C++ type.
std::optional<std::string> cpp_return_type(const FunctionSchema& s);

// The C++ expression for an argument's default (which the argument must have), rendered for
// the parameter type cpp_param_type gives: None -> std::nullopt, [0,0] -> {0, 0},
// `int[2] stride=1` -> {1, 1}, 'none' -> "none", long -> ember::kLong, False -> false.
std::string cpp_default(const Argument& a);

bool is_cpp_keyword(const std::string& word);
bool is_cpp_identifier(const std::string& word);

// The C++ name of a schema argument: its own name, with '_' appended when it is a C++ keyword
// or one of the local names generated bodies use (op, ks, result, options, outs, args, meta_result, kernel_op, ctx).
std::string cpp_arg_name(const std::string& schema_name);

// A C++ string literal for arbitrary text (generated tables of schemas and docs).
std::string cpp_string_literal(const std::string& text);

}  // namespace codegen
}  // namespace ember
