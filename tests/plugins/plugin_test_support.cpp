// Fake host, plugin loading and host tensors for the plugin kernel tests. See the header.
#include "plugin_test_support.h"

#include "fake_host_dims.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

// The registrar handed to init: where registrations go.
struct ember_registrar {
  ember_test::Registry* registry;
};

namespace ember_test {
namespace {

std::mutex g_log_mutex;
std::vector<std::string> g_log_lines;

ember_status* fake_status_create(int32_t code, const char* message) {
  return new ember_status{code, message ? message : ""};
}

void fake_log(int32_t level, const char* plugin, const char* message) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_log_lines.push_back(std::to_string(level) + " " + (plugin ? plugin : "?") + ": " + (message ? message : ""));
}

// A new Registry that lives until exit, reachable from a process-wide list (so LeakSanitizer
// sees the kernel contexts it holds as owned, not leaked).
Registry* kept_registry() {
  static std::mutex mutex;
  static auto* kept = new std::vector<std::unique_ptr<Registry>>();
  std::lock_guard<std::mutex> lock(mutex);
  kept->push_back(std::make_unique<Registry>());
  return kept->back().get();
}

ember_status* fake_register_device_type(ember_registrar* r, const ember_device_type_desc* desc, int32_t* id) {
  if (desc->struct_size < sizeof(ember_device_type_desc)) return fake_status_create(EMBER_ERROR_ABI, "short desc");
  r->registry->devices.push_back(*desc);
  *id = static_cast<int32_t>(r->registry->devices.size()) - 1;
  return nullptr;
}

ember_status* fake_register_kernel(ember_registrar* r, const ember_kernel_desc* desc) {
  if (r->registry->kernels.count(desc->op_name))
    return fake_status_create(EMBER_ERROR_VALUE, (std::string("duplicate kernel ") + desc->op_name).c_str());
  r->registry->kernels[desc->op_name] = RegisteredKernel{desc->op_name, desc->device_type, desc->dtypes, desc->fn, desc->ctx};
  return nullptr;
}

ember_status* fake_define_op(ember_registrar* r, const ember_op_desc* desc) {
  r->registry->defined_ops.push_back(desc->schema);
  return nullptr;
}

void fake_status_free(ember_status* s) { delete s; }
int32_t fake_status_code(const ember_status* s) { return s ? s->code : EMBER_OK; }
const char* fake_status_message(const ember_status* s) { return s ? s->message.c_str() : ""; }

// Scratch for direct kernel calls: plain host memory, freed after the call.
struct FakeCall {
  std::vector<void*> scratch;
  std::vector<std::string> warnings;
  ~FakeCall() {
    for (void* p : scratch) std::free(p);
  }
};

void* fake_scratch(const ember_call_context* call, size_t nbytes, ember_status** status) {
  auto* f = static_cast<FakeCall*>(call->host_data);
  void* p = std::aligned_alloc(64, (nbytes + 63) / 64 * 64 + 64);
  if (!p && status) *status = fake_status_create(EMBER_ERROR_OUT_OF_MEMORY, "out of memory");
  if (p) f->scratch.push_back(p);
  return p;
}

ember_status* fake_resize(const ember_call_context*, int32_t, const int64_t*, int32_t) {
  return fake_status_create(EMBER_ERROR_NOT_IMPLEMENTED, "the test host cannot resize outputs");
}

void fake_report(const ember_call_context* call, ember_status* status) {
  static_cast<FakeCall*>(call->host_data)->warnings.push_back(status->message);
  delete status;
}

thread_local std::map<int32_t, std::pair<uint64_t, uint64_t>> t_content_versions;

int32_t fake_content_version(const ember_call_context*, int32_t arg_index, uint64_t* storage_id, uint64_t* version) {
  auto it = t_content_versions.find(arg_index);
  *storage_id = it == t_content_versions.end() ? 0 : it->second.first;
  *version = it == t_content_versions.end() ? 0 : it->second.second;
  return it == t_content_versions.end() ? 0 : 1;
}

ember_status* fake_request_cpu_fallback(ember_registrar* r, const char* device) {
  r->registry->fallback_requests.push_back(device);
  return nullptr;
}

}  // namespace

