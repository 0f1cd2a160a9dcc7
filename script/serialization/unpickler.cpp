// unpickle (see pickle.h): a stack machine for the protocol-2 opcodes PyTorch's jit pickler
// writes. Opcode numbers: CPython's Lib/pickletools.py.
#include <cstring>
#include <map>

#include "core/checked_arith.h"
#include "script/serialization/pickle.h"

namespace ember {
namespace script {

namespace {

// A GLOBAL ('module name') has no IValue form. On the stack it is an IValue string with this
// prefix, which no text in a pickle starts with (a NUL byte), and it is consumed by REDUCE,
// NEWOBJ or BINPERSID; one that reaches a result is an error.
const std::string kGlobalPrefix = std::string("\0global:", 8);

bool is_global(const IValue& v) { return v.is_string() && v.to_string_ref().compare(0, kGlobalPrefix.size(), kGlobalPrefix) == 0; }
std::string global_name(const IValue& v) { return v.to_string_ref().substr(kGlobalPrefix.size()); }

class Unpickler {
 public:
  Unpickler(const std::string& bytes, const std::string& what, const UnpickleHooks& hooks)
      : b_(bytes), what_(what), hooks_(hooks) {}

  IValue run() {
    for (;;) {
      EMBER_CHECK(pos_ < b_.size(), ValueError, "[unpickle] ", what_, ": ends without a STOP opcode");
      size_t at = pos_;
      auto op = static_cast<unsigned char>(b_[pos_++]);
      switch (op) {
        case 0x80: byte(); break;                                   // PROTO
        case '.': {                                                 // STOP
          EMBER_CHECK(stack_.size() == 1, ValueError, "[unpickle] ", what_, ": STOP with ", stack_.size(),
                      " values on the stack");
          check_not_global(stack_.back(), at);
          return stack_.back();
        }
        case 'c': {                                                 // GLOBAL "module\nname\n"
          std::string module = line(), name = line();
          stack_.emplace_back(kGlobalPrefix + module + " " + name);
          break;
        }
        case 'q': memo_[byte()] = top(at); break;                   // BINPUT
        case 'r': memo_[u32()] = top(at); break;                    // LONG_BINPUT
        case 'h': stack_.push_back(memo(byte(), at)); break;        // BINGET
        case 'j': stack_.push_back(memo(u32(), at)); break;         // LONG_BINGET
        case '(': marks_.push_back(stack_.size()); break;           // MARK
        case ')': stack_.push_back(IValue::tuple({})); break;       // EMPTY_TUPLE
        case 0x85: tuple_of(1, at); break;                          // TUPLE1
        case 0x86: tuple_of(2, at); break;                          // TUPLE2
        case 0x87: tuple_of(3, at); break;                          // TUPLE3
        case 't': stack_.push_back(IValue::tuple(pop_to_mark(at))); break;  // TUPLE
        case ']': stack_.push_back(IValue(std::vector<IValue>{})); break;   // EMPTY_LIST
        case 'l': stack_.push_back(IValue(pop_to_mark(at))); break;         // LIST
        case '}': stack_.push_back(IValue::dict()); break;          // EMPTY_DICT
        case 'd': {                                                 // DICT
          std::vector<IValue> items = pop_to_mark(at);
          stack_.push_back(IValue::dict());
          set_items(stack_.back(), items, at);
          break;
        }
        case 'a': {                                                 // APPEND
          IValue v = pop(at);
          append(top(at), {v}, at);
          break;
        }
        case 'e': {                                                 // APPENDS
          std::vector<IValue> items = pop_to_mark(at);
          append(top(at), items, at);
          break;
        }
        case 's': {                                                 // SETITEM
          IValue v = pop(at), k = pop(at);
          set_items(top(at), {k, v}, at);
          break;
        }
        case 'u': {                                                 // SETITEMS
          std::vector<IValue> items = pop_to_mark(at);
          set_items(top(at), items, at);
          break;
        }
        case 'N': stack_.emplace_back(); break;                     // NONE
        case 0x88: stack_.emplace_back(true); break;                // NEWTRUE
        case 0x89: stack_.emplace_back(false); break;               // NEWFALSE
        case 'K': stack_.emplace_back(static_cast<int64_t>(byte())); break;  // BININT1
        case 'M': stack_.emplace_back(static_cast<int64_t>(u16())); break;   // BININT2
        case 'J': stack_.emplace_back(static_cast<int64_t>(static_cast<int32_t>(u32()))); break;  // BININT
        case 0x8a: stack_.emplace_back(long1(at)); break;           // LONG1
        case 'G': stack_.emplace_back(binfloat()); break;           // BINFLOAT
        case 'X': stack_.emplace_back(take(u32())); break;          // BINUNICODE
        case 0x8c: stack_.emplace_back(take(byte())); break;        // SHORT_BINUNICODE
        case 'T': stack_.emplace_back(take(u32())); break;          // BINSTRING
        case 'U': stack_.emplace_back(take(byte())); break;         // SHORT_BINSTRING
        case 'Q': binpersid(at); break;                             // BINPERSID
        case 'R': reduce(at); break;                                // REDUCE
        case 0x81: newobj(at); break;                               // NEWOBJ
        case 'b': build(at); break;                                 // BUILD
        default:
          EMBER_FAIL(ValueError, "[unpickle] ", what_, ": opcode 0x", hex(op), " at offset ", at,
                     " is not one TorchScript archives use");
      }
    }
  }

