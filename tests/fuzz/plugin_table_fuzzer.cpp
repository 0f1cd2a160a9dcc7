// Fuzz target: the plugin loader on malformed plugin tables and registrations
// (registry/loader.h, registry/registrar.h). The input scripts a plugin linked into this program:
// what its entry returns (NULL, a throw, or a table with any struct_size, ABI version, names and
// init), and what its init does with the host (device types, kernels, operator definitions and
// CPU fallbacks with malformed descriptors and names, log calls, calls through a registrar
// handle kept from an earlier load), and how init ends (success, an error status, a C++ throw).
// The loader must report every failure in its PluginReport, never crash or throw.
//
// State: a successful load publishes to the process-wide dispatcher and device registry. To keep
// that bounded over millions of inputs, plugin names come from a small set and each name is
// committed at most once (as the runtime allows: load_plugin refuses a name already loaded); a
// name that already committed is loaded as a dry run (everything checked, nothing published).
//
// A status the host returns to a plugin is the plugin's to return or drop; it frees the ones it
// drops with host->status_free (ABI 2.0).
#include <cstring>
#include <deque>
#include <set>
#include <stdexcept>

#include "core/device_runtime.h"
#include "fuzz_support.h"
#include "registry/loader.h"

namespace {

using ember_fuzz::FuzzInput;

FuzzInput* g_input = nullptr;
const ember_host_api* g_host = nullptr;
ember_registrar* g_kept_registrar = nullptr;  // a handle from an earlier load (stale by now)
std::deque<std::string> g_strings;            // strings handed to the host for this input
ember_plugin_api g_table;

const char* const kOps[] = {"add.out", "mul.out", "relu.out", "sum.dim_IntList_out", "aten::add.out", "fz::f",
                            "fz::g.out", "fz::h", "no.such_op", "add", "", "::", "add.out.extra", "fz::f.", "aten::"};
const char* const kDevices[] = {"cpu", "sim", "fzdev0", "fzdev1", "fzdev2", "fzdev3", "", "CPU", "fz dev", "cuda",
                                "dispatchtest", "fzdev0:1", "Autograd", "Composite"};
const char* const kSchemas[] = {
    "fz::f(Tensor self) -> Tensor",
    "fz::g.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)",
    "fz::h(Tensor self, int n=2, float? s=None) -> (Tensor, Tensor)",
    "fz::f(Tensor self, int extra) -> Tensor",  // conflicts with the first
    "add.out(Tensor self) -> Tensor",           // conflicts with ops.yaml
    "aten::relu(Tensor self) -> Tensor",
    "fz::bad(Tensor self -> Tensor",
    "fz::i(Tensor[] xs, Scalar s=1, str mode='a', Device? d=None, bool[3] mask=[True, False, True]) -> Tensor[]",
    "",
};

// A name from a table, a fuzzed string, or NULL.
const char* name_from(FuzzInput& in, const char* const* table, size_t n) {
  switch (in.byte() % 8) {
    case 0: return nullptr;
    case 1: g_strings.push_back(in.string(24)); return g_strings.back().c_str();
    default: return table[in.below(n)];
  }
}

size_t struct_size_from(FuzzInput& in, size_t real) {
  const size_t options[] = {real, real, real, 0, 8, real - 8, real + 8, real + 4096};
  return in.pick(options);
}

ember_status* fz_kernel(void*, const ember_call_context*, const ember_value*, int32_t) { return nullptr; }
ember_status* fz_allocate(void*, int32_t, size_t, ember_stream, void** out) {
  *out = nullptr;
  return g_host->status_create(EMBER_ERROR_OUT_OF_MEMORY, "fuzz device allocates nothing");
}
void fz_deallocate(void*, int32_t, void*) {}
ember_status* fz_copy(void*, ember_copy_kind, void*, int32_t, const void*, int32_t, size_t) { return nullptr; }
ember_status* fz_synchronize(void*, int32_t) { return nullptr; }

// Keeps the first error status to return from init and frees the others (see the header).
struct Statuses {
  ember_status* first = nullptr;
  void take(ember_status* s) {
    if (s == nullptr) return;
    if (first == nullptr) first = s;
    else g_host->status_free(s);
  }
};

void register_device_type(FuzzInput& in, ember_registrar* r, Statuses& statuses) {
  ember_device_type_desc desc;
  std::memset(&desc, 0, sizeof desc);
  desc.struct_size = struct_size_from(in, sizeof desc);
  desc.name = name_from(in, kDevices, std::size(kDevices));
  const int32_t counts[] = {1, 2, 0, -1, 16, 1 << 30, INT32_MIN};
  desc.device_count = in.pick(counts);
  desc.host_accessible = static_cast<int32_t>(in.byte() % 3);
  uint8_t present = in.byte();  // which function pointers are set
  desc.allocate = (present & 1) ? &fz_allocate : nullptr;
  desc.deallocate = (present & 2) ? &fz_deallocate : nullptr;
  desc.copy_bytes = (present & 4) ? &fz_copy : nullptr;
  desc.synchronize = (present & 8) ? &fz_synchronize : nullptr;
  desc.reads_host_scalars = static_cast<int32_t>(in.byte() % 3);  // ABI 2.1; 2 is not a boolean
  int32_t id = -1;
  statuses.take(g_host->register_device_type(r, (present & 16) ? nullptr : &desc, (present & 32) ? nullptr : &id));
}

void register_kernel(FuzzInput& in, ember_registrar* r, Statuses& statuses) {
  ember_kernel_desc desc;
  std::memset(&desc, 0, sizeof desc);
  desc.struct_size = struct_size_from(in, sizeof desc);
  desc.op_name = name_from(in, kOps, std::size(kOps));
  desc.device_type = name_from(in, kDevices, std::size(kDevices));
  const uint32_t masks[] = {EMBER_DTYPES_ALL, 0, 1u << EMBER_DTYPE_FLOAT32, 0xffffffffu, 1u << 31};
  desc.dtypes = in.flag() ? in.pick(masks) : in.u32();
  desc.fn = in.byte() % 4 ? &fz_kernel : nullptr;
  statuses.take(g_host->register_kernel(r, in.byte() % 16 ? &desc : nullptr));
}

ember_status* define_op_text(ember_registrar* r, const char* schema) {
  ember_op_desc desc{};
  desc.struct_size = sizeof desc;
  desc.schema = schema;
  return g_host->define_op(r, &desc);
}

// An operator definition with fuzzed schema text, tags and struct size.
ember_status* define_op(FuzzInput& in, ember_registrar* r) {
  const char* const kTags[] = {"pointwise", "inplace", "", "not an identifier", "reduction"};
  const char* tags[3];
  ember_op_desc desc{};
  desc.struct_size = struct_size_from(in, sizeof desc);
  desc.schema = name_from(in, kSchemas, std::size(kSchemas));
  desc.num_tags = static_cast<int32_t>(in.byte() % 5) - 1;  // -1 .. 3
  for (int i = 0; i < 3; ++i) tags[i] = name_from(in, kTags, std::size(kTags));
  desc.tags = in.flag() ? tags : nullptr;
  return g_host->define_op(r, in.byte() % 16 ? &desc : nullptr);
}

ember_status* fz_init(ember_registrar* r, const ember_option*, int32_t) {
  FuzzInput& in = *g_input;
  Statuses statuses;
  const int steps = in.byte() % 10;
  for (int i = 0; i < steps && !in.empty(); ++i) {
    switch (in.byte() % 8) {
      case 0: register_device_type(in, r, statuses); break;
      case 1: case 2: register_kernel(in, r, statuses); break;
      case 3: statuses.take(define_op(in, r)); break;
      case 4: statuses.take(g_host->request_cpu_fallback(r, name_from(in, kDevices, std::size(kDevices)))); break;
      case 5: {
        const char* message = name_from(in, kSchemas, std::size(kSchemas));
        g_host->log(static_cast<int32_t>(in.byte()) - 2, in.flag() ? nullptr : "fz", message);
        break;
      }
      case 6:  // a registrar handle from an earlier load, or none at all
        statuses.take(define_op_text(in.flag() ? g_kept_registrar : nullptr, "fz::late(Tensor self) -> Tensor"));
        break;
      default: {
        ember_kernel_desc desc = {sizeof desc, "add.out", "cpu", EMBER_DTYPES_ALL, &fz_kernel, nullptr};
        statuses.take(g_host->register_kernel(g_kept_registrar, &desc));
      }
    }
  }
  g_kept_registrar = r;
  switch (in.byte() % 6) {
    case 0: statuses.take(g_host->status_create(static_cast<int32_t>(in.byte() % 10), name_from(in, kOps, std::size(kOps))));
            return statuses.first;
    case 1: g_host->status_free(statuses.first); throw std::runtime_error("init threw");
    case 2: return statuses.first;
    default: g_host->status_free(statuses.first); return nullptr;  // success, whatever the host said
  }
}

void fz_shutdown() {}

const ember_plugin_api* fz_entry(const ember_host_api* host) {
  g_host = host;
  FuzzInput& in = *g_input;
  switch (in.byte() % 10) {
    case 0: return nullptr;
    case 1: throw std::logic_error("entry threw");
    default: break;
  }
  std::memset(&g_table, 0, sizeof g_table);
  g_table.struct_size = struct_size_from(in, sizeof g_table);
  const uint32_t majors[] = {EMBER_ABI_MAJOR, EMBER_ABI_MAJOR, EMBER_ABI_MAJOR, 0, EMBER_ABI_MAJOR + 1, 0xffffffffu};
  const uint32_t minors[] = {0, EMBER_ABI_MINOR, EMBER_ABI_MINOR + 1, 0xffffffffu};
  g_table.abi_major = in.pick(majors);
  g_table.abi_minor = in.pick(minors);
  g_table.name = name_from(in, kDevices, std::size(kDevices));
  g_table.version = name_from(in, kOps, std::size(kOps));
  g_table.vendor = name_from(in, kOps, std::size(kOps));
  g_table.init = in.byte() % 8 ? &fz_init : nullptr;
  g_table.shutdown = in.flag() ? &fz_shutdown : nullptr;
  return &g_table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::set<std::string>* committed = new std::set<std::string>();
  FuzzInput in(data, size);
  g_input = &in;
  g_strings.clear();
  ember::PluginSpec spec;
  spec.name = "fz" + std::to_string(in.byte() % 64);
  if (in.flag()) spec.options.push_back({in.string(8), in.string(8)});
  const bool commit = committed->count(spec.name) == 0;
  ember_fuzz::expect_typed([&] {
    ember::PluginReport report = ember::load_plugin_from_entry(spec, &fz_entry, commit);
    ember_fuzz::require(report.status != ember::PluginStatus::Failed || !report.reason.empty(), "a failure has a reason");
    if (report.status == ember::PluginStatus::Loaded && commit) committed->insert(spec.name);
    (void)ember::plugin_failure_message(report);
  });
  g_input = nullptr;
  return 0;
}
