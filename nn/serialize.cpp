// State dicts: Module::state_dict / load_state_dict, and the version-1 file format of
// nn/serialize.h.
#include "nn/serialize.h"
#include "nn/serialize/archive_node.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "autograd/grad_mode.h"
#include "generated/functions.h"

namespace ember {

// ---- Module::state_dict / load_state_dict ------------------------------------------------------

namespace nn {

namespace {
void collect_state(const Module& module, const std::string& prefix, StateDict& out) {
  for (const auto& item : module.named_parameters(/*recurse=*/false)) out.insert(prefix + item.key(), item.value());
  for (const auto& item : module.named_buffers(/*recurse=*/false)) out.insert(prefix + item.key(), item.value());
  for (const auto& child : module.named_children()) collect_state(*child.value(), prefix + child.key() + ".", out);
}

std::string quoted_list(const std::vector<std::string>& keys) {
  std::string s;
  for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", \"" : "\"") + keys[i] + "\"";
  return s;
}
}  // namespace

StateDict Module::state_dict() const {
  StateDict out("Key");
  collect_state(*this, "", out);
  return out;
}

LoadStateDictResult Module::load_state_dict(const StateDict& dict, bool strict) {
  StateDict own = state_dict();
  LoadStateDictResult result;
  std::vector<std::string> errors;
  for (const auto& item : own) {
    const Tensor* value = dict.find(item.key());
    if (!value) {
      result.missing_keys.push_back(item.key());
      continue;
    }
    if (!value->defined()) {
      errors.push_back("value for " + item.key() + " is an undefined tensor.");
    } else if (value->sizes() != item.value().sizes()) {
      std::ostringstream os;
      os << "size mismatch for " << item.key() << ": copying a param with shape " << value->sizes()
         << " from checkpoint, the shape in current model is " << item.value().sizes() << ".";
      errors.push_back(os.str());
    }
  }
  for (const auto& item : dict)
    if (!own.contains(item.key())) result.unexpected_keys.push_back(item.key());
  std::vector<std::string> messages;
  if (strict && !result.missing_keys.empty())
    messages.push_back("Missing key(s) in state_dict: " + quoted_list(result.missing_keys) + ".");
  if (strict && !result.unexpected_keys.empty())
    messages.push_back("Unexpected key(s) in state_dict: " + quoted_list(result.unexpected_keys) + ".");
  messages.insert(messages.end(), errors.begin(), errors.end());
  if (!messages.empty()) {
    std::string text = "[load_state_dict] Error(s) in loading state_dict for " + name() + ":";
    for (const std::string& m : messages) text += "\n\t" + m;
    EMBER_FAIL(ValueError, text);
  }
  NoGradGuard no_grad;
  for (auto& item : own)
    if (const Tensor* value = dict.find(item.key())) item.value().copy_(*value);
  return result;
}

}  // namespace nn

// ---- the file format ---------------------------------------------------------------------------