 private:
  static std::string hex(unsigned v) {
    const char* d = "0123456789abcdef";
    return std::string{d[(v >> 4) & 15], d[v & 15]};
  }
  void need(size_t n) {
    EMBER_CHECK(pos_ + n <= b_.size(), ValueError, "[unpickle] ", what_, ": truncated at offset ", pos_);
  }
  unsigned byte() {
    need(1);
    return static_cast<unsigned char>(b_[pos_++]);
  }
  uint32_t u16() {
    uint32_t lo = byte();
    return lo | byte() << 8;
  }
  uint32_t u32() {
    uint32_t v = u16();
    return v | u16() << 16;
  }
  std::string take(size_t n) {
    need(n);
    std::string s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string line() {
    size_t nl = b_.find('\n', pos_);
    EMBER_CHECK(nl != std::string::npos, ValueError, "[unpickle] ", what_, ": unterminated GLOBAL at offset ", pos_);
    std::string s = b_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return s;
  }
  int64_t long1(size_t at) {
    unsigned n = byte();
    EMBER_CHECK(n <= 8, ValueError, "[unpickle] ", what_, ": LONG1 of ", n, " bytes at offset ", at,
                " does not fit in int64");
    std::string raw = take(n);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(raw[i])) << (8 * i);
    if (n > 0 && n < 8 && (static_cast<unsigned char>(raw[n - 1]) & 0x80)) v |= ~uint64_t{0} << (8 * n);  // sign
    return static_cast<int64_t>(v);
  }
  double binfloat() {
    std::string raw = take(8);  // big-endian IEEE double
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | static_cast<unsigned char>(raw[i]);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

  IValue& top(size_t at) {
    EMBER_CHECK(!stack_.empty(), ValueError, "[unpickle] ", what_, ": empty stack at offset ", at);
    return stack_.back();
  }
  IValue pop(size_t at) {
    IValue v = std::move(top(at));
    stack_.pop_back();
    return v;
  }
  IValue memo(uint32_t key, size_t at) {
    auto it = memo_.find(key);
    EMBER_CHECK(it != memo_.end(), ValueError, "[unpickle] ", what_, ": memo key ", key, " at offset ", at,
                " was never stored");
    return it->second;
  }
  std::vector<IValue> pop_to_mark(size_t at) {
    EMBER_CHECK(!marks_.empty(), ValueError, "[unpickle] ", what_, ": no MARK for the opcode at offset ", at);
    size_t mark = marks_.back();
    marks_.pop_back();
    EMBER_CHECK(mark <= stack_.size(), ValueError, "[unpickle] ", what_, ": MARK below the stack at offset ", at);
    std::vector<IValue> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(mark)),
                              std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return items;
  }
  void tuple_of(size_t n, size_t at) {
    EMBER_CHECK(stack_.size() >= n, ValueError, "[unpickle] ", what_, ": TUPLE", n, " at offset ", at,
                " on a stack of ", stack_.size());
    std::vector<IValue> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    stack_.push_back(IValue::tuple(std::move(items)));
  }
  void check_not_global(const IValue& v, size_t at) {
    EMBER_CHECK(!is_global(v), ValueError, "[unpickle] ", what_, ": global '", is_global(v) ? global_name(v) : "",
                "' used as a value at offset ", at);
  }
  void append(IValue& list, const std::vector<IValue>& items, size_t at) {
    EMBER_CHECK(list.is_list(), ValueError, "[unpickle] ", what_, ": APPEND to a ", list.tag_name(), " at offset ", at);
    for (const IValue& v : items) {
      check_not_global(v, at);
      list.mutable_list().push_back(v);
    }
  }
  void set_items(IValue& dict, const std::vector<IValue>& items, size_t at) {
    EMBER_CHECK(dict.is_dict(), ValueError, "[unpickle] ", what_, ": SETITEM on a ", dict.tag_name(), " at offset ",
                at);
    EMBER_CHECK(items.size() % 2 == 0, ValueError, "[unpickle] ", what_, ": SETITEMS with an odd number of values at offset ", at);
    for (size_t i = 0; i < items.size(); i += 2) {
      check_not_global(items[i], at);
      check_not_global(items[i + 1], at);
      dict.to_dict().insert_or_assign(items[i], items[i + 1]);
    }
  }
  const std::vector<IValue>& args_tuple(const IValue& v, const std::string& for_what, size_t n, size_t at) {
    EMBER_CHECK(v.is_tuple() && v.to_tuple().size() >= n, ValueError, "[unpickle] ", what_, ": ", for_what,
                " at offset ", at, " expects a tuple of ", n, " arguments");
    return v.to_tuple();
  }

