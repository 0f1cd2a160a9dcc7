// The archives of nn/serialize/archive.h: a tree of ArchiveNodes, saved and loaded through
// nn/serialize/archive_formats.cpp.
#include "nn/serialize/archive.h"

#include <cctype>
#include <cstring>
#include <fstream>

#include "autograd/grad_mode.h"
#include "nn/serialize/archive_node.h"

namespace ember {
namespace serialize {

namespace {

void check_key(const std::string& key) {
  EMBER_CHECK(!key.empty(), ValueError, "[OutputArchive] keys must not be empty");
}

// What an archive stores of a tensor: its values on the CPU, detached, keeping requires_grad (as
// libtorch's archives keep a parameter's flag).
Tensor stored_tensor(const Tensor& t) {
  NoGradGuard no_grad;
  // A copy (one, whatever the device and layout): the archive must not change when the module's
  // tensors do before save_to.
  Tensor out = t.detach().to(Device("cpu")).contiguous();
  if (out.data_ptr() == t.data_ptr()) out = out.clone();
  if (t.requires_grad()) out.requires_grad_(true);
  return out;
}

std::string file_stem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  // The stem names a folder in the zip: keep it to characters every reader accepts.
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) c = '_';
  return name.empty() ? "archive" : name;
}

// Whether `target` is `from` or lies below it: writing such an archive under `target` would make
// a cycle (which the shared entries could never free).
bool reaches(const ArchiveNode& from, const ArchiveNode* target) {
  if (&from == target) return true;
  for (const auto& e : from.entries)
    if (e.kind == ArchiveNode::Kind::Nested && reaches(*e.nested, target)) return true;
  return false;
}

}  // namespace

// ---- OutputArchive -------------------------------------------------------------------------------

OutputArchive::OutputArchive() : node_(std::make_shared<ArchiveNode>()) {}

void OutputArchive::write(const std::string& key, const Tensor& tensor, bool is_buffer) {
  check_key(key);
  EMBER_CHECK(tensor.defined(), ValueError, "[OutputArchive] cannot write the undefined tensor '", key, "'");
  ArchiveNode::Entry e;
  e.key = key;
  e.kind = is_buffer ? ArchiveNode::Kind::Buffer : ArchiveNode::Kind::Parameter;
  e.tensor = stored_tensor(tensor);
  node_->put(std::move(e));
}

void OutputArchive::write(const std::string& key, const IValue& value) {
  check_key(key);
  if (value.is_tensor() && !value.to_tensor().defined()) return;
  ArchiveNode::Entry e;
  e.key = key;
  if (value.is_tensor()) e.value = IValue(stored_tensor(value.to_tensor()));
  else if (value.tag() == IValue::Tag::TensorList) {
    std::vector<Tensor> list;
    for (const Tensor& t : value.to_tensor_list()) {
      EMBER_CHECK(t.defined(), ValueError, "[OutputArchive] the tensor list '", key, "' holds an undefined tensor");
      list.push_back(stored_tensor(t));
    }
    e.value = IValue(std::move(list));
  } else {
    e.value = value;
  }
  node_->put(std::move(e));
}

void OutputArchive::write(const std::string& key, OutputArchive& nested) {
  check_key(key);
  EMBER_CHECK(!reaches(*nested.node_, node_.get()), ValueError, "[OutputArchive] cannot write an archive into itself ('",
              key, "' holds it, directly or through its nested archives)");
  ArchiveNode::Entry e;
  e.key = key;
  e.kind = ArchiveNode::Kind::Nested;
  e.nested = nested.node_;
  node_->put(std::move(e));
}

std::string OutputArchive::bytes(const std::string& archive_name) const { return archive_zip_bytes(*node_, archive_name); }

void OutputArchive::save_to(const std::string& filename) {
  const std::string data = bytes(file_stem(filename));
  // Written next to the target and renamed, so that a failed save leaves no half-written file.
  const std::string tmp = filename + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    EMBER_CHECK(out.is_open(), RuntimeError, "[OutputArchive] cannot open '", tmp, "' for writing: ", std::strerror(errno));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out.good()) {
      out.close();
      std::remove(tmp.c_str());
      EMBER_FAIL(RuntimeError, "[OutputArchive] writing '", tmp, "' failed: ", std::strerror(errno));
    }
  }
  if (std::rename(tmp.c_str(), filename.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    EMBER_FAIL(RuntimeError, "[OutputArchive] cannot rename '", tmp, "' to '", filename, "': ", std::strerror(err));
  }
}

void OutputArchive::save_to(std::ostream& stream) {
  const std::string data = bytes("archive");
  stream.write(data.data(), static_cast<std::streamsize>(data.size()));
  EMBER_CHECK(stream.good(), RuntimeError, "[OutputArchive] writing the archive to the stream failed");
}

void OutputArchive::save_to(const std::function<size_t(const void*, size_t)>& func) {
  const std::string data = bytes("archive");
  size_t written = 0;
  while (written < data.size()) {
    size_t n = func(data.data() + written, data.size() - written);
    EMBER_CHECK(n > 0, RuntimeError, "[OutputArchive] the writer function accepted no bytes at offset ", written);
    written += n;
  }
}

