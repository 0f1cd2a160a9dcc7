// IValue: a tagged value on the boxed calling convention's stack (the interpreter, fallbacks,
// the plugin ABI adapter). Holds None, Tensor, double, int, bool, string, lists, tuples, a
// Device or a Generator, and TorchScript's reference types: dicts, objects (script classes and
// modules) and futures. Small values are stored inline; the rest are reference counted, so
// copying an IValue never copies a list. Lists, dicts and objects are mutable and shared by
// every copy, as in Python (mutable_list(), ivalue::Dict, ivalue::Object). Thread-safety: as the
// values it holds; a Future synchronizes itself.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/layout.h"
#include "core/tensor.h"

namespace ember {

class IValue;
class ClassType;
class Type;
using Stack = std::vector<IValue>;

namespace detail {
template <typename T>
struct ListPayload : RefCounted {
  explicit ListPayload(std::vector<T> v) : values(std::move(v)) {}
  std::vector<T> values;
};
struct StringPayload : RefCounted {
  explicit StringPayload(std::string v) : value(std::move(v)) {}
  std::string value;
};
struct GeneratorPayload : RefCounted {
  explicit GeneratorPayload(Generator g) : value(std::move(g)) {}
  Generator value;
};
}  // namespace detail

namespace ivalue {
class Dict;
class Object;
class Future;
}  // namespace ivalue

class EMBER_API IValue {
 public:
  enum class Tag : uint8_t {
    None, Tensor, Double, Int, Bool, String, IntList, DoubleList, BoolList, TensorList,
    GenericList, Tuple, Device, Generator, Dict, Object, Future,
  };

