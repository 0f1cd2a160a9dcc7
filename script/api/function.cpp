// Function and Signature (see function.h).
#include "script/api/function.h"

#include "script/tracer/tracer.h"

#include <unordered_map>

#include "dispatcher/default_value.h"
#include "script/runtime/interpreter.h"

namespace ember {
namespace script {

std::string Signature::str() const {
  std::string s = name + "(";
  bool kwargs = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += ", ";
    if (args[i].kwarg_only && !kwargs) {
      s += "*, ";
      kwargs = true;
    }
    s += args[i].type->annotation_str() + " " + args[i].name;
    if (args[i].default_value) s += "=" + constant_text(*args[i].default_value);
  }
  s += ") -> ";
  if (returns.size() == 1) return s + returns[0]->annotation_str();
  s += "(";
  for (size_t i = 0; i < returns.size(); ++i) s += (i ? ", " : "") + returns[i]->annotation_str();
  return s + ")";
}

namespace {

TypePtr type_of_schema(const SchemaType& t) {
  TypePtr base;
  switch (t.base) {
    case BaseType::Tensor: base = Type::tensor(); break;
    case BaseType::Int:
    case BaseType::ScalarType:
    case BaseType::Layout:
    case BaseType::MemoryFormat: base = Type::int_(); break;
    case BaseType::Float: base = Type::float_(); break;
    case BaseType::Bool: base = Type::bool_(); break;
    case BaseType::Str: base = Type::str_(); break;
    case BaseType::Scalar: base = Type::number(); break;
    case BaseType::Device: base = Type::device(); break;
    case BaseType::Generator: base = Type::generator(); break;
    case BaseType::Any: base = Type::any(); break;
    case BaseType::NoneType: base = Type::none(); break;
    case BaseType::TypeVar: base = Type::var(t.name); break;
    case BaseType::Class: base = Type::any(); break;  // operator schemas name classes only for custom C++ classes
    case BaseType::Tuple: {
      std::vector<TypePtr> elems;
      for (const SchemaType& c : t.contained) elems.push_back(type_of_schema(c));
      base = Type::tuple(std::move(elems));
      break;
    }
    case BaseType::Dict: base = Type::dict(type_of_schema(t.contained[0]), type_of_schema(t.contained[1])); break;
    case BaseType::Future: base = Type::future(type_of_schema(t.contained[0])); break;
    case BaseType::List: base = type_of_schema(t.contained[0]); break;
  }
  if (t.elem_optional) base = Type::optional(base);
  if (t.is_list) base = Type::list(base);
  if (t.optional) base = Type::optional(base);
  return base;
}

Signature signature_of_schema(const FunctionSchema& schema) {
  Signature sig;
  sig.name = schema.full_name();
  for (const Argument& a : schema.arguments()) {
    SignatureArg arg;
    arg.name = a.name;
    arg.type = type_of_schema(a.type);
    arg.kwarg_only = a.kwarg_only;
    arg.list_size = a.type.is_list ? a.type.list_size : -1;
    if (a.default_text) arg.default_value = default_value(a);
    sig.args.push_back(std::move(arg));
  }
  for (const Argument& r : schema.returns()) sig.returns.push_back(type_of_schema(r.type));
  sig.is_vararg = schema.is_vararg();
  sig.is_varret = schema.is_varret();
  sig.text = schema.str(/*with_namespace=*/true);
  return sig;
}

}  // namespace

const Signature& operator_signature(const OperatorHandle& op) {
  static std::mutex mutex;
  static auto* cache = new std::unordered_map<const OperatorEntry*, std::unique_ptr<Signature>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = (*cache)[op.entry()];
  if (!slot) slot = std::make_unique<Signature>(signature_of_schema(op.schema()));
  return *slot;
}

// ---- Function -------------------------------------------------------------------------------------

Function::Function(std::string qualified_name, std::shared_ptr<Graph> graph, std::function<void(Function&)> creator)
    : qualified_name_(std::move(qualified_name)), graph_(std::move(graph)), creator_(std::move(creator)) {
  if (!creator_) defined_ = true;
}

Function::~Function() = default;

std::string Function::name() const {
  size_t dot = qualified_name_.rfind('.');
  return dot == std::string::npos ? qualified_name_ : qualified_name_.substr(dot + 1);
}

void Function::ensure_defined() {
  std::lock_guard<std::recursive_mutex> lock(define_mutex_);
  if (defined_) return;
  EMBER_CHECK(!defining_, RuntimeError, "[script] recursive calls are not supported: '", name(),
              "' calls itself (directly or through other functions)");
  defining_ = true;
  try {
    creator_(*this);
  } catch (...) {
    defining_ = false;
    throw;
  }
  defining_ = false;
  defined_ = true;
}

const Code& Function::code() {
  ensure_defined();
  std::call_once(code_once_, [&] { code_ = std::make_unique<Code>(graph_, name()); });
  return *code_;
}

void Function::run(Stack& stack) {
  const Code& c = code();
  InterpreterState(c).run(stack);
}

IValue Function::operator()(std::vector<IValue> args) {
  ensure_defined();
  const Signature& sig = signature_;
  size_t first = is_method_ ? 1 : 0;  // a method's object comes first and is not in the signature
  EMBER_CHECK(args.size() >= first && args.size() - first <= sig.args.size(), TypeError, "[", name(), "] takes ",
              sig.args.size(), " arguments but ", args.size() - first, " were given");
  for (size_t i = args.size() - first; i < sig.args.size(); ++i) {
    EMBER_CHECK(sig.args[i].default_value.has_value(), TypeError, "[", name(), "] missing argument '", sig.args[i].name, "'");
    args.push_back(*sig.args[i].default_value);
  }
  for (size_t i = first; i < args.size(); ++i) {
    // Numbers widen to float where float is expected, as in Python.
    const SignatureArg& a = sig.args[i - first];
    if (a.type->kind() == TypeKind::Float && args[i].is_int()) args[i] = IValue(args[i].to_double());
    EMBER_CHECK(value_has_type(args[i], a.type), TypeError, "[", name(), "] expected a value of type '",
                a.type->repr_str(), "' for argument '", a.name, "' but got ", type_of(args[i])->repr_str());
  }
  if (tracer::is_tracing()) {
    // Called from code being traced: the trace records a call of this function.
    return tracer::record_call(*this, args, [&] {
      Stack stack(args.begin(), args.end());
      run(stack);
      return stack.empty() ? IValue() : std::move(stack.back());
    });
  }
  Stack stack(std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  run(stack);
  return stack.empty() ? IValue() : std::move(stack.back());
}

}  // namespace script
}  // namespace ember
