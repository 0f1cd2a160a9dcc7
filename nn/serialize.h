// Saving and loading state dicts (name -> tensor) to files, and modules through them:
//
//   ember::save(model, "model.ember");   // model.state_dict()
//   ember::load(model, "model.ember");   // model.load_state_dict(..., strict=true)
//   ember::StateDict d = ember::load("model.ember");
//
// The file format (version 1; docs/NN.md), all integers little-endian:
//   magic    8 bytes  "EMBERSD\0"
//   version  u32      1
//   count    u64      number of entries
//   entries  count x { name_len u32, name (UTF-8, name_len bytes), dtype u8 (ScalarType code:
//            bool 0, uint8 1, int8 2, int16 3, int32 4, int64 5, float16 6, bfloat16 7,
//            float32 8, float64 9), ndim u32, sizes ndim x i64, nbytes u64 (= numel x element
//            size), data (nbytes bytes, row-major, little-endian elements) }
//   crc32    u32      CRC-32 (IEEE) of every byte before it
// Reading checks every field and bound before use: a missing, truncated, corrupt or foreign
// file is an ember::RuntimeError naming the file and what is wrong, never a crash. Files are
// written to "<path>.tmp" and renamed, so a failed save leaves no half-written file at path.
// Tensors are saved from any device and loaded on the CPU (load_state_dict copies them to the
// module's device and dtype). Thread-safe: no shared state.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "nn/module.h"

namespace ember {

EMBER_API void save(const StateDict& dict, const std::string& path);
EMBER_API void save(const StateDict& dict, std::ostream& out);
EMBER_API StateDict load(const std::string& path);
// what names the source in error messages.
EMBER_API StateDict load(std::istream& in, const std::string& what = "stream");

EMBER_API void save(const nn::Module& module, const std::string& path);
EMBER_API nn::LoadStateDictResult load(nn::Module& module, const std::string& path, bool strict = true);

template <typename M>
void save(const nn::ModuleHolder<M>& module, const std::string& path) {
  save(static_cast<const nn::Module&>(*module), path);
}
template <typename M>
nn::LoadStateDictResult load(nn::ModuleHolder<M>& module, const std::string& path, bool strict = true) {
  return load(static_cast<nn::Module&>(*module), path, strict);
}
template <typename M>
void save(const std::shared_ptr<M>& module, const std::string& path) {
  save(static_cast<const nn::Module&>(*module), path);
}
template <typename M>
nn::LoadStateDictResult load(const std::shared_ptr<M>& module, const std::string& path, bool strict = true) {
  return load(static_cast<nn::Module&>(*module), path, strict);
}

}  // namespace ember
