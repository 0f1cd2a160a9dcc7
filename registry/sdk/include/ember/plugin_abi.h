/* ember plugin ABI 2.2: the whole contract between the ember core and a plugin.
 *
 * Plain C. Nothing C++ crosses this boundary: no exceptions, no STL types, no RTTI.
 * Every table starts with struct_size (and ABI major/minor where it is a top-level table),
 * so each side can tell which fields the other one has. New fields are only ever appended;
 * a change that removes, retypes or reorders a field bumps EMBER_ABI_MAJOR.
 *
 * 2.1 appended ember_device_type_desc.reads_host_scalars (a 2.0 plugin's shorter table reads as 0).
 * 2.2 appended ember_call_context.content_version (a plugin checks call->struct_size before
 *     using it: a 2.0 or 2.1 host passes the shorter context).
 *
 * What 2.0 changed from 1.x (a 1.x plugin is refused with this list; rebuild it against this
 * header and the SDK that comes with it):
 *   - every kernel receives an ember_call_context: device index, the stream to launch on, and
 *     host callbacks for scratch memory, resizing an output, and reporting a status;
 *   - device tables: allocate takes the stream, copies take a named ember_copy_kind, and optional
 *     streams, events, asynchronous and peer copies, pinned host memory, device properties,
 *     memory statistics, record_stream and empty_cache;
 *   - operators defined by plugins carry tags (ember_op_desc);
 *   - process-group (collective) backends and fusion backends are registered through their own
 *     tables (ember_process_group_backend_desc, ember_fusion_backend_desc);
 *   - the host table gains status accessors (status_free, status_code, status_message).
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
 * the core frees the ones a plugin returns, a plugin frees the ones it receives with
 * host->status_free. Strings passed to the host are copied by the host. Tensor views passed to
 * kernels are borrowed for the duration of the call.
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

#define EMBER_ABI_MAJOR 2
#define EMBER_ABI_MINOR 2
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
  EMBER_ERROR_ABI = 7,
  EMBER_ERROR_DEVICE = 8,      /* the device runtime failed (a CUDA error, a lost device) */
  EMBER_ERROR_TIMEOUT = 9,     /* a deadline passed (collectives, stores, synchronization) */
  EMBER_ERROR_DISTRIBUTED = 10,/* a peer failed or ranks disagree (collectives) */
  EMBER_WARNING = 100          /* not an error: reported through ember_call_context::report */
} ember_status_code;

/* Opaque; created by the host (host->status_create). NULL means success. */
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
 * sizes and strides (in elements) have ndim entries; ndim == 0 is a scalar (one element).
 * An empty tensor (a size is 0) may have data NULL. */
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
  EMBER_VALUE_INT_LIST = 6, /* .int_list  (int[], int[N]; bool[N] as 0/1) */
  EMBER_VALUE_DOUBLE_LIST = 7,
  EMBER_VALUE_TENSOR_LIST = 8, /* .tensor_list (Tensor[], Tensor?[]) */
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

/* Conventions that the types above do not spell out:
 *  - bool[] arguments (bool[3] output_mask) arrive as EMBER_VALUE_INT_LIST of 0/1.
 *  - An undefined element of a Tensor?[] arrives as a view with data NULL and ndim -1.
 *  - A kernel's dtype mask (ember_kernel_desc.dtypes) is checked by the core, once, against the
 *    dtype the call computes in: the op's compute dtype after promotion when it has one (pointwise
 *    ops: all tensor inputs were converted to it), else the first defined tensor argument's
 *    dtype, else the first output's. A kernel never sees a call whose dtype is outside its mask.
 *  - The core validated shapes, dtypes and devices (the op's meta function) and passes normalized
 *    arguments: a `dim` (int, int?) is in [0, ndim) (0 for a 0-d tensor; None stays None); a
 *    `dim` list (int[], int[]?) names each reduced dim once, ascending, every dim when the
 *    caller gave None or []; out= tensors have their final shape and dtype. Kernels do not
 *    validate again.
 *  - Random kernels get EMBER_VALUE_GENERATOR {seed, offset}; element k of the output (in logical
 *    row-major order) is drawn from one Philox4x32-10 block with key = seed and counter =
 *    offset + k, so results do not depend on threads or on the device; the core reserves 4
 *    counters per element. (<ember/sdk/random.h> implements this.)
 *  - A gradient switched off by an output_mask comes back as a tensor of shape [0]; kernels never
 *    write it.
 */

