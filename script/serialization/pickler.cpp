// pickle (see pickle.h): writes what PyTorch's jit Pickler writes for the same values, without
// the memo (PyTorch's unpickler does not need it; the output is deterministic).
#include <cstring>
#include <map>

#include "script/serialization/pickle.h"

namespace ember {
namespace script {

namespace {

class Pickler {
 public:
  Pickler(PickledStorages& storages, const ClassNames& class_name) : storages_(storages), class_name_(class_name) {}

  std::string run(const IValue& v) {
    out_ += "\x80\x02";  // PROTO 2
    put(v);
    out_ += '.';  // STOP
    return out_;
  }

 private:
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void global(const std::string& module, const std::string& name) { out_ += "c" + module + "\n" + name + "\n"; }
  void str(const std::string& s) {
    out_ += 'X';
    u32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void integer(int64_t v) {
    if (v >= 0 && v < 256) {
      out_ += 'K';
      out_.push_back(static_cast<char>(v));
    } else if (v >= 0 && v < 65536) {
      out_ += 'M';
      out_.push_back(static_cast<char>(v & 0xff));
      out_.push_back(static_cast<char>(v >> 8));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      out_ += 'J';
      u32(static_cast<uint32_t>(static_cast<int32_t>(v)));
    } else {
      out_ += "\x8a\x08";  // LONG1, 8 bytes little-endian two's complement
      auto u = static_cast<uint64_t>(v);
      for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
    }
  }
  void floating(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof d);
    out_ += 'G';
    for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  void int_tuple(IntArrayRef values) {
    out_ += '(';
    for (int64_t v : values) integer(v);
    out_ += 't';
  }
  template <typename Seq, typename F>
  void typed_list(const char* builder, const Seq& items, F put_item) {
    global("torch.jit._pickle", builder);
    out_ += "(]";  // MARK EMPTY_LIST
    if (!items.empty()) {
      out_ += '(';
      for (const auto& x : items) put_item(x);
      out_ += 'e';  // APPENDS
    }
    out_ += "tR";  // TUPLE REDUCE
  }

  void tensor(const Tensor& t) {
    EMBER_CHECK(t.device().is_cpu(), TypeError, "[pickle] only CPU tensors can be saved, got one on ",
                t.device());
    StorageImpl* storage = t.impl()->storage();
    size_t key = storages_.storages.size();
    for (size_t i = 0; i < storages_.storages.size(); ++i)
      if (storages_.storages[i].get() == storage) key = i;
    if (key == storages_.storages.size()) {
      storages_.storages.push_back(t.impl()->storage_ptr());
      storages_.dtypes.push_back(t.scalar_type());
    }
    EMBER_CHECK(storages_.dtypes[key] == t.scalar_type(), TypeError,
                "[pickle] two tensors of different dtypes share one storage");
    global("torch._utils", "_rebuild_tensor_v2");
    out_ += "((";  // MARK (args) MARK (persistent id)
    str("storage");
    global("torch", storage_type_name(t.scalar_type()));
    str(std::to_string(key));
    str("cpu");
    integer(static_cast<int64_t>(storage->nbytes() / t.element_size()));
    out_ += "tQ";  // TUPLE BINPERSID
    integer(t.storage_offset());
    int_tuple(t.sizes());
    int_tuple(t.strides());
    out_ += t.requires_grad() ? '\x88' : '\x89';
    global("collections", "OrderedDict");
    out_ += ")R";  // EMPTY_TUPLE REDUCE
    out_ += "tR";  // TUPLE REDUCE
  }

  void object(const ivalue::Object& obj) {
    const std::string q = class_name_ ? class_name_(*obj.type()) : obj.type()->name();
    size_t dot = q.rfind('.');
    global(q.substr(0, dot), q.substr(dot + 1));
    out_ += ")\x81}";  // EMPTY_TUPLE NEWOBJ EMPTY_DICT
    const auto& attrs = obj.type()->attributes();
    if (!attrs.empty()) {
      out_ += '(';
      for (size_t i = 0; i < attrs.size(); ++i) {
        str(attrs[i].name);
        put(i < obj.slots().size() ? obj.slots()[i] : IValue());
      }
      out_ += 'u';  // SETITEMS
    }
    out_ += 'b';  // BUILD
  }

  void put(const IValue& v) {
    switch (v.tag()) {
      case IValue::Tag::None: out_ += 'N'; return;
      case IValue::Tag::Bool: out_ += v.to_bool() ? '\x88' : '\x89'; return;
      case IValue::Tag::Int: integer(v.to_int()); return;
      case IValue::Tag::Double: floating(v.to_double()); return;
      case IValue::Tag::String: str(v.to_string_ref()); return;
      case IValue::Tag::Tensor: tensor(v.to_tensor()); return;
      case IValue::Tag::IntList: typed_list("build_intlist", v.to_int_list(), [&](int64_t x) { integer(x); }); return;
      case IValue::Tag::DoubleList:
        typed_list("build_doublelist", v.to_double_list(), [&](double x) { floating(x); });
        return;
      case IValue::Tag::BoolList:
        typed_list("build_boollist", v.to_bool_list(), [&](bool x) { out_ += x ? '\x88' : '\x89'; });
        return;
      case IValue::Tag::TensorList:
        typed_list("build_tensorlist", v.to_tensor_list(), [&](const Tensor& x) { tensor(x); });
        return;
      case IValue::Tag::GenericList: {
        global("torch.jit._pickle", "restore_type_tag");
        out_ += "(]";
        if (!v.to_list().empty()) {
          out_ += '(';
          for (const IValue& x : v.to_list()) put(x);
          out_ += 'e';
        }
        str(type_of(v)->annotation_str());
        out_ += "tR";
        return;
      }
      case IValue::Tag::Tuple:
        out_ += '(';
        for (const IValue& x : v.to_tuple()) put(x);
        out_ += 't';
        return;
      case IValue::Tag::Dict: {
        const ivalue::Dict& d = v.to_dict();
        global("torch.jit._pickle", "restore_type_tag");
        out_ += "(}";
        if (d.size()) {
          out_ += '(';
          for (const ivalue::Dict::Entry& e : d.entries()) {
            put(e.first);
            put(e.second);
          }
          out_ += 'u';
        }
        str(type_of(v)->annotation_str());
        out_ += "tR";
        return;
      }
      case IValue::Tag::Object: object(v.to_object()); return;
      default:
        EMBER_FAIL(TypeError, "[pickle] a ", v.tag_name(), " cannot be saved in an archive");
    }
  }

  PickledStorages& storages_;
  const ClassNames& class_name_;
  std::string out_;
};

}  // namespace

std::string pickle(const IValue& value, PickledStorages& storages, const ClassNames& class_name) {
  return Pickler(storages, class_name).run(value);
}

}  // namespace script
}  // namespace ember
