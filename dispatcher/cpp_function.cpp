// CppFunction: a kernel of any form on its way to a Library registration.
#include "dispatcher/cpp_function.h"

namespace ember {

const char* dispatch_key_name(DispatchKey k) {
  switch (k) {
    case DispatchKey::Undefined: return "Undefined";
    case DispatchKey::CPU: return "CPU";
    case DispatchKey::CUDA: return "CUDA";
    case DispatchKey::Autograd: return "Autograd";
    case DispatchKey::AutogradCPU: return "AutogradCPU";
    case DispatchKey::AutogradCUDA: return "AutogradCUDA";
    case DispatchKey::ADInplaceOrView: return "ADInplaceOrView";
    case DispatchKey::CompositeImplicitAutograd: return "CompositeImplicitAutograd";
    case DispatchKey::CompositeExplicitAutograd: return "CompositeExplicitAutograd";
  }
  return "?";
}

CppFunction CppFunction::from_boxed(BoxedKernelFn fn, void* ctx) {
  CppFunction f;
  f.kernel_.boxed = fn;
  f.kernel_.boxed_ctx = ctx;
  return f;
}

CppFunction CppFunction::makeFallthrough() { return with_role(Role::Fallthrough); }

CppFunction CppFunction::with_role(Role role) {
  CppFunction f;
  f.role_ = role;
  if (role == Role::Fallthrough) f.kernel_.fallthrough = true;
  return f;
}

CppFunction::CppFunction(CppFunction&&) noexcept = default;
CppFunction& CppFunction::operator=(CppFunction&&) noexcept = default;
CppFunction::~CppFunction() = default;

KernelFunction CppFunction::kernel(const char* provider) const {
  KernelFunction k = kernel_;
  k.provider = provider;
  return k;
}

void CppFunction::release_to_registration() {
  (void)owned_ctx_.release();
  (void)owned_boxed_ctx_.release();
}

}  // namespace ember
