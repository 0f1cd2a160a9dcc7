// TorchScript types: construction, printing, subtyping, unification, type variables.
#include "core/jit_type.h"

#include "core/error.h"
#include "core/ivalue.h"

namespace ember {

namespace {

// Type's constructor is protected; this is the one concrete class for every non-class kind.
class PlainType : public Type {
 public:
  PlainType(TypeKind kind, std::vector<TypePtr> contained = {}, std::string name = "")
      : Type(kind, std::move(contained), std::move(name)) {}
  void mark_inferred() { inferred_ = true; }
};

TypePtr make(TypeKind kind, std::vector<TypePtr> contained = {}, std::string name = "") {
  return std::make_shared<PlainType>(kind, std::move(contained), std::move(name));
}

std::string join(const std::vector<TypePtr>& ts, bool annotation) {
  std::string s;
  for (size_t i = 0; i < ts.size(); ++i) s += (i ? ", " : "") + (annotation ? ts[i]->annotation_str() : ts[i]->str());
  return s;
}

}  // namespace

// ---- singletons and constructors ----------------------------------------------------------------

#define EMBER_SINGLETON_TYPE(fn, KIND)      \
  TypePtr Type::fn() {                      \
    static const TypePtr t = make(KIND);    \
    return t;                               \
  }
TypePtr Type::inferred_tensor() {
  static const TypePtr t = [] {
    auto p = std::make_shared<PlainType>(TypeKind::Tensor);
    p->mark_inferred();
    return p;
  }();
  return t;
}

EMBER_SINGLETON_TYPE(any, TypeKind::Any)
EMBER_SINGLETON_TYPE(tensor, TypeKind::Tensor)
EMBER_SINGLETON_TYPE(int_, TypeKind::Int)
EMBER_SINGLETON_TYPE(float_, TypeKind::Float)
EMBER_SINGLETON_TYPE(bool_, TypeKind::Bool)
EMBER_SINGLETON_TYPE(str_, TypeKind::Str)
EMBER_SINGLETON_TYPE(none, TypeKind::None)
EMBER_SINGLETON_TYPE(number, TypeKind::Number)
EMBER_SINGLETON_TYPE(device, TypeKind::Device)
EMBER_SINGLETON_TYPE(generator, TypeKind::Generator)
EMBER_SINGLETON_TYPE(function, TypeKind::Function)
#undef EMBER_SINGLETON_TYPE

TypePtr Type::tensor_with_details(std::string printed) { return make(TypeKind::Tensor, {}, std::move(printed)); }

TypePtr Type::list(TypePtr element) { return make(TypeKind::List, {std::move(element)}); }
TypePtr Type::optional(TypePtr element) {
  if (element->kind() == TypeKind::Optional || element->kind() == TypeKind::None) return element;
  return make(TypeKind::Optional, {std::move(element)});
}
TypePtr Type::tuple(std::vector<TypePtr> elements) { return make(TypeKind::Tuple, std::move(elements)); }
TypePtr Type::dict(TypePtr key, TypePtr value) { return make(TypeKind::Dict, {std::move(key), std::move(value)}); }
TypePtr Type::future(TypePtr element) { return make(TypeKind::Future, {std::move(element)}); }
TypePtr Type::var(std::string name) { return make(TypeKind::Var, {}, std::move(name)); }

// ---- printing -------------------------------------------------------------------------------------

std::string Type::str() const {
  switch (kind_) {
    case TypeKind::Any: return "Any";
    case TypeKind::Tensor: return name_.empty() ? "Tensor" : name_;
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Bool: return "bool";
    case TypeKind::Str: return "str";
    case TypeKind::None: return "NoneType";
    case TypeKind::Number: return "Scalar";
    case TypeKind::Device: return "Device";
    case TypeKind::Generator: return "Generator";
    case TypeKind::Function: return "Function";
    case TypeKind::List: return element()->str() + "[]";
    case TypeKind::Optional: return element()->str() + "?";
    case TypeKind::Tuple: return "(" + join(contained_, false) + ")";
    case TypeKind::Dict: return "Dict(" + join(contained_, false) + ")";
    case TypeKind::Future: return "Future(" + element()->str() + ")";
    case TypeKind::Var:
    case TypeKind::Class: return name_;
  }
  return "?";
}

std::string Type::annotation_str() const {
  switch (kind_) {
    case TypeKind::Tensor: return "Tensor";
    case TypeKind::Number: return "number";
    case TypeKind::List: return "List[" + element()->annotation_str() + "]";
    case TypeKind::Optional: return "Optional[" + element()->annotation_str() + "]";
    case TypeKind::Tuple: return contained_.empty() ? "Tuple[()]" : "Tuple[" + join(contained_, true) + "]";
    case TypeKind::Dict: return "Dict[" + join(contained_, true) + "]";
    case TypeKind::Future: return "Future[" + element()->annotation_str() + "]";
    default: return str();
  }
}

std::string Type::repr_str() const { return inferred_ ? annotation_str() + " (inferred)" : annotation_str(); }

// ---- relations ----------------------------------------------------------------------------------

bool Type::equals(const Type& o) const {
  if (this == &o) return true;
  if (kind_ != o.kind_) return false;
  if (kind_ == TypeKind::Class) return false;  // nominal: only the same object
  if ((kind_ == TypeKind::Var) && name_ != o.name_) return false;  // Tensor details do not count
  if (contained_.size() != o.contained_.size()) return false;
  for (size_t i = 0; i < contained_.size(); ++i)
    if (!contained_[i]->equals(*o.contained_[i])) return false;
  return true;
}

bool Type::is_subtype_of(const TypePtr& other) const {
  if (equals(*other)) return true;
  switch (other->kind()) {
    case TypeKind::Any: return true;
    case TypeKind::Optional:
      if (kind_ == TypeKind::None) return true;
      if (kind_ == TypeKind::Optional) return element()->is_subtype_of(other->element());
      return is_subtype_of(other->element());
    case TypeKind::Number: return kind_ == TypeKind::Int || kind_ == TypeKind::Float;
    case TypeKind::Tuple: {
      if (kind_ != TypeKind::Tuple || contained_.size() != other->contained().size()) return false;
      for (size_t i = 0; i < contained_.size(); ++i)
        if (!contained_[i]->is_subtype_of(other->contained()[i])) return false;
      return true;
    }
    case TypeKind::Future:
      return kind_ == TypeKind::Future && element()->is_subtype_of(other->element());
    default: return false;
  }
}

bool Type::has_free_variables() const {
  if (kind_ == TypeKind::Var) return true;
  for (const TypePtr& c : contained_)
    if (c->has_free_variables()) return true;
  return false;
}

TypePtr unify_types(const TypePtr& a, const TypePtr& b) {
  if (a->is_subtype_of(b)) return b;
  if (b->is_subtype_of(a)) return a;
  if (a->kind() == TypeKind::None) return Type::optional(b);
  if (b->kind() == TypeKind::None) return Type::optional(a);
  if (a->kind() == TypeKind::Optional && b->kind() == TypeKind::Optional) {
    if (TypePtr e = unify_types(a->element(), b->element())) return Type::optional(e);
    return nullptr;
  }
  if (a->kind() == TypeKind::Optional || b->kind() == TypeKind::Optional) {
    const TypePtr& opt = a->kind() == TypeKind::Optional ? a : b;
    const TypePtr& plain = a->kind() == TypeKind::Optional ? b : a;
    if (TypePtr e = unify_types(opt->element(), plain)) return Type::optional(e);
    return nullptr;
  }
  if (a->kind() == TypeKind::Tuple && b->kind() == TypeKind::Tuple && a->contained().size() == b->contained().size()) {
    std::vector<TypePtr> elems;
    for (size_t i = 0; i < a->contained().size(); ++i) {
      TypePtr e = unify_types(a->contained()[i], b->contained()[i]);
      if (!e) return nullptr;
      elems.push_back(e);
    }
    return Type::tuple(std::move(elems));
  }
  return nullptr;
}

bool match_type_variables(const TypePtr& formal, const TypePtr& actual, TypeEnv& env, std::string* why_not) {
  auto fail = [&](const std::string& reason) {
    if (why_not) *why_not = reason;
    return false;
  };
  if (!formal->has_free_variables()) return true;  // the caller checks subtyping afterwards
  switch (formal->kind()) {
    case TypeKind::Var: {
      auto it = env.find(formal->name());
      if (it == env.end()) {
        env[formal->name()] = actual;
        return true;
      }
      if (TypePtr unified = unify_types(it->second, actual)) {
        it->second = unified;
        return true;
      }
      return fail("Type variable '" + formal->name() + "' previously matched to type " + it->second->repr_str() +
                  " is matched to type " + actual->repr_str());
    }
    case TypeKind::List:
    case TypeKind::Future:
      if (actual->kind() != formal->kind())
        return fail("Cannot match " + formal->repr_str() + " to " + actual->repr_str());
      return match_type_variables(formal->element(), actual->element(), env, why_not);
    case TypeKind::Optional:
      if (actual->kind() == TypeKind::None) return true;  // binds nothing
      if (actual->kind() == TypeKind::Optional)
        return match_type_variables(formal->element(), actual->element(), env, why_not);
      return match_type_variables(formal->element(), actual, env, why_not);
    case TypeKind::Tuple:
    case TypeKind::Dict:
      if (actual->kind() != formal->kind() || actual->contained().size() != formal->contained().size())
        return fail("Cannot match " + formal->repr_str() + " to " + actual->repr_str());
      for (size_t i = 0; i < formal->contained().size(); ++i)
        if (!match_type_variables(formal->contained()[i], actual->contained()[i], env, why_not)) return false;
      return true;
    default: return true;
  }
}

TypePtr substitute_type_variables(const TypePtr& formal, const TypeEnv& env) {
  if (!formal->has_free_variables()) return formal;
  if (formal->kind() == TypeKind::Var) {
    auto it = env.find(formal->name());
    return it == env.end() ? nullptr : it->second;
  }
  std::vector<TypePtr> contained;
  for (const TypePtr& c : formal->contained()) {
    TypePtr s = substitute_type_variables(c, env);
    if (!s) return nullptr;
    contained.push_back(s);
  }
  switch (formal->kind()) {
    case TypeKind::List: return Type::list(contained[0]);
    case TypeKind::Optional: return Type::optional(contained[0]);
    case TypeKind::Future: return Type::future(contained[0]);
    case TypeKind::Tuple: return Type::tuple(std::move(contained));
    case TypeKind::Dict: return Type::dict(contained[0], contained[1]);
    default: return formal;
  }
}

// ---- classes --------------------------------------------------------------------------------------

ClassType::ClassType(std::string name, bool is_module) : Type(TypeKind::Class, {}, std::move(name)), is_module_(is_module) {}

ClassTypePtr ClassType::create(std::string qualified_name, bool is_module) {
  return ClassTypePtr(new ClassType(std::move(qualified_name), is_module));
}

std::optional<size_t> ClassType::find_attribute(const std::string& name) const {
  for (size_t i = 0; i < attributes_.size(); ++i)
    if (attributes_[i].name == name) return i;
  return std::nullopt;
}

size_t ClassType::add_attribute(const std::string& name, TypePtr type, bool is_parameter, bool is_buffer) {
  EMBER_CHECK(!find_attribute(name), ValueError, "[", this->name(), "] attribute '", name, "' already exists");
  attributes_.push_back({name, std::move(type), is_parameter, is_buffer});
  return attributes_.size() - 1;
}

script::Function* ClassType::find_method(const std::string& name) const {
  for (const Method& m : methods_)
    if (m.first == name) return m.second;
  return nullptr;
}

void ClassType::add_method(const std::string& name, script::Function* fn) {
  EMBER_CHECK(!find_method(name), ValueError, "[", this->name(), "] method '", name, "' is defined twice");
  methods_.emplace_back(name, fn);
}

// ---- values -----------------------------------------------------------------------------------

TypePtr type_of(const IValue& v) {
  switch (v.tag()) {
    case IValue::Tag::None: return Type::none();
    case IValue::Tag::Tensor: return Type::tensor();
    case IValue::Tag::Double: return Type::float_();
    case IValue::Tag::Int: return Type::int_();
    case IValue::Tag::Bool: return Type::bool_();
    case IValue::Tag::String: return Type::str_();
    case IValue::Tag::IntList: return Type::list(Type::int_());
    case IValue::Tag::DoubleList: return Type::list(Type::float_());
    case IValue::Tag::BoolList: return Type::list(Type::bool_());
    case IValue::Tag::TensorList: return Type::list(Type::tensor());
    case IValue::Tag::GenericList: {
      const std::vector<IValue>& items = v.to_list();
      if (items.empty()) return Type::list(Type::tensor());
      TypePtr elem = type_of(items[0]);
      for (size_t i = 1; i < items.size() && elem; ++i) elem = unify_types(elem, type_of(items[i]));
      return Type::list(elem ? elem : Type::any());
    }
    case IValue::Tag::Tuple: {
      std::vector<TypePtr> elems;
      for (const IValue& e : v.to_tuple()) elems.push_back(type_of(e));
      return Type::tuple(std::move(elems));
    }
    case IValue::Tag::Device: return Type::device();
    case IValue::Tag::Generator: return Type::generator();
    case IValue::Tag::Dict: {
      const ivalue::Dict& d = v.to_dict();
      if (d.key_type() && d.value_type()) return Type::dict(d.key_type(), d.value_type());
      if (d.size() == 0) return Type::dict(Type::str_(), Type::tensor());
      return Type::dict(type_of(d.entries()[0].first), type_of(d.entries()[0].second));
    }
    case IValue::Tag::Object: return v.to_object().type();
    case IValue::Tag::Future: {
      const ivalue::Future& f = v.to_future();
      return Type::future(f.completed() ? type_of(f.value()) : Type::any());
    }
  }
  return Type::any();
}

bool value_has_type(const IValue& v, const TypePtr& type) {
  switch (type->kind()) {
    case TypeKind::Any: return true;
    case TypeKind::Optional: return v.is_none() || value_has_type(v, type->element());
    case TypeKind::Number: return v.is_int() || v.is_double();
    case TypeKind::Float: return v.is_double();
    case TypeKind::Int: return v.is_int();
    case TypeKind::List: {
      const TypePtr& e = type->element();
      switch (v.tag()) {
        case IValue::Tag::IntList: return e->kind() == TypeKind::Int;
        case IValue::Tag::DoubleList: return e->kind() == TypeKind::Float;
        case IValue::Tag::BoolList: return e->kind() == TypeKind::Bool;
        case IValue::Tag::TensorList: return e->kind() == TypeKind::Tensor || v.to_tensor_list().empty();
        case IValue::Tag::GenericList:
          for (const IValue& item : v.to_list())
            if (!value_has_type(item, e)) return false;
          return true;
        default: return false;
      }
    }
    case TypeKind::Tuple: {
      if (!v.is_tuple() || v.to_tuple().size() != type->contained().size()) return false;
      for (size_t i = 0; i < type->contained().size(); ++i)
        if (!value_has_type(v.to_tuple()[i], type->contained()[i])) return false;
      return true;
    }
    case TypeKind::Dict: {
      if (!v.is_dict()) return false;
      for (const auto& kv : v.to_dict().entries())
        if (!value_has_type(kv.first, type->contained()[0]) || !value_has_type(kv.second, type->contained()[1]))
          return false;
      return true;
    }
    case TypeKind::Class: return v.is_object() && v.to_object().type().get() == type.get();
    default: return type_of(v)->is_subtype_of(type);
  }
}

}  // namespace ember