  void binpersid(size_t at) {
    IValue id = pop(at);
    const std::vector<IValue>& t = args_tuple(id, "a persistent id", 5, at);
    EMBER_CHECK(t[0].is_string() && t[0].to_string_ref() == "storage" && is_global(t[1]) && t[2].is_string() &&
                    t[3].is_string() && t[4].is_int(),
                ValueError, "[unpickle] ", what_, ": persistent id at offset ", at,
                " is not ('storage', torch.XStorage, key, location, numel)");
    std::string type = global_name(t[1]);
    EMBER_CHECK(type.compare(0, 6, "torch ") == 0, ValueError, "[unpickle] ", what_, ": storage type '", type,
                "' at offset ", at);
    ScalarType dtype = dtype_of_storage_type(type.substr(6));
    const std::string& key = t[2].to_string_ref();
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      EMBER_CHECK(hooks_.load_storage, ValueError, "[unpickle] ", what_, " holds tensors but no storages were given");
      it = storages_.emplace(key, hooks_.load_storage(key, dtype, t[4].to_int())).first;
    }
    stack_.emplace_back(it->second);
  }

  void reduce(size_t at) {
    IValue args = pop(at);
    IValue fn = pop(at);
    EMBER_CHECK(is_global(fn), ValueError, "[unpickle] ", what_, ": REDUCE of a ", fn.tag_name(), " at offset ", at);
    std::string name = global_name(fn);
    if (name == "torch._utils _rebuild_tensor_v2") {
      stack_.push_back(rebuild_tensor(args_tuple(args, name, 5, at), at));
    } else if (name == "collections OrderedDict") {
      stack_.push_back(IValue::dict());
    } else if (name == "torch.jit._pickle build_intlist" || name == "torch.jit._pickle build_doublelist" ||
               name == "torch.jit._pickle build_boollist" || name == "torch.jit._pickle build_tensorlist") {
      const IValue& list = args_tuple(args, name, 1, at)[0];
      EMBER_CHECK(list.is_list(), ValueError, "[unpickle] ", what_, ": ", name, " of a ", list.tag_name());
      stack_.push_back(typed_list(name.substr(name.rfind(' ') + 1), list.to_list(), at));
    } else if (name == "torch.jit._pickle restore_type_tag") {
      const std::vector<IValue>& a = args_tuple(args, name, 2, at);
      IValue v = a[0];
      if (v.is_dict() && a[1].is_string() && hooks_.parse_type) {
        TypePtr t = hooks_.parse_type(a[1].to_string_ref());
        if (t->kind() == TypeKind::Dict) v.to_dict().set_types(t->contained()[0], t->contained()[1]);
      }
      stack_.push_back(v);
    } else {
      EMBER_FAIL(ValueError, "[unpickle] ", what_, ": global '", name, "' at offset ", at,
                 " is not one TorchScript archives use");
    }
  }

