// DataLoaderOptions: how a DataLoader batches and parallelizes, as libtorch's.
//   batch_size        examples per batch (1)
//   workers           worker threads; 0 loads in the calling thread (0)
//   max_jobs          batch requests in flight at once (2 * workers)
//   timeout           how long to wait for a worker's batch before RuntimeError "Timeout" (none)
//   enforce_ordering  return batches in request order even when workers finish out of order (true)
//   drop_last         drop a last batch smaller than batch_size (false)
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "nn/options/base.h"

namespace ember {
namespace data {

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  /* implicit */ DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}  // NOLINT

  EMBER_ARG(size_t, batch_size) = 1;
  EMBER_ARG(size_t, workers) = 0;
  EMBER_ARG(std::optional<size_t>, max_jobs);
  EMBER_ARG(std::optional<std::chrono::milliseconds>, timeout);
  EMBER_ARG(bool, enforce_ordering) = true;
  EMBER_ARG(bool, drop_last) = false;
};

// DataLoaderOptions with every default filled in.
struct FullDataLoaderOptions {
  explicit FullDataLoaderOptions(DataLoaderOptions options)
      : batch_size(options.batch_size()),
        workers(options.workers()),
        max_jobs(options.max_jobs().value_or(2 * workers)),
        timeout(options.timeout()),
        enforce_ordering(options.enforce_ordering()),
        drop_last(options.drop_last()) {}

  size_t batch_size;
  size_t workers;
  size_t max_jobs;
  std::optional<std::chrono::milliseconds> timeout;
  bool enforce_ordering;
  bool drop_last;
};

}  // namespace data
}  // namespace ember
