// TorchScript's static types: what the script compiler checks, the IR prints on every value and
// operator schemas describe (Tensor, int, float, bool, str, None, Scalar, Device, Generator,
// Any, List[T], Tuple[...], Dict[K, V], Optional[T], Future[T], type variables and classes).
//
// Types are immutable values held by TypePtr (shared_ptr<const Type>) and compared structurally,
// except classes, which are nominal (one ClassType object per class). A ClassType is filled in
// while its class is compiled (attributes, then methods) and read-only afterwards; the methods
// it lists are owned by the script::CompilationUnit that compiled them. Thread-safety: types are
// safe to share once built; building a ClassType is single-threaded.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/export.h"

namespace ember {

class IValue;
namespace script {
class Function;
}

enum class TypeKind : uint8_t {
  Any, Tensor, Int, Float, Bool, Str, None, Number, Device, Generator,
  List, Tuple, Dict, Optional, Future, Var, Class,
  Function,  // a script function used as a value (the callee of prim::CallFunction)
};

class Type;
class ClassType;
using TypePtr = std::shared_ptr<const Type>;
using ClassTypePtr = std::shared_ptr<ClassType>;

class EMBER_API Type {
 public:
  virtual ~Type() = default;

  TypeKind kind() const { return kind_; }
  // List, Optional, Future: {element}; Tuple: elements; Dict: {key, value}.
  const std::vector<TypePtr>& contained() const { return contained_; }
  const TypePtr& element() const { return contained_.at(0); }  // List, Optional, Future
  const std::string& name() const { return name_; }             // Var: "t"; Class: "__torch__.M"

  // The IR's spelling: int[], Tensor?, (int, str), Dict(str, int), Future(int), __torch__.M.
  std::string str() const;
  // The source dialect's spelling: List[int], Optional[Tensor], Tuple[int, str], Dict[str, int].
  std::string annotation_str() const;
  // What error messages print: annotation_str, and "Tensor (inferred)" for an unannotated
  // parameter's type.
  std::string repr_str() const;
  // The Tensor type of a parameter that had no annotation; equal to tensor() in every respect
  // but repr_str.
  bool is_inferred() const { return inferred_; }

  bool equals(const Type& o) const;
  // T <: Any; None, T <: Optional[T]; int, float <: Scalar; tuples covariantly; the rest exactly.
  bool is_subtype_of(const TypePtr& other) const;
  bool has_free_variables() const;  // contains a type variable

  static TypePtr any();
  static TypePtr tensor();
  static TypePtr inferred_tensor();
  // A Tensor type carrying what a trace observed, printed as given (PyTorch's form:
  // "Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu)"); equal to tensor() otherwise.
  static TypePtr tensor_with_details(std::string printed);
  static TypePtr int_();
  static TypePtr float_();
  static TypePtr bool_();
  static TypePtr str_();
  static TypePtr none();
  static TypePtr number();  // Scalar: int or float
  static TypePtr device();
  static TypePtr generator();
  static TypePtr function();
  static TypePtr list(TypePtr element);
  static TypePtr optional(TypePtr element);  // Optional[Optional[T]] collapses to Optional[T]
  static TypePtr tuple(std::vector<TypePtr> elements);
  static TypePtr dict(TypePtr key, TypePtr value);
  static TypePtr future(TypePtr element);
  static TypePtr var(std::string name);

 protected:
  Type(TypeKind kind, std::vector<TypePtr> contained, std::string name)
      : kind_(kind), contained_(std::move(contained)), name_(std::move(name)) {}

 private:
  TypeKind kind_;
  std::vector<TypePtr> contained_;
  std::string name_;

 protected:
  bool inferred_ = false;
};

inline bool operator==(const Type& a, const Type& b) { return a.equals(b); }
inline bool operator!=(const Type& a, const Type& b) { return !a.equals(b); }

// A script class or module type: named attribute slots (parameters and buffers are attributes
// with a flag) and the compiled methods.
class EMBER_API ClassType : public Type {
 public:
  struct Attribute {
    std::string name;
    TypePtr type;
    bool is_parameter = false;
    bool is_buffer = false;
  };

  static ClassTypePtr create(std::string qualified_name, bool is_module);

  bool is_module() const { return is_module_; }
  const std::vector<Attribute>& attributes() const { return attributes_; }
  // The slot of an attribute; nullopt when the class has none of that name.
  std::optional<size_t> find_attribute(const std::string& name) const;
  // Adds an attribute slot and returns its index; ValueError if the name is taken.
  size_t add_attribute(const std::string& name, TypePtr type, bool is_parameter = false, bool is_buffer = false);
  // Changes an existing attribute's type (refining Optional on assignment is not allowed).
  void set_attribute_type(size_t slot, TypePtr type) { attributes_.at(slot).type = std::move(type); }

  using Method = std::pair<std::string, script::Function*>;
  const std::vector<Method>& methods() const { return methods_; }
  script::Function* find_method(const std::string& name) const;  // nullptr when absent
  void add_method(const std::string& name, script::Function* fn);

 private:
  ClassType(std::string name, bool is_module);
  bool is_module_;
  std::vector<Attribute> attributes_;
  std::vector<Method> methods_;
};

// The type two branches of an `if` (or two returns) may share: the supertype when one is a
// subtype of the other, Optional[T] for None and T, element-wise for tuples; nullptr if none.
EMBER_API TypePtr unify_types(const TypePtr& a, const TypePtr& b);

// Binds the type variables of `formal` against `actual` (t in t[] against int[] gives t = int).
// Returns false, with a reason in *why_not, when actual cannot match formal.
using TypeEnv = std::map<std::string, TypePtr>;
EMBER_API bool match_type_variables(const TypePtr& formal, const TypePtr& actual, TypeEnv& env,
                                    std::string* why_not);
// formal with its bound variables replaced; nullptr if a variable is unbound.
EMBER_API TypePtr substitute_type_variables(const TypePtr& formal, const TypeEnv& env);

// The dynamic type of a value (lists of unknown element type from an empty generic list are
// List[Tensor], as an empty `[]` is in TorchScript).
EMBER_API TypePtr type_of(const IValue& v);
// Whether a value may be passed where `type` is expected (checks list and tuple elements).
EMBER_API bool value_has_type(const IValue& v, const TypePtr& type);

}  // namespace ember
