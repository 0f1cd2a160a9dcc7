// The MPI library for the mpi comm plugin (see mpi_runtime.h).
#include "mpi_runtime.h"

#include <cstdlib>
#include <thread>

#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>

#include "../common/host_reduce.h"

namespace ember_mpi {

namespace {

using ember::sdk::Error;
using ember::sdk::detail::concat;

constexpr int kDTypes = 10;  // EMBER_DTYPE_BOOL .. EMBER_DTYPE_FLOAT64
constexpr int kReduceOps = 4;  // sum, product, min, max (avg is sum)

struct Tables {
  MPI_Datatype types[kDTypes];
  MPI_Op ops[kReduceOps];
};
Tables g_tables;
bool g_initialized = false;
int g_rank = 0, g_size = 1;

int32_t dtype_from(MPI_Datatype t) {
  for (int d = 0; d < kDTypes; ++d)
    if (g_tables.types[d] == t) return d;
  return -1;
}

// MPI's user function: inout[i] = in[i] (op) inout[i], with the ember dtype found from the
// datatype MPI passes back.
template <int32_t ReduceOp>
void reduce_user_function(void* in, void* inout, int* len, MPI_Datatype* type) {
  const int32_t dtype = dtype_from(*type);
  if (dtype < 0) return;  // not ours: MPI never does this for our own operations
  ember_comm::reduce_function(dtype, ReduceOp)(inout, in, inout, static_cast<size_t>(*len));
}

void finalize_at_exit() {
  std::lock_guard<std::mutex> lock(mpi_mutex());
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace

std::mutex& mpi_mutex() {
  static std::mutex m;
  return m;
}

void ensure_initialized() {
  std::lock_guard<std::mutex> lock(mpi_mutex());
  if (g_initialized) return;
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    int provided = 0;
    int code = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    if (code != MPI_SUCCESS) throw Error(EMBER_ERROR_DISTRIBUTED, concat("MPI_Init_thread failed: ", error_text(code)));
    if (provided < MPI_THREAD_SERIALIZED)
      throw Error(EMBER_ERROR_DISTRIBUTED,
                  "the MPI library does not support MPI_THREAD_SERIALIZED (collectives run on a worker thread)");
    std::atexit(&finalize_at_exit);
  }
  // Errors come back as codes, so that they become ember errors instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  for (int d = 0; d < kDTypes; ++d) {
    const int bytes = static_cast<int>(ember::sdk::element_size(d));
    MPI_Type_contiguous(bytes, MPI_BYTE, &g_tables.types[d]);
    MPI_Type_commit(&g_tables.types[d]);
  }
  MPI_Op_create(&reduce_user_function<EMBER_REDUCE_SUM>, /*commute=*/1, &g_tables.ops[EMBER_REDUCE_SUM]);
  MPI_Op_create(&reduce_user_function<EMBER_REDUCE_PRODUCT>, 1, &g_tables.ops[EMBER_REDUCE_PRODUCT]);
  MPI_Op_create(&reduce_user_function<EMBER_REDUCE_MIN>, 1, &g_tables.ops[EMBER_REDUCE_MIN]);
  MPI_Op_create(&reduce_user_function<EMBER_REDUCE_MAX>, 1, &g_tables.ops[EMBER_REDUCE_MAX]);
  g_initialized = true;
}

int world_rank() {
  ensure_initialized();
  return g_rank;
}
int world_size() {
  ensure_initialized();
  return g_size;
}

MPI_Datatype datatype_of(int32_t dtype) {
  if (dtype < 0 || dtype >= kDTypes) throw ember::sdk::TypeError(concat("dtype ", dtype, " has no MPI datatype"));
  return g_tables.types[dtype];
}

MPI_Op op_of(int32_t reduce_op) {
  if (reduce_op == EMBER_REDUCE_AVG) return g_tables.ops[EMBER_REDUCE_SUM];
  if (reduce_op < 0 || reduce_op >= kReduceOps) throw ember::sdk::ValueError(concat("unknown reduce op ", reduce_op));
  return g_tables.ops[reduce_op];
}

std::string error_text(int code) {
  char text[MPI_MAX_ERROR_STRING] = {0};
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) return concat("MPI error ", code);
  return std::string(text, static_cast<size_t>(len));
}

void check(int code, const std::string& what) {
  if (code != MPI_SUCCESS) throw Error(EMBER_ERROR_DISTRIBUTED, concat(what, " failed: ", error_text(code)));
}

PollResult poll_until(MPI_Request* request, std::chrono::steady_clock::time_point deadline, const std::string& what) {
  auto pause = std::chrono::microseconds(0);
  for (;;) {
    int done = 0;
    {
      std::lock_guard<std::mutex> lock(mpi_mutex());
      check(MPI_Test(request, &done, MPI_STATUS_IGNORE), what);
    }
    if (done) return PollResult::kDone;
    if (std::chrono::steady_clock::now() >= deadline) return PollResult::kTimedOut;
    // Yield first (small messages finish in microseconds), then sleep up to 1 ms between tests.
    if (pause.count() == 0) std::this_thread::yield();
    else std::this_thread::sleep_for(pause);
    pause = std::min(std::chrono::microseconds(1000), pause + std::chrono::microseconds(pause.count() / 2 + 1));
  }
}

}  // namespace ember_mpi
