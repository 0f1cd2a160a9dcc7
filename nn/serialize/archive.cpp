// The archives of nn/serialize/archive.h over state-dict entries.
#include "nn/serialize/archive.h"

#include <cstring>
#include <sstream>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "generated/functions.h"
#include "nn/serialize.h"

namespace ember {
namespace serialize {

namespace {

constexpr char kValueMark = '\x1f';

std::string value_name(const std::string& key, char kind) { return key + kValueMark + kind; }

Tensor cpu_tensor_of(const Tensor& t) { return t.detach().to(Device("cpu")).contiguous(); }

template <typename T>
Tensor vector_tensor(const std::vector<T>& values, ScalarType dtype) {
  Tensor t = ember::empty({static_cast<int64_t>(values.size())}, TensorOptions(dtype));
  for (size_t i = 0; i < values.size(); ++i) static_cast<T*>(t.data_ptr())[i] = values[i];
  return t;
}

Tensor scalar_tensor_of(int64_t v) { return ember::full({}, Scalar(v), TensorOptions(kInt64)); }

// Checks a key before it becomes part of an entry name.
void check_key(const std::string& key) {
  EMBER_CHECK(!key.empty(), ValueError, "[OutputArchive] keys must not be empty");
  EMBER_CHECK(key.find(kValueMark) == std::string::npos, ValueError, "[OutputArchive] key '", key,
              "' contains the reserved character \\x1f");
}

}  // namespace

OutputArchive::OutputArchive() : entries_(std::make_shared<OrderedDict<std::string, Tensor>>("Key")) {}

void OutputArchive::write(const std::string& key, const Tensor& tensor, bool /*is_buffer*/) {
  check_key(key);
  EMBER_CHECK(tensor.defined(), ValueError, "[OutputArchive] cannot write the undefined tensor '", key, "'");
  NoGradGuard no_grad;
  entries_->insert_or_assign(key, cpu_tensor_of(tensor));
}

void OutputArchive::write(const std::string& key, const IValue& value) {
  check_key(key);
  NoGradGuard no_grad;
  switch (value.tag()) {
    case IValue::Tag::None:
      entries_->insert_or_assign(value_name(key, 'n'), ember::empty({0}, TensorOptions(kUInt8)));
      return;
    case IValue::Tag::Int:
      entries_->insert_or_assign(value_name(key, 'i'), scalar_tensor_of(value.to_int()));
      return;
    case IValue::Tag::Double:
      entries_->insert_or_assign(value_name(key, 'd'), ember::full({}, Scalar(value.to_double()), TensorOptions(kFloat64)));
      return;
    case IValue::Tag::Bool:
      entries_->insert_or_assign(value_name(key, 'z'), ember::full({}, Scalar(value.to_bool()), TensorOptions(kBool)));
      return;
    case IValue::Tag::String: {
      const std::string& s = value.to_string_ref();
      entries_->insert_or_assign(value_name(key, 's'), vector_tensor(std::vector<uint8_t>(s.begin(), s.end()), kUInt8));
      return;
    }
    case IValue::Tag::IntList:
      entries_->insert_or_assign(value_name(key, 'I'), vector_tensor(value.to_int_list(), kInt64));
      return;
    case IValue::Tag::DoubleList:
      entries_->insert_or_assign(value_name(key, 'D'), vector_tensor(value.to_double_list(), kFloat64));
      return;
    case IValue::Tag::BoolList: {
      const std::vector<bool>& b = value.to_bool_list();
      entries_->insert_or_assign(value_name(key, 'Z'), vector_tensor(std::vector<uint8_t>(b.begin(), b.end()), kUInt8));
      return;
    }
    case IValue::Tag::Tensor:
      entries_->insert_or_assign(value_name(key, 't'), cpu_tensor_of(value.to_tensor()));
      return;
    case IValue::Tag::TensorList: {
      const std::vector<Tensor>& list = value.to_tensor_list();
      entries_->insert_or_assign(value_name(key, 'T'), scalar_tensor_of(static_cast<int64_t>(list.size())));
      for (size_t i = 0; i < list.size(); ++i) {
        EMBER_CHECK(list[i].defined(), ValueError, "[OutputArchive] element ", i, " of '", key, "' is undefined");
        entries_->insert_or_assign(value_name(key, 'T') + std::to_string(i), cpu_tensor_of(list[i]));
      }
      return;
    }
    default:
      EMBER_FAIL(NotImplementedError, "[OutputArchive] cannot write '", key, "': values of kind ", value.tag_name(),
                 " are not archivable (ints, doubles, bools, strings, their lists, tensors and tensor lists are)");
  }
}

void OutputArchive::write(const std::string& key, OutputArchive& nested) {
  check_key(key);
  // The marker keeps an empty nested archive visible to try_read.
  entries_->insert_or_assign(value_name(key, 'a'), ember::empty({0}, TensorOptions(kUInt8)));
  for (const auto& item : *nested.entries_) entries_->insert_or_assign(key + "." + item.key(), item.value());
}

void OutputArchive::save_to(const std::string& filename) { ember::save(*entries_, filename); }
void OutputArchive::save_to(std::ostream& stream) { ember::save(*entries_, stream); }
void OutputArchive::save_to(const std::function<size_t(const void*, size_t)>& func) {
  std::ostringstream out;
  ember::save(*entries_, out);
  const std::string bytes = out.str();
  size_t written = 0;
  while (written < bytes.size()) {
    size_t n = func(bytes.data() + written, bytes.size() - written);
    EMBER_CHECK(n > 0, RuntimeError, "[OutputArchive] the writer function accepted no bytes at offset ", written);
    written += n;
  }
}

// ---- InputArchive -------------------------------------------------------------------------------

InputArchive::InputArchive() : entries_(std::make_shared<OrderedDict<std::string, Tensor>>("Key")) {}

const Tensor* InputArchive::find(const std::string& name) const { return entries_->find(prefix_ + name); }

bool InputArchive::try_read(const std::string& key, Tensor& tensor, bool /*is_buffer*/) {
  const Tensor* stored = find(key);
  if (!stored) return false;
  if (!tensor.defined()) {
    tensor = *stored;
    return true;
  }
  EMBER_CHECK(tensor.sizes() == stored->sizes(), ValueError, "[InputArchive] the tensor '", prefix_, key, "' has shape ",
              stored->sizes(), ", but the tensor read into has shape ", tensor.sizes());
  NoGradGuard no_grad;
  tensor.copy_(*stored);
  return true;
}

void InputArchive::read(const std::string& key, Tensor& tensor, bool is_buffer) {
  EMBER_CHECK(try_read(key, tensor, is_buffer), ValueError, "No such serialized tensor '", prefix_, key, "'");
}

bool InputArchive::try_read(const std::string& key, IValue& value) {
  auto as_vector = [](const Tensor& t, auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(t.data_ptr());
    return std::vector<T>(p, p + t.numel());
  };
  if (const Tensor* t = find(key)) {  // a tensor written as such reads as a tensor value
    value = IValue(*t);
    return true;
  }
  for (char kind : std::string("nizdsIDZtT")) {
    const Tensor* t = find(value_name(key, kind));
    if (!t) continue;
    switch (kind) {
      case 'n': value = IValue(); break;
      case 'i': value = IValue(t->item().to<int64_t>()); break;
      case 'd': value = IValue(t->item().to<double>()); break;
      case 'z': value = IValue(t->item().to<bool>()); break;
      case 's': {
        std::vector<uint8_t> bytes = as_vector(*t, uint8_t{});
        value = IValue(std::string(bytes.begin(), bytes.end()));
        break;
      }
      case 'I': value = IValue(as_vector(*t, int64_t{})); break;
      case 'D': value = IValue(as_vector(*t, double{})); break;
      case 'Z': {
        std::vector<uint8_t> bytes = as_vector(*t, uint8_t{});
        value = IValue(std::vector<bool>(bytes.begin(), bytes.end()));
        break;
      }
      case 't': value = IValue(*t); break;
      case 'T': {
        int64_t n = t->item().to<int64_t>();
        std::vector<Tensor> list;
        for (int64_t i = 0; i < n; ++i) {
          const Tensor* element = find(value_name(key, 'T') + std::to_string(i));
          EMBER_CHECK(element, RuntimeError, "[InputArchive] the tensor list '", prefix_, key, "' lacks element ", i);
          list.push_back(*element);
        }
        value = IValue(std::move(list));
        break;
      }
    }
    return true;
  }
  return false;
}

void InputArchive::read(const std::string& key, IValue& value) {
  EMBER_CHECK(try_read(key, value), ValueError, "[InputArchive] the archive does not have a field with name '", prefix_,
              key, "'");
}

bool InputArchive::try_read(const std::string& key, InputArchive& nested) {
  const std::string nested_prefix = prefix_ + key + ".";
  bool exists = entries_->contains(prefix_ + value_name(key, 'a'));
  for (auto it = entries_->begin(); !exists && it != entries_->end(); ++it)
    exists = it->key().compare(0, nested_prefix.size(), nested_prefix) == 0;
  if (!exists) return false;
  nested.entries_ = entries_;
  nested.prefix_ = nested_prefix;
  return true;
}

void InputArchive::read(const std::string& key, InputArchive& nested) {
  EMBER_CHECK(try_read(key, nested), ValueError, "No such serialized submodule: '", prefix_, key, "'");
}

std::vector<std::string> InputArchive::keys() const {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& item : *entries_) {
    const std::string& name = item.key();
    if (name.compare(0, prefix_.size(), prefix_) != 0) continue;
    std::string rest = name.substr(prefix_.size());
    size_t mark = rest.find(kValueMark);
    size_t dot = rest.find('.');
    std::string key = rest.substr(0, std::min(mark, dot));
    if (seen.insert(key).second) out.push_back(key);
  }
  return out;
}

OrderedDict<std::string, Tensor> InputArchive::state_dict() const {
  OrderedDict<std::string, Tensor> out("Key");
  for (const auto& item : *entries_) {
    const std::string& name = item.key();
    if (name.compare(0, prefix_.size(), prefix_) == 0 && name.find(kValueMark) == std::string::npos)
      out.insert(name.substr(prefix_.size()), item.value());
  }
  return out;
}

void InputArchive::adopt(OrderedDict<std::string, Tensor> entries, const std::optional<Device>& device) {
  if (device) {
    for (auto& item : entries) item.value() = item.value().to(*device);
  }
  entries_ = std::make_shared<const OrderedDict<std::string, Tensor>>(std::move(entries));
  prefix_.clear();
}

void InputArchive::load_from(const std::string& filename, std::optional<Device> device) {
  adopt(ember::load(filename), device);
}

void InputArchive::load_from(std::istream& stream, std::optional<Device> device) {
  adopt(ember::load(stream), device);
}

void InputArchive::load_from(const char* data, size_t size, std::optional<Device> device) {
  std::istringstream in(std::string(data, size));
  adopt(ember::load(in, "buffer"), device);
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
  std::istringstream in(bytes);
  adopt(ember::load(in, "reader function"), device);
}

}  // namespace serialize
}  // namespace ember
