// ZipReader and ZipWriter (see zip_archive.h). Formats: PKWARE APPNOTE 6.3 (local headers,
// central directory, end of central directory record); no zip64.
#include "script/serialization/zip_archive.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace ember {
namespace script {

namespace {

constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndRecordSize = 22;
constexpr uint64_t kAlignment = 64;  // PyTorch's kFieldAlignment

uint32_t read_u32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
uint16_t read_u16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
void put_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string inflate_raw(const std::string& in, uint64_t size, const std::string& what) {
  std::string out(size, '\0');
  z_stream zs;
  std::memset(&zs, 0, sizeof zs);
  EMBER_CHECK(inflateInit2(&zs, -MAX_WBITS) == Z_OK, RuntimeError, "[zip] zlib could not start inflating ", what);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  EMBER_CHECK(rc == Z_STREAM_END && produced == size, ValueError, "[zip] ", what,
              " is not valid deflate data of the size the directory records");
  return out;
}

}  // namespace

uint32_t zip_crc32(const std::string& bytes) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

ZipReader ZipReader::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EMBER_CHECK(in, RuntimeError, "[zip] cannot open '", path, "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ZipReader(ss.str(), path);
}

ZipReader::ZipReader(std::string bytes, std::string what) : bytes_(std::move(bytes)), what_(std::move(what)) {
  const std::string& b = bytes_;
  EMBER_CHECK(b.size() >= kEndRecordSize, ValueError, "[zip] ", what_, " is not a zip archive (", b.size(),
              " bytes)");
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  size_t end = std::string::npos;
  size_t lowest = b.size() > kEndRecordSize + 0xffff ? b.size() - kEndRecordSize - 0xffff : 0;
  for (size_t at = b.size() - kEndRecordSize + 1; at-- > lowest;) {
    if (read_u32(b, at) == kEndSignature) {
      end = at;
      break;
    }
  }
  EMBER_CHECK(end != std::string::npos, ValueError, "[zip] ", what_,
              " is not a zip archive (no end of central directory record)");
  uint16_t count = read_u16(b, end + 10);
  uint32_t dir_size = read_u32(b, end + 12);
  uint32_t dir_offset = read_u32(b, end + 16);
  EMBER_CHECK(count != 0xffff && dir_offset != 0xffffffffu, ValueError, "[zip] ", what_,
              " is a zip64 archive, which ember does not read");
  EMBER_CHECK(uint64_t{dir_offset} + dir_size <= end, ValueError, "[zip] ", what_,
              ": the central directory lies outside the file");
  size_t at = dir_offset;
  for (uint16_t i = 0; i < count; ++i) {
    EMBER_CHECK(at + kCentralHeaderSize <= end && read_u32(b, at) == kCentralSignature, ValueError, "[zip] ", what_,
                ": central directory entry ", i, " is damaged");
    uint16_t flags = read_u16(b, at + 8);
    Entry e;
    e.method = read_u16(b, at + 10);
    e.crc = read_u32(b, at + 16);
    e.compressed = read_u32(b, at + 20);
    e.size = read_u32(b, at + 24);
    uint16_t name_len = read_u16(b, at + 28);
    uint16_t extra_len = read_u16(b, at + 30);
    uint16_t comment_len = read_u16(b, at + 32);
    e.local_header = read_u32(b, at + 42);
    EMBER_CHECK(at + kCentralHeaderSize + name_len <= end, ValueError, "[zip] ", what_, ": central directory entry ",
                i, " is damaged");
    std::string name = b.substr(at + kCentralHeaderSize, name_len);
    EMBER_CHECK(!(flags & 1), ValueError, "[zip] ", what_, ": entry '", name, "' is encrypted");
    EMBER_CHECK(e.method == 0 || e.method == 8, ValueError, "[zip] ", what_, ": entry '", name,
                "' uses compression method ", e.method, " (ember reads stored and deflated entries)");
    EMBER_CHECK(e.size != 0xffffffffu && e.compressed != 0xffffffffu && e.local_header != 0xffffffffu, ValueError,
                "[zip] ", what_, ": entry '", name, "' needs zip64, which ember does not read");
    EMBER_CHECK(!entries_.count(name), ValueError, "[zip] ", what_, ": entry '", name, "' appears twice");
    entries_[name] = e;
    order_.push_back(name);
    at += kCentralHeaderSize + name_len + extra_len + comment_len;
  }
}

std::vector<std::string> ZipReader::names() const { return order_; }

std::string ZipReader::read(const std::string& name) const {
  auto it = entries_.find(name);
  EMBER_CHECK(it != entries_.end(), ValueError, "[zip] ", what_, " has no entry '", name, "'");
  const Entry& e = it->second;
  const std::string& b = bytes_;
  EMBER_CHECK(e.local_header + kLocalHeaderSize <= b.size() && read_u32(b, e.local_header) == kLocalSignature,
              ValueError, "[zip] ", what_, ": the local header of '", name, "' is damaged");
  uint64_t data = e.local_header + kLocalHeaderSize + read_u16(b, e.local_header + 26) + read_u16(b, e.local_header + 28);
  EMBER_CHECK(data + e.compressed <= b.size(), ValueError, "[zip] ", what_, ": entry '", name, "' is truncated");
  // Deflate expands at most 1032:1: a larger claimed size is damage, refused before the output
  // buffer is allocated (a flipped size field would otherwise ask for gigabytes).
  EMBER_CHECK(e.method == 0 || e.size <= e.compressed * 1032 + 64, ValueError, "[zip] ", what_, ": entry '", name,
              "' claims ", e.size, " bytes from ", e.compressed, " compressed, more than deflate can produce");
  std::string raw = b.substr(data, e.compressed);
  std::string out = e.method == 0 ? raw : inflate_raw(raw, e.size, "entry '" + name + "' of " + what_);
  EMBER_CHECK(out.size() == e.size, ValueError, "[zip] ", what_, ": entry '", name, "' has ", out.size(),
              " bytes, the directory says ", e.size);
  EMBER_CHECK(zip_crc32(out) == e.crc, ValueError, "[zip] ", what_, ": entry '", name, "' fails its CRC-32 check");
  return out;
}

void ZipWriter::add(const std::string& name, const std::string& data) {
  for (const Entry& e : entries_)
    EMBER_CHECK(e.name != name, ValueError, "[zip] entry '", name, "' is written twice");
  EMBER_CHECK(out_.size() + data.size() < 0xffffffffu - (1u << 20), ValueError,
              "[zip] archives over 4 GiB need zip64, which ember does not write");
  Entry e{name, zip_crc32(data), data.size(), out_.size()};
  // Pad with an extra field ("FB", as PyTorch) so that the data starts 64-byte aligned.
  uint64_t unpadded = out_.size() + kLocalHeaderSize + name.size();
  uint64_t padding = (kAlignment - unpadded % kAlignment) % kAlignment;
  if (padding != 0 && padding < 4) padding += kAlignment;  // an extra field needs 4 header bytes
  put_u32(out_, kLocalSignature);
  put_u16(out_, 20);  // version needed
  put_u16(out_, 0);   // flags
  put_u16(out_, 0);   // stored
  put_u16(out_, 0);   // time
  put_u16(out_, 0);   // date
  put_u32(out_, e.crc);
  put_u32(out_, static_cast<uint32_t>(e.size));
  put_u32(out_, static_cast<uint32_t>(e.size));
  put_u16(out_, static_cast<uint16_t>(name.size()));
  put_u16(out_, static_cast<uint16_t>(padding));
  out_ += name;
  if (padding) {
    put_u16(out_, 0x4246);  // "FB"
    put_u16(out_, static_cast<uint16_t>(padding - 4));
    out_.append(padding - 4, 'Z');
  }
  out_ += data;
  entries_.push_back(std::move(e));
}

std::string ZipWriter::finish() const {
  std::string out = out_;
  uint64_t dir_offset = out.size();
  for (const Entry& e : entries_) {
    put_u32(out, kCentralSignature);
    put_u16(out, 20);  // made by
    put_u16(out, 20);  // needed
    put_u16(out, 0);
    put_u16(out, 0);
    put_u16(out, 0);
    put_u16(out, 0);
    put_u32(out, e.crc);
    put_u32(out, static_cast<uint32_t>(e.size));
    put_u32(out, static_cast<uint32_t>(e.size));
    put_u16(out, static_cast<uint16_t>(e.name.size()));
    put_u16(out, 0);  // extra
    put_u16(out, 0);  // comment
    put_u16(out, 0);  // disk
    put_u16(out, 0);  // internal attributes
    put_u32(out, 0);  // external attributes
    put_u32(out, static_cast<uint32_t>(e.local_header));
    out += e.name;
  }
  uint64_t dir_size = out.size() - dir_offset;
  EMBER_CHECK(entries_.size() < 0xffff, ValueError, "[zip] more than 65534 entries need zip64");
  put_u32(out, kEndSignature);
  put_u16(out, 0);
  put_u16(out, 0);
  put_u16(out, static_cast<uint16_t>(entries_.size()));
  put_u16(out, static_cast<uint16_t>(entries_.size()));
  put_u32(out, static_cast<uint32_t>(dir_size));
  put_u32(out, static_cast<uint32_t>(dir_offset));
  put_u16(out, 0);
  return out;
}

}  // namespace script
}  // namespace ember
