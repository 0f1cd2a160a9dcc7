// Registrar: what a plugin's init function registers with the core (device types, kernels,
// operator schemas, CPU fallback), as C++ calls over the host's C registration functions.
//
//   reg.kernel("add.out", "cpu", kAllDTypes, [](KernelArgs& a) { ... });
//   reg.kernel<ops::add_out>("cpu", kAllDTypes, fn);   // with <ember/sdk/ops.h>
//
// A kernel is any C++ callable void(KernelArgs&). It is moved into a heap context that is never
// freed (plugins are never unloaded) and called through a trampoline that turns every exception
// into an ember_status: ember::sdk::Error keeps its code, std::bad_alloc becomes OUT_OF_MEMORY,
// any other std::exception RUNTIME with what(), anything else "unknown exception". Messages
// get an "[op] " prefix (op name without namespace, overload or in-place underscore).
// A refused registration throws; the init wrapper (plugin.h) hands the host's status back.
//
// Ownership: the Registrar borrows the host's registrar, valid only during init.
// Thread-safety: init runs on one thread; registered kernels may run on many threads at once,
// so a kernel callable must be safe to call concurrently (captured state read-only).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ember/plugin_abi.h>
#include <ember/sdk/error.h>
#include <ember/sdk/host.h>
#include <ember/sdk/tensor_view.h>

EMBER_SDK_NAMESPACE_BEGIN

namespace detail {

// "aten::scatter_.src" -> "[scatter] ".
inline std::string message_prefix_for_op(const char* op_name) {
  std::string name(op_name ? op_name : "");
  size_t ns = name.rfind("::");
  if (ns != std::string::npos) name = name.substr(ns + 2);
  size_t dot = name.find('.');
  if (dot != std::string::npos) name.resize(dot);
  if (name.size() > 1 && name.back() == '_' && name[name.size() - 2] != '_') name.pop_back();
  return "[" + name + "] ";
}

template <typename F>
struct KernelClosure {
  F fn;
  std::string prefix;
  int32_t expected_num_args;  // -1: not checked
};

template <typename F>
ember_status* kernel_trampoline(void* ctx, const ember_call_context* call, const ember_value* args,
                                int32_t num_args) noexcept {
  auto* closure = static_cast<KernelClosure<F>*>(ctx);
  try {
    if (EMBER_SDK_UNLIKELY(closure->expected_num_args >= 0 &&
                           num_args != closure->expected_num_args)) {
      throw TypeError(concat("expected ", closure->expected_num_args,
                             " arguments (the plugin's schema), got ", num_args));
    }
    KernelArgs kernel_args(call, args, num_args);
    closure->fn(kernel_args);
    return nullptr;
  } catch (...) {
    return status_from_current_exception(closure->prefix);
  }
}

// Shutdown hooks run by the SDK's ember_plugin_api::shutdown, newest first.
inline std::vector<void (*)()>& shutdown_hooks() {
  static std::vector<void (*)()>* hooks = new std::vector<void (*)()>();  // leaked: runs at exit
  return *hooks;
}

inline void check_host_status(ember_status* status, const std::string& what) {
  if (status) throw HostStatus(status, what);
}

}  // namespace detail

class Registrar {
 public:
  explicit Registrar(ember_registrar* registrar) : registrar_(registrar) {}

  // Registers a device type; returns the id the host gave it (ember_tensor_view::device_type).
  int32_t device_type(const ember_device_type_desc& desc) {
    int32_t id = -1;
    detail::check_host_status(host().register_device_type(registrar_, &desc, &id),
                              detail::concat("register device type ", desc.name));
    return id;
  }

  template <typename F>
  void kernel(const char* op, const char* device, uint32_t dtypes, F&& fn) {
    add_kernel(op, device, dtypes, -1, std::forward<F>(fn));
  }

  // Typed form over a generated descriptor (struct with name, schema, num_args); the argument
  // count is checked on every call, so a plugin built against another ops.yaml fails cleanly.
  template <typename Op, typename F>
  void kernel(const char* device, uint32_t dtypes, F&& fn) {
    add_kernel(Op::name, device, dtypes, Op::num_args, std::forward<F>(fn));
  }

  // Defines an operator from a schema string, with optional tags ("pointwise", "inplace", ...).
  void define_op(const char* schema, std::initializer_list<const char*> tags = {}) {
    ember_op_desc desc{};
    desc.struct_size = sizeof(ember_op_desc);
    desc.schema = schema;
    desc.tags = tags.size() ? tags.begin() : nullptr;
    desc.num_tags = static_cast<int32_t>(tags.size());
    detail::check_host_status(host().define_op(registrar_, &desc),
                              detail::concat("define op ", schema));
  }

  // Registers a collective (process-group) backend or a fusion backend (plugin_abi.h).
  void process_group_backend(const ember_process_group_backend_desc& desc) {
    detail::check_host_status(host().register_process_group_backend(registrar_, &desc),
                              detail::concat("register collective backend ", desc.name));
  }
  void fusion_backend(const ember_fusion_backend_desc& desc) {
    detail::check_host_status(host().register_fusion_backend(registrar_, &desc),
                              detail::concat("register fusion backend ", desc.name));
  }

  void request_cpu_fallback(const char* device) {
    detail::check_host_status(host().request_cpu_fallback(registrar_, device),
                              detail::concat("request cpu fallback for ", device));
  }

  // Runs fn from ember_plugin_api::shutdown at process exit (newest first).
  void on_shutdown(void (*fn)()) { detail::shutdown_hooks().push_back(fn); }

  ember_registrar* raw() const { return registrar_; }

 private:
  template <typename F>
  void add_kernel(const char* op, const char* device, uint32_t dtypes, int32_t num_args, F&& fn) {
    using Fn = std::decay_t<F>;
    static_assert(std::is_invocable<Fn&, KernelArgs&>::value,
                  "a kernel must be callable as void(ember::sdk::KernelArgs&)");
    auto* closure = new detail::KernelClosure<Fn>{std::forward<F>(fn),
                                                  detail::message_prefix_for_op(op), num_args};
    ember_kernel_desc desc{};
    desc.struct_size = sizeof(ember_kernel_desc);
    desc.op_name = op;
    desc.device_type = device;
    desc.dtypes = dtypes;
    desc.fn = &detail::kernel_trampoline<Fn>;
    desc.ctx = closure;
    ember_status* status = host().register_kernel(registrar_, &desc);
    if (status) {
      delete closure;
      throw detail::HostStatus(status, detail::concat("register kernel ", op, " for ", device));
    }
  }

  ember_registrar* registrar_;
};

// Runs f and turns any exception into a status; for the plugin's own C callbacks (device
// allocate/copy/synchronize). `prefix` is prepended to messages, e.g. "[cpu] ".
template <typename F>
ember_status* guarded(const char* prefix, F&& f) noexcept {
  try {
    f();
    return nullptr;
  } catch (...) {
    return detail::status_from_current_exception(prefix ? prefix : "");
  }
}

EMBER_SDK_NAMESPACE_END