/* Options from the configuration (a plugin's or a backend's `options:` map). */
typedef struct ember_option {
  const char* key;
  const char* value; /* YAML scalar text */
} ember_option;

typedef struct ember_option_list {
  const ember_option* items;
  int32_t count;
} ember_option_list;

/* ---- streams, events, copies ------------------------------------------------------------- */

/* A plugin's stream and event handles. The host never looks inside. A NULL stream is the
 * device's default stream; a synchronous device may use NULL everywhere. */
typedef struct ember_stream_impl* ember_stream;
typedef struct ember_event_impl* ember_event;

typedef enum ember_copy_kind {
  EMBER_COPY_HOST_TO_DEVICE = 0,
  EMBER_COPY_DEVICE_TO_HOST = 1,
  EMBER_COPY_DEVICE_TO_DEVICE = 2, /* within one device (dst_index == src_index) */
  EMBER_COPY_PEER = 3              /* between two devices of this type (dst_index != src_index) */
} ember_copy_kind;

/* ---- the call context -------------------------------------------------------------------- */

typedef struct ember_call_context ember_call_context;

/* What the host gives every kernel call. Valid only during the call; thread-confined. */
struct ember_call_context {
  size_t struct_size;
  int32_t device_type;    /* the id of the device type the kernel was registered for */
  int32_t device_index;   /* the device the call runs on (the outputs' device) */
  ember_stream stream;    /* launch work here: the caller's current stream for that device */
  void* host_data;        /* opaque to the plugin; pass the context back to the callbacks */

  /* Scratch memory on this device for the call: usable by work the kernel queues on `stream`.
   * The host releases it after the kernel returns, ordered on `stream` (the device allocator
   * gets the stream at allocation), so queued work may still use it. 64-byte aligned.
   * Returns NULL and sets *status on failure (e.g. EMBER_ERROR_OUT_OF_MEMORY); nbytes 0 gives a
   * valid unique pointer. */
  void* (*scratch)(const ember_call_context* call, size_t nbytes, ember_status** status);

  /* For outputs whose size only the kernel knows (nonzero, unique, masked_select): reallocates
   * the tensor argument args[arg_index] (an output the kernel writes) to `sizes`, contiguous,
   * on this device, with its dtype. On success the host has rewritten args[arg_index].u.tensor
   * (data, sizes, strides) in place; the old contents are gone. */
  ember_status* (*resize_output)(const ember_call_context* call, int32_t arg_index,
                                 const int64_t* sizes, int32_t ndim);

  /* Reports a status without returning from the kernel; the host takes ownership. A status
   * with code EMBER_WARNING becomes a user warning (as TORCH_WARN); any other code makes the
   * call fail with that error after the kernel returns (the first one reported wins). */
  void (*report)(const ember_call_context* call, ember_status* status);

  /* 2.2. What identifies the current contents of the tensor argument args[arg_index]. Returns 1
   * and sets *storage_id (unique within the process, never reused, unlike addresses) and
   * *version when the host sees every write to that tensor's memory: every operator that writes
   * it, every copy into it and every collective that receives into it changes the version.
   * Returns 0 (and sets both to 0) when it cannot promise that: memory the application lent
   * (from_blob) or whose address it took for writing (Tensor::data_ptr), or an argument that is
   * not a tensor. The same pair at two calls means the bytes did not change in between, so a
   * kernel may keep something derived from them (weights in its own layout) without reading
   * them again to check. */
  int32_t (*content_version)(const ember_call_context* call, int32_t arg_index, uint64_t* storage_id,
                             uint64_t* version);
};

/* A kernel for one operator (by its schema name with overload, e.g. "add.out") on one device type.
 * args holds the operator's arguments in schema order (out= arguments included, as writable
 * tensor views whose shape and dtype the core has already set). Returns NULL on success.
 * The kernel may return before the work it queued on call->stream has finished. */
typedef ember_status* (*ember_kernel_fn)(void* kernel_ctx, const ember_call_context* call,
                                         const ember_value* args, int32_t num_args);

/* ---- devices ----------------------------------------------------------------------------- */

