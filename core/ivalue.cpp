// IValue storage management and accessors.
#include "core/ivalue.h"

#include <cmath>

#include <functional>
#include <new>

#include "core/jit_type.h"

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

IValue IValue::dict() {
  IValue r;
  r.tag_ = Tag::Dict;
  r.v_.p = new_payload<ivalue::Dict>();
  return r;
}
IValue IValue::object(std::shared_ptr<ClassType> type, size_t num_slots) {
  IValue r;
  r.tag_ = Tag::Object;
  r.v_.p = new_payload<ivalue::Object>(std::move(type), num_slots);
  return r;
}
IValue IValue::future() {
  IValue r;
  r.tag_ = Tag::Future;
  r.v_.p = new_payload<ivalue::Future>();
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

IValue& IValue::operator=(const IValue& o) {
  if (this != &o) {
    IValue copy(o);  // before releasing: o may be owned by what this IValue holds
    release();
    move_payload_from(copy);
  }
  return *this;
}

const char* IValue::tag_name() const {
  static const char* names[] = {"None", "Tensor", "float", "int", "bool", "str", "int[]", "float[]", "bool[]",
                                "Tensor[]", "list", "tuple", "Device", "Generator", "dict", "object", "Future"};
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

ivalue::Dict& IValue::to_dict() const {
  if (tag_ != Tag::Dict) type_mismatch("dict");
  return *static_cast<ivalue::Dict*>(v_.p);
}
ivalue::Object& IValue::to_object() const {
  if (tag_ != Tag::Object) type_mismatch("object");
  return *static_cast<ivalue::Object*>(v_.p);
}
ivalue::Future& IValue::to_future() const {
  if (tag_ != Tag::Future) type_mismatch("Future");
  return *static_cast<ivalue::Future*>(v_.p);
}
std::vector<IValue>& IValue::mutable_list() const {
  if (tag_ != Tag::GenericList) type_mismatch("list");
  return static_cast<ListPayload<IValue>*>(v_.p)->values;
}
std::vector<int64_t>& IValue::mutable_int_list() const {
  if (tag_ != Tag::IntList) type_mismatch("int[]");
  return static_cast<ListPayload<int64_t>*>(v_.p)->values;
}
std::vector<double>& IValue::mutable_double_list() const {
  if (tag_ != Tag::DoubleList) type_mismatch("float[]");
  return static_cast<ListPayload<double>*>(v_.p)->values;
}
std::vector<bool>& IValue::mutable_bool_list() const {
  if (tag_ != Tag::BoolList) type_mismatch("bool[]");
  return static_cast<ListPayload<bool>*>(v_.p)->values;
}
std::vector<Tensor>& IValue::mutable_tensor_list() const {
  if (tag_ != Tag::TensorList) type_mismatch("Tensor[]");
  return static_cast<ListPayload<Tensor>*>(v_.p)->values;
}

bool IValue::key_equals(const IValue& o) const {
  if (tag_ == Tag::String && o.tag_ == Tag::String) return to_string_ref() == o.to_string_ref();
  bool numeric = is_scalar() && o.is_scalar();
  if (numeric) {
    if (tag_ == Tag::Double || o.tag_ == Tag::Double) return to_double() == o.to_double();
    return v_.i == o.v_.i;
  }
  return is_same(o);
}

size_t IValue::key_hash() const {
  switch (tag_) {
    case Tag::None: return 0;
    case Tag::Int:
    case Tag::Bool: return std::hash<int64_t>()(v_.i);
    case Tag::Double: {
      // Integral floats hash like the equal int, as key_equals treats 1.0 == 1.
      // Only floats inside int64's range convert (a cast of 1e300 or NaN is undefined behaviour).
      constexpr double kTwoTo63 = 9223372036854775808.0;
      const double d = v_.d;
      if (d >= -kTwoTo63 && d < kTwoTo63 && std::trunc(d) == d) return std::hash<int64_t>()(static_cast<int64_t>(d));
      return std::hash<double>()(d);
    }
    case Tag::String: return std::hash<std::string>()(to_string_ref());
    case Tag::Device: return std::hash<int64_t>()(v_.device.type * 65536 + v_.device.index);
    case Tag::Tensor: return std::hash<const void*>()(v_.t.impl());
    default: return std::hash<const void*>()(v_.p);
  }
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
    case IValue::Tag::Dict: {
      os << "{";
      const auto& entries = v.to_dict().entries();
      for (size_t i = 0; i < entries.size(); ++i) os << (i ? ", " : "") << entries[i].first << ": " << entries[i].second;
      return os << "}";
    }
    case IValue::Tag::Object: return os << "<" << v.to_object().type()->name() << " object>";
    case IValue::Tag::Future: return os << "Future";
    default: {
      os << v.tag_name() << "[";
      const std::vector<IValue>* items = v.is_list() ? &v.to_list() : v.is_tuple() ? &v.to_tuple() : nullptr;
      if (items)
        for (size_t i = 0; i < items->size(); ++i) os << (i ? ", " : "") << (*items)[i];
      return os << "]";
    }
  }
}

// ---- ivalue::Dict, Object, Future ----------------------------------------------------------------

namespace ivalue {

const IValue* Dict::find(const IValue& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

void Dict::insert_or_assign(IValue key, IValue value) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    entries_[it->second].second = std::move(value);
    return;
  }
  index_.emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
}

bool Dict::erase(const IValue& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
  return true;
}

void Dict::clear() {
  entries_.clear();
  index_.clear();
}

const IValue& Object::attr(const std::string& name) const {
  std::optional<size_t> slot = type_->find_attribute(name);
  EMBER_CHECK(slot.has_value(), IndexError, "[", type_->name(), "] has no attribute '", name, "'");
  return slots_[*slot];
}

void Object::set_attr(const std::string& name, IValue value) {
  std::optional<size_t> slot = type_->find_attribute(name);
  EMBER_CHECK(slot.has_value(), IndexError, "[", type_->name(), "] has no attribute '", name, "'");
  slots_[*slot] = std::move(value);
}

void Future::mark_completed(IValue value) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EMBER_CHECK(!completed_, RuntimeError, "[Future] completed twice");
    value_ = std::move(value);
    completed_ = true;
  }
  cv_.notify_all();
}

void Future::set_error(std::string message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EMBER_CHECK(!completed_, RuntimeError, "[Future] completed twice");
    error_ = message.empty() ? "unknown error" : std::move(message);
    completed_ = true;
  }
  cv_.notify_all();
}

bool Future::completed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return completed_;
}

IValue Future::wait() const {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return completed_; });
  EMBER_CHECK(error_.empty(), RuntimeError, error_);
  return value_;
}

IValue Future::value() const {
  std::lock_guard<std::mutex> lock(mutex_);
  EMBER_CHECK(completed_, RuntimeError, "[Future] value() of a future that has not completed");
  EMBER_CHECK(error_.empty(), RuntimeError, error_);
  return value_;
}

}  // namespace ivalue

}  // namespace ember
