// The dispatcher: the registry of operators and, for each, a kernel table indexed by the
// highest key of a call's key set.
//
// All resolution (composites, fallbacks, fallthrough) happens when a kernel is registered; a call
// only ORs key sets, masks them, finds the highest bit and loads one table slot. Readers take no
// lock: table slots are atomic pointers to immutable KernelFunctions that are never freed.
// Registration is serialized by one mutex and is safe against concurrent calls.
//
// Slot resolution, backend slot b: kernel registered for b > CompositeExplicit > Composite >
// the backend fallback for b > missing. Functionality slot f: kernel registered for f >
// Composite (Autograd only, so decompositions are differentiable) > fallback for f >
// fallthrough. A missing kernel raises NotImplementedError naming the op, the device and the
// devices that have a kernel.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dispatcher/kernel_function.h"
#include "dispatcher/schema.h"

namespace ember {

// Where a kernel is registered: a device type (by name), a functionality key, or an alias.
struct DispatchTarget {
  enum class Kind : uint8_t { Backend, Functionality, Composite, CompositeExplicit } kind;
  DeviceTypeId backend = kInvalidDeviceType;
  FunctionalityKey functionality = FunctionalityKey::Autograd;

  static DispatchTarget device(const std::string& device_type);  // throws if not registered
  static DispatchTarget device(DeviceTypeId id) { return {Kind::Backend, id, FunctionalityKey::Autograd}; }
  static DispatchTarget key(FunctionalityKey k) { return {Kind::Functionality, kInvalidDeviceType, k}; }
  static DispatchTarget composite() { return {Kind::Composite, kInvalidDeviceType, FunctionalityKey::Autograd}; }
  static DispatchTarget composite_explicit() {
    return {Kind::CompositeExplicit, kInvalidDeviceType, FunctionalityKey::Autograd};
  }
  std::string str() const;
};

constexpr int kNumDispatchSlots = kMaxDeviceTypes + kNumFunctionalityKeys;

class EMBER_API OperatorEntry {
 public:
  explicit OperatorEntry(FunctionSchema schema);

  const FunctionSchema& schema() const { return schema_; }
  const std::string& name() const { return full_name_; }  // "aten::add.Tensor"
  // Tags from ops.yaml or the plugin/library that defined the op ("pointwise", "inplace", ...).
  // Set when the op is defined (under the registration lock), read-only afterwards.
  const std::vector<std::string>& tags() const { return tags_; }
  bool has_tag(const std::string& tag) const;
  void set_tags(std::vector<std::string> tags) { tags_ = std::move(tags); }

  // The key set a call with these argument keys dispatches on (TLS applied, fallthroughs masked).
  inline DispatchKeySet dispatch_key_set(DispatchKeySet arg_keys) const;
  // The kernel for a key set; missing kernels resolve to a kernel that throws when called.
  const KernelFunction& lookup(DispatchKeySet ks) const {
    int bit = ks.highest_bit();
    int slot = bit >= kFirstFunctionalityBit ? kMaxDeviceTypes + (bit - kFirstFunctionalityBit) : bit;
    if (EMBER_UNLIKELY(slot < 0)) slot = default_backend_slot();
    return *table_[slot].load(std::memory_order_acquire);
  }
  bool has_kernel_for(DispatchKeySet ks) const;
  // Device types with a kernel of their own or through a composite, for messages and `ember ops`.
  std::vector<std::string> devices_with_kernels() const;
  // Where each slot's kernel came from, for debugging (`ember ops --verbose`).
  std::string dump_table() const;

  // Boxed calls: arguments on the stack in schema order; results replace them.
  void call_boxed(Stack* stack) const;
  void redispatch_boxed(DispatchKeySet ks, Stack* stack) const;
  // The key set of the tensor (and Device) arguments on a boxed stack.
  DispatchKeySet key_set_of_stack(const Stack& stack) const;

  [[noreturn]] void throw_missing_kernel(DispatchKeySet ks) const;

  // The C++ signature of the op's unboxed kernels (Ret(Args...)), fixed by the first typed
  // registration or typed lookup; every later one must match (a TypeError naming both
  // otherwise), so a typed call never reinterprets a kernel with other parameter types.
  // Takes the registration lock.
  void check_cpp_signature(const CppSignature& sig, const char* what);
  std::optional<CppSignature> cpp_signature() const;

 private:
  friend class Dispatcher;
  static int default_backend_slot();
  void recompute_slot(int slot);  // REQUIRES: Dispatcher registration mutex held
  void check_cpp_signature_locked(const CppSignature& sig, const char* what);  // REQUIRES: mutex held
  void recompute_all();

