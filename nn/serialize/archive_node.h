// serialize::ArchiveNode: the entries of one level of a serialize archive (nn/serialize/archive.h)
// and the conversions between a tree of them and the two file formats: libtorch's (a TorchScript
// module archive, the zip of torch.jit.save) and the state-dict file of earlier ember versions.
// Internal to nn/serialize; not part of the installed API's contract.
//
// Thread-safety: a tree is built by one thread; a finished tree is only read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/tensor.h"
#include "nn/ordered_dict.h"

namespace ember {
namespace serialize {

struct ArchiveNode {
  enum class Kind : uint8_t { Parameter, Buffer, Value, Nested };
  struct Entry {
    std::string key;
    Kind kind = Kind::Value;
    Tensor tensor;                        // Parameter, Buffer
    IValue value;                         // Value
    std::shared_ptr<ArchiveNode> nested;  // Nested
  };
  std::vector<Entry> entries;  // in the order written

  const Entry* find(const std::string& key) const;
  // Replaces the entry of the same key in place, or appends.
  void put(Entry entry);
};

// The zip bytes of torch::save for the tree (top-level folder archive_name).
std::string archive_zip_bytes(const ArchiveNode& root, const std::string& archive_name);
// Reads either format (a zip, or a state-dict file starting "EMBERSD"); `what` names the source
// in errors.
std::shared_ptr<ArchiveNode> archive_from_bytes(std::string bytes, const std::string& what);
// The tensors of the tree (parameters and buffers, not values), detached, named "a.b.k".
OrderedDict<std::string, Tensor> flatten_tensors(const ArchiveNode& root);
// True for a zip archive's first bytes ("PK\3\4").
bool is_zip_archive(const std::string& bytes);
// The legacy state-dict file parser (nn/serialize.cpp).
OrderedDict<std::string, Tensor> parse_state_dict_file(const std::string& bytes, const std::string& what);

}  // namespace serialize
}  // namespace ember
