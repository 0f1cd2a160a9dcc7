// FunctionSchema parser and printer: every ops.yaml entry round-trips, the grammar's corners
// parse to the expected fields, and malformed text reports the column and the problem.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "dispatcher/schema.h"

namespace ember {
namespace {

struct YamlFunc {
  int line;
  std::string text;
};

// The `- func: ...` lines of ops.yaml. (A line scan keeps this test free of yaml-cpp; ops.yaml
// writes every schema on its entry's first line.)
std::vector<YamlFunc> ops_yaml_funcs() {
  std::ifstream in(EMBER_OPS_YAML);
  std::vector<YamlFunc> funcs;
  std::string line;
  const std::string prefix = "- func:";
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    std::string text = line.substr(prefix.size());
    text = text.substr(text.find_first_not_of(' '));
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'')) text = text.substr(1, text.size() - 2);
    funcs.push_back({n, text});
  }
  return funcs;
}

std::string error_of(const std::string& text) {
  try {
    FunctionSchema::parse(text);
  } catch (const SchemaError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Schema, EveryOpsYamlEntryRoundTrips) {
  std::vector<YamlFunc> funcs = ops_yaml_funcs();
  ASSERT_GT(funcs.size(), 100u) << "could not read " << EMBER_OPS_YAML;
  for (const YamlFunc& f : funcs) {
    SCOPED_TRACE("ops.yaml:" + std::to_string(f.line) + ": " + f.text);
    FunctionSchema parsed = FunctionSchema::parse(f.text);
    std::string printed = parsed.str();
    FunctionSchema reparsed = FunctionSchema::parse(printed);
    EXPECT_EQ(parsed, reparsed);
    EXPECT_EQ(reparsed.str(), printed);
  }
}

TEST(Schema, PrintsInPyTorchFormat) {
  const std::string text = "add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor";
  FunctionSchema s = FunctionSchema::parse(text);
  EXPECT_EQ(s.str(), text);
  EXPECT_EQ(s.str(/*with_namespace=*/true), "aten::" + text);
  EXPECT_EQ(s.ns(), "aten");
  EXPECT_EQ(s.name(), "add");
  EXPECT_EQ(s.overload(), "Tensor");
  EXPECT_EQ(s.qualified_name(), "aten::add");
  EXPECT_EQ(s.full_name(), "aten::add.Tensor");
  EXPECT_EQ(s.name_with_overload(), "add.Tensor");
  ASSERT_EQ(s.arguments().size(), 3u);
  EXPECT_FALSE(s.arguments()[1].kwarg_only);
  EXPECT_TRUE(s.arguments()[2].kwarg_only);
  EXPECT_EQ(s.arguments()[2].default_text, "1");
  EXPECT_EQ(s.argument_index("alpha"), 2);
  EXPECT_EQ(s.argument_index("beta"), -1);
}

TEST(Schema, NamespacesOtherThanAtenArePrinted) {
  FunctionSchema s = FunctionSchema::parse("sim::fill_ramp(Tensor(a!) self) -> Tensor(a!)");
  EXPECT_EQ(s.ns(), "sim");
  EXPECT_EQ(s.full_name(), "sim::fill_ramp");
  EXPECT_EQ(s.str(), "sim::fill_ramp(Tensor(a!) self) -> Tensor(a!)");
  EXPECT_EQ(FunctionSchema::parse("f() -> ()", "myops").full_name(), "myops::f");
}

TEST(Schema, AliasAnnotations) {
  FunctionSchema s = FunctionSchema::parse(
      "f(Tensor(a) x, Tensor(b!) y, Tensor(c -> *) z, Tensor! w) -> (Tensor(a), Tensor(b!))");
  const std::vector<Argument>& a = s.arguments();
  ASSERT_TRUE(a[0].alias && a[1].alias && a[2].alias && a[3].alias);
  EXPECT_EQ(a[0].alias->set, "a");
  EXPECT_FALSE(a[0].alias->is_write);
  EXPECT_EQ(a[1].alias->set, "b");
  EXPECT_TRUE(a[1].alias->is_write);
  EXPECT_TRUE(a[2].alias->to_wildcard);
  EXPECT_EQ(a[3].alias->set, "");
  EXPECT_TRUE(a[3].alias->is_write);
  EXPECT_TRUE(s.is_mutable());
  EXPECT_EQ(s.aliased_argument_of_return(0), -1);  // a view, not a write
  EXPECT_EQ(s.aliased_argument_of_return(1), 1);
  EXPECT_EQ(s.str(), "f(Tensor(a) x, Tensor(b!) y, Tensor(c -> *) z, Tensor! w) -> (Tensor(a), Tensor(b!))");
}

TEST(Schema, AliasOnListReturns) {
  FunctionSchema s = FunctionSchema::parse("chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]");
  ASSERT_EQ(s.returns().size(), 1u);
  const Argument& r = s.returns()[0];
  EXPECT_TRUE(r.type.is_tensor_list());
  ASSERT_TRUE(r.alias);
  EXPECT_EQ(r.alias->set, "a");
  EXPECT_EQ(s.str(), "chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]");
}

TEST(Schema, OptionalAndListTypes) {
  FunctionSchema s = FunctionSchema::parse(
      "f(Tensor?[] indices, Tensor? bias, int[]? dims, int[1]? dim, SymInt[2] size, bool[3] mask, Tensor[] xs) -> Tensor");
  const std::vector<Argument>& a = s.arguments();
  EXPECT_TRUE(a[0].type.is_list && a[0].type.elem_optional && !a[0].type.optional);
  EXPECT_EQ(a[0].type.str(), "Tensor?[]");
  EXPECT_TRUE(a[1].type.optional && !a[1].type.is_list);
  EXPECT_EQ(a[1].type.str(), "Tensor?");
  EXPECT_TRUE(a[2].type.optional && a[2].type.is_list);
  EXPECT_EQ(a[2].type.list_size, -1);
  EXPECT_EQ(a[3].type.str(), "int[1]?");
  EXPECT_EQ(a[4].type.base, BaseType::Int);  // SymInt is read as int
  EXPECT_EQ(a[4].type.list_size, 2);
  EXPECT_EQ(a[4].type.str(), "int[2]");
  EXPECT_EQ(a[5].type.str(), "bool[3]");
  EXPECT_TRUE(a[6].type.is_tensor_list());
  EXPECT_FALSE(a[6].type.is_tensor());
}

TEST(Schema, DefaultsAreCheckedAndCanonical) {
  FunctionSchema s = FunctionSchema::parse(
      "f(int[2] stride=1, int[2] padding=[0,0], int[1] dim=[], float eps=1e-05, int idx=-1, bool b=True, "
      "str mode='none', str q=\"it's\", ScalarType? dtype=long, MemoryFormat m=contiguous_format, "
      "int reduction=Mean, Tensor? w=None, Scalar s=2.5) -> Tensor");
  auto def = [&](const char* name) { return *s.arguments()[s.argument_index(name)].default_text; };
  EXPECT_EQ(def("stride"), "1");
  EXPECT_EQ(def("padding"), "[0, 0]");
  EXPECT_EQ(def("dim"), "[]");
  EXPECT_EQ(def("eps"), "1e-05");
  EXPECT_EQ(def("idx"), "-1");
  EXPECT_EQ(def("b"), "True");
  EXPECT_EQ(def("mode"), "\"none\"");
  EXPECT_EQ(def("q"), "\"it's\"");
  EXPECT_EQ(def("dtype"), "long");
  EXPECT_EQ(def("m"), "contiguous_format");
  EXPECT_EQ(def("reduction"), "Mean");
  EXPECT_EQ(def("w"), "None");
  EXPECT_EQ(def("s"), "2.5");
  // Spelling differences in defaults do not make different schemas.
  EXPECT_EQ(FunctionSchema::parse("f(int[2] p=[0, 0], str m=\"x\") -> Tensor"),
            FunctionSchema::parse("f(int[2] p=[0,0], str m='x') -> Tensor"));
}

TEST(Schema, KeywordOnlyArgumentsAndOutForms) {
  FunctionSchema s = FunctionSchema::parse(
      "max.dim_max(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) max, Tensor(b!) max_values) -> "
      "(Tensor(a!) values, Tensor(b!) indices)");
  EXPECT_TRUE(s.is_out());
  EXPECT_FALSE(s.is_inplace());
  EXPECT_EQ(s.num_out_arguments(), 2u);
  EXPECT_TRUE(s.arguments()[3].is_out());
  EXPECT_FALSE(s.arguments()[2].is_out());
  ASSERT_EQ(s.returns().size(), 2u);
  EXPECT_EQ(s.returns()[0].name, "values");
  EXPECT_EQ(s.returns()[1].name, "indices");
  EXPECT_EQ(s.aliased_argument_of_return(0), 3);
  EXPECT_EQ(s.aliased_argument_of_return(1), 4);
  EXPECT_EQ(FunctionSchema::parse(s.str()), s);

  FunctionSchema inplace = FunctionSchema::parse("add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)");
  EXPECT_TRUE(inplace.is_inplace());
  EXPECT_FALSE(inplace.is_out());
  EXPECT_EQ(inplace.aliased_argument_of_return(0), 0);
}

TEST(Schema, ReturnForms) {
  EXPECT_EQ(FunctionSchema::parse("f(Tensor x) -> ()").returns().size(), 0u);
  EXPECT_EQ(FunctionSchema::parse("f(Tensor x) -> ()").str(), "f(Tensor x) -> ()");
  // A parenthesized single return keeps its spelling but is the same schema.
  FunctionSchema paren = FunctionSchema::parse("f(Tensor x) -> (Tensor)");
  EXPECT_EQ(paren.str(), "f(Tensor x) -> (Tensor)");
  EXPECT_EQ(paren, FunctionSchema::parse("f(Tensor x) -> Tensor"));
  // A named single return prints in parentheses, as PyTorch does.
  EXPECT_EQ(FunctionSchema::parse("f(Tensor x) -> Tensor out").str(), "f(Tensor x) -> Tensor out");
  EXPECT_EQ(FunctionSchema::parse("f(Tensor x) -> (Tensor, Tensor)").returns().size(), 2u);
}

TEST(Schema, Varargs) {
  FunctionSchema s = FunctionSchema::parse("f(Tensor x, ...) -> Tensor");
  EXPECT_TRUE(s.is_vararg());
  EXPECT_EQ(s.arguments().size(), 1u);
  EXPECT_EQ(s.str(), "f(Tensor x, ...) -> Tensor");
  EXPECT_EQ(FunctionSchema::parse("g(...) -> ()").str(), "g(...) -> ()");
}

TEST(Schema, EqualityComparesEveryField) {
  FunctionSchema a = FunctionSchema::parse("f(Tensor x, int y=1) -> Tensor");
  EXPECT_FALSE(a == FunctionSchema::parse("f(Tensor x, int y=2) -> Tensor"));
  EXPECT_FALSE(a == FunctionSchema::parse("f(Tensor x, *, int y=1) -> Tensor"));
  EXPECT_FALSE(a == FunctionSchema::parse("f(Tensor(a) x, int y=1) -> Tensor"));
  EXPECT_FALSE(a == FunctionSchema::parse("f.o(Tensor x, int y=1) -> Tensor"));
  EXPECT_FALSE(a == FunctionSchema::parse("f(Tensor x, float y=1) -> Tensor"));
  EXPECT_FALSE(a == FunctionSchema::parse("f(Tensor x, int y=1) -> (Tensor, Tensor)"));
  EXPECT_FALSE(a == FunctionSchema::parse("other::f(Tensor x, int y=1) -> Tensor"));
}

TEST(Schema, ErrorsNameTheColumn) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"add.Tensor(Tensr self) -> Tensor", "column 12: unknown type 'Tensr'"},
      {"(Tensor x) -> Tensor", "column 1: expected an operator name, got '('"},
      {"f(Tensor self, Tensor self) -> Tensor", "column 23: duplicate argument name 'self'"},
      {"f(Tensor x) Tensor", "column 13: expected '->', got 'Tensor'"},
      {"f(Tensor x", "column 11: expected ',' or ')', got end of text"},
      {"f(Tensor x) -> Tensor y z", "column 25: unexpected 'z' after the returns"},
      {"f(int(a x) -> Tensor", "column 9: expected ')' to close the alias annotation, got 'x'"},
      {"f(Tensor(a x) -> Tensor", "column 12: expected ')' to close the alias annotation, got 'x'"},
      {"f(int[0] x) -> Tensor", "column 7: list size must be positive"},
      {"f(Tensor x, *) -> Tensor", "column 14: expected ',' after '*', got ')'"},
      {"f(*, *, Tensor x) -> Tensor", "column 6: '*' appears twice"},
      {"f(..., Tensor x) -> Tensor", "column 6: '...' must be the last argument"},
      {"f(int x=None) -> Tensor", "column 9: None is a default only for optional types, not 'int'"},
      {"f(int x=1.5) -> Tensor", "column 9: '1.5' is not a valid default for 'int'"},
      {"f(int x=[1]) -> Tensor", "column 9: a list is not a valid default for 'int'"},
      {"f(int[] x=1) -> Tensor",
       "column 11: '1' is not a valid default for 'int[]' (a single value needs a sized list such as int[2])"},
      {"f(ScalarType? d=lng) -> Tensor", "column 17: 'lng' is not a valid default for 'ScalarType?'"},
      {"f(Tensor x=0) -> Tensor", "column 12: '0' is not a valid default for 'Tensor'"},
      {"f(str s='abc) -> Tensor", "column 9: unterminated string"},
      {"f(float x=1e) -> Tensor", "column 11: malformed number '1e'"},
      {"f(Tensor x) -> Tensor=1", "column 22: returns cannot have default values"},
      {"f(Tensor x) -> Tensr", "column 16: unknown type 'Tensr'"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(c.text), c.message) << c.text;
}

TEST(Schema, BaseTypeNames) {
  EXPECT_STREQ(base_type_name(BaseType::Tensor), "Tensor");
  EXPECT_STREQ(base_type_name(BaseType::Int), "int");
  EXPECT_STREQ(base_type_name(BaseType::Float), "float");
  EXPECT_STREQ(base_type_name(BaseType::ScalarType), "ScalarType");
  EXPECT_STREQ(base_type_name(BaseType::MemoryFormat), "MemoryFormat");
}

}  // namespace
}  // namespace ember