  IValue() : tag_(Tag::None) { v_.i = 0; }
  IValue(std::nullopt_t) : IValue() {}  // NOLINT
  IValue(const Tensor& t);              // NOLINT: an undefined tensor becomes None
  IValue(Tensor&& t);                   // NOLINT
  IValue(double v) : tag_(Tag::Double) { v_.d = v; }  // NOLINT
  IValue(int64_t v) : tag_(Tag::Int) { v_.i = v; }    // NOLINT
  IValue(int v) : IValue(static_cast<int64_t>(v)) {}  // NOLINT
  IValue(bool v) : tag_(Tag::Bool) { v_.i = v; }      // NOLINT
  IValue(const char* v) : IValue(std::string(v)) {}   // NOLINT
  IValue(std::string v);                              // NOLINT
  IValue(const Scalar& s);                            // NOLINT: int, double or bool
  IValue(ScalarType t) : IValue(static_cast<int64_t>(t)) {}  // NOLINT: as PyTorch, an int
  IValue(Device d) : tag_(Tag::Device) { v_.device = {d.type(), d.index()}; }  // NOLINT
  IValue(Generator g);                               // NOLINT
  IValue(std::vector<int64_t> v);                    // NOLINT
  IValue(IntArrayRef v) : IValue(v.vec()) {}         // NOLINT
  IValue(std::vector<double> v);                     // NOLINT
  IValue(ArrayRef<double> v) : IValue(v.vec()) {}    // NOLINT
  IValue(Layout v) : IValue(static_cast<int64_t>(v)) {}        // NOLINT: as PyTorch, an int
  IValue(MemoryFormat v) : IValue(static_cast<int64_t>(v)) {}  // NOLINT
  IValue(std::vector<bool> v);                       // NOLINT
  IValue(std::vector<Tensor> v);                     // NOLINT
  IValue(TensorList v) : IValue(std::vector<Tensor>(v.begin(), v.end())) {}  // NOLINT
  IValue(std::vector<IValue> v);                     // NOLINT: a generic list
// GCC 12 reports the payload of a disengaged optional as maybe-uninitialized here when the
// call is inlined into a caller that passed std::nullopt (a known false positive: *v is read
// only when v is engaged).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  template <typename T>
  IValue(const std::optional<T>& v) : IValue() {  // NOLINT
    if (v) *this = IValue(*v);
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  static IValue tuple(std::vector<IValue> elements);
  static IValue dict();                                                // an empty ivalue::Dict
  static IValue object(std::shared_ptr<ClassType> type, size_t num_slots);  // slots are None
  static IValue future();                                              // not yet completed

  // Copies and moves of numbers, bools, None and devices (what interpreters shuffle most) are
  // inline; tensors and reference-counted payloads take the out-of-line path.
  IValue(const IValue& o) : tag_(Tag::None) {
    if (is_trivial_tag(o.tag_)) copy_trivial_from(o);
    else copy_payload_from(o);
  }
  IValue(IValue&& o) noexcept : tag_(Tag::None) {
    if (is_trivial_tag(o.tag_)) {
      copy_trivial_from(o);
      o.tag_ = Tag::None;
    } else {
      move_payload_from(o);
    }
  }
  IValue& operator=(const IValue& o);
  IValue& operator=(IValue&& o) noexcept {
    if (this != &o) {
      if (!is_trivial_tag(tag_)) release();
      if (is_trivial_tag(o.tag_)) {
        copy_trivial_from(o);
        o.tag_ = Tag::None;
      } else {
        move_payload_from(o);
      }
    }
    return *this;
  }
  ~IValue() {
    if (!is_trivial_tag(tag_)) release();
  }

  Tag tag() const { return tag_; }
  const char* tag_name() const;
  bool is_none() const { return tag_ == Tag::None; }
  bool is_tensor() const { return tag_ == Tag::Tensor; }
  bool is_double() const { return tag_ == Tag::Double; }
  bool is_int() const { return tag_ == Tag::Int; }
  bool is_bool() const { return tag_ == Tag::Bool; }
  bool is_string() const { return tag_ == Tag::String; }
  bool is_int_list() const { return tag_ == Tag::IntList; }
  bool is_double_list() const { return tag_ == Tag::DoubleList; }
  bool is_bool_list() const { return tag_ == Tag::BoolList; }
  bool is_tensor_list() const { return tag_ == Tag::TensorList; }
  bool is_list() const { return tag_ == Tag::GenericList; }
  bool is_tuple() const { return tag_ == Tag::Tuple; }
  bool is_device() const { return tag_ == Tag::Device; }
  bool is_generator() const { return tag_ == Tag::Generator; }
  bool is_dict() const { return tag_ == Tag::Dict; }
  bool is_object() const { return tag_ == Tag::Object; }
  bool is_future() const { return tag_ == Tag::Future; }
  // Any of the five list representations (int[], float[], bool[], Tensor[], generic).
  bool is_any_list() const {
    return tag_ == Tag::IntList || tag_ == Tag::DoubleList || tag_ == Tag::BoolList || tag_ == Tag::TensorList ||
           tag_ == Tag::GenericList;
  }
  bool is_scalar() const { return tag_ == Tag::Double || tag_ == Tag::Int || tag_ == Tag::Bool; }

  // Accessors throw TypeError naming both tags on a mismatch.
  const Tensor& to_tensor() const&;
  Tensor to_tensor() &&;
  double to_double() const;  // also accepts Int
  int64_t to_int() const;
  bool to_bool() const;
  Scalar to_scalar() const;
  ScalarType to_scalar_type() const;
  const std::string& to_string_ref() const;
  const std::vector<int64_t>& to_int_list() const;
  const std::vector<double>& to_double_list() const;
  const std::vector<bool>& to_bool_list() const;
  const std::vector<Tensor>& to_tensor_list() const;
  const std::vector<IValue>& to_list() const;   // GenericList
  const std::vector<IValue>& to_tuple() const;  // Tuple
  Device to_device() const;
  const Generator& to_generator() const;
  std::optional<Tensor> to_optional_tensor() const;
  // The shared, mutable payloads of reference types (TypeError on a tag mismatch).
  ivalue::Dict& to_dict() const;
  ivalue::Object& to_object() const;
  ivalue::Future& to_future() const;
  std::vector<IValue>& mutable_list() const;  // GenericList
  std::vector<int64_t>& mutable_int_list() const;
  std::vector<double>& mutable_double_list() const;
  std::vector<bool>& mutable_bool_list() const;
  std::vector<Tensor>& mutable_tensor_list() const;

  // Identity for reference types, value equality for the rest.
  bool is_same(const IValue& o) const;
  // Python's `==` for hashable keys (None, numbers, bool, str; Tensors and other reference
  // types by identity) and its hash; what ivalue::Dict keys use.
  bool key_equals(const IValue& o) const;
  size_t key_hash() const;

  // libtorch's spellings (c10::IValue).
  bool isNone() const { return is_none(); }
  bool isTensor() const { return is_tensor(); }
  bool isDouble() const { return is_double(); }
  bool isInt() const { return is_int(); }
  bool isBool() const { return is_bool(); }
  bool isString() const { return is_string(); }
  const Tensor& toTensor() const& { return to_tensor(); }
  Tensor toTensor() && { return std::move(*this).to_tensor(); }
  double toDouble() const { return to_double(); }
  int64_t toInt() const { return to_int(); }
  bool toBool() const { return to_bool(); }
  Scalar toScalar() const { return to_scalar(); }
  const std::string& toStringRef() const { return to_string_ref(); }

 private:
  // Tags whose payload is plain bits (no destructor, no reference count).
  static constexpr bool is_trivial_tag(Tag t) {
    return t == Tag::None || t == Tag::Double || t == Tag::Int || t == Tag::Bool || t == Tag::Device;
  }
  // Copies a trivial-tagged o into this IValue, whose payload holds nothing.
  void copy_trivial_from(const IValue& o) {
    if (o.tag_ == Tag::Double) v_.d = o.v_.d;
    else if (o.tag_ == Tag::Device) v_.device = o.v_.device;
    else v_.i = o.v_.i;
    tag_ = o.tag_;
  }
  void release();
  // Copies o's payload into this IValue, whose payload holds nothing (sharing references).
  void copy_payload_from(const IValue& o);
  // Moves o's payload into this IValue (whose payload holds nothing) and leaves o None.
  void move_payload_from(IValue& o) noexcept;
  [[noreturn]] void type_mismatch(const char* expected) const;

  Tag tag_;
  // A Tensor is a real member (constructed and destroyed with the tag), so to_tensor() can
  // return a reference to it; the other reference types are RefCounted payloads behind p.
  union Payload {
    Payload() : i(0) {}
    ~Payload() {}
    double d;
    int64_t i;
    RefCounted* p;
    Tensor t;
    struct {
      int16_t type;
      int16_t index;
    } device;
  } v_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const IValue& v);

namespace ivalue {

// A dict that keeps insertion order, as Python's (and TorchScript's) dicts do. Keys: None,
// int, float, bool, str, Tensor (by identity). Not synchronized: a script shares a dict between
// threads only if it synchronizes itself.
class EMBER_API Dict : public RefCounted {
 public:
  using Entry = std::pair<IValue, IValue>;
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  // The static key and value types of the script dict (null when built from C++ untyped).
  const std::shared_ptr<const Type>& key_type() const { return key_type_; }
  const std::shared_ptr<const Type>& value_type() const { return value_type_; }
  void set_types(std::shared_ptr<const Type> key, std::shared_ptr<const Type> value) {
    key_type_ = std::move(key);
    value_type_ = std::move(value);
  }
  const IValue* find(const IValue& key) const;  // nullptr when absent
  void insert_or_assign(IValue key, IValue value);
  bool erase(const IValue& key);  // false when absent
  void clear();