typedef struct ember_device_properties {
  size_t struct_size;
  char name[128];             /* "NVIDIA H100 80GB HBM3", "x86_64 (16 cores)" */
  uint64_t total_memory;      /* bytes; 0 if unknown */
  char capability[32];        /* "9.0" (compute capability), "avx512" (an ISA level) */
  int32_t multiprocessor_count;
  int32_t reserved;
} ember_device_properties;

typedef struct ember_memory_stats {
  size_t struct_size;
  uint64_t allocated_bytes;      /* in tensors and scratch now */
  uint64_t reserved_bytes;       /* held from the device by the allocator (>= allocated) */
  uint64_t peak_allocated_bytes; /* since start or reset_peak_stats */
  uint64_t peak_reserved_bytes;
  uint64_t num_allocations;      /* allocate calls served */
  uint64_t num_frees;
  uint64_t num_device_allocations; /* calls to the device runtime (cudaMalloc) */
  uint64_t num_device_frees;
  uint64_t num_ooms;             /* out-of-memory failures */
} ember_memory_stats;

/* Every function below receives the desc's ctx and a device index. Optional fields may be NULL:
 * the host then provides the behaviour of a synchronous device (noted per field). */
typedef struct ember_device_type_desc {
  size_t struct_size;
  const char* name;          /* "cpu", "cuda", "sim": the name users write in Device("sim:0") */
  int32_t device_count;
  int32_t host_accessible;   /* 1 when data pointers can be read by the host CPU directly */
  void* ctx;

  /* ---- memory (required) ---- */
  /* Must return memory aligned to at least 64 bytes; nbytes may be 0 (a unique valid pointer).
   * stream: the stream the block will be used on first (a caching allocator reuses the block
   * on that stream without synchronizing). Out of memory is EMBER_ERROR_OUT_OF_MEMORY with a
   * message that says what was asked and what is allocated, reserved and free. */
  ember_status* (*allocate)(void* ctx, int32_t device_index, size_t nbytes, ember_stream stream,
                            void** out_ptr);
  void (*deallocate)(void* ctx, int32_t device_index, void* ptr);
  /* Synchronous copy: ordered after all work queued on the device(s) involved (as a blocking
   * cudaMemcpy), and the bytes are in place when it returns. For EMBER_COPY_PEER dst_index
   * and src_index differ; otherwise the index of the non-host side is given twice. */
  ember_status* (*copy_bytes)(void* ctx, ember_copy_kind kind, void* dst, int32_t dst_index,
                              const void* src, int32_t src_index, size_t nbytes);
  /* Waits until all work queued on the device is done. NULL: nothing is ever queued. */
  ember_status* (*synchronize)(void* ctx, int32_t device_index);

  /* ---- streams (optional; NULL: the device has one stream, NULL, and runs synchronously) ---- */
  /* priority: 0 normal, < 0 higher (as CUDA). */
  ember_status* (*stream_create)(void* ctx, int32_t device_index, int32_t priority, ember_stream* out);
  void (*stream_destroy)(void* ctx, int32_t device_index, ember_stream stream);
  ember_status* (*stream_synchronize)(void* ctx, int32_t device_index, ember_stream stream);
  /* *done = 1 when all work queued on the stream has finished. */
  ember_status* (*stream_query)(void* ctx, int32_t device_index, ember_stream stream, int32_t* done);

  /* ---- events (optional; NULL: the host records host timestamps, waits are no-ops) ---- */
  /* flags: 1 = timing (elapsed_ms will be asked). */
  ember_status* (*event_create)(void* ctx, int32_t device_index, int32_t flags, ember_event* out);
  void (*event_destroy)(void* ctx, int32_t device_index, ember_event event);
  ember_status* (*event_record)(void* ctx, int32_t device_index, ember_event event, ember_stream stream);
  /* Work queued on `stream` after this call waits for the event (without blocking the host). */
  ember_status* (*stream_wait_event)(void* ctx, int32_t device_index, ember_stream stream, ember_event event);
  ember_status* (*event_query)(void* ctx, int32_t device_index, ember_event event, int32_t* done);
  ember_status* (*event_synchronize)(void* ctx, int32_t device_index, ember_event event);
  /* Milliseconds between two recorded, completed timing events. */
  ember_status* (*event_elapsed_ms)(void* ctx, int32_t device_index, ember_event start, ember_event end,
                                    double* out_ms);

  /* ---- asynchronous copies (optional; NULL: the host calls copy_bytes, which completes) ----
   * Queued on `stream` of the non-host side (for EMBER_COPY_PEER: the source's device; the copy
   * is ordered after work queued on stream before the call). Host memory must stay valid until
   * the copy completes; with pinned host memory (host_allocate) the copy does not block. */
  ember_status* (*copy_async)(void* ctx, ember_copy_kind kind, void* dst, int32_t dst_index,
                              const void* src, int32_t src_index, size_t nbytes, ember_stream stream);

  /* ---- pinned host memory (optional; NULL: the host uses ordinary aligned memory) ---- */
  ember_status* (*host_allocate)(void* ctx, size_t nbytes, void** out_ptr);
  void (*host_deallocate)(void* ctx, void* ptr);

  /* ---- information (optional) ---- */
  ember_status* (*get_properties)(void* ctx, int32_t device_index, ember_device_properties* out);
  ember_status* (*get_memory_stats)(void* ctx, int32_t device_index, ember_memory_stats* out);
  void (*reset_peak_memory_stats)(void* ctx, int32_t device_index);

  /* ---- allocator hints (optional; NULL: nothing to do for a synchronous device) ---- */
  /* The block at ptr (from allocate) is also in use on `stream`: when it is freed, do not reuse
   * it until the work queued on that stream up to now has finished. */
  ember_status* (*record_stream)(void* ctx, int32_t device_index, void* ptr, ember_stream stream);
  /* Returns cached, unused blocks to the device. */
  ember_status* (*empty_cache)(void* ctx, int32_t device_index);

  /* ---- since ABI 2.1 ---- */
  /* 1 when this device's kernels of pointwise ops (ops tagged "pointwise") accept, among inputs
   * on this device, a 0-d tensor in host memory (its view's device_type is the host's "cpu" id)
   * (possibly as a stride-0 view of the output's shape, as other broadcast inputs) and read its
   * value when the kernel is called, as PyTorch's CUDA kernels take a CPU scalar:
   * `x * 2` then launches one kernel instead of a fill, a cast and the product. The host passes
   * such tensors already in the op's compute dtype. 0 (and tables from 2.0): the host copies a
   * 0-d host input to the device before calling any kernel. */
  int32_t reads_host_scalars;
} ember_device_type_desc;