namespace {

constexpr char kMagic[8] = {'E', 'M', 'B', 'E', 'R', 'S', 'D', '\0'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxNameLength = 1u << 20;
constexpr uint32_t kMaxDims = 64;

uint32_t crc32_update(uint32_t crc, const unsigned char* data, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

constexpr bool kHostIsLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

// Reverses each element's bytes in place (big-endian hosts only).
void swap_elements(unsigned char* data, size_t nbytes, size_t itemsize) {
  if (kHostIsLittleEndian || itemsize == 1) return;
  for (size_t i = 0; i + itemsize <= nbytes; i += itemsize)
    for (size_t a = i, b = i + itemsize - 1; a < b; ++a, --b) std::swap(data[a], data[b]);
}

// Accumulates the file's bytes and their CRC.
class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void bytes(const void* p, size_t n) {
    out_.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
    crc_ = crc32_update(crc_, static_cast<const unsigned char*>(p), n);
  }
  template <typename T>
  void integer(T v) {
    unsigned char b[sizeof(T)];
    auto u = static_cast<std::make_unsigned_t<T>>(v);
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<unsigned char>(u >> (8 * i));
    bytes(b, sizeof(T));
  }
  uint32_t crc() const { return crc_; }

 private:
  std::ostream& out_;
  uint32_t crc_ = 0;
};

// Bounds-checked reads over the whole file in memory.
class Reader {
 public:
  Reader(const unsigned char* data, size_t size, const std::string& what) : data_(data), size_(size), what_(what) {}
  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }
  const unsigned char* take(size_t n, const char* field) {
    if (n > remaining())
      fail("truncated file: reading ", field, " needs ", n, " bytes at offset ", pos_, ", but only ", remaining(),
           " remain");
    const unsigned char* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  template <typename T>
  T integer(const char* field) {
    const unsigned char* b = take(sizeof(T), field);
    std::make_unsigned_t<T> u = 0;
    for (size_t i = 0; i < sizeof(T); ++i) u |= static_cast<std::make_unsigned_t<T>>(b[i]) << (8 * i);
    return static_cast<T>(u);
  }
  template <typename... Args>
  [[noreturn]] void fail(const Args&... args) const {
    EMBER_FAIL(RuntimeError, "[load] ", what_, ": ", args...);
  }

 private:
  const unsigned char* data_;
  size_t size_;
  const std::string& what_;
  size_t pos_ = 0;
};

std::string entry_label(uint64_t index, const std::string& name) {
  return "entry " + std::to_string(index) + (name.empty() ? "" : " ('" + name + "')");
}

}  // namespace

void save(const StateDict& dict, std::ostream& out) {
  Writer w(out);
  w.bytes(kMagic, sizeof(kMagic));
  w.integer<uint32_t>(kVersion);
  w.integer<uint64_t>(dict.size());
  NoGradGuard no_grad;
  for (const auto& item : dict) {
    const Tensor& t = item.value();
    EMBER_CHECK(t.defined(), ValueError, "[save] state dict entry '", item.key(), "' is an undefined tensor");
    Tensor host = t.detach().to(Device("cpu"), t.scalar_type()).contiguous();
    w.integer<uint32_t>(static_cast<uint32_t>(item.key().size()));
    w.bytes(item.key().data(), item.key().size());
    w.integer<uint8_t>(static_cast<uint8_t>(t.scalar_type()));
    w.integer<uint32_t>(static_cast<uint32_t>(t.dim()));
    for (int64_t s : t.sizes()) w.integer<int64_t>(s);
    size_t nbytes = host.nbytes();
    w.integer<uint64_t>(nbytes);
    if (kHostIsLittleEndian) {
      w.bytes(host.const_data_ptr(), nbytes);
    } else {
      std::vector<unsigned char> copy(static_cast<const unsigned char*>(host.const_data_ptr()),
                                      static_cast<const unsigned char*>(host.const_data_ptr()) + nbytes);
      swap_elements(copy.data(), nbytes, host.element_size());
      w.bytes(copy.data(), nbytes);
    }
  }
  uint32_t crc = w.crc();
  w.integer<uint32_t>(crc);
  EMBER_CHECK(out.good(), RuntimeError, "[save] writing the state dict failed");
}

void save(const StateDict& dict, const std::string& path) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    EMBER_CHECK(out.is_open(), RuntimeError, "[save] cannot open '", tmp, "' for writing: ", std::strerror(errno));
    try {
      save(dict, out);
      out.flush();
      EMBER_CHECK(out.good(), RuntimeError, "[save] writing '", tmp, "' failed: ", std::strerror(errno));
    } catch (...) {
      out.close();
      std::remove(tmp.c_str());
      throw;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    EMBER_FAIL(RuntimeError, "[save] cannot rename '", tmp, "' to '", path, "': ", std::strerror(err));
  }
}

StateDict load(std::istream& in, const std::string& what) {
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EMBER_CHECK(!in.bad(), RuntimeError, "[load] ", what, ": read error");
  if (serialize::is_zip_archive(bytes)) {
    // An archive of libtorch's format (torch::save of a module, ember::save of one): its tensors.
    return serialize::flatten_tensors(*serialize::archive_from_bytes(std::move(bytes), what));
  }
  return serialize::parse_state_dict_file(bytes, what);
}