  IValue typed_list(const std::string& builder, const std::vector<IValue>& items, size_t at) {
    try {
      if (builder == "build_intlist") {
        std::vector<int64_t> v;
        for (const IValue& x : items) v.push_back(x.to_int());
        return IValue(std::move(v));
      }
      if (builder == "build_doublelist") {
        std::vector<double> v;
        for (const IValue& x : items) v.push_back(x.to_double());
        return IValue(std::move(v));
      }
      if (builder == "build_boollist") {
        std::vector<bool> v;
        for (const IValue& x : items) v.push_back(x.to_bool());
        return IValue(std::move(v));
      }
      std::vector<Tensor> v;
      for (const IValue& x : items) v.push_back(x.to_tensor());
      return IValue(std::move(v));
    } catch (const TypeError& e) {
      EMBER_FAIL(ValueError, "[unpickle] ", what_, ": ", builder, " at offset ", at, ": ", e.what());
    }
  }

  Tensor rebuild_tensor(const std::vector<IValue>& a, size_t at) {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    EMBER_CHECK(a[0].is_tensor() && a[1].is_int() && a[2].is_tuple() && a[3].is_tuple() && a[4].is_bool(), ValueError,
                "[unpickle] ", what_, ": _rebuild_tensor_v2 at offset ", at,
                " expects (storage, offset, size, stride, requires_grad, hooks)");
    const Tensor& storage = a[0].to_tensor();
    std::vector<int64_t> sizes, strides;
    for (const IValue& s : a[2].to_tuple()) sizes.push_back(s.to_int());
    for (const IValue& s : a[3].to_tuple()) strides.push_back(s.to_int());
    EMBER_CHECK(sizes.size() == strides.size(), ValueError, "[unpickle] ", what_, ": tensor at offset ", at, " has ",
                sizes.size(), " sizes and ", strides.size(), " strides");
    int64_t offset = a[1].to_int();
    // The highest element the view reaches must lie inside the storage.
    int64_t last = offset, numel = 1;
    for (size_t d = 0; d < sizes.size(); ++d) {
      EMBER_CHECK(sizes[d] >= 0 && strides[d] >= 0, ValueError, "[unpickle] ", what_, ": tensor at offset ", at,
                  " has a negative size or stride");
      int64_t reach = 0;
      bool fits = checked_mul(numel, sizes[d], &numel) &&
                  (sizes[d] == 0 || (checked_mul(sizes[d] - 1, strides[d], &reach) && checked_add(last, reach, &last)));
      EMBER_CHECK(fits, ValueError, "[unpickle] ", what_, ": tensor at offset ", at, " has sizes and strides past int64");
    }
    EMBER_CHECK(offset >= 0 && (numel == 0 || last < storage.numel()), ValueError, "[unpickle] ", what_,
                ": tensor at offset ", at, " reaches element ", last, " of a storage of ", storage.numel());
    auto impl = make_intrusive<TensorImpl>(storage.impl()->storage_ptr(), storage.scalar_type(), storage.device());
    impl->set_sizes_and_strides(sizes, strides, offset);
    Tensor t(std::move(impl));
    if (a[4].to_bool()) t.requires_grad_(true);
    return t;
  }

