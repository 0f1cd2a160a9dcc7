// The dispatcher: operator registry, kernel-table resolution and boxed calls.
#include "dispatcher/dispatcher.h"

#include <algorithm>
#include <sstream>

#include "core/device_runtime.h"
#include "core/runtime_hook.h"

namespace ember {

thread_local LocalDispatchKeySet tls_dispatch_key_set EMBER_TLS_FAST;

namespace {

void missing_kernel_boxed(void*, const OperatorHandle& op, DispatchKeySet ks, Stack*) {
  op.entry()->throw_missing_kernel(ks);
}
const KernelFunction* missing_kernel() {
  static const KernelFunction* k = [] {
    auto* m = new KernelFunction();
    m->boxed = &missing_kernel_boxed;
    m->provider = "<missing>";
    return m;
  }();
  return k;
}
bool is_missing(const KernelFunction* k) { return k == missing_kernel(); }

int slot_of_functionality(FunctionalityKey k) {
  return kMaxDeviceTypes + (static_cast<int>(k) - kFirstFunctionalityBit);
}

std::string device_list(const std::vector<std::string>& devices) {
  std::string s;
  for (const auto& d : devices) s += (s.empty() ? "" : ", ") + d;
  return s.empty() ? "none" : s;
}

}  // namespace

// ---- DispatchTarget ---------------------------------------------------------------------------

DispatchTarget DispatchTarget::device(const std::string& device_type) {
  if (device_type == "Composite" || device_type == "CompositeImplicitAutograd") return composite();
  if (device_type == "CompositeExplicit" || device_type == "CompositeExplicitAutograd") return composite_explicit();
  if (device_type == "Autograd") return key(FunctionalityKey::Autograd);
  if (device_type == "Tracer") return key(FunctionalityKey::Tracer);
  detail::ensure_runtime_initialized();  // device types come from plugins (Library::impl(op, "cpu", ...))
  DeviceTypeId id = find_device_type(device_type);
  EMBER_CHECK(id != kInvalidDeviceType, ValueError, "[dispatcher] unknown device type '", device_type,
              "' (expected a registered device type, Composite, CompositeExplicit or Autograd)");
  return device(id);
}

std::string DispatchTarget::str() const {
  switch (kind) {
    case Kind::Backend: return device_type_name(backend);
    case Kind::Functionality:
      switch (static_cast<int>(functionality)) {
        case static_cast<int>(FunctionalityKey::Autograd): return "Autograd";
        case static_cast<int>(FunctionalityKey::Tracer): return "Tracer";
        case static_cast<int>(FunctionalityKey::Profiler): return "Profiler";
        case 51: return "Autocast";  // ops/autocast.h (kAutocastFunctionality)
        default: return "Functionality" + std::to_string(static_cast<int>(functionality));
      }
    case Kind::Composite: return "Composite";
    case Kind::CompositeExplicit: return "CompositeExplicit";
  }
  return "?";
}

static bool same_target(const DispatchTarget& a, const DispatchTarget& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == DispatchTarget::Kind::Backend) return a.backend == b.backend;
  if (a.kind == DispatchTarget::Kind::Functionality) return a.functionality == b.functionality;
  return true;
}

// ---- OperatorEntry ----------------------------------------------------------------------------

OperatorEntry::OperatorEntry(FunctionSchema schema) : schema_(std::move(schema)), full_name_(schema_.full_name()) {
  for (int i = 0; i < kNumDispatchSlots; ++i) table_[i].store(missing_kernel());
  const auto& args = schema_.arguments();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type.base == BaseType::Tensor) tensor_arg_indices_.push_back(static_cast<int>(i));
    if (args[i].type.base == BaseType::Device && !args[i].type.is_list) device_arg_index_ = static_cast<int>(i);
  }
}

int OperatorEntry::default_backend_slot() { return default_device().type(); }

bool OperatorEntry::has_kernel_for(DispatchKeySet ks) const { return !is_missing(&lookup(ks)); }

