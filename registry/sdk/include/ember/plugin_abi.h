/* ember plugin ABI: the whole contract between the ember core and a plugin.
 *
 * Plain C. Nothing C++ crosses this boundary: no exceptions, no STL types, no RTTI.
 * Every table starts with struct_size (and ABI major/minor where it is a top-level table),
 * so each side can tell which fields the other one has. New fields are only ever appended;
 * a change that removes, retypes or reorders a field bumps EMBER_ABI_MAJOR.
 *
 * Life cycle:
 *   1. The core loads the library and looks up the one exported symbol EMBER_PLUGIN_ENTRY_SYMBOL.
 *   2. It calls ember_plugin_entry(host). The plugin checks the host's ABI version and returns
 *      its own table, or NULL to refuse the host (after calling host->log to say why).
 *   3. The core checks the plugin's ABI version (same major, plugin minor <= host minor).
 *   4. The core calls init(registrar, options). Every registration happens inside init and goes
 *      through the registrar; the core commits them only if init returns NULL (success), so a
 *      failed plugin leaves no trace in the core.
 *   5. Libraries are never unloaded. shutdown (optional) runs at process exit, in reverse load order.
 *
 * Ownership: statuses are created by host->status_create and owned by whoever receives them;
 * the core frees the ones a plugin returns. Strings passed to the host are copied by the host.
 * Tensor views passed to kernels are borrowed for the duration of the call.
 *
 * Threads: kernels and device functions may be called from many threads at once.
 * init and shutdown are called once, from one thread.
 */
#ifndef EMBER_PLUGIN_ABI_H
#define EMBER_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EMBER_ABI_MAJOR 1
#define EMBER_ABI_MINOR 0
#define EMBER_PLUGIN_ENTRY_SYMBOL "ember_plugin_entry"

#if defined(_WIN32)
#define EMBER_PLUGIN_EXPORT __declspec(dllexport)
#else
#define EMBER_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- status ------------------------------------------------------------------------------ */

typedef enum ember_status_code {
  EMBER_OK = 0,
  EMBER_ERROR_RUNTIME = 1,
  EMBER_ERROR_VALUE = 2,
  EMBER_ERROR_TYPE = 3,
  EMBER_ERROR_INDEX = 4,
  EMBER_ERROR_NOT_IMPLEMENTED = 5,
  EMBER_ERROR_OUT_OF_MEMORY = 6,
  EMBER_ERROR_ABI = 7
} ember_status_code;

/* Opaque; created by the host (host->status_create), freed by the host. NULL means success. */
typedef struct ember_status ember_status;

/* ---- values that cross the boundary ------------------------------------------------------ */

/* Same numbering as ember::ScalarType. */
typedef enum ember_dtype {
  EMBER_DTYPE_BOOL = 0,
  EMBER_DTYPE_UINT8 = 1,
  EMBER_DTYPE_INT8 = 2,
  EMBER_DTYPE_INT16 = 3,
  EMBER_DTYPE_INT32 = 4,
  EMBER_DTYPE_INT64 = 5,
  EMBER_DTYPE_FLOAT16 = 6,
  EMBER_DTYPE_BFLOAT16 = 7,
  EMBER_DTYPE_FLOAT32 = 8,
  EMBER_DTYPE_FLOAT64 = 9,
  EMBER_DTYPE_COUNT = 10
} ember_dtype;

#define EMBER_DTYPE_BIT(d) (1u << (d))
#define EMBER_DTYPES_ALL 0x3FFu
#define EMBER_DTYPES_FLOATING                                                                  \
  (EMBER_DTYPE_BIT(EMBER_DTYPE_FLOAT16) | EMBER_DTYPE_BIT(EMBER_DTYPE_BFLOAT16) |              \
   EMBER_DTYPE_BIT(EMBER_DTYPE_FLOAT32) | EMBER_DTYPE_BIT(EMBER_DTYPE_FLOAT64))

/* A strided view of device memory. data already includes the storage offset.
 * sizes and strides (in elements) have ndim entries; ndim == 0 is a scalar (one element). */
typedef struct ember_tensor_view {
  void* data;
  const int64_t* sizes;
  const int64_t* strides;
  int32_t ndim;
  int32_t dtype;        /* ember_dtype */
  int32_t device_type;  /* the id the host gave the device type (see ember_device_type_desc) */
  int32_t device_index;
} ember_tensor_view;

typedef enum ember_value_tag {
  EMBER_VALUE_NONE = 0,
  EMBER_VALUE_TENSOR = 1,   /* .tensor; an undefined Tensor? is EMBER_VALUE_NONE */
  EMBER_VALUE_INT = 2,      /* .i   (int, SymInt, Scalar holding an integer, ScalarType, Layout) */
  EMBER_VALUE_DOUBLE = 3,   /* .d   (float, Scalar holding a float) */
  EMBER_VALUE_BOOL = 4,     /* .b   (bool, Scalar holding a bool) */
  EMBER_VALUE_STRING = 5,   /* .str (NUL-terminated) */
  EMBER_VALUE_INT_LIST = 6, /* .int_list  (int[], int[N]) */
  EMBER_VALUE_DOUBLE_LIST = 7,
  EMBER_VALUE_TENSOR_LIST = 8, /* .tensor_list (Tensor[]) */
  EMBER_VALUE_GENERATOR = 9,   /* .generator: counter-based RNG state for this call */
  EMBER_VALUE_DEVICE = 10      /* .device */
} ember_value_tag;