StateDict serialize::parse_state_dict_file(const std::string& bytes, const std::string& what) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  Reader r(data, size, what);
  if (size < sizeof(kMagic) || std::memcmp(data, kMagic, sizeof(kMagic)) != 0)
    r.fail("not an ember state dict file (bad magic; expected \"EMBERSD\" followed by a zero byte)");
  r.take(sizeof(kMagic), "magic");
  uint32_t version = r.integer<uint32_t>("version");
  if (version != kVersion) r.fail("unsupported format version ", version, " (this build reads version ", kVersion, ")");
  // The checksum covers everything before the last 4 bytes; checked before trusting any field.
  if (size < r.position() + 8 + 4) r.fail("truncated file: ", size, " bytes is too short for a header");
  size_t body = size - 4;
  uint32_t stored = 0;
  for (size_t i = 0; i < 4; ++i) stored |= static_cast<uint32_t>(data[body + i]) << (8 * i);
  uint64_t count = r.integer<uint64_t>("entry count");
  StateDict dict("Key");
  NoGradGuard no_grad;
  for (uint64_t index = 0; index < count; ++index) {
    uint32_t name_len = r.integer<uint32_t>("name length");
    if (name_len > kMaxNameLength || name_len > r.remaining())
      r.fail("corrupt or truncated file: ", entry_label(index, ""), " has a name length of ", name_len, " bytes");
    const unsigned char* name_bytes = r.take(name_len, "name");
    std::string name(reinterpret_cast<const char*>(name_bytes), name_len);
    uint8_t code = r.integer<uint8_t>("dtype");
    if (code >= kNumScalarTypes) r.fail("corrupt file: ", entry_label(index, name), " has an unknown dtype code ", int(code));
    auto dtype = static_cast<ScalarType>(code);
    uint32_t ndim = r.integer<uint32_t>("ndim");
    if (ndim > kMaxDims) r.fail("corrupt file: ", entry_label(index, name), " has ", ndim, " dimensions");
    std::vector<int64_t> sizes(ndim);
    uint64_t numel = 1;
    bool overflow = false;
    for (uint32_t d = 0; d < ndim; ++d) {
      sizes[d] = r.integer<int64_t>("sizes");
      if (sizes[d] < 0) r.fail("corrupt file: ", entry_label(index, name), " has a negative size ", sizes[d]);
      if (sizes[d] != 0 && numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(sizes[d])) overflow = true;
      numel *= static_cast<uint64_t>(sizes[d]);
    }
    uint64_t itemsize = element_size(dtype);
    uint64_t nbytes = r.integer<uint64_t>("data size");
    if (overflow || numel > std::numeric_limits<uint64_t>::max() / itemsize || nbytes != numel * itemsize)
      r.fail("corrupt file: ", entry_label(index, name), " has ", nbytes, " bytes of data for shape ",
             IntArrayRef(sizes), " of ", dtype);
    size_t available = r.remaining() >= 4 ? r.remaining() - 4 : 0;  // the checksum follows the entries
    if (nbytes > available)
      r.fail("truncated file: ", entry_label(index, name), " needs ", nbytes, " bytes of data at offset ", r.position(),
             ", but only ", available, " remain before the checksum");
    const unsigned char* bytes = r.take(static_cast<size_t>(nbytes), "data");
    if (dict.contains(name)) r.fail("corrupt file: the name '", name, "' appears twice");
    Tensor t = ember::empty(sizes, TensorOptions(dtype).device(Device("cpu")));
    // (impl()->data(): a new tensor, no one else has its address; it stays version-tracked)
    if (nbytes) std::memcpy(t.impl()->data(), bytes, static_cast<size_t>(nbytes));
    swap_elements(static_cast<unsigned char*>(t.impl()->data()), static_cast<size_t>(nbytes), itemsize);
    dict.insert(std::move(name), std::move(t));
  }
  if (r.position() != body)
    r.fail("corrupt file: ", body > r.position() ? body - r.position() : 0, " unexpected bytes after the last of ",
           count, " entries");
  uint32_t actual = crc32_update(0, data, body);
  if (actual != stored) r.fail("corrupt file: checksum mismatch (stored ", stored, ", computed ", actual, ")");
  return dict;
}

StateDict load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EMBER_CHECK(in.is_open(), RuntimeError, "[load] cannot open '", path, "' for reading: ", std::strerror(errno));
  return load(in, "'" + path + "'");
}

// ---- modules and tensors through archives --------------------------------------------------------

namespace {
bool has_state(const nn::Module& module) {
  return !module.named_parameters(/*recurse=*/true).is_empty() || !module.named_buffers(/*recurse=*/true).is_empty();
}
}  // namespace

// As libtorch's: parameters, then buffers, then every serializable child as a nested archive
// (children without tensors too, so that libtorch reads the file).
void nn::Module::save(serialize::OutputArchive& archive) const {
  for (const auto& item : parameters_)
    if (item.value().defined()) archive.write(item.key(), item.value());
  for (const auto& item : buffers_)
    if (item.value().defined()) archive.write(item.key(), item.value(), /*is_buffer=*/true);
  for (const auto& child : children_) {
    if (!child.value()->is_serializable()) continue;
    serialize::OutputArchive child_archive;
    child.value()->save(child_archive);
    archive.write(child.key(), child_archive);
  }
}

// A child without tensors may be missing (ember's earlier files left such children out).
void nn::Module::load(serialize::InputArchive& archive) {
  for (auto& item : parameters_)
    if (item.value().defined()) archive.read(item.key(), item.value());
  for (auto& item : buffers_)
    if (item.value().defined()) archive.read(item.key(), item.value(), /*is_buffer=*/true);
  for (const auto& child : children_) {
    if (!child.value()->is_serializable()) continue;
    serialize::InputArchive child_archive;
    if (!has_state(*child.value()) && !archive.try_read(child.key(), child_archive)) continue;
    archive.read(child.key(), child_archive);
    child.value()->load(child_archive);
  }
}

namespace serialize {

OutputArchive& operator<<(OutputArchive& archive, const Tensor& tensor) {
  archive.write("0", tensor);
  return archive;
}
InputArchive& operator>>(InputArchive& archive, Tensor& tensor) {
  archive.read("0", tensor);
  return archive;
}
OutputArchive& operator<<(OutputArchive& archive, const std::vector<Tensor>& tensors) {
  for (size_t i = 0; i < tensors.size(); ++i) archive.write(std::to_string(i), tensors[i]);
  return archive;
}
InputArchive& operator>>(InputArchive& archive, std::vector<Tensor>& tensors) {
  tensors.clear();
  for (size_t i = 0;; ++i) {
    Tensor t;
    if (!archive.try_read(std::to_string(i), t)) break;
    tensors.push_back(std::move(t));
  }
  return archive;
}
OutputArchive& operator<<(OutputArchive& archive, const nn::Module& module) {
  module.save(archive);
  return archive;
}
InputArchive& operator>>(InputArchive& archive, nn::Module& module) {
  module.load(archive);
  return archive;
}

}  // namespace serialize

}  // namespace ember