/* ---- collective (process-group) backends ------------------------------------------------- */

/* A rendezvous store supplied by the host (c10d's Store): a key-value map shared by the ranks of
 * a group. The host has already prefixed the keys per group, so a backend may use any key.
 * Values are bytes; `add` keeps an integer as decimal text. Blocking calls wait at most
 * timeout_ms (< 0: the store's default) and then fail with EMBER_ERROR_TIMEOUT naming the keys;
 * a store that cannot be reached fails with EMBER_ERROR_DISTRIBUTED naming its address.
 * Every function is thread-safe; a store outlives the groups created with it. */
typedef struct ember_store {
  size_t struct_size;
  void* ctx;
  ember_status* (*set)(void* ctx, const char* key, const uint8_t* value, size_t len);
  /* Waits for key; *out_value is allocated by the host and released with free_value. */
  ember_status* (*get)(void* ctx, const char* key, int64_t timeout_ms, uint8_t** out_value,
                       size_t* out_len);
  /* Adds delta to the integer stored at key (0 when absent) and returns the new value. */
  ember_status* (*add)(void* ctx, const char* key, int64_t delta, int64_t* out_value);
  /* Waits until every key exists. */
  ember_status* (*wait)(void* ctx, const char* const* keys, int32_t num_keys, int64_t timeout_ms);
  /* Sets key to desired if its value is expected, or if it is absent and expected_len is 0.
   * Returns the value stored afterwards (expected itself when the key is absent and expected_len
   * is not 0, as c10d's compareSet). */
  ember_status* (*compare_set)(void* ctx, const char* key, const uint8_t* expected, size_t expected_len,
                               const uint8_t* desired, size_t desired_len, uint8_t** out_value,
                               size_t* out_len);
  /* *out_deleted = 1 when the key existed. */
  ember_status* (*delete_key)(void* ctx, const char* key, int32_t* out_deleted);
  void (*free_value)(void* ctx, uint8_t* value);
  /* *out_all_exist = 1 when every key exists now (never waits). */
  ember_status* (*check)(void* ctx, const char* const* keys, int32_t num_keys, int32_t* out_all_exist);
} ember_store;

