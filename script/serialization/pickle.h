// The pickles of TorchScript archives (Python pickle protocol 2, as PyTorch's jit Pickler and
// Unpickler write and read them): data.pkl (the module object tree) and constants.pkl (a tuple
// of tensor constants).
//
// What they hold: None, bool, int, float, str, tuples, lists and dicts (typed through
// torch.jit._pickle's build_intlist/build_doublelist/build_boollist/build_tensorlist and
// restore_type_tag), tensors (torch._utils._rebuild_tensor_v2 over a storage named by a
// persistent id ('storage', torch.FloatStorage, key, 'cpu', numel), the bytes in data/<key>),
// and script objects (GLOBAL '__torch__.a.b C', NEWOBJ, then BUILD with a dict of attributes).
// Anything else is a ValueError naming the opcode or global and its offset.
//
// Stateless functions; the hooks are called on the calling thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/ivalue.h"
#include "core/jit_type.h"
#include "core/tensor.h"

namespace ember {
namespace script {

struct UnpickleHooks {
  // The class of GLOBAL '__torch__.a.b C' ("__torch__.a.b.C"); throws when unknown.
  std::function<ClassTypePtr(const std::string& qualified_name)> resolve_class;
  // A 1-d tensor of `numel` elements of `dtype` holding record data/<key> (called once per key).
  std::function<Tensor(const std::string& key, ScalarType dtype, int64_t numel)> load_storage;
  // The type of restore_type_tag's string ("Dict[str, Tensor]"); when null, tags are ignored.
  std::function<TypePtr(const std::string& annotation)> parse_type;
};

// `what` names the pickle in errors ("m.pt: data.pkl").
EMBER_API IValue unpickle(const std::string& bytes, const std::string& what, const UnpickleHooks& hooks);

// Storages met while pickling: the i-th distinct storage gets key "i" (views of one storage
// share it); its bytes are written to data/<key> by the caller.
struct PickledStorages {
  std::vector<IntrusivePtr<StorageImpl>> storages;
  std::vector<ScalarType> dtypes;
};

// The name a class has in the archive (empty function: its own name).
using ClassNames = std::function<std::string(const ClassType&)>;

// Pickles `value` (types as the unpickler reads them; module and class objects with their
// attributes in declaration order). TypeError for values an archive cannot hold (futures,
// generators, tensors not on the CPU).
EMBER_API std::string pickle(const IValue& value, PickledStorages& storages, const ClassNames& class_name = {});

// torch.FloatStorage and the other storage type names, both ways.
EMBER_API std::string storage_type_name(ScalarType dtype);
EMBER_API ScalarType dtype_of_storage_type(const std::string& name);  // ValueError when unknown

}  // namespace script
}  // namespace ember
