// IValue: every tag round-trips through its constructor and accessor; copies share reference
// payloads (lists, strings, tensors) instead of copying them; a wrong accessor throws TypeError
// naming both types; printing.
#include <sstream>

#include "support/ember_test_support.h"

namespace ember_test {
namespace {

using namespace ember;

std::string str(const IValue& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

TEST(IValue, EveryTagRoundTrips) {
  IValue none;
  EXPECT_TRUE(none.is_none());
  EXPECT_EQ(none.tag(), IValue::Tag::None);
  EXPECT_TRUE(IValue(std::nullopt).is_none());

  Tensor t = make1d({1, 2});
  IValue vt(t);
  ASSERT_TRUE(vt.is_tensor());
  EXPECT_TRUE(vt.to_tensor().is_same(t));
  EXPECT_TRUE(IValue(Tensor()).is_none());  // an undefined tensor is None
  EXPECT_FALSE(IValue(t).to_optional_tensor() == std::nullopt);
  EXPECT_EQ(IValue().to_optional_tensor(), std::nullopt);
  Tensor moved = IValue(t).to_tensor();  // from an rvalue IValue
  EXPECT_TRUE(moved.is_same(t));

  IValue vd(2.5);
  ASSERT_TRUE(vd.is_double());
  EXPECT_EQ(vd.to_double(), 2.5);
  IValue vi(int64_t(-7));
  ASSERT_TRUE(vi.is_int());
  EXPECT_EQ(vi.to_int(), -7);
  EXPECT_EQ(IValue(3).to_int(), 3);  // int
  IValue vb(true);
  ASSERT_TRUE(vb.is_bool());
  EXPECT_TRUE(vb.to_bool());
  EXPECT_TRUE(vd.is_scalar() && vi.is_scalar() && vb.is_scalar());

  IValue vs(std::string("hello"));
  ASSERT_TRUE(vs.is_string());
  EXPECT_EQ(vs.to_string_ref(), "hello");
  EXPECT_EQ(IValue("lit").to_string_ref(), "lit");

  IValue il(std::vector<int64_t>{1, 2, 3});
  ASSERT_TRUE(il.is_int_list());
  EXPECT_EQ(il.to_int_list(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(IValue(IntArrayRef({4, 5})).to_int_list(), (std::vector<int64_t>{4, 5}));
  IValue dl(std::vector<double>{0.5, 1.5});
  ASSERT_TRUE(dl.is_double_list());
  EXPECT_EQ(dl.to_double_list(), (std::vector<double>{0.5, 1.5}));
  IValue bl(std::vector<bool>{true, false});
  ASSERT_TRUE(bl.is_bool_list());
  EXPECT_EQ(bl.to_bool_list(), (std::vector<bool>{true, false}));
  IValue tl(std::vector<Tensor>{t, t});
  ASSERT_TRUE(tl.is_tensor_list());
  ASSERT_EQ(tl.to_tensor_list().size(), 2u);
  EXPECT_TRUE(tl.to_tensor_list()[1].is_same(t));
  IValue gl(std::vector<IValue>{IValue(1), IValue("a"), IValue(t)});
  ASSERT_TRUE(gl.is_list());
  ASSERT_EQ(gl.to_list().size(), 3u);
  EXPECT_EQ(gl.to_list()[1].to_string_ref(), "a");
  IValue tup = IValue::tuple({IValue(1.5), IValue(false)});
  ASSERT_TRUE(tup.is_tuple());
  EXPECT_EQ(tup.to_tuple()[0].to_double(), 1.5);

  IValue dev(Device("cpu"));
  ASSERT_TRUE(dev.is_device());
  EXPECT_EQ(dev.to_device(), Device("cpu"));
  EXPECT_EQ(dev.to_device().index(), 0);

  Generator g(123);
  IValue vg(g);
  ASSERT_TRUE(vg.is_generator());
  EXPECT_EQ(vg.to_generator().seed(), 123u);
  g.manual_seed(9);  // Generators share state with their copies
  EXPECT_EQ(vg.to_generator().seed(), 9u);

  // Scalar in and out; ScalarType, Layout and MemoryFormat travel as ints (as in PyTorch).
  EXPECT_TRUE(IValue(Scalar(1.5)).is_double());
  EXPECT_TRUE(IValue(Scalar(2)).is_int());
  EXPECT_TRUE(IValue(Scalar(true)).is_bool());
  EXPECT_EQ(IValue(2.5).to_scalar().to_double(), 2.5);
  EXPECT_EQ(IValue(int64_t(4)).to_scalar().tag(), Scalar::Tag::Int);
  EXPECT_EQ(IValue(true).to_scalar().tag(), Scalar::Tag::Bool);
  EXPECT_EQ(IValue(make({6}, {}, kInt64)).to_scalar().to_long(), 6);  // a one-element tensor
  IValue st(kFloat64);
  EXPECT_TRUE(st.is_int());
  EXPECT_EQ(st.to_scalar_type(), kFloat64);
  EXPECT_TRUE(IValue(Layout::Strided).is_int());
  EXPECT_EQ(IValue(MemoryFormat::ChannelsLast).to_int(), 2);
  // optional<T>
  EXPECT_TRUE(IValue(std::optional<int64_t>()).is_none());
  EXPECT_EQ(IValue(std::optional<int64_t>(5)).to_int(), 5);
  EXPECT_EQ(IValue(std::optional<double>(0.25)).to_double(), 0.25);
}

TEST(IValue, NumericAccessorsWiden) {
  // to_double accepts int and bool; to_int accepts bool (PyTorch's implicit number conversions).
  EXPECT_EQ(IValue(int64_t(3)).to_double(), 3.0);
  EXPECT_EQ(IValue(true).to_double(), 1.0);
  EXPECT_EQ(IValue(true).to_int(), 1);
}

TEST(IValue, CopiesShareReferencePayloads) {
  IValue il(std::vector<int64_t>{1, 2, 3});
  IValue copy = il;
  EXPECT_TRUE(copy.is_same(il));
  EXPECT_EQ(&copy.to_int_list(), &il.to_int_list());  // one list, two handles
  IValue assigned;
  assigned = il;
  EXPECT_EQ(&assigned.to_int_list(), &il.to_int_list());
  IValue gl(std::vector<IValue>{IValue(1)});
  IValue gl2(gl);
  EXPECT_EQ(&gl2.to_list(), &gl.to_list());
  IValue s("text"), s2 = s;
  EXPECT_EQ(&s.to_string_ref(), &s2.to_string_ref());
  // A tensor IValue holds a reference to the same TensorImpl.
  Tensor t = make1d({1});
  uint32_t before = t.use_count();
  {
    IValue a(t), b = a, c = b;
    EXPECT_EQ(t.use_count(), before + 3);
    EXPECT_TRUE(a.is_same(c));
  }
  EXPECT_EQ(t.use_count(), before);
  // Moving leaves None behind and does not add references.
  IValue m(t);
  IValue m2(std::move(m));
  EXPECT_TRUE(m.is_none());  // NOLINT: checking the moved-from state on purpose
  EXPECT_EQ(t.use_count(), before + 1);
  IValue m3;
  m3 = std::move(m2);
  EXPECT_TRUE(m3.to_tensor().is_same(t));
  EXPECT_EQ(t.use_count(), before + 1);
  // Self-assignment keeps the payload alive.
  IValue& self = m3;
  m3 = self;
  EXPECT_TRUE(m3.to_tensor().is_same(t));
  // Separately built equal lists are different payloads; value types compare by value.
  EXPECT_FALSE(IValue(std::vector<int64_t>{1}).is_same(IValue(std::vector<int64_t>{1})));
  EXPECT_TRUE(IValue(2).is_same(IValue(int64_t(2))));
  EXPECT_FALSE(IValue(2).is_same(IValue(2.0)));
  EXPECT_TRUE(IValue().is_same(IValue()));
  EXPECT_TRUE(IValue(Device("cpu")).is_same(IValue(Device("cpu"))));
}

TEST(IValue, WrongAccessorIsATypeError) {
  IValue s("x"), i(int64_t(1)), d(1.5), none;
  EXPECT_THROW_MSG(s.to_int(), TypeError, "[IValue] expected int, got str");
  EXPECT_THROW_MSG(s.to_double(), TypeError, "expected float, got str");
  EXPECT_THROW_MSG(d.to_int(), TypeError, "expected int, got float");
  EXPECT_THROW_MSG(i.to_bool(), TypeError, "expected bool, got int");
  EXPECT_THROW_MSG(i.to_string_ref(), TypeError, "expected str, got int");
  EXPECT_THROW_MSG(none.to_tensor(), TypeError, "expected Tensor, got None");
  EXPECT_THROW_MSG(IValue(none).to_tensor(), TypeError, "expected Tensor, got None");
  EXPECT_THROW_MSG(i.to_int_list(), TypeError, "expected int[], got int");
  EXPECT_THROW_MSG(IValue(std::vector<int64_t>{1}).to_double_list(), TypeError, "expected float[], got int[]");
  EXPECT_THROW_MSG(i.to_bool_list(), TypeError, "expected bool[], got int");
  EXPECT_THROW_MSG(i.to_tensor_list(), TypeError, "expected Tensor[], got int");
  EXPECT_THROW_MSG(IValue::tuple({}).to_list(), TypeError, "expected list, got tuple");
  EXPECT_THROW_MSG(IValue(std::vector<IValue>{}).to_tuple(), TypeError, "expected tuple, got list");
  EXPECT_THROW_MSG(s.to_device(), TypeError, "expected Device, got str");
  EXPECT_THROW_MSG(i.to_generator(), TypeError, "expected Generator, got int");
  EXPECT_THROW_MSG(s.to_scalar(), TypeError, "expected Scalar (int, float or bool), got str");
  EXPECT_THROW_MSG(IValue(int64_t(42)).to_scalar_type(), TypeError, "42 is not a ScalarType");
  EXPECT_THROW_MSG(IValue(int64_t(-1)).to_scalar_type(), TypeError, "-1 is not a ScalarType");
  EXPECT_THROW_MSG(IValue(1.5).to_optional_tensor(), TypeError, "expected Tensor, got float");
  EXPECT_THROW_MSG(IValue(make1d({1, 2})).to_scalar(), ValueError, "a Tensor with 2 elements cannot be converted to Scalar");
}

TEST(IValue, Printing) {
  EXPECT_EQ(str(IValue()), "None");
  EXPECT_EQ(str(IValue(int64_t(3))), "3");
  EXPECT_EQ(str(IValue(2.5)), "2.5");
  EXPECT_EQ(str(IValue(true)), "True");
  EXPECT_EQ(str(IValue("s")), "s");
  EXPECT_EQ(str(IValue(std::vector<int64_t>{1, 2})), "[1, 2]");
  EXPECT_EQ(str(IValue(std::vector<double>{0.5})), "[0.5]");
  EXPECT_EQ(str(IValue(Device("cpu"))), "cpu");
  EXPECT_EQ(str(IValue(make1d({1, 2}, kInt64))), "tensor([1, 2])");
  EXPECT_EQ(str(IValue(std::vector<IValue>{IValue(1), IValue("a")})), "list[1, a]");
  EXPECT_EQ(str(IValue::tuple({IValue(1), IValue(false)})), "tuple[1, False]");
  EXPECT_STREQ(IValue(std::vector<bool>{}).tag_name(), "bool[]");
  EXPECT_STREQ(IValue(Generator(1)).tag_name(), "Generator");
}

}  // namespace
}  // namespace ember_test