ScopedContentVersions::ScopedContentVersions(std::map<int32_t, std::pair<uint64_t, uint64_t>> versions)
    : previous_(std::move(t_content_versions)) {
  t_content_versions = std::move(versions);
}

ScopedContentVersions::~ScopedContentVersions() { t_content_versions = std::move(previous_); }

ember_host_api make_fake_host(int32_t intra_op_threads) {
  ember_host_api host{};
  host.struct_size = sizeof(ember_host_api);
  host.abi_major = EMBER_ABI_MAJOR;
  host.abi_minor = EMBER_ABI_MINOR;
  host.host_version = "0.1.0-test";
  host.status_create = &fake_status_create;
  host.log = &fake_log;
  host.register_device_type = &fake_register_device_type;
  host.register_kernel = &fake_register_kernel;
  host.define_op = &fake_define_op;
  host.request_cpu_fallback = &fake_request_cpu_fallback;
  host.status_free = &fake_status_free;
  host.status_code = &fake_status_code;
  host.status_message = &fake_status_message;
  host.intra_op_threads = intra_op_threads;
  return host;
}

std::vector<std::string> logged_lines() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  return g_log_lines;
}

LoadedPlugin::LoadedPlugin(const std::string& path, int32_t intra_op_threads,
                           std::vector<std::pair<std::string, std::string>> options, bool private_copy)
    : registry_(kept_registry()), host_(make_fake_host(intra_op_threads)) {
  std::string load_path = path;
  if (private_copy) {
    static int counter = 0;
    load_path = "/tmp/ember_plugin_copy_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".so";
    std::ifstream src(path, std::ios::binary);
    std::ofstream dst(load_path, std::ios::binary);
    dst << src.rdbuf();
  }
  void* handle = dlopen(load_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (private_copy) std::remove(load_path.c_str());  // the mapping stays valid
  if (!handle) {
    error_ = std::string("dlopen failed: ") + dlerror();
    return;
  }
  auto entry = reinterpret_cast<ember_plugin_entry_fn>(dlsym(handle, EMBER_PLUGIN_ENTRY_SYMBOL));
  if (!entry) {
    error_ = "no entry symbol";
    return;
  }
  api_ = entry(&host_);
  if (!api_) {
    error_ = "plugin refused the host";
    return;
  }
  std::vector<ember_option> opts;
  for (auto& kv : options) opts.push_back(ember_option{kv.first.c_str(), kv.second.c_str()});
  ember_registrar registrar{registry_};
  ember_status* status = api_->init(&registrar, opts.data(), static_cast<int32_t>(opts.size()));
  if (status) {
    error_ = "init failed: " + status->message;
    delete status;
  }
}

CallResult LoadedPlugin::call(const std::string& op, const std::vector<ember_value>& args) const {
  auto it = registry_->kernels.find(op);
  if (it == registry_->kernels.end()) return CallResult{-1, "no kernel registered for " + op};
  // The core's meta normalizes `dim` before a kernel sees it; so does this host.
  std::vector<ember_value> normalized = args;
  std::vector<int64_t> dims;
  std::string refused = normalize_dim_argument(op, normalized, dims);
  if (!refused.empty()) return CallResult{EMBER_ERROR_INDEX, refused};
  ember_status* status = call_kernel(it->second, normalized);
  CallResult result;
  if (status) {
    result.code = status->code;
    result.message = status->message;
    delete status;
  }
  return result;
}

ember_status* call_kernel(const RegisteredKernel& k, const std::vector<ember_value>& args) {
  FakeCall state;
  ember_call_context call{};
  call.struct_size = sizeof call;
  call.device_type = 0;
  call.device_index = 0;
  call.stream = nullptr;
  call.host_data = &state;
  call.scratch = &fake_scratch;
  call.resize_output = &fake_resize;
  call.report = &fake_report;
  call.content_version = &fake_content_version;
  return k.fn(k.ctx, &call, args.data(), static_cast<int32_t>(args.size()));
}

std::string cpu_plugin_path() {
  if (const char* env = std::getenv("EMBER_CPU_PLUGIN")) return env;
#ifdef EMBER_CPU_PLUGIN_PATH
  return EMBER_CPU_PLUGIN_PATH;
#else
  return "libember_cpu.so";
#endif
}

const LoadedPlugin& loop_plugin() {
  static const LoadedPlugin* p = new LoadedPlugin(cpu_plugin_path(), 2, {{"onednn", "false"}}, /*private_copy=*/true);
  return *p;
}

TestTensor random_f32(std::vector<int64_t> shape, uint32_t seed) {
  TestTensor t(shape, EMBER_DTYPE_FLOAT32);
  uint32_t state = seed * 2654435761u + 7;
  for (int64_t i = 0; i < t.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    t.set_linear<float>(i, static_cast<float>(state >> 8) / 16777216.0f * 2 - 1);
  }
  return t;
}

const LoadedPlugin& cpu_plugin() {
  static const LoadedPlugin* plugin = new LoadedPlugin(cpu_plugin_path(), 0);
  return *plugin;
}

size_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case EMBER_DTYPE_BOOL: case EMBER_DTYPE_UINT8: case EMBER_DTYPE_INT8: return 1;
    case EMBER_DTYPE_INT16: case EMBER_DTYPE_FLOAT16: case EMBER_DTYPE_BFLOAT16: return 2;
    case EMBER_DTYPE_INT32: case EMBER_DTYPE_FLOAT32: return 4;
    default: return 8;
  }
}