  void newobj(size_t at) {
    IValue args = pop(at);
    IValue cls = pop(at);
    EMBER_CHECK(is_global(cls), ValueError, "[unpickle] ", what_, ": NEWOBJ of a ", cls.tag_name(), " at offset ", at);
    std::string name = global_name(cls);
    size_t space = name.find(' ');
    std::string qualified = name.substr(0, space) + "." + name.substr(space + 1);
    EMBER_CHECK(qualified.compare(0, 10, "__torch__.") == 0 && hooks_.resolve_class, ValueError, "[unpickle] ",
                what_, ": object of class '", qualified, "' at offset ", at, " is not a TorchScript class");
    ClassTypePtr type = hooks_.resolve_class(qualified);
    stack_.push_back(IValue::object(type, type->attributes().size()));
  }

  void build(size_t at) {
    IValue state = pop(at);
    IValue& obj = top(at);
    EMBER_CHECK(obj.is_object() && state.is_dict(), ValueError, "[unpickle] ", what_, ": BUILD at offset ", at,
                " expects an object and a dict of its attributes");
    ivalue::Object& o = obj.to_object();
    for (const ivalue::Dict::Entry& e : state.to_dict().entries()) {
      EMBER_CHECK(e.first.is_string(), ValueError, "[unpickle] ", what_, ": attribute name of a ",
                  e.first.tag_name(), " at offset ", at);
      const std::string& name = e.first.to_string_ref();
      std::optional<size_t> slot = o.type()->find_attribute(name);
      EMBER_CHECK(slot, ValueError, "[unpickle] ", what_, ": ", o.type()->repr_str(), " declares no attribute '",
                  name, "' (offset ", at, ")");
      const TypePtr& declared = o.type()->attributes()[*slot].type;
      EMBER_CHECK(value_has_type(e.second, declared), ValueError, "[unpickle] ", what_, ": attribute '", name,
                  "' of ", o.type()->repr_str(), " is declared ", declared->repr_str(), " but holds ",
                  type_of(e.second)->repr_str());
      o.slots()[*slot] = e.second;
    }
  }

  const std::string& b_;
  const std::string& what_;
  const UnpickleHooks& hooks_;
  size_t pos_ = 0;
  std::vector<IValue> stack_;
  std::vector<size_t> marks_;
  std::map<uint32_t, IValue> memo_;
  std::map<std::string, Tensor> storages_;
};

struct StorageTypeName {
  ScalarType dtype;
  const char* name;
};
constexpr StorageTypeName kStorageTypes[] = {
    {ScalarType::Float32, "FloatStorage"}, {ScalarType::Float64, "DoubleStorage"},
    {ScalarType::Float16, "HalfStorage"},  {ScalarType::BFloat16, "BFloat16Storage"},
    {ScalarType::Int64, "LongStorage"},    {ScalarType::Int32, "IntStorage"},
    {ScalarType::Int16, "ShortStorage"},   {ScalarType::Int8, "CharStorage"},
    {ScalarType::UInt8, "ByteStorage"},    {ScalarType::Bool, "BoolStorage"},
};

}  // namespace

IValue unpickle(const std::string& bytes, const std::string& what, const UnpickleHooks& hooks) {
  return Unpickler(bytes, what, hooks).run();
}

std::string storage_type_name(ScalarType dtype) {
  for (const StorageTypeName& s : kStorageTypes)
    if (s.dtype == dtype) return s.name;
  EMBER_FAIL(TypeError, "[pickle] no storage type for dtype ", static_cast<int>(dtype));
}

ScalarType dtype_of_storage_type(const std::string& name) {
  for (const StorageTypeName& s : kStorageTypes)
    if (name == s.name) return s.dtype;
  EMBER_FAIL(ValueError, "[unpickle] storage type 'torch.", name, "' is not one ember reads");
}

}  // namespace script
}  // namespace ember
