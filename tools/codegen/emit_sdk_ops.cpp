// sdk/ember/sdk/ops.h: typed descriptors of the backend ops, for plugins (see emitters.h).
//
// The header must compile on its own with a plain C++17 compiler: vendors build against the
// installed SDK, never the core. Each descriptor names the op, its schema and argument count,
// and an enum of argument positions (args[ops::add_out::alpha]) so that schema drift shows up
// as a compile error in the plugin rather than as a wrong argument at run time.
#include <set>
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/emitters.h"

namespace ember {
namespace codegen {

namespace {

// Enumerator names: C++ keywords, the descriptor's own member names and names that clash with
// common macros or std functions (min, max) get a trailing '_'; so does the struct's own name,
// which a member may not have.
std::string enumerator_name(const std::string& arg, const std::string& struct_name, std::set<std::string>& used) {
  static const std::set<std::string> clashes = {"name", "schema", "num_args", "from", "to", "max", "min"};
  std::string n = arg;
  if (is_cpp_keyword(n) || clashes.count(n) || n == struct_name) n += "_";
  while (used.count(n)) n += "_";
  used.insert(n);
  return n;
}

}  // namespace

std::string emit_sdk_ops_h(const ApiPlan& plan) {
  std::ostringstream o;
  o << banner(
      "Descriptors of the operators whose kernels plugins provide (ops.yaml `dispatch: backend`).\n"
      "A kernel for ops::add_out is registered by ops::add_out::name and reads its arguments as\n"
      "args[ops::add_out::self] ... in schema order, out= arguments included. Argument names that\n"
      "are C++ keywords or clash (from, to, min, max, ...) get a trailing '_'. Standalone C++17:\n"
      "no ember core headers. Constant data; thread-safe.");
  o << "#pragma once\n\n#include <cstddef>\n\nnamespace ember {\nnamespace sdk {\nnamespace ops {\n";
  std::vector<std::string> names;
  for (const OpApi& api : plan.ops) {
    const OpDef& op = *api.op;
    if (!op.is_structured_backend()) continue;
    const FunctionSchema& s = op.schema;
    std::string struct_name = op.unique_name;
    names.push_back(s.name_with_overload());
    o << "\n" << op_comment(op);
    o << "struct " << struct_name << " {\n";
    o << "  static constexpr const char* name = " << cpp_string_literal(s.ns() == "aten" ? s.name_with_overload() : s.full_name())
      << ";\n";
    o << "  static constexpr const char* schema = " << cpp_string_literal(s.str()) << ";\n";
    o << "  static constexpr int num_args = " << s.arguments().size() << ";\n";
    if (!s.arguments().empty()) {
      std::set<std::string> used;
      o << "  enum : int { ";
      for (size_t i = 0; i < s.arguments().size(); ++i)
        o << (i ? ", " : "") << enumerator_name(s.arguments()[i].name, struct_name, used) << " = " << i;
      o << " };\n";
    }
    o << "};\n";
  }
  o << "\n// Every backend op's name, in ops.yaml order.\n";
  o << "inline constexpr const char* all_backend_ops[] = {\n";
  for (const std::string& n : names) o << "    " << cpp_string_literal(n) << ",\n";
  if (names.empty()) o << "    nullptr,  // placeholder: ops.yaml has no backend ops\n";
  o << "};\n";
  o << "inline constexpr std::size_t num_backend_ops = " << names.size() << ";\n";
  o << "\n}  // namespace ops\n}  // namespace sdk\n}  // namespace ember\n";
  return o.str();
}

}  // namespace codegen
}  // namespace ember