DispatchKeySet OperatorEntry::key_set_of_stack(const Stack& stack) const {
  size_t n = schema_.arguments().size();
  EMBER_CHECK(stack.size() >= n, ValueError, "[", full_name_, "] expected ", n, " arguments on the stack, got ",
              stack.size());
  size_t base = stack.size() - n;
  DispatchKeySet ks;
  for (int i : tensor_arg_indices_) {
    const IValue& v = stack[base + static_cast<size_t>(i)];
    // Kernels take a non-optional Tensor (or Tensor[] element) to be defined: a boxed caller's
    // None or undefined tensor there is refused here rather than dereferenced there.
    const Argument& arg = schema_.arguments()[static_cast<size_t>(i)];
    const bool required = !arg.type.optional && !arg.type.elem_optional;
    if (v.is_tensor()) {
      ks |= v.to_tensor().impl()->key_set();
    } else if (v.is_none()) {
      EMBER_CHECK(!required, TypeError, "[", full_name_, "] argument '", arg.name, "' must be a Tensor, got None");
    } else if (v.is_tensor_list()) {
      for (const Tensor& t : v.to_tensor_list()) {
        EMBER_CHECK(t.defined() || !required, TypeError, "[", full_name_, "] argument '", arg.name,
                    "' must be a list of defined tensors");
        if (t.defined()) ks |= t.impl()->key_set();
      }
    } else if (v.is_list()) {
      for (const IValue& e : v.to_list())
        if (e.is_tensor()) ks |= e.to_tensor().impl()->key_set();
    }
  }
  if ((ks & DispatchKeySet::all_backends()).empty() && device_arg_index_ >= 0) {
    const IValue& d = stack[base + static_cast<size_t>(device_arg_index_)];
    if (d.is_device()) ks |= DispatchKeySet::backend(d.to_device().type());
  }
  if ((ks & DispatchKeySet::all_backends()).empty()) ks |= DispatchKeySet::backend(default_device().type());
  return ks;
}

namespace detail {
void undefined_tensor_argument(const OperatorEntry& op, const char* argument) {
  EMBER_FAIL(TypeError, "[", op.name(), "] argument '", argument, "' must be a defined Tensor, got an undefined one");
}
}  // namespace detail

void OperatorEntry::call_boxed(Stack* stack) const {
  DispatchKeySet ks = dispatch_key_set(key_set_of_stack(*stack));
  redispatch_boxed(ks, stack);
}

void OperatorEntry::redispatch_boxed(DispatchKeySet ks, Stack* stack) const {
  const KernelFunction& k = lookup(ks);
  EMBER_INTERNAL_ASSERT(k.boxed != nullptr, "kernel for ", full_name_, " has no boxed entry");
  k.boxed(k.boxed_ctx, OperatorHandle(const_cast<OperatorEntry*>(this)), ks, stack);
}

std::vector<std::string> OperatorEntry::devices_with_kernels() const {
  std::vector<std::string> out;
  int n = device_type_count();
  for (int id = 0; id < n; ++id)
    if (!is_missing(table_[id].load())) out.push_back(device_type_name(static_cast<DeviceTypeId>(id)));
  return out;
}

void OperatorEntry::check_cpp_signature(const CppSignature& sig, const char* what) {
  std::lock_guard<std::mutex> lock(Dispatcher::singleton().registration_mutex());
  check_cpp_signature_locked(sig, what);
}

void OperatorEntry::check_cpp_signature_locked(const CppSignature& sig, const char* what) {
  if (!cpp_signature_) {
    cpp_signature_ = sig;
    return;
  }
  EMBER_CHECK(*cpp_signature_ == sig, TypeError, "[", full_name_, "] ", what, " with C++ signature ", sig.name(),
              ", but the operator's kernels have signature ", cpp_signature_->name());
}

std::optional<CppSignature> OperatorEntry::cpp_signature() const {
  std::lock_guard<std::mutex> lock(Dispatcher::singleton().registration_mutex());
  return cpp_signature_;
}

void OperatorEntry::throw_missing_kernel(DispatchKeySet ks) const {
  DeviceTypeId b = ks.highest_backend();
  std::string device = b == kInvalidDeviceType ? "<none>" : device_type_name(b);
  EMBER_FAIL(NotImplementedError, "[", full_name_, "] no kernel for device type '", device,
             "'; available for: ", device_list(devices_with_kernels()),
             " (`ember ops --device ", device, "` lists what it supports)");
}

