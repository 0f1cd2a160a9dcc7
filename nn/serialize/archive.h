// serialize::OutputArchive / InputArchive: keyed tensors, values and nested archives, as
// libtorch's torch::serialize archives, in libtorch's file format: a TorchScript module archive
// (the zip of torch.jit.save, script/serialization/archive.h), so that files move between
// libtorch's torch::save / torch::load and ember's both ways.
//
//   ember::serialize::OutputArchive out;
//   out.write("weight", w);                  // a tensor (a parameter of the archive's module)
//   out.write("running_mean", m, true);      // a buffer
//   out.write("step", ember::IValue(3));     // a value (int, float, bool, str, lists, tuples, ...)
//   out.write("child", child_archive);       // a nested archive (a submodule)
//   out.save_to("ckpt.pt");
//   ember::serialize::InputArchive in;
//   in.load_from("ckpt.pt");
//   in.read("weight", w);                    // copies into a defined w, else binds w
//
// Each archive is one module object of class __torch__.Module (nested ones get PyTorch's mangled
// names, __torch__.___torch_mangle_<n>.Module); keys are its attribute names and may be any text
// ("params/0", "0x55d0c4a1b2c0"), as libtorch's. Writing a key again replaces its entry.
// load_from also reads the state-dict files of earlier ember versions (nn/serialize.h, magic
// "EMBERSD"), where a nested archive's tensor k is the entry "a.b.k".
//
// Errors: reading a missing key is a ValueError naming its path ("No such serialized tensor
// 'fc.bias'"); a file that is neither format, or damaged, is a ValueError / RuntimeError naming
// the file and what is wrong; values an archive cannot hold (generators, futures) are TypeErrors
// when saving.
//
// Thread-safety: an archive is not shared; different archives may be used concurrently. Copies
// of an archive share its entries (as libtorch's, which hold a module handle).
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/tensor.h"
#include "nn/ordered_dict.h"

namespace ember {
namespace serialize {

struct ArchiveNode;  // the entries of one archive level (nn/serialize/archive_node.h)

class EMBER_API OutputArchive {
 public:
  OutputArchive();

  // Writes tensor (detached, on the CPU, keeping requires_grad) under key: a parameter of the
  // archive's module, or a buffer when is_buffer.
  void write(const std::string& key, const Tensor& tensor, bool is_buffer = false);
  // Writes an attribute; an undefined tensor value is skipped (libtorch writes optional state
  // that way).
  void write(const std::string& key, const IValue& value);
  void write(const std::string& key, OutputArchive& nested);

  // The file's top-level folder is the file name's stem (as torch::save), "archive" otherwise.
  void save_to(const std::string& filename);
  void save_to(std::ostream& stream);
  // func receives the file's bytes in pieces and returns how many it consumed.
  void save_to(const std::function<size_t(const void*, size_t)>& func);

  template <typename... Ts>
  void operator()(Ts&&... ts) {
    write(std::forward<Ts>(ts)...);
  }

 private:
  std::string bytes(const std::string& archive_name) const;
  std::shared_ptr<ArchiveNode> node_;
};

class EMBER_API InputArchive {
 public:
  InputArchive();

  // Reads into tensor: a defined tensor gets the stored values (copied to its device and dtype,
  // under no-grad; its shape must match), an undefined one becomes the stored tensor. Throws
  // ValueError "No such serialized tensor '<path>'" when key is missing or not a tensor.
  void read(const std::string& key, Tensor& tensor, bool is_buffer = false);
  bool try_read(const std::string& key, Tensor& tensor, bool is_buffer = false);
  // Any entry reads as a value (a tensor entry as a tensor value; a nested archive does not).
  void read(const std::string& key, IValue& value);
  bool try_read(const std::string& key, IValue& value);
  void read(const std::string& key, InputArchive& nested);
  bool try_read(const std::string& key, InputArchive& nested);

  // The keys at this level (tensors, values and nested archives), in the order written.
  std::vector<std::string> keys() const;
  // The tensors at this level and below (not values), named relative to this level ("a.w").
  OrderedDict<std::string, Tensor> state_dict() const;

  // The device argument of libtorch's signatures: tensors are moved there when given.
  void load_from(const std::string& filename, std::optional<Device> device = std::nullopt);
  void load_from(std::istream& stream, std::optional<Device> device = std::nullopt);
  void load_from(const char* data, size_t size, std::optional<Device> device = std::nullopt);
  // read_func(pos, buf, n) copies up to n bytes from pos and returns how many; size_func the total.
  void load_from(const std::function<size_t(uint64_t, void*, size_t)>& read_func,
                 const std::function<size_t(void)>& size_func, std::optional<Device> device = std::nullopt);

  template <typename... Ts>
  void operator()(Ts&&... ts) {
    read(std::forward<Ts>(ts)...);
  }

 private:
  void adopt(std::string bytes, const std::string& what, const std::optional<Device>& device);

  std::shared_ptr<const ArchiveNode> node_;
  std::string path_;  // "a.b." for the nested archive a.b (error messages)
};

}  // namespace serialize
}  // namespace ember