typedef enum ember_reduce_op {
  EMBER_REDUCE_SUM = 0,
  EMBER_REDUCE_PRODUCT = 1,
  EMBER_REDUCE_MIN = 2,
  EMBER_REDUCE_MAX = 3,
  EMBER_REDUCE_AVG = 4       /* the sum divided by the group's size; floating dtypes only */
} ember_reduce_op;

/* The tensors of each kind. The host validates before start: every tensor is contiguous, on the
 * group's device type, of one dtype, and the counts and sizes are as written here (all_to_all's
 * pieces may differ in size between pairs of ranks). "In place" means the result overwrites
 * inputs[0]. */
typedef enum ember_collective_kind {
  EMBER_COLLECTIVE_ALL_REDUCE = 0,     /* inputs[0] reduced over ranks, in place */
  EMBER_COLLECTIVE_BROADCAST = 1,      /* root's inputs[0] into every rank's inputs[0] */
  EMBER_COLLECTIVE_REDUCE = 2,         /* inputs[0] reduced into root's inputs[0] (others: unspecified) */
  EMBER_COLLECTIVE_ALL_GATHER = 3,     /* inputs[0] of rank r into every rank's outputs[r] */
  EMBER_COLLECTIVE_GATHER = 4,         /* inputs[0] of rank r into root's outputs[r] (others: no outputs) */
  EMBER_COLLECTIVE_SCATTER = 5,        /* root's inputs[r] into rank r's outputs[0] (others: no inputs) */
  EMBER_COLLECTIVE_REDUCE_SCATTER = 6, /* inputs[r] reduced over ranks into rank r's outputs[0] */
  EMBER_COLLECTIVE_ALL_TO_ALL = 7,     /* rank r's inputs[s] into rank s's outputs[r] */
  EMBER_COLLECTIVE_BARRIER = 8,        /* no tensors */
  EMBER_COLLECTIVE_SEND = 9,           /* inputs[0] to rank `peer`, matched by `tag` */
  EMBER_COLLECTIVE_RECV = 10           /* outputs[0] from rank `peer`, matched by `tag` */
} ember_collective_kind;

typedef struct ember_collective_desc {
  size_t struct_size;
  int32_t kind;            /* ember_collective_kind */
  int32_t reduce_op;       /* ember_reduce_op: all_reduce, reduce, reduce_scatter */
  int32_t root;            /* broadcast, reduce, gather, scatter: a rank of the group */
  int32_t peer;            /* send, recv: a rank of the group */
  int32_t tag;             /* send, recv */
  int32_t reserved;
  int64_t timeout_ms;      /* deadline for the work, from start (> 0; the host resolved defaults) */
  uint64_t sequence_number;/* 1, 2, ...: the host's count of collectives started on this group,
                            * equal on every rank for matching collectives; 0 for send and recv */
  ember_stream stream;     /* device tensors: the stream whose queued work produced them (the
                            * caller's current stream); NULL for host tensors */
  const ember_tensor_view* inputs;
  int32_t num_inputs;
  int32_t reserved2;
  const ember_tensor_view* outputs;
  int32_t num_outputs;
  int32_t reserved3;
} ember_collective_desc;

/* How the host asks for a group. Valid during create only; copy what you keep. */
typedef struct ember_process_group_spec {
  size_t struct_size;
  /* The rendezvous store, keys prefixed for this group; it outlives the group. NULL only when
   * the backend has world_info and the user gave no rendezvous (MPI under mpirun). */
  const ember_store* store;
  int32_t rank;                /* this process's rank in the group: 0 .. world_size-1 */
  int32_t world_size;
  /* world_size entries: each member's rank in the default group, in group-rank order (for
   * backends that build sub-communicators from the world's, and for messages). */
  const int32_t* global_ranks;
  int32_t device_type;         /* the host's id of the device type the group serves */
  int32_t reserved;
  int64_t timeout_ms;          /* the group's deadline for rendezvous and for each operation (> 0) */
  const char* name;            /* "default", "group 1": for messages */
  const ember_option_list* options; /* the backend's `options:` from the configuration */
} ember_process_group_spec;

typedef struct ember_process_group_impl* ember_process_group;
typedef struct ember_work_impl* ember_work;

/* Called once when a work finishes (successfully or not), from any thread; must not block. */
typedef void (*ember_work_callback)(void* arg);

