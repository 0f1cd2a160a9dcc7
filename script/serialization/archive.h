// TorchScript archives: script modules saved and loaded in the zip format of torch.jit.save /
// torch.jit.load (PyTorch 1.13; format version 3, readers accept 1 to 10), so that modules move
// between PyTorch and ember both ways.
//
//   script::Module m = script::load("model.pt");        // saved by torch.jit.save
//   Tensor y = m.forward({x}).to_tensor();
//   script::save(m, "again.pt");                         // torch.jit.load("again.pt") reads it
//
// An archive holds <name>/code/__torch__/... (each class's source in the dialect, as PyTorch's
// code printer writes it), <name>/data.pkl (the module object tree, see pickle.h),
// <name>/data/<key> (tensor storages), <name>/constants.pkl and <name>/version. Loading compiles
// the code (ember's compiler, ember's operators), creates the objects and reads every storage
// into CPU tensors; debug_pkl files, extra/ and the PyTorch 2 additions (byteorder,
// .data/serialization_id, traced_inputs) are ignored. Saving writes the same layout: stored
// entries, 64-byte aligned, and the same module gives the same bytes (save -> load -> save is
// byte-stable).
//
// Errors: a file that is not such an archive, damaged, of an unsupported version, or holding
// code ember cannot compile is a ValueError (the compiler's CompileError for code) naming the
// archive and the entry; saving a module with values an archive cannot hold is a TypeError.
// Loaded modules are like any script::Module (thread-safety included).
#pragma once

#include <string>

#include "script/api/module.h"

namespace ember {
namespace script {

EMBER_API Module load(const std::string& path);
// `what` names the archive in errors.
EMBER_API Module load_from_bytes(std::string bytes, const std::string& what = "<bytes>");

// The top-level folder is the file's stem (as PyTorch names it); "archive" for bytes.
EMBER_API void save(const Module& module, const std::string& path);
EMBER_API std::string save_to_bytes(const Module& module, const std::string& archive_name = "archive");

}  // namespace script
}  // namespace ember
