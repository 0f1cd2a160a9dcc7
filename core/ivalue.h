// IValue: a tagged value on the boxed calling convention's stack (the interpreter, fallbacks,
// the plugin ABI adapter). Holds None, Tensor, double, int, bool, string, lists, tuples, a
// Device or a Generator. Small values are stored inline; the rest are reference counted, so
// copying an IValue never copies a list. Thread-safety: as the values it holds.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/layout.h"
#include "core/tensor.h"

namespace ember {

class IValue;
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

class EMBER_API IValue {
 public:
  enum class Tag : uint8_t {
    None, Tensor, Double, Int, Bool, String, IntList, DoubleList, BoolList, TensorList,
    GenericList, Tuple, Device, Generator,
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

  IValue(const IValue& o);
  IValue(IValue&& o) noexcept;
  IValue& operator=(const IValue& o);
  IValue& operator=(IValue&& o) noexcept;
  ~IValue() { release(); }

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

  // Identity for reference types, value equality for the rest.
  bool is_same(const IValue& o) const;

 private:
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

}  // namespace ember