std::string OperatorEntry::dump_table() const {
  std::ostringstream os;
  os << full_name_ << "\n";
  int n = device_type_count();
  for (int id = 0; id < n; ++id)
    os << "  " << device_type_name(static_cast<DeviceTypeId>(id)) << ": " << table_[id].load()->provider << "\n";
  os << "  Autograd: " << table_[slot_of_functionality(FunctionalityKey::Autograd)].load()->provider << "\n";
  return os.str();
}

void OperatorEntry::recompute_slot(int slot) {
  Dispatcher& d = Dispatcher::singleton();
  auto latest = [&](auto pred) -> const KernelFunction* {
    for (auto it = registrations_.rbegin(); it != registrations_.rend(); ++it)
      if (pred(it->first)) return it->second;
    return nullptr;
  };
  const KernelFunction* k = nullptr;
  if (slot < kMaxDeviceTypes) {
    k = latest([&](const DispatchTarget& t) { return t.kind == DispatchTarget::Kind::Backend && t.backend == slot; });
    if (!k) k = latest([](const DispatchTarget& t) { return t.kind == DispatchTarget::Kind::CompositeExplicit; });
    if (!k) k = latest([](const DispatchTarget& t) { return t.kind == DispatchTarget::Kind::Composite; });
    if (!k) k = d.backend_fallbacks_[slot].load();
    table_[slot].store(k ? k : missing_kernel(), std::memory_order_release);
    return;
  }
  int bit = kFirstFunctionalityBit + (slot - kMaxDeviceTypes);
  auto key = static_cast<FunctionalityKey>(bit);
  k = latest([&](const DispatchTarget& t) {
    return t.kind == DispatchTarget::Kind::Functionality && t.functionality == key;
  });
  if (!k && key == FunctionalityKey::Autograd)
    k = latest([](const DispatchTarget& t) { return t.kind == DispatchTarget::Kind::Composite; });
  if (!k) k = d.functionality_fallbacks_[slot - kMaxDeviceTypes];
  uint64_t bit_mask = uint64_t(1) << bit;
  if (!k || k->fallthrough) {
    table_[slot].store(missing_kernel(), std::memory_order_release);
    fallthrough_mask_.fetch_or(bit_mask);
  } else {
    table_[slot].store(k, std::memory_order_release);
    fallthrough_mask_.fetch_and(~bit_mask);
  }
}

void OperatorEntry::recompute_all() {
  for (int s = 0; s < kNumDispatchSlots; ++s) recompute_slot(s);
}

// ---- Dispatcher -------------------------------------------------------------------------------

Dispatcher& Dispatcher::singleton() {
  static Dispatcher* d = new Dispatcher();  // leaked: kernels may run during static destruction
  return *d;
}

static std::string canonical_name(const std::string& name) {
  return name.find("::") == std::string::npos ? "aten::" + name : name;
}

bool OperatorEntry::has_tag(const std::string& tag) const {
  for (const auto& t : tags_)
    if (t == tag) return true;
  return false;
}

OperatorHandle Dispatcher::define(const std::string& schema_text, const std::string& default_namespace) {
  FunctionSchema schema = FunctionSchema::parse(schema_text, default_namespace);
  std::lock_guard<std::mutex> lock(mutex_);
  std::string name = schema.full_name();
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [](const auto& p, const std::string& n) { return p.first < n; });
  if (it != by_name_.end() && it->first == name) {
    EMBER_CHECK(it->second->schema() == schema, ValueError, "[define] operator ", name,
                " is already defined with a different schema: ", it->second->schema().str(true), " vs ", schema.str(true));
    return OperatorHandle(it->second);
  }
  operators_.push_back(std::make_unique<OperatorEntry>(std::move(schema)));
  OperatorEntry* e = operators_.back().get();
  by_name_.insert(it, {name, e});
  e->recompute_all();
  return OperatorHandle(e);
}

std::optional<OperatorHandle> Dispatcher::find(const std::string& raw) const {
  detail::ensure_operators_registered();
  std::string name = canonical_name(raw);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [](const auto& p, const std::string& n) { return p.first < n; });
  if (it != by_name_.end() && it->first == name) return OperatorHandle(it->second);
  return std::nullopt;
}

