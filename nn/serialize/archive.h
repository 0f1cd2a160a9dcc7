// serialize::OutputArchive / InputArchive: keyed tensors, values and nested archives, as
// libtorch's torch::serialize archives, written in ember's state-dict file format (nn/serialize.h).
//
//   ember::serialize::OutputArchive out;
//   out.write("weight", w);                  // a tensor
//   out.write("step", ember::IValue(3));     // a value
//   out.write("child", child_archive);       // a nested archive
//   out.save_to("ckpt.ember");
//   ember::serialize::InputArchive in;
//   in.load_from("ckpt.ember");
//   in.read("weight", w);                    // copies into a defined w, else binds w
//
// The file is a state dict: a tensor at key k of the nested archive a.b is the entry "a.b.k",
// so a module saved through an archive is the same file as its state_dict() saved with
// ember::save. Values are entries whose name ends in '\x1f' and a kind letter (i int, d double,
// z bool, s string (uint8 bytes), n none, I/D/Z int/double/bool lists, t tensor, T tensor list
// with elements "k\x1fT<i>"); generic lists, tuples, devices and generators cannot be archived.
// Keys should not contain '.', which separates nesting levels.
//
// Thread-safety: an archive is not shared; different archives may be used concurrently.
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

class EMBER_API OutputArchive {
 public:
  OutputArchive();
  OutputArchive(const OutputArchive&) = default;
  OutputArchive& operator=(const OutputArchive&) = default;
  OutputArchive(OutputArchive&&) = default;
  OutputArchive& operator=(OutputArchive&&) = default;

  // Writes tensor (detached) under key; is_buffer is accepted for libtorch's signature (ember
  // stores parameters and buffers alike).
  void write(const std::string& key, const Tensor& tensor, bool is_buffer = false);
  void write(const std::string& key, const IValue& value);
  void write(const std::string& key, OutputArchive& nested);

  void save_to(const std::string& filename);
  void save_to(std::ostream& stream);
  // func receives the file's bytes in pieces and returns how many it consumed.
  void save_to(const std::function<size_t(const void*, size_t)>& func);

  // The entries written so far, as the file will hold them.
  const OrderedDict<std::string, Tensor>& entries() const { return *entries_; }

  template <typename... Ts>
  void operator()(Ts&&... ts) {
    write(std::forward<Ts>(ts)...);
  }

 private:
  std::shared_ptr<OrderedDict<std::string, Tensor>> entries_;
};

class EMBER_API InputArchive {
 public:
  InputArchive();

  // Reads into tensor: a defined tensor gets the stored values (copied to its device and dtype,
  // under no-grad; its shape must match), an undefined one becomes the stored tensor. Throws
  // ValueError "No such serialized tensor '<path>'" when key is missing.
  void read(const std::string& key, Tensor& tensor, bool is_buffer = false);
  bool try_read(const std::string& key, Tensor& tensor, bool is_buffer = false);
  void read(const std::string& key, IValue& value);
  bool try_read(const std::string& key, IValue& value);
  // A nested archive exists when an entry lies under it (or it was written empty).
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
  void adopt(OrderedDict<std::string, Tensor> entries, const std::optional<Device>& device);
  const Tensor* find(const std::string& name) const;

  std::shared_ptr<const OrderedDict<std::string, Tensor>> entries_;
  std::string prefix_;  // "a.b." for the nested archive a.b
};

}  // namespace serialize
}  // namespace ember