typedef struct ember_value {
  int32_t tag; /* ember_value_tag */
  int32_t reserved;
  union {
    ember_tensor_view tensor;
    int64_t i;
    double d;
    int32_t b;
    const char* str;
    struct { const int64_t* data; int64_t size; } int_list;
    struct { const double* data; int64_t size; } double_list;
    struct { const ember_tensor_view* data; int64_t size; } tensor_list;
    /* Philox-style stream: a kernel draws element k of its output from (seed, offset + k). */
    struct { uint64_t seed; uint64_t offset; } generator;
    struct { int32_t type; int32_t index; } device;
  } u;
} ember_value;

/* Conventions of ABI 1.0 that the types above do not spell out:
 *  - bool[] arguments (bool[3] output_mask) arrive as EMBER_VALUE_INT_LIST of 0/1.
 *  - An undefined element of a Tensor?[] arrives as a view with data NULL and ndim -1.
 *  - A kernel's dtype mask (ember_kernel_desc.dtypes) is checked against the dtype the core
 *    computes in: the op's compute dtype after promotion when it has one (pointwise ops: all
 *    tensor inputs were converted to it), else the first defined tensor argument's dtype, else
 *    the first output's.
 *  - Random kernels get EMBER_VALUE_GENERATOR {seed, offset}; element k of the output (in logical
 *    row-major order) is drawn from one Philox4x32-10 block with key = seed and counter =
 *    offset + k, so results do not depend on threads; the core reserves 4 counters per element.
 *    (<ember/sdk/random.h> implements this.)
 *  - A gradient switched off by an output_mask comes back as a tensor of shape [0]; kernels never
 *    write it.
 */

/* A kernel for one operator (by its schema name with overload, e.g. "add.out") on one device type.
 * args holds the operator's arguments in schema order (out= arguments included, as writable
 * tensor views whose shape and dtype the core has already set). The core has validated shapes,
 * dtypes and devices before the call. Returns NULL on success. */
typedef ember_status* (*ember_kernel_fn)(void* kernel_ctx, const ember_value* args, int32_t num_args);

/* ---- devices ----------------------------------------------------------------------------- */

typedef struct ember_device_type_desc {
  size_t struct_size;
  const char* name;          /* "cpu", "cuda", "sim": the name users write in Device("sim:0") */
  int32_t device_count;
  int32_t host_accessible;   /* 1 when data pointers can be read by the host CPU directly */
  void* ctx;
  /* Allocation. Must return memory aligned to at least 64 bytes; nbytes may be 0. */
  ember_status* (*allocate)(void* ctx, int32_t device_index, size_t nbytes, void** out_ptr);
  void (*deallocate)(void* ctx, int32_t device_index, void* ptr);
  /* Copies nbytes between host memory and this device, or within this device.
   * kind: 0 host->device, 1 device->host, 2 device->device. */
  ember_status* (*copy_bytes)(void* ctx, int32_t kind, void* dst, int32_t dst_index,
                              const void* src, int32_t src_index, size_t nbytes);
  /* Waits until all work queued on the device is done. May be NULL for synchronous devices. */
  ember_status* (*synchronize)(void* ctx, int32_t device_index);
} ember_device_type_desc;

/* ---- registration ------------------------------------------------------------------------ */

typedef struct ember_registrar ember_registrar; /* opaque, valid only during init */

typedef struct ember_kernel_desc {
  size_t struct_size;
  const char* op_name;     /* "add.out", "relu", "mylib::myop" */
  const char* device_type; /* a device type name this plugin or an earlier one registered */
  uint32_t dtypes;         /* EMBER_DTYPE_BIT mask of the dtypes the kernel accepts */
  ember_kernel_fn fn;
  void* ctx;
} ember_kernel_desc;

typedef struct ember_option {
  const char* key;
  const char* value; /* YAML scalar text */
} ember_option;

typedef struct ember_host_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* host_version; /* "0.1.0" */

  ember_status* (*status_create)(int32_t code, const char* message);
  void (*log)(int32_t level /* 0 debug, 1 info, 2 warning, 3 error */, const char* plugin,
              const char* message);

  /* Registration (only inside init). */
  ember_status* (*register_device_type)(ember_registrar* r, const ember_device_type_desc* desc,
                                        int32_t* out_device_type_id);
  ember_status* (*register_kernel)(ember_registrar* r, const ember_kernel_desc* desc);
  /* Defines a new operator from a schema string, e.g. "sim::fill_ramp(Tensor(a!) self) -> Tensor(a!)". */
  ember_status* (*define_op)(ember_registrar* r, const char* schema);
  /* Asks the core to run ops this plugin lacks for device_type on the CPU, copying tensors
   * over and back. Off unless asked for (here or by `fallback: cpu` in the config). */
  ember_status* (*request_cpu_fallback)(ember_registrar* r, const char* device_type);

  /* Settings the core resolved from the configuration. */
  int32_t intra_op_threads;
} ember_host_api;

typedef struct ember_plugin_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* name;
  const char* version;
  const char* vendor;
  /* Called once. options are the plugin's `options:` map from the configuration. */
  ember_status* (*init)(ember_registrar* registrar, const ember_option* options, int32_t num_options);
  /* Optional (may be NULL): called once at process exit. */
  void (*shutdown)(void);
} ember_plugin_api;

/* The one exported symbol. Returns NULL to refuse the host. */
typedef const ember_plugin_api* (*ember_plugin_entry_fn)(const ember_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* EMBER_PLUGIN_ABI_H */