  FunctionSchema schema_;
  std::string full_name_;
  std::vector<std::string> tags_;
  std::vector<int> tensor_arg_indices_;  // tensor, optional tensor and tensor list arguments
  int device_arg_index_ = -1;            // a Device? argument, for factories
  std::atomic<const KernelFunction*> table_[kNumDispatchSlots];
  std::optional<CppSignature> cpp_signature_;  // guarded by the dispatcher mutex
  std::atomic<uint64_t> fallthrough_mask_{0};  // functionality bits whose slot is fallthrough
  // Registrations per target (newest wins); guarded by the dispatcher mutex.
  std::vector<std::pair<DispatchTarget, const KernelFunction*>> registrations_;
};

template <typename Sig> class TypedOperatorHandle;

// A stable reference to a registered operator. Cheap to copy.
class EMBER_API OperatorHandle {
 public:
  OperatorHandle() = default;
  explicit OperatorHandle(OperatorEntry* e) : entry_(e) {}
  const FunctionSchema& schema() const { return entry_->schema(); }
  const std::string& name() const { return entry_->name(); }
  OperatorEntry* entry() const { return entry_; }
  void call_boxed(Stack* stack) const { entry_->call_boxed(stack); }
  void redispatch_boxed(DispatchKeySet ks, Stack* stack) const { entry_->redispatch_boxed(ks, stack); }
  bool valid() const { return entry_ != nullptr; }

  // libtorch's spellings: op.typed<Tensor(const Tensor&, double)>().call(x, 2.0) (checks the
  // signature, dispatcher/boxing.h) and op.callBoxed(&stack).
  template <typename Sig>
  TypedOperatorHandle<Sig> typed() const;
  void callBoxed(Stack* stack) const { call_boxed(stack); }

 private:
  OperatorEntry* entry_ = nullptr;
};

class EMBER_API Dispatcher {
 public:
  static Dispatcher& singleton();

  // Defines an operator; throws SchemaError for malformed text and ValueError if an operator
  // with the same name and overload exists with a different schema (the same schema is a no-op).
  OperatorHandle define(const std::string& schema, const std::string& default_namespace = "aten");
  // Finds "aten::add.Tensor", "add.Tensor" (aten assumed) or "myops::f" (empty overload).
  // The first lookup registers the built-in operators (core/runtime_hook.h): the dispatcher
  // itself knows none.
  std::optional<OperatorHandle> find(const std::string& name) const;
  OperatorHandle find_or_throw(const std::string& name) const;
  // libtorch's spelling: findSchemaOrThrow("aten::add", "Tensor"), the overload apart ("" for none).
  OperatorHandle findSchemaOrThrow(const std::string& name, const std::string& overload) const {
    return find_or_throw(overload.empty() ? name : name + "." + overload);
  }
  std::vector<OperatorHandle> all_operators() const;

  // Registers a kernel. Throws ValueError if target already has a kernel from another provider
  // (two plugins claiming one kernel) unless allow_override, and TypeError if a typed kernel's
  // C++ signature differs from the op's (check_cpp_signature).
  void register_kernel(const OperatorHandle& op, DispatchTarget target, const KernelFunction& kernel,
                       bool allow_override = false);
  // A boxed kernel used for every op that lacks its own kernel at target (backend or key).
  void register_fallback(DispatchTarget target, const KernelFunction& kernel);
  // Marks functionality key k as fall-through for every op without a kernel at k.
  void register_fallthrough(FunctionalityKey k);
  // The boxed fallback registered for a device type (e.g. the CPU fallback), or null.
  const KernelFunction* backend_fallback(DeviceTypeId id) const;

  // Called when a device type is added, so that composite and fallback slots cover it.
  void on_device_type_registered(DeviceTypeId id);

  std::mutex& registration_mutex() { return mutex_; }

 private:
  Dispatcher() = default;
  friend class OperatorEntry;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<OperatorEntry>> operators_;
  std::vector<std::pair<std::string, OperatorEntry*>> by_name_;  // sorted by full name
  std::atomic<const KernelFunction*> backend_fallbacks_[kMaxDeviceTypes] = {};
  const KernelFunction* functionality_fallbacks_[kNumFunctionalityKeys] = {};
  // Fallbacks that a newer register_fallback replaced: kept alive (a call that loaded one
  // lock-free may still be running it) and owned here, so they are not leaked either.
  std::vector<std::unique_ptr<const KernelFunction>> replaced_fallbacks_;
};

// Thread-local dispatch modes. The guards restore the previous state when they go out of scope.
struct LocalDispatchKeySet {
  DispatchKeySet included;
  DispatchKeySet excluded;
};
extern thread_local LocalDispatchKeySet tls_dispatch_key_set EMBER_TLS_FAST;
inline LocalDispatchKeySet& tls_local_dispatch_key_set() { return tls_dispatch_key_set; }

inline DispatchKeySet OperatorEntry::dispatch_key_set(DispatchKeySet arg_keys) const {
  const LocalDispatchKeySet& tls = tls_dispatch_key_set;
  return ((arg_keys | tls.included) - tls.excluded) -
         DispatchKeySet(fallthrough_mask_.load(std::memory_order_relaxed));
}

class EMBER_API IncludeDispatchKeyGuard {
 public:
  explicit IncludeDispatchKeyGuard(DispatchKeySet ks);
  ~IncludeDispatchKeyGuard();

 private:
  DispatchKeySet saved_;
};

class EMBER_API ExcludeDispatchKeyGuard {
 public:
  explicit ExcludeDispatchKeyGuard(DispatchKeySet ks);
  ~ExcludeDispatchKeyGuard();

 private:
  DispatchKeySet saved_;
};

}  // namespace ember
