// Library: custom-op registration from C++.
#include "dispatcher/library.h"

#include <mutex>
#include <set>

#include "dispatcher/default_value.h"

namespace ember {

Library& Library::def(const std::string& schema) {
  Dispatcher::singleton().define(schema, ns_);
  return *this;
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

void Library::register_checked(const std::string& op, const std::string& target, const KernelFunction& k,
                               size_t num_args) {
  OperatorHandle h = Dispatcher::singleton().find_or_throw(qualify(op));
  size_t expected = h.schema().arguments().size();
  EMBER_CHECK(num_args == expected, TypeError, "[Library::impl] kernel for ", h.name(), " takes ", num_args,
              " arguments but the schema has ", expected, ": ", h.schema().str(true));
  Dispatcher::singleton().register_kernel(h, DispatchTarget::device(target), k);
}

Library& Library::impl_boxed(const std::string& op, const std::string& target,
                             std::function<void(const OperatorHandle&, Stack&)> fn) {
  OperatorHandle h = Dispatcher::singleton().find_or_throw(qualify(op));
  KernelFunction k;
  k.boxed = [](void* ctx, const OperatorHandle& o, DispatchKeySet, Stack* s) {
    (*static_cast<std::function<void(const OperatorHandle&, Stack&)>*>(ctx))(o, *s);
  };
  // Lives as long as the registration (the process); freed only when it is rejected.
  auto stored = std::make_unique<std::function<void(const OperatorHandle&, Stack&)>>(std::move(fn));
  k.boxed_ctx = stored.get();
  k.provider = provider();
  Dispatcher::singleton().register_kernel(h, DispatchTarget::device(target), k);
  stored.release();
  return *this;
}

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