/* A collective library. Every function receives the desc's ctx. Groups and works may be used
 * from many threads at once; operations on one group are started in one order on every rank
 * (the host serializes start per group), and a backend runs them in that order. */
typedef struct ember_process_group_backend_desc {
  size_t struct_size;
  const char* name;          /* "gloo", "nccl", "mpi": the name the configuration uses */
  const char* device_types;  /* comma-separated device types whose tensors it handles: "cpu" */
  void* ctx;
  /* Joins a group of spec->world_size ranks through spec->store. Fails with EMBER_ERROR_TIMEOUT
   * when peers do not arrive within spec->timeout_ms, naming the ranks that are missing when
   * the backend knows them. */
  ember_status* (*create)(void* ctx, const ember_process_group_spec* spec, ember_process_group* out);
  /* Frees the group. Outstanding works stay valid until released; after abort, destroy must
   * not wait for operations stuck on a dead peer. */
  void (*destroy)(void* ctx, ember_process_group group);
  /* Starts an operation and returns at once with a work handle (or fails at once, for instance
   * EMBER_ERROR_TYPE for a dtype it does not support or EMBER_ERROR_NOT_IMPLEMENTED for a kind).
   * desc and the arrays it points to are valid during the call only; the tensors' memory stays
   * valid until the work finishes (the host keeps the tensors alive). Device backends
   * order the operation after the work queued on desc->stream (with an event) and run it on
   * streams of their own. */
  ember_status* (*start)(void* ctx, ember_process_group group, const ember_collective_desc* desc,
                         ember_work* out);
  /* Waits for the work: host backends block the caller until it finishes; device backends make
   * `stream` wait for it and return (as c10d's Work::wait), unless the configuration asked for
   * blocking waits. Fails with EMBER_ERROR_TIMEOUT when the work is not done within timeout_ms
   * (< 0: the work's own deadline) and with the work's error otherwise (EMBER_ERROR_DISTRIBUTED
   * naming the failed peer's rank when known, EMBER_ERROR_TIMEOUT when its deadline passed).
   * A wait that times out leaves the operation running: its tensors stay in use until the work
   * finishes, which the backend guarantees by the operation's own deadline or by abort. */
  ember_status* (*work_wait)(void* ctx, ember_work work, int64_t timeout_ms, ember_stream stream);
  /* Never blocks. *done = 1 when finished (successfully or not); once finished, returns a new
   * status with the work's error (NULL on success). */
  ember_status* (*work_query)(void* ctx, ember_work work, int32_t* done);
  /* The host no longer uses the handle (it may not have finished); the backend frees it once
   * the operation is over. Callbacks registered with work_on_complete still run. */
  void (*work_release)(void* ctx, ember_work work);
  /* Stops the group after a peer failed: later operations fail at start with
   * EMBER_ERROR_DISTRIBUTED and a message containing `reason` (the host's description of the
   * failure: "rank 2 died: ..."); connections are closed so that outstanding operations here
   * and on the peers fail as soon as they notice (and at the latest at their deadlines). Must
   * not block on the network. Optional (NULL: operations fail only at their deadlines). */
  void (*abort)(void* ctx, ember_process_group group, const char* reason);

  /* ---- optional (NULL or absent from a shorter table) ---- */
  /* Calls callback(arg) once when the work finishes, i.e. when the backend no longer touches
   * its tensors: immediately on the calling thread if it has finished, else from the backend's
   * thread. The host uses it for futures and to free the tensors of works it gave up waiting
   * for. NULL: the host waits on a thread of its own. */
  ember_status* (*work_on_complete)(void* ctx, ember_work work, ember_work_callback callback, void* arg);
  /* Backends whose launcher assigns ranks (MPI under mpirun): this process's rank and the world
   * size, so that no RANK/WORLD_SIZE environment or store is needed. NULL: the host gets them
   * from the user or the environment. */
  ember_status* (*world_info)(void* ctx, int32_t* rank, int32_t* world_size);
} ember_process_group_backend_desc;

/* ---- fusion backends ---------------------------------------------------------------------- */

/* A subgraph in C: values (graph inputs, constants, node results) and nodes in topological
 * order. Owned by the host, valid during the call that receives it. */
