// The zip container of TorchScript archives (PyTorch's PyTorchStreamReader/Writer layout):
// one top-level folder ("m/" for m.pt, "archive/" for streams) holding code/, data.pkl,
// constants.pkl, data/N storages and version.
//
// ZipReader reads stored and deflated entries (zlib), checks each entry's CRC-32 and rejects
// what it cannot read (zip64, encryption, other methods, truncated data) with a ValueError
// naming the entry. ZipWriter writes stored entries whose data starts at a multiple of 64
// bytes, as PyTorch does (so storages can be mapped), with zeroed times: the same records give
// the same bytes.
//
// Both own their bytes; neither is synchronized (one thread per object).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace ember {
namespace script {

class EMBER_API ZipReader {
 public:
  // `what` names the archive in errors (a path, or "<bytes>").
  ZipReader(std::string bytes, std::string what);
  static ZipReader open(const std::string& path);  // RuntimeError when the file cannot be read

  // Entry names as stored (with the top-level folder).
  std::vector<std::string> names() const;
  bool has(const std::string& name) const { return entries_.count(name) != 0; }
  // The entry's uncompressed bytes; ValueError naming the archive when absent.
  std::string read(const std::string& name) const;
  const std::string& what() const { return what_; }

 private:
  struct Entry {
    uint16_t method = 0;
    uint32_t crc = 0;
    uint64_t compressed = 0;
    uint64_t size = 0;
    uint64_t local_header = 0;
  };
  std::string bytes_;
  std::string what_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
};

class EMBER_API ZipWriter {
 public:
  void add(const std::string& name, const std::string& data);  // ValueError on a repeated name
  // The finished archive (central directory and end record appended).
  std::string finish() const;

 private:
  struct Entry {
    std::string name;
    uint32_t crc;
    uint64_t size;
    uint64_t local_header;
  };
  std::string out_;
  std::vector<Entry> entries_;
};

// CRC-32 (zip's polynomial) of bytes.
EMBER_API uint32_t zip_crc32(const std::string& bytes);

}  // namespace script
}  // namespace ember