// ---- TestTensor ------------------------------------------------------------------------------

TestTensor::TestTensor(std::vector<int64_t> sizes, int32_t dtype) : sizes_(std::move(sizes)), dtype_(dtype) {
  strides_.resize(sizes_.size());
  int64_t stride = 1;
  for (size_t d = sizes_.size(); d-- > 0;) {
    strides_[d] = stride;
    stride *= sizes_[d];
  }
  storage_ = std::make_shared<std::vector<char>>(static_cast<size_t>(std::max<int64_t>(1, stride)) * dtype_size(dtype), 0);
}

int64_t TestTensor::numel() const {
  int64_t n = 1;
  for (int64_t s : sizes_) n *= s;
  return n;
}

ember_tensor_view TestTensor::view() const {
  ember_tensor_view v{};
  v.data = data();
  v.sizes = sizes_.data();
  v.strides = strides_.data();
  v.ndim = static_cast<int32_t>(sizes_.size());
  v.dtype = dtype_;
  v.device_type = 0;
  v.device_index = 0;
  return v;
}

char* TestTensor::element_ptr(int64_t linear) const {
  int64_t offset = 0;
  for (size_t d = sizes_.size(); d-- > 0;) {
    offset += (linear % sizes_[d]) * strides_[d];
    linear /= sizes_[d];
  }
  return static_cast<char*>(data()) + offset * static_cast<int64_t>(dtype_size(dtype_));
}

TestTensor TestTensor::transposed(int64_t d0, int64_t d1) const {
  TestTensor t = *this;
  std::swap(t.sizes_[d0], t.sizes_[d1]);
  std::swap(t.strides_[d0], t.strides_[d1]);
  return t;
}

TestTensor TestTensor::expanded(std::vector<int64_t> sizes) const {
  TestTensor t = *this;
  const size_t lead = sizes.size() - sizes_.size();
  t.sizes_ = sizes;
  t.strides_.assign(sizes.size(), 0);
  for (size_t d = 0; d < sizes_.size(); ++d)
    t.strides_[lead + d] = sizes_[d] == 1 && sizes[lead + d] != 1 ? 0 : strides_[d];
  return t;
}

TestTensor TestTensor::sliced(int64_t dim, int64_t start, int64_t end, int64_t step) const {
  TestTensor t = *this;
  t.offset_ += start * strides_[dim];
  t.sizes_[dim] = (end - start + step - 1) / step;
  t.strides_[dim] *= step;
  return t;
}

TestTensor TestTensor::as_strided(std::vector<int64_t> sizes, std::vector<int64_t> strides, int64_t offset) const {
  TestTensor t = *this;
  t.sizes_ = std::move(sizes);
  t.strides_ = std::move(strides);
  t.offset_ = offset;
  return t;
}

