// IValue storage management and accessors.
#include "core/ivalue.h"

#include <new>

namespace ember {

using detail::GeneratorPayload;
using detail::ListPayload;
using detail::StringPayload;

namespace {
template <typename P, typename... A>
RefCounted* new_payload(A&&... args) {
  RefCounted* p = new P(std::forward<A>(args)...);
  p->retain();
  return p;
}
}  // namespace

IValue::IValue(const Tensor& t) : tag_(t.defined() ? Tag::Tensor : Tag::None) {
  if (t.defined()) new (&v_.t) Tensor(t);
}
IValue::IValue(Tensor&& t) : tag_(t.defined() ? Tag::Tensor : Tag::None) {
  if (tag_ == Tag::Tensor) new (&v_.t) Tensor(std::move(t));
}
IValue::IValue(std::string v) : tag_(Tag::String) { v_.p = new_payload<StringPayload>(std::move(v)); }
IValue::IValue(const Scalar& s) {
  switch (s.tag()) {
    case Scalar::Tag::Double: tag_ = Tag::Double; v_.d = s.to_double(); break;
    case Scalar::Tag::Int: tag_ = Tag::Int; v_.i = s.to_long(); break;
    case Scalar::Tag::Bool: tag_ = Tag::Bool; v_.i = s.to_bool(); break;
  }
}
IValue::IValue(Generator g) : tag_(Tag::Generator) { v_.p = new_payload<GeneratorPayload>(std::move(g)); }
IValue::IValue(std::vector<int64_t> v) : tag_(Tag::IntList) { v_.p = new_payload<ListPayload<int64_t>>(std::move(v)); }
IValue::IValue(std::vector<double> v) : tag_(Tag::DoubleList) { v_.p = new_payload<ListPayload<double>>(std::move(v)); }
IValue::IValue(std::vector<bool> v) : tag_(Tag::BoolList) { v_.p = new_payload<ListPayload<bool>>(std::move(v)); }
IValue::IValue(std::vector<Tensor> v) : tag_(Tag::TensorList) { v_.p = new_payload<ListPayload<Tensor>>(std::move(v)); }
IValue::IValue(std::vector<IValue> v) : tag_(Tag::GenericList) { v_.p = new_payload<ListPayload<IValue>>(std::move(v)); }
IValue IValue::tuple(std::vector<IValue> elements) {
  IValue r;
  r.tag_ = Tag::Tuple;
  r.v_.p = new_payload<ListPayload<IValue>>(std::move(elements));
  return r;
}

// Tags whose payload is a RefCounted object behind v_.p.
static bool is_payload_ref(IValue::Tag t) {
  switch (t) {
    case IValue::Tag::None: case IValue::Tag::Tensor: case IValue::Tag::Double: case IValue::Tag::Int:
    case IValue::Tag::Bool: case IValue::Tag::Device: return false;
    default: return true;
  }
}

void IValue::release() {
  if (tag_ == Tag::Tensor) v_.t.~Tensor();
  else if (is_payload_ref(tag_) && v_.p && v_.p->release()) delete v_.p;
  tag_ = Tag::None;
  v_.i = 0;
}

void IValue::copy_payload_from(const IValue& o) {
  switch (o.tag_) {
    case Tag::Tensor: new (&v_.t) Tensor(o.v_.t); break;
    case Tag::Double: v_.d = o.v_.d; break;
    case Tag::Device: v_.device = o.v_.device; break;
    case Tag::None: case Tag::Int: case Tag::Bool: v_.i = o.v_.i; break;
    default:
      v_.p = o.v_.p;
      if (v_.p) v_.p->retain();
  }
  tag_ = o.tag_;
}

void IValue::move_payload_from(IValue& o) noexcept {
  if (o.tag_ == Tag::Tensor) {
    new (&v_.t) Tensor(std::move(o.v_.t));
    o.v_.t.~Tensor();
  } else if (o.tag_ == Tag::Double) {
    v_.d = o.v_.d;
  } else if (o.tag_ == Tag::Device) {
    v_.device = o.v_.device;
  } else if (is_payload_ref(o.tag_)) {
    v_.p = o.v_.p;
  } else {
    v_.i = o.v_.i;
  }
  tag_ = o.tag_;
  o.tag_ = Tag::None;
  o.v_.i = 0;
}

IValue::IValue(const IValue& o) : tag_(Tag::None) { copy_payload_from(o); }
IValue::IValue(IValue&& o) noexcept : tag_(Tag::None) { move_payload_from(o); }
IValue& IValue::operator=(const IValue& o) {
  if (this != &o) {
    IValue copy(o);  // before releasing: o may be owned by what this IValue holds
    release();
    move_payload_from(copy);
  }
  return *this;
}
IValue& IValue::operator=(IValue&& o) noexcept {
  if (this != &o) {
    release();
    move_payload_from(o);
  }
  return *this;
}

const char* IValue::tag_name() const {
  static const char* names[] = {"None", "Tensor", "float", "int", "bool", "str", "int[]", "float[]", "bool[]",
                                "Tensor[]", "list", "tuple", "Device", "Generator"};
  return names[static_cast<int>(tag_)];
}

void IValue::type_mismatch(const char* expected) const {
  EMBER_FAIL(TypeError, "[IValue] expected ", expected, ", got ", tag_name());
}

const Tensor& IValue::to_tensor() const& {
  if (tag_ != Tag::Tensor) type_mismatch("Tensor");
  return v_.t;
}
Tensor IValue::to_tensor() && {
  if (tag_ != Tag::Tensor) type_mismatch("Tensor");
  return v_.t;
}
double IValue::to_double() const {
  if (tag_ == Tag::Double) return v_.d;
  if (tag_ == Tag::Int) return static_cast<double>(v_.i);
  if (tag_ == Tag::Bool) return static_cast<double>(v_.i);
  type_mismatch("float");
}
int64_t IValue::to_int() const {
  if (tag_ == Tag::Int || tag_ == Tag::Bool) return v_.i;
  type_mismatch("int");
}
bool IValue::to_bool() const {
  if (tag_ == Tag::Bool) return v_.i != 0;
  type_mismatch("bool");
}
Scalar IValue::to_scalar() const {
  switch (tag_) {
    case Tag::Double: return Scalar(v_.d);
    case Tag::Int: return Scalar(v_.i);
    case Tag::Bool: return Scalar(v_.i != 0);
    case Tag::Tensor: return to_tensor().item();
    default: type_mismatch("Scalar (int, float or bool)");
  }
}
ScalarType IValue::to_scalar_type() const {
  int64_t v = to_int();
  EMBER_CHECK(v >= 0 && v < kNumScalarTypes, TypeError, "[IValue] ", v, " is not a ScalarType");
  return static_cast<ScalarType>(v);
}
const std::string& IValue::to_string_ref() const {
  if (tag_ != Tag::String) type_mismatch("str");
  return static_cast<StringPayload*>(v_.p)->value;
}
const std::vector<int64_t>& IValue::to_int_list() const {
  if (tag_ != Tag::IntList) type_mismatch("int[]");
  return static_cast<ListPayload<int64_t>*>(v_.p)->values;
}
const std::vector<double>& IValue::to_double_list() const {
  if (tag_ != Tag::DoubleList) type_mismatch("float[]");
  return static_cast<ListPayload<double>*>(v_.p)->values;
}
const std::vector<bool>& IValue::to_bool_list() const {
  if (tag_ != Tag::BoolList) type_mismatch("bool[]");
  return static_cast<ListPayload<bool>*>(v_.p)->values;
}
const std::vector<Tensor>& IValue::to_tensor_list() const {
  if (tag_ != Tag::TensorList) type_mismatch("Tensor[]");
  return static_cast<ListPayload<Tensor>*>(v_.p)->values;
}
const std::vector<IValue>& IValue::to_list() const {
  if (tag_ != Tag::GenericList) type_mismatch("list");
  return static_cast<ListPayload<IValue>*>(v_.p)->values;
}
const std::vector<IValue>& IValue::to_tuple() const {
  if (tag_ != Tag::Tuple) type_mismatch("tuple");
  return static_cast<ListPayload<IValue>*>(v_.p)->values;
}
Device IValue::to_device() const {
  if (tag_ != Tag::Device) type_mismatch("Device");
  return Device(v_.device.type, v_.device.index);
}
const Generator& IValue::to_generator() const {
  if (tag_ != Tag::Generator) type_mismatch("Generator");
  return static_cast<GeneratorPayload*>(v_.p)->value;
}
std::optional<Tensor> IValue::to_optional_tensor() const {
  if (tag_ == Tag::None) return std::nullopt;
  return to_tensor();
}

bool IValue::is_same(const IValue& o) const {
  if (tag_ != o.tag_) return false;
  switch (tag_) {
    case Tag::None: return true;
    case Tag::Double: return v_.d == o.v_.d;
    case Tag::Int: case Tag::Bool: return v_.i == o.v_.i;
    case Tag::Device: return v_.device.type == o.v_.device.type && v_.device.index == o.v_.device.index;
    case Tag::Tensor: return v_.t.impl() == o.v_.t.impl();
    default: return v_.p == o.v_.p;
  }
}

std::ostream& operator<<(std::ostream& os, const IValue& v) {
  switch (v.tag()) {
    case IValue::Tag::None: return os << "None";
    case IValue::Tag::Tensor: return os << v.to_tensor();
    case IValue::Tag::Double: return os << v.to_double();
    case IValue::Tag::Int: return os << v.to_int();
    case IValue::Tag::Bool: return os << (v.to_bool() ? "True" : "False");
    case IValue::Tag::String: return os << v.to_string_ref();
    case IValue::Tag::IntList: return os << IntArrayRef(v.to_int_list());
    case IValue::Tag::DoubleList: return os << ArrayRef<double>(v.to_double_list());
    case IValue::Tag::Device: return os << v.to_device();
    default: {
      os << v.tag_name() << "[";
      const std::vector<IValue>* items = v.is_list() ? &v.to_list() : v.is_tuple() ? &v.to_tuple() : nullptr;
      if (items)
        for (size_t i = 0; i < items->size(); ++i) os << (i ? ", " : "") << (*items)[i];
      return os << "]";
    }
  }
}

}  // namespace ember