OperatorHandle Dispatcher::find_or_throw(const std::string& name) const {
  auto h = find(name);
  EMBER_CHECK(h.has_value(), ValueError, "[dispatcher] unknown operator '", name, "'");
  return *h;
}

std::vector<OperatorHandle> Dispatcher::all_operators() const {
  detail::ensure_operators_registered();
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<OperatorHandle> out;
  for (const auto& p : by_name_) out.emplace_back(p.second);
  return out;
}

void Dispatcher::register_kernel(const OperatorHandle& op, DispatchTarget target, const KernelFunction& kernel,
                                 bool allow_override) {
  std::lock_guard<std::mutex> lock(mutex_);
  OperatorEntry* e = op.entry();
  if (kernel.unboxed != nullptr && kernel.signature)
    e->check_cpp_signature_locked(*kernel.signature, ("a kernel for " + target.str() + " was registered").c_str());
  for (const auto& r : e->registrations_) {
    if (same_target(r.first, target) && !allow_override && std::string(r.second->provider) != kernel.provider) {
      EMBER_FAIL(ValueError, "[dispatcher] a kernel for ", e->name(), " on ", target.str(), " is already registered by '",
                 r.second->provider, "'; '", kernel.provider, "' cannot register another");
    }
  }
  auto* k = new KernelFunction(kernel);  // never freed: tables point at it lock-free
  e->registrations_.emplace_back(target, k);
  switch (target.kind) {
    case DispatchTarget::Kind::Backend: e->recompute_slot(target.backend); break;
    case DispatchTarget::Kind::Functionality: e->recompute_slot(slot_of_functionality(target.functionality)); break;
    case DispatchTarget::Kind::Composite:
    case DispatchTarget::Kind::CompositeExplicit: e->recompute_all(); break;
  }
}

void Dispatcher::register_fallback(DispatchTarget target, const KernelFunction& kernel) {
  EMBER_CHECK(target.kind == DispatchTarget::Kind::Backend || target.kind == DispatchTarget::Kind::Functionality,
              ValueError, "[dispatcher] fallbacks are registered for a device type or a functionality key, not ",
              target.str());
  std::lock_guard<std::mutex> lock(mutex_);
  replaced_fallbacks_.reserve(replaced_fallbacks_.size() + 1);  // the push_back below cannot throw
  auto* k = new KernelFunction(kernel);
  const KernelFunction* old;
  int slot;
  if (target.kind == DispatchTarget::Kind::Backend) {
    old = backend_fallbacks_[target.backend].exchange(k);
    slot = target.backend;
  } else {
    slot = slot_of_functionality(target.functionality);
    old = functionality_fallbacks_[slot - kMaxDeviceTypes];
    functionality_fallbacks_[slot - kMaxDeviceTypes] = k;
  }
  if (old != nullptr) replaced_fallbacks_.emplace_back(old);
  for (auto& e : operators_) e->recompute_slot(slot);
}

void Dispatcher::register_fallthrough(FunctionalityKey key) {
  KernelFunction k;
  k.fallthrough = true;
  k.provider = "fallthrough";
  register_fallback(DispatchTarget::key(key), k);
}

const KernelFunction* Dispatcher::backend_fallback(DeviceTypeId id) const {
  return backend_fallbacks_[id].load(std::memory_order_acquire);
}

void Dispatcher::on_device_type_registered(DeviceTypeId id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& e : operators_) e->recompute_slot(id);
}

// ---- thread-local guards ----------------------------------------------------------------------

IncludeDispatchKeyGuard::IncludeDispatchKeyGuard(DispatchKeySet ks) : saved_(tls_dispatch_key_set.included) {
  tls_dispatch_key_set.included |= ks;
}
IncludeDispatchKeyGuard::~IncludeDispatchKeyGuard() { tls_dispatch_key_set.included = saved_; }

ExcludeDispatchKeyGuard::ExcludeDispatchKeyGuard(DispatchKeySet ks) : saved_(tls_dispatch_key_set.excluded) {
  tls_dispatch_key_set.excluded |= ks;
}
ExcludeDispatchKeyGuard::~ExcludeDispatchKeyGuard() { tls_dispatch_key_set.excluded = saved_; }

}  // namespace ember