TestTensor TestTensor::contiguous() const {
  TestTensor t(sizes_, dtype_);
  const size_t es = dtype_size(dtype_);
  for (int64_t i = 0; i < numel(); ++i) std::memcpy(t.element_ptr(i), element_ptr(i), es);
  return t;
}

std::vector<double> TestTensor::to_doubles() const {
  std::vector<double> out(static_cast<size_t>(numel()));
  for (int64_t i = 0; i < numel(); ++i) {
    const char* p = element_ptr(i);
    switch (dtype_) {
      case EMBER_DTYPE_BOOL: out[i] = *reinterpret_cast<const bool*>(p); break;
      case EMBER_DTYPE_UINT8: out[i] = *reinterpret_cast<const uint8_t*>(p); break;
      case EMBER_DTYPE_INT8: out[i] = *reinterpret_cast<const int8_t*>(p); break;
      case EMBER_DTYPE_INT16: out[i] = *reinterpret_cast<const int16_t*>(p); break;
      case EMBER_DTYPE_INT32: out[i] = *reinterpret_cast<const int32_t*>(p); break;
      case EMBER_DTYPE_INT64: out[i] = static_cast<double>(*reinterpret_cast<const int64_t*>(p)); break;
      case EMBER_DTYPE_FLOAT16: out[i] = static_cast<float>(*reinterpret_cast<const Half*>(p)); break;
      case EMBER_DTYPE_BFLOAT16: out[i] = static_cast<float>(*reinterpret_cast<const BFloat16*>(p)); break;
      case EMBER_DTYPE_FLOAT32: out[i] = *reinterpret_cast<const float*>(p); break;
      default: out[i] = *reinterpret_cast<const double*>(p); break;
    }
  }
  return out;
}

// ---- Args ------------------------------------------------------------------------------------

Args& Args::tensor(const TestTensor& t) {
  tensors_.push_back(t);  // a copy: the view points at its sizes and strides
  ember_value v{};
  v.tag = EMBER_VALUE_TENSOR;
  v.u.tensor = tensors_.back().view();
  values_.push_back(v);
  return *this;
}

Args& Args::tensors(const std::vector<TestTensor>& ts) {
  view_lists_.emplace_back();
  for (const TestTensor& t : ts) {
    tensors_.push_back(t);
    view_lists_.back().push_back(tensors_.back().view());
  }
  ember_value v{};
  v.tag = EMBER_VALUE_TENSOR_LIST;
  v.u.tensor_list.data = view_lists_.back().data();
  v.u.tensor_list.size = static_cast<int64_t>(ts.size());
  values_.push_back(v);
  return *this;
}

Args& Args::none() {
  ember_value v{};
  v.tag = EMBER_VALUE_NONE;
  values_.push_back(v);
  return *this;
}

Args& Args::i(int64_t x) {
  ember_value v{};
  v.tag = EMBER_VALUE_INT;
  v.u.i = x;
  values_.push_back(v);
  return *this;
}

Args& Args::d(double x) {
  ember_value v{};
  v.tag = EMBER_VALUE_DOUBLE;
  v.u.d = x;
  values_.push_back(v);
  return *this;
}

Args& Args::b(bool x) {
  ember_value v{};
  v.tag = EMBER_VALUE_BOOL;
  v.u.b = x;
  values_.push_back(v);
  return *this;
}

Args& Args::str(const std::string& s) {
  strings_.push_back(s);
  ember_value v{};
  v.tag = EMBER_VALUE_STRING;
  v.u.str = strings_.back().c_str();
  values_.push_back(v);
  return *this;
}

Args& Args::ints(const std::vector<int64_t>& list) {
  int_lists_.push_back(list);
  ember_value v{};
  v.tag = EMBER_VALUE_INT_LIST;
  v.u.int_list.data = int_lists_.back().data();
  v.u.int_list.size = static_cast<int64_t>(list.size());
  values_.push_back(v);
  return *this;
}

Args& Args::generator(uint64_t seed, uint64_t offset) {
  ember_value v{};
  v.tag = EMBER_VALUE_GENERATOR;
  v.u.generator.seed = seed;
  v.u.generator.offset = offset;
  values_.push_back(v);
  return *this;
}

}  // namespace ember_test