// ---- InputArchive -------------------------------------------------------------------------------

InputArchive::InputArchive() : node_(std::make_shared<ArchiveNode>()) {}

bool InputArchive::try_read(const std::string& key, Tensor& tensor, bool /*is_buffer*/) {
  const ArchiveNode::Entry* e = node_->find(key);
  if (!e) return false;
  const Tensor* stored = nullptr;
  if (e->kind == ArchiveNode::Kind::Parameter || e->kind == ArchiveNode::Kind::Buffer) stored = &e->tensor;
  else if (e->kind == ArchiveNode::Kind::Value && e->value.is_tensor()) stored = &e->value.to_tensor();
  if (!stored || !stored->defined()) return false;
  if (!tensor.defined()) {
    tensor = *stored;
    return true;
  }
  EMBER_CHECK(tensor.sizes() == stored->sizes(), ValueError, "[InputArchive] the tensor '", path_, key, "' has shape ",
              stored->sizes(), ", but the tensor read into has shape ", tensor.sizes());
  NoGradGuard no_grad;
  tensor.copy_(*stored);
  return true;
}

void InputArchive::read(const std::string& key, Tensor& tensor, bool is_buffer) {
  EMBER_CHECK(try_read(key, tensor, is_buffer), ValueError, "No such serialized tensor '", path_, key, "'");
}

bool InputArchive::try_read(const std::string& key, IValue& value) {
  const ArchiveNode::Entry* e = node_->find(key);
  if (!e || e->kind == ArchiveNode::Kind::Nested) return false;
  value = e->kind == ArchiveNode::Kind::Value ? e->value : IValue(e->tensor);
  return true;
}

void InputArchive::read(const std::string& key, IValue& value) {
  EMBER_CHECK(try_read(key, value), ValueError, "[InputArchive] the archive does not have a field with name '", path_,
              key, "'");
}

bool InputArchive::try_read(const std::string& key, InputArchive& nested) {
  const ArchiveNode::Entry* e = node_->find(key);
  if (!e || e->kind != ArchiveNode::Kind::Nested) return false;
  nested.node_ = e->nested;
  nested.path_ = path_ + key + ".";
  return true;
}

void InputArchive::read(const std::string& key, InputArchive& nested) {
  EMBER_CHECK(try_read(key, nested), ValueError, "No such serialized submodule: '", path_, key, "'");
}

std::vector<std::string> InputArchive::keys() const {
  std::vector<std::string> out;
  for (const auto& e : node_->entries) out.push_back(e.key);
  return out;
}

namespace {
void move_tensors(ArchiveNode& node, const Device& device) {
  for (auto& e : node.entries) {
    if (e.kind == ArchiveNode::Kind::Nested) move_tensors(*e.nested, device);
    else if (e.kind != ArchiveNode::Kind::Value) e.tensor = e.tensor.to(device);
    else if (e.value.is_tensor()) e.value = IValue(e.value.to_tensor().to(device));
  }
}
}  // namespace

OrderedDict<std::string, Tensor> InputArchive::state_dict() const {
  return flatten_tensors(*node_);
}

void InputArchive::adopt(std::string bytes, const std::string& what, const std::optional<Device>& device) {
  std::shared_ptr<ArchiveNode> root = archive_from_bytes(std::move(bytes), what);
  if (device) {
    NoGradGuard no_grad;
    move_tensors(*root, *device);
  }
  node_ = std::move(root);
  path_.clear();
}

void InputArchive::load_from(const std::string& filename, std::optional<Device> device) {
  std::ifstream in(filename, std::ios::binary);
  EMBER_CHECK(in.is_open(), RuntimeError, "[InputArchive] cannot open '", filename, "' for reading: ", std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EMBER_CHECK(!in.bad(), RuntimeError, "[InputArchive] reading '", filename, "' failed");
  adopt(std::move(bytes), "'" + filename + "'", device);
}

void InputArchive::load_from(std::istream& stream, std::optional<Device> device) {
  std::string bytes((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  EMBER_CHECK(!stream.bad(), RuntimeError, "[InputArchive] reading the stream failed");
  adopt(std::move(bytes), "stream", device);
}

void InputArchive::load_from(const char* data, size_t size, std::optional<Device> device) {
  EMBER_CHECK(data != nullptr || size == 0, ValueError, "[InputArchive] null buffer");
  adopt(std::string(data ? data : "", size), "buffer", device);
}

void InputArchive::load_from(const std::function<size_t(uint64_t, void*, size_t)>& read_func,
                             const std::function<size_t(void)>& size_func, std::optional<Device> device) {
  const size_t size = size_func();
  std::string bytes(size, '\0');
  size_t done = 0;
  while (done < size) {
    size_t n = read_func(done, &bytes[done], size - done);
    EMBER_CHECK(n > 0, RuntimeError, "[InputArchive] the reader function returned no bytes at offset ", done, " of ",
                size);
    done += n;
  }
  adopt(std::move(bytes), "reader function", device);
}

}  // namespace serialize
}  // namespace ember
