// TorchScript types: the IR and annotation spellings PyTorch prints, subtyping, unification of
// branch types, type-variable binding (aten::append's t, len's t[]) and dynamic value checks.
#include <gtest/gtest.h>

#include "core/ivalue.h"
#include "core/jit_type.h"

namespace ember {
namespace {

TEST(JitType, PrintsLikePyTorch) {
  TypePtr t = Type::tuple({Type::tensor(), Type::list(Type::int_()), Type::optional(Type::float_())});
  EXPECT_EQ(t->str(), "(Tensor, int[], float?)");
  EXPECT_EQ(t->annotation_str(), "Tuple[Tensor, List[int], Optional[float]]");
  TypePtr d = Type::dict(Type::str_(), Type::list(Type::tensor()));
  EXPECT_EQ(d->str(), "Dict(str, Tensor[])");
  EXPECT_EQ(d->annotation_str(), "Dict[str, List[Tensor]]");
  EXPECT_EQ(Type::future(Type::int_())->str(), "Future(int)");
  EXPECT_EQ(Type::none()->str(), "NoneType");
  EXPECT_EQ(Type::number()->str(), "Scalar");
  EXPECT_EQ(Type::tuple({})->annotation_str(), "Tuple[()]");
  EXPECT_EQ(Type::var("t")->str(), "t");
  EXPECT_EQ(Type::optional(Type::optional(Type::int_()))->str(), "int?");
  ClassTypePtr m = ClassType::create("__torch__.MyModule", /*is_module=*/true);
  EXPECT_EQ(m->str(), "__torch__.MyModule");
}

TEST(JitType, Subtyping) {
  EXPECT_TRUE(Type::none()->is_subtype_of(Type::optional(Type::tensor())));
  EXPECT_TRUE(Type::tensor()->is_subtype_of(Type::optional(Type::tensor())));
  EXPECT_TRUE(Type::int_()->is_subtype_of(Type::number()));
  EXPECT_TRUE(Type::float_()->is_subtype_of(Type::number()));
  EXPECT_FALSE(Type::bool_()->is_subtype_of(Type::number()));
  EXPECT_FALSE(Type::int_()->is_subtype_of(Type::float_()));
  EXPECT_TRUE(Type::str_()->is_subtype_of(Type::any()));
  // Lists are invariant, tuples covariant.
  EXPECT_FALSE(Type::list(Type::int_())->is_subtype_of(Type::list(Type::number())));
  EXPECT_TRUE(Type::tuple({Type::int_()})->is_subtype_of(Type::tuple({Type::number()})));
  EXPECT_FALSE(Type::optional(Type::int_())->is_subtype_of(Type::int_()));
  // Classes are nominal.
  ClassTypePtr a = ClassType::create("__torch__.A", false), a2 = ClassType::create("__torch__.A", false);
  EXPECT_TRUE(a->is_subtype_of(a));
  EXPECT_FALSE(a->is_subtype_of(a2));
}

TEST(JitType, UnifyTypesOfBranches) {
  EXPECT_EQ(unify_types(Type::none(), Type::tensor())->str(), "Tensor?");
  EXPECT_EQ(unify_types(Type::int_(), Type::optional(Type::int_()))->str(), "int?");
  EXPECT_EQ(unify_types(Type::tuple({Type::none(), Type::int_()}), Type::tuple({Type::tensor(), Type::int_()}))->str(),
            "(Tensor?, int)");
  EXPECT_EQ(unify_types(Type::int_(), Type::float_()), nullptr);
  EXPECT_EQ(unify_types(Type::tensor(), Type::int_()), nullptr);
  EXPECT_EQ(unify_types(Type::list(Type::int_()), Type::list(Type::float_())), nullptr);
}

TEST(JitType, TypeVariables) {
  TypeEnv env;
  std::string why;
  TypePtr formal = Type::list(Type::var("t"));
  ASSERT_TRUE(match_type_variables(formal, Type::list(Type::int_()), env, &why));
  EXPECT_EQ(env.at("t")->str(), "int");
  EXPECT_EQ(substitute_type_variables(Type::tuple({Type::var("t"), Type::var("t")}), env)->str(), "(int, int)");
  // t is already int: a str does not unify with it.
  EXPECT_FALSE(match_type_variables(Type::var("t"), Type::str_(), env, &why));
  EXPECT_EQ(why, "Type variable 't' previously matched to type int is matched to type str");
  EXPECT_FALSE(match_type_variables(formal, Type::tensor(), env, &why));
  EXPECT_EQ(why, "Cannot match List[t] to Tensor");
  TypeEnv empty;
  EXPECT_EQ(substitute_type_variables(Type::var("u"), empty), nullptr);
  ASSERT_TRUE(match_type_variables(Type::dict(Type::str_(), Type::var("t")),
                                   Type::dict(Type::str_(), Type::tensor()), empty, &why));
  EXPECT_EQ(empty.at("t")->str(), "Tensor");
}

TEST(JitType, ValuesAndTheirTypes) {
  EXPECT_EQ(type_of(IValue(int64_t(3)))->str(), "int");
  EXPECT_EQ(type_of(IValue(std::vector<int64_t>{1, 2}))->str(), "int[]");
  EXPECT_EQ(type_of(IValue::tuple({IValue(1.5), IValue("a")}))->str(), "(float, str)");
  EXPECT_EQ(type_of(IValue(std::vector<IValue>{IValue("a"), IValue("b")}))->str(), "str[]");
  EXPECT_TRUE(value_has_type(IValue(), Type::optional(Type::tensor())));
  EXPECT_TRUE(value_has_type(IValue(int64_t(2)), Type::number()));
  EXPECT_FALSE(value_has_type(IValue(int64_t(2)), Type::float_()));
  EXPECT_TRUE(value_has_type(IValue(std::vector<IValue>{IValue(std::vector<int64_t>{1})}),
                             Type::list(Type::list(Type::int_()))));
  EXPECT_FALSE(value_has_type(IValue(std::vector<IValue>{IValue("x")}), Type::list(Type::int_())));
  ClassTypePtr cls = ClassType::create("__torch__.P", false);
  cls->add_attribute("x", Type::int_());
  IValue obj = IValue::object(cls, 1);
  EXPECT_TRUE(value_has_type(obj, cls));
  EXPECT_EQ(type_of(obj).get(), cls.get());
}

TEST(JitType, ClassAttributes) {
  ClassTypePtr m = ClassType::create("__torch__.M", true);
  EXPECT_EQ(m->add_attribute("weight", Type::tensor(), /*is_parameter=*/true), 0u);
  EXPECT_EQ(m->add_attribute("training", Type::bool_()), 1u);
  EXPECT_EQ(m->find_attribute("training"), std::optional<size_t>(1));
  EXPECT_FALSE(m->find_attribute("bias").has_value());
  EXPECT_TRUE(m->attributes()[0].is_parameter);
  EXPECT_THROW(m->add_attribute("weight", Type::tensor()), ValueError);
  EXPECT_EQ(m->find_method("forward"), nullptr);
}

}  // namespace
}  // namespace ember
