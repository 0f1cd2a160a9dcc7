#include "data/worker_exception.h"

namespace ember {
namespace data {

WorkerException::WorkerException(std::exception_ptr original)
    : original_exception(std::move(original)),
      message("Caught exception in DataLoader worker thread. Original message: ") {
  try {
    std::rethrow_exception(original_exception);
  } catch (const std::exception& e) {
    message += e.what();
  } catch (...) {
    message += "(an exception not derived from std::exception)";
  }
}

}  // namespace data
}  // namespace ember