 private:
  struct KeyHash {
    size_t operator()(const IValue& k) const { return k.key_hash(); }
  };
  struct KeyEq {
    bool operator()(const IValue& a, const IValue& b) const { return a.key_equals(b); }
  };
  std::vector<Entry> entries_;
  std::unordered_map<IValue, size_t, KeyHash, KeyEq> index_;
  std::shared_ptr<const Type> key_type_, value_type_;
};

// An instance of a script class or module: one slot per attribute of its ClassType.
class EMBER_API Object : public RefCounted {
 public:
  Object(std::shared_ptr<ClassType> type, size_t num_slots) : type_(std::move(type)), slots_(num_slots) {}
  const std::shared_ptr<ClassType>& type() const { return type_; }
  std::vector<IValue>& slots() { return slots_; }
  const std::vector<IValue>& slots() const { return slots_; }
  // By attribute name (IndexError naming the class when absent).
  const IValue& attr(const std::string& name) const;
  void set_attr(const std::string& name, IValue value);

 private:
  std::shared_ptr<ClassType> type_;
  std::vector<IValue> slots_;
};

// A value that becomes available later (fork/wait). Thread-safe.
class EMBER_API Future : public RefCounted {
 public:
  void mark_completed(IValue value);
  void set_error(std::string message);
  bool completed() const;
  // Blocks until completed; rethrows a set error as RuntimeError.
  IValue wait() const;
  // The value of a completed future (RuntimeError when not completed or failed).
  IValue value() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool completed_ = false;
  IValue value_;
  std::string error_;
};

}  // namespace ivalue

}  // namespace ember
