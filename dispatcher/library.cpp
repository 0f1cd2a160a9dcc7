// Library: custom-op registration from C++.
#include "dispatcher/library.h"

#include <mutex>
#include <set>
#include <vector>

#include "dispatcher/default_value.h"

namespace ember {

namespace {

// Kernels an IMPL library registered before their operator was defined, by operator name.
struct PendingKernel {
  std::string op;
  DispatchTarget target;
  std::shared_ptr<CppFunction> fn;
  const char* provider;
};
std::mutex& pending_mutex() {
  static std::mutex* m = new std::mutex();
  return *m;
}
std::vector<PendingKernel>& pending_kernels() {  // guarded by pending_mutex()
  static auto* v = new std::vector<PendingKernel>();
  return *v;
}

void check_arity(const OperatorHandle& h, const CppFunction& fn) {
  if (fn.num_args() < 0) return;
  size_t expected = h.schema().arguments().size();
  EMBER_CHECK(static_cast<size_t>(fn.num_args()) == expected, TypeError, "[Library::impl] kernel for ", h.name(),
              " takes ", fn.num_args(), " arguments but the schema has ", expected, ": ", h.schema().str(true));
}

void register_now(const OperatorHandle& h, DispatchTarget target, CppFunction& fn, const char* provider) {
  check_arity(h, fn);
  Dispatcher::singleton().register_kernel(h, target, fn.kernel(provider));
  fn.release_to_registration();
}

// Where a DispatchKey's kernels go; nullopt when the registration has nothing to do.
std::optional<DispatchTarget> target_of(DispatchKey k, const CppFunction& fn, const std::string& op) {
  if (fn.role() == CppFunction::Role::InplaceOrViewWork) {
    EMBER_CHECK(k == DispatchKey::ADInplaceOrView, ValueError, "[Library::impl] ", op,
                ": the ADInplaceOrView fallback belongs at ADInplaceOrView, not ", dispatch_key_name(k));
    return std::nullopt;  // ember's Autograd kernel does ADInplaceOrView's work
  }
  switch (k) {
    case DispatchKey::CPU: return DispatchTarget::device("cpu");
    case DispatchKey::CUDA: return DispatchTarget::device("cuda");
    case DispatchKey::Autograd: return DispatchTarget::key(FunctionalityKey::Autograd);
    case DispatchKey::CompositeImplicitAutograd: return DispatchTarget::composite();
    case DispatchKey::CompositeExplicitAutograd: return DispatchTarget::composite_explicit();
    case DispatchKey::AutogradCPU:
    case DispatchKey::AutogradCUDA:
      EMBER_FAIL(NotImplementedError, "[Library::impl] ", op, ": ember has one Autograd key for every device; "
                 "register the kernel at Autograd instead of ", dispatch_key_name(k));
    case DispatchKey::ADInplaceOrView:
      EMBER_FAIL(NotImplementedError, "[Library::impl] ", op, ": ember's Autograd kernels do ADInplaceOrView's work "
                 "(version counters, views); only autograd::not_implemented_inplace_or_view_fallback() may be "
                 "registered there");
    case DispatchKey::Undefined: break;
  }
  EMBER_FAIL(ValueError, "[Library::impl] ", op, ": no dispatch key given");
}

}  // namespace

Library::Library(Kind kind, std::string ns, std::optional<DispatchKey> key, const char* file, uint32_t line)
    : kind_(kind), ns_(std::move(ns)), key_(key), file_(file ? file : ""), line_(line) {
  EMBER_CHECK(!ns_.empty(), ValueError, "[Library] empty namespace", where());
  EMBER_CHECK(kind_ != IMPL || key_.has_value(), ValueError, "[Library] an IMPL library needs a dispatch key", where());
}

std::string Library::where() const {
  return line_ ? detail::str(" (library at ", file_, ":", line_, ")") : std::string();
}

Library& Library::def(const std::string& schema) {
  EMBER_CHECK(kind_ != IMPL, ValueError, "[Library::def] cannot define an operator inside an IMPL library (",
              ns_, ", ", dispatch_key_name(*key_), ")", where(), ": define '", schema, "' in EMBER_LIBRARY(", ns_, ")");
  std::lock_guard<std::mutex> lock(pending_mutex());
  OperatorHandle h = Dispatcher::singleton().define(schema, ns_);
  auto& pending = pending_kernels();
  for (auto it = pending.begin(); it != pending.end();) {
    if (it->op == h.name()) {
      register_now(h, it->target, *it->fn, it->provider);
      it = pending.erase(it);
    } else {
      ++it;
    }
  }
  return *this;
}

std::string Library::name_of(const std::string& schema) {
  return schema.substr(0, schema.find('('));
}

const char* Library::provider() const {
  // Interned so that KernelFunction::provider stays valid for the process.
  static std::mutex m;
  static std::set<std::string>* names = new std::set<std::string>();
  std::lock_guard<std::mutex> lock(m);
  return names->insert("library:" + ns_).first->c_str();
}

std::string Library::qualify(const std::string& op) const {
  return op.find("::") == std::string::npos ? ns_ + "::" + op : op;
}

Library& Library::impl_function(const std::string& op, CppFunction&& fn) {
  DispatchKey k = fn.dispatch_key() ? *fn.dispatch_key()
                  : key_            ? *key_
                                    : DispatchKey::CompositeImplicitAutograd;
  std::optional<DispatchTarget> target = target_of(k, fn, qualify(op));
  if (!target) return *this;
  return register_function(op, *target, std::move(fn));
}

Library& Library::register_function(const std::string& op, DispatchTarget target, CppFunction&& fn) {
  std::string name = qualify(op);
  std::lock_guard<std::mutex> lock(pending_mutex());
  std::optional<OperatorHandle> h = Dispatcher::singleton().find(name);
  if (!h && kind_ == IMPL) {
    pending_kernels().push_back({name, target, std::make_shared<CppFunction>(std::move(fn)), provider()});
    return *this;
  }
  if (!h) h = Dispatcher::singleton().find_or_throw(name);  // the unknown-operator error
  register_now(*h, target, fn, provider());
  return *this;
}

Library& Library::impl_boxed(const std::string& op, const std::string& target,
                             std::function<void(const OperatorHandle&, Stack&)> fn) {
  auto stored = std::make_unique<std::function<void(const OperatorHandle&, Stack&)>>(std::move(fn));
  CppFunction f = CppFunction::from_boxed(
      [](void* ctx, const OperatorHandle& o, DispatchKeySet, Stack* s) {
        (*static_cast<std::function<void(const OperatorHandle&, Stack&)>*>(ctx))(o, *s);
      },
      stored.get());
  register_function(op, DispatchTarget::device(target), std::move(f));
  stored.release();  // lives as long as the registration (the process); freed only when it is rejected
  return *this;
}

Library& Library::fallback(CppFunction&& fn) {
  EMBER_CHECK(kind_ == IMPL, ValueError, "[Library::fallback] only an IMPL library registers fallbacks", where());
  EMBER_CHECK(fn.num_args() < 0, TypeError, "[Library::fallback] a fallback must be a boxed kernel "
              "(CppFunction::makeFromBoxedFunction) or CppFunction::makeFallthrough()", where());
  std::optional<DispatchTarget> target = target_of(*key_, fn, "fallback");
  if (!target) return *this;
  if (fn.role() == CppFunction::Role::Fallthrough) {
    EMBER_CHECK(target->kind == DispatchTarget::Kind::Functionality, NotImplementedError,
                "[Library::fallback] a fall-through fallback is only supported at a functionality key (Autograd), not ",
                dispatch_key_name(*key_), where());
    Dispatcher::singleton().register_fallthrough(target->functionality);
    return *this;
  }
  Dispatcher::singleton().register_fallback(*target, fn.kernel(provider()));
  fn.release_to_registration();
  return *this;
}

namespace detail {
LibraryInit::LibraryInit(Library::Kind kind, void (*init)(Library&), const char* ns, std::optional<DispatchKey> key,
                         const char* file, uint32_t line)
    : lib_(kind, ns, key, file, line) {
  init(lib_);
}
}  // namespace detail

Stack call_boxed(const std::string& name, Stack args) {
  OperatorHandle h = Dispatcher::singleton().find_or_throw(name);
  const auto& params = h.schema().arguments();
  EMBER_CHECK(args.size() <= params.size(), TypeError, "[", h.name(), "] takes ", params.size(),
              " arguments but ", args.size(), " were given");
  for (size_t i = args.size(); i < params.size(); ++i) {
    EMBER_CHECK(params[i].default_text.has_value(), TypeError, "[", h.name(), "] missing argument '", params[i].name,
                "'");
    args.push_back(default_value(params[i]));
  }
  h.call_boxed(&args);
  return args;
}

}  // namespace ember