typedef struct ember_fusion_value {
  int32_t is_constant;     /* 1: `constant` holds it; 0: a tensor */
  int32_t dtype;           /* tensors: ember_dtype */
  int32_t ndim;            /* tensors: -1 when unknown */
  int32_t reserved;
  const int64_t* sizes;    /* tensors: ndim entries, -1 for a dimension that varies; may be NULL */
  ember_value constant;
} ember_fusion_value;

typedef struct ember_fusion_node {
  const char* op_name;     /* "aten::mul.Tensor" */
  const int32_t* inputs;   /* value ids, in schema order */
  int32_t num_inputs;
  const int32_t* outputs;  /* value ids */
  int32_t num_outputs;
} ember_fusion_node;

typedef struct ember_fusion_graph {
  size_t struct_size;
  const ember_fusion_value* values;
  int32_t num_values;
  const ember_fusion_node* nodes;
  int32_t num_nodes;
  const int32_t* inputs;   /* value ids the caller passes, in order */
  int32_t num_inputs;
  const int32_t* outputs;  /* value ids the caller receives, in order */
  int32_t num_outputs;
} ember_fusion_graph;

typedef struct ember_fusion_backend_desc {
  size_t struct_size;
  const char* name;          /* "cpu_fuser", "nvrtc": the name the configuration's passes use */
  const char* device_type;   /* whose tensors its compiled groups run on */
  void* ctx;
  /* 1 when node `node` of graph can join a fusion group (the host grows groups from this). */
  int32_t (*can_fuse)(void* ctx, const ember_fusion_graph* graph, int32_t node);
  /* Compiles a fusion group; *out is released with release. */
  ember_status* (*compile)(void* ctx, const ember_fusion_graph* group, void** out);
  /* Runs a compiled group: inputs and outputs in the group's order; outputs are allocated by
   * the host with the sizes the group implies. */
  ember_status* (*run)(void* ctx, void* compiled, const ember_call_context* call,
                       const ember_tensor_view* inputs, int32_t num_inputs,
                       const ember_tensor_view* outputs, int32_t num_outputs);
  void (*release)(void* ctx, void* compiled);
} ember_fusion_backend_desc;

/* ---- registration ------------------------------------------------------------------------ */

typedef struct ember_registrar ember_registrar; /* opaque, valid only during init */

typedef struct ember_kernel_desc {
  size_t struct_size;
  const char* op_name;     /* "add.out", "relu", "mylib::myop" */
  const char* device_type; /* a device type name this plugin or an earlier one registered */
  uint32_t dtypes;         /* EMBER_DTYPE_BIT mask of the dtypes the kernel computes in */
  ember_kernel_fn fn;
  void* ctx;
} ember_kernel_desc;

/* An operator a plugin defines. */
typedef struct ember_op_desc {
  size_t struct_size;
  const char* schema;        /* "sim::fill_ramp(Tensor(a!) self) -> Tensor(a!)" */
  const char* const* tags;   /* "pointwise", "inplace", ...; may be NULL */
  int32_t num_tags;
  const char* doc;           /* may be NULL */
} ember_op_desc;

typedef struct ember_host_api {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* host_version; /* "0.2.0" */

  ember_status* (*status_create)(int32_t code, const char* message);
  void (*log)(int32_t level /* 0 debug, 1 info, 2 warning, 3 error */, const char* plugin,
              const char* message);

  /* Registration (only inside init). */
  ember_status* (*register_device_type)(ember_registrar* r, const ember_device_type_desc* desc,
                                        int32_t* out_device_type_id);
  ember_status* (*register_kernel)(ember_registrar* r, const ember_kernel_desc* desc);
  ember_status* (*define_op)(ember_registrar* r, const ember_op_desc* desc);
  /* Asks the core to run ops this plugin lacks for device_type on the CPU, copying tensors
   * over and back. Off unless asked for (here or by `fallback: cpu` in the config). */
  ember_status* (*request_cpu_fallback)(ember_registrar* r, const char* device_type);
  ember_status* (*register_process_group_backend)(ember_registrar* r,
                                                  const ember_process_group_backend_desc* desc);
  ember_status* (*register_fusion_backend)(ember_registrar* r, const ember_fusion_backend_desc* desc);

  /* Statuses a plugin received (from the callbacks above or a store): read, then free. */
  void (*status_free)(ember_status* status);
  int32_t (*status_code)(const ember_status* status);
  const char* (*status_message)(const ember_status* status);

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
