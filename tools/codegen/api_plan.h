// ApiPlan: the C++ signatures generated for each op, decided once for all emitters.
//
// For every op: the kernel signature (all schema arguments, schema order, raw types - used by
// redispatch, native functions, trampolines and structured wrappers) and the public ones:
// ember::f (variant function), Tensor::f (variant method), and for out= ops ember::f_out (outs
// first, as libtorch) and ember::f_outf (schema order). Public signatures group a factory's
// dtype/layout/device/pin_memory into `TensorOptions options`, take `int[]?` as
// OptionalIntArrayRef (see cpp_public_param_type), keep schema defaults as C++
// defaults where C++ allows (only trailing ones), and drop defaults that would make two
// overloads of one C++ name callable with the same leading parameter types (see plan_api).
// Built once by main.cpp; read-only afterwards (the generator is single-threaded).
#pragma once

#include <string>
#include <vector>

#include "tools/codegen/op_model.h"
#include "tools/codegen/ops_loader.h"

namespace ember {
namespace codegen {

struct CppParam {
  std::string type;           // "const Tensor&"
  std::string name;           // C++ name (cpp_arg_name)
  std::string default_value;  // C++ expression; empty when the parameter has no default
  int arg_index = -1;         // schema argument; -1 for the TensorOptions group
};

struct CppSignature {
  bool defined = false;  // false when the op has no such entry point
  std::string return_type;
  std::string name;
  std::vector<CppParam> params;

  // "const Tensor& self, const Scalar& alpha = 1"
  std::string param_list(bool with_defaults) const;
  // The number of leading parameters without a default.
  size_t required() const;
};

// A forwarding overload that takes a braced list ({1}, {0, 1}) as std::initializer_list<int64_t>
// where another overload of the same name has a bool or double at that position: without it
// t.std({1}) would pick std(bool unbiased) ({1} converts to bool; an initializer_list is an
// exact match). Where the capturing overload takes a bool, also int64_t and int overloads for a
// single dim (t.std(0), as libtorch). Generated only for such groups; forwards to the list
// overload.
struct BracedListShim {
  bool is_method = false;
  CppSignature sig;          // the list overload with params[list_param] an initializer_list or an int
  size_t list_param = 0;
  std::string forward_type;  // what the shim passes on: IntArrayRef or OptionalIntArrayRef
};

struct OpApi {
  const OpDef* op = nullptr;
  std::string kernel_return;
  std::vector<CppParam> kernel_params;  // every schema argument, no defaults
  int options_first_arg = -1;           // schema index of `dtype` when a TensorOptions group exists
  CppSignature function;                // ember::f
  CppSignature method;                  // Tensor::f (self dropped; in-place returns Tensor&)
  CppSignature out;                     // ember::f_out(outs..., args...)
  CppSignature outf;                    // ember::f_outf(args..., outs...)
  std::vector<BracedListShim> shims;    // extra overloads of function / method (see above)

  // "T1, T2, ..." of the kernel parameters, for call_op<Ret, T...> and function pointers.
  std::string kernel_param_types() const;
  // "const Tensor& self, ..." (no defaults) and "self, ...".
  std::string kernel_param_list() const;
  std::string kernel_arg_names() const;
};

struct ApiPlan {
  std::vector<OpApi> ops;  // parallel to the OpDefs
  std::vector<Diagnostic> errors;
};

// The schema index of `ScalarType? dtype` starting a dtype, layout, device, pin_memory run; -1.
int find_options_group(const FunctionSchema& s);

ApiPlan plan_api(const std::vector<OpDef>& ops);

}  // namespace codegen
}  // namespace ember
