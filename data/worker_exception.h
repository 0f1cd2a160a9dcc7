// data::WorkerException: what a DataLoader throws in the loader thread when a worker thread's
// get_batch threw; original_exception can be rethrown for the original type.
#pragma once

#include <exception>
#include <string>

#include "core/export.h"

namespace ember {
namespace data {

struct EMBER_API WorkerException : public std::exception {
  explicit WorkerException(std::exception_ptr original);
  const char* what() const noexcept override { return message.c_str(); }

  std::exception_ptr original_exception;
  std::string message;  // "Caught exception in DataLoader worker thread. Original message: ..."
};

}  // namespace data
}  // namespace ember
