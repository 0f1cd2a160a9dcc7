// Saving and loading: values through archives in libtorch's format (nn/serialize/archive.h), and
// state dicts (name -> tensor) in ember's checksummed state-dict file:
//
//   ember::save(model, "model.pt");      // libtorch's format: torch::load reads it, and back
//   ember::load(model, "model.pt");      // reads every parameter and buffer back (strict)
//   ember::save(model->state_dict(), "model.ember");   // the state-dict file below
//   ember::StateDict d = ember::load("model.pt");      // either format: the file's tensors
//   model->load_state_dict(d, /*strict=*/false);
//
// The state-dict file format (version 1; docs/NN.md), all integers little-endian:
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
#include "nn/serialize/archive.h"

namespace ember {

EMBER_API void save(const StateDict& dict, const std::string& path);
EMBER_API void save(const StateDict& dict, std::ostream& out);
// Either format: a state-dict file, or an archive (its tensors, named "a.b.k").
EMBER_API StateDict load(const std::string& path);
// what names the source in error messages.
EMBER_API StateDict load(std::istream& in, const std::string& what = "stream");

// ---- values through archives (nn/serialize/archive.h), as libtorch's torch::save / torch::load --
// save(value, args...) writes `archive << value` and then archive.save_to(args...): a file name,
// an ostream or a writer function. load(value, args...) reads archive.load_from(args...) and then
// `archive >> value`. Values: tensors (key "0"), vectors of tensors ("0", "1", ...), modules (as
// holders or shared_ptrs: parameters, buffers, then each serializable child as a nested archive,
// as libtorch's Module::save), optimizers, and data samplers and stateful datasets; other types
// join by declaring these operators.
namespace serialize {
EMBER_API OutputArchive& operator<<(OutputArchive& archive, const Tensor& tensor);
EMBER_API InputArchive& operator>>(InputArchive& archive, Tensor& tensor);
EMBER_API OutputArchive& operator<<(OutputArchive& archive, const std::vector<Tensor>& tensors);
EMBER_API InputArchive& operator>>(InputArchive& archive, std::vector<Tensor>& tensors);
EMBER_API OutputArchive& operator<<(OutputArchive& archive, const nn::Module& module);
EMBER_API InputArchive& operator>>(InputArchive& archive, nn::Module& module);
template <typename M, typename = std::enable_if_t<std::is_base_of<nn::Module, M>::value>>
OutputArchive& operator<<(OutputArchive& archive, const std::shared_ptr<M>& module) {
  EMBER_CHECK(module != nullptr, ValueError, "[save] the module is null");
  return archive << static_cast<const nn::Module&>(*module);
}
template <typename M, typename = std::enable_if_t<std::is_base_of<nn::Module, M>::value>>
InputArchive& operator>>(InputArchive& archive, const std::shared_ptr<M>& module) {
  EMBER_CHECK(module != nullptr, ValueError, "[load] the module is null");
  return archive >> static_cast<nn::Module&>(*module);
}
template <typename M>
OutputArchive& operator<<(OutputArchive& archive, const nn::ModuleHolder<M>& module) {
  return archive << module.ptr();
}
template <typename M>
InputArchive& operator>>(InputArchive& archive, nn::ModuleHolder<M>& module) {
  return archive >> module.ptr();
}
}  // namespace serialize

template <typename Value, typename Arg, typename... Args,
          typename = decltype(std::declval<serialize::OutputArchive&>() << std::declval<const Value&>())>
void save(const Value& value, Arg&& arg, Args&&... args) {
  serialize::OutputArchive archive;
  archive << value;
  archive.save_to(std::forward<Arg>(arg), std::forward<Args>(args)...);
}

template <typename Value, typename Arg, typename... Args,
          typename = decltype(std::declval<serialize::InputArchive&>() >> std::declval<Value&>())>
void load(Value& value, Arg&& arg, Args&&... args) {
  serialize::InputArchive archive;
  archive.load_from(std::forward<Arg>(arg), std::forward<Args>(args)...);
  archive >> value;
}

}  // namespace ember
