// load (see archive.h): zip -> version check -> constants.pkl -> data.pkl, compiling each code
// file when the unpickler first meets one of its classes.
#include "script/serialization/archive.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "generated/functions.h"
#include "script/serialization/dtype_numbers.h"
#include "script/serialization/pickle.h"
#include "script/serialization/zip_archive.h"

namespace ember {
namespace script {

namespace {

constexpr int64_t kMinVersion = 1;
constexpr int64_t kMaxVersion = 10;  // PyTorch's kMaxSupportedFileFormatVersion

// Every entry lies below one top-level folder, whatever its name: that folder with its '/'.
std::string top_level_folder(const ZipReader& zip) {
  std::vector<std::string> names = zip.names();
  EMBER_CHECK(!names.empty(), ValueError, "[load] ", zip.what(), " is an empty zip archive");
  size_t slash = names[0].find('/');
  EMBER_CHECK(slash != std::string::npos, ValueError, "[load] ", zip.what(), ": entry '", names[0],
              "' is not inside a top-level folder, as TorchScript archives' entries are");
  std::string prefix = names[0].substr(0, slash + 1);
  for (const std::string& n : names)
    EMBER_CHECK(n.compare(0, prefix.size(), prefix) == 0, ValueError, "[load] ", zip.what(), ": entry '", n,
                "' is outside the archive's folder '", prefix, "'");
  return prefix;
}

int64_t read_version(const ZipReader& zip, const std::string& prefix) {
  std::string record = zip.has(prefix + ".data/version") ? prefix + ".data/version" : prefix + "version";
  EMBER_CHECK(zip.has(record), ValueError, "[load] ", zip.what(), " has no version record: not a TorchScript archive");
  std::string text = zip.read(record);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  EMBER_CHECK(!text.empty() && text.size() < 10 && text.find_first_not_of("0123456789") == std::string::npos,
              ValueError, "[load] ", zip.what(), ": version record '", text, "' is not a number");
  int64_t v = std::stoll(text);
  EMBER_CHECK(v >= kMinVersion && v <= kMaxVersion, ValueError, "[load] ", zip.what(), " has format version ", v,
              "; ember reads versions ", kMinVersion, " to ", kMaxVersion);
  return v;
}

Tensor read_storage(const ZipReader& zip, const std::string& record, ScalarType dtype, int64_t numel) {
  EMBER_CHECK(zip.has(record), ValueError, "[load] ", zip.what(), " has no storage record '", record, "'");
  std::string bytes = zip.read(record);
  size_t expected = static_cast<size_t>(numel) * element_size(dtype);
  EMBER_CHECK(numel >= 0 && bytes.size() == expected, ValueError, "[load] ", zip.what(), ": storage '", record,
              "' has ", bytes.size(), " bytes, its tensor needs ", expected);
  Tensor t = ember::empty({numel}, TensorOptions(dtype).device(Device("cpu")));
  if (!bytes.empty()) std::memcpy(t.impl()->data(), bytes.data(), bytes.size());  // new: stays version-tracked
  return t;
}

}  // namespace

Module load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EMBER_CHECK(in, RuntimeError, "[load] cannot open '", path, "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return load_from_bytes(bytes.str(), path);
}

Module load_from_bytes(std::string bytes, const std::string& what) {
  ZipReader zip(std::move(bytes), what);
  std::string prefix = top_level_folder(zip);
  read_version(zip, prefix);

  auto cu = std::make_shared<CompilationUnit>();
  std::set<std::string> loaded;  // code files already compiled
  // __torch__.a.b.C lives in code/__torch__/a/b.py.
  cu->set_class_loader([&](const std::string& qualified) -> ClassTypePtr {
    std::string qualifier = qualified.substr(0, qualified.rfind('.'));
    std::string path = "code/" + qualifier + ".py";
    for (size_t i = 5; i < path.size() - 3; ++i)
      if (path[i] == '.') path[i] = '/';
    if (loaded.count(path) || !zip.has(prefix + path)) return nullptr;
    loaded.insert(path);
    cu->define(zip.read(prefix + path), path, 1, qualifier == "__torch__" ? "" : qualifier.substr(10));
    return cu->find_class(qualified);
  });
  struct ClearLoader {
    CompilationUnit& cu;
    ~ClearLoader() { cu.set_class_loader(nullptr); }
  } clear_loader{*cu};

  auto hooks_for = [&](const std::string& storage_folder) {
    UnpickleHooks hooks;
    hooks.resolve_class = [&](const std::string& qualified) {
      ClassTypePtr cls = cu->find_class(qualified);
      EMBER_CHECK(cls, ValueError, "[load] ", what, ": class '", qualified, "' is not defined by the archive's code");
      return cls;
    };
    hooks.load_storage = [&zip, &prefix, storage_folder](const std::string& key, ScalarType dtype, int64_t numel) {
      return read_storage(zip, prefix + storage_folder + key, dtype, numel);
    };
    hooks.parse_type = [&](const std::string& annotation) { return cu->parse_type(annotation); };
    return hooks;
  };
  // Constants first: the code reads them as CONSTANTS.cN.
  if (zip.has(prefix + "constants.pkl")) {
    IValue constants = unpickle(zip.read(prefix + "constants.pkl"), what + ": constants.pkl", hooks_for("constants/"));
    EMBER_CHECK(constants.is_tuple(), ValueError, "[load] ", what, ": constants.pkl holds a ", constants.tag_name(),
                ", not a tuple");
    cu->set_constants(constants.to_tuple());
  }
  EMBER_CHECK(zip.has(prefix + "data.pkl"), ValueError, "[load] ", what, " has no data.pkl: not a TorchScript archive");
  IValue data = unpickle(zip.read(prefix + "data.pkl"), what + ": data.pkl", hooks_for("data/"));
  EMBER_CHECK(data.is_object() && data.to_object().type()->is_module(), ValueError, "[load] ", what,
              ": data.pkl holds a ", type_of(data)->repr_str(), ", not a module");
  // Every class exists now: compile all code (the loader still finds classes only code names).
  // The code's dtype numbers are PyTorch's.
  std::vector<Function*> functions = cu->functions();
  for (const ClassTypePtr& cls : cu->classes())
    for (const ClassType::Method& m : cls->methods()) functions.push_back(m.second);
  for (size_t i = 0; i < functions.size(); ++i) {
    functions[i]->ensure_defined();
    if (i + 1 == functions.size()) {  // compiling may have loaded more files
      for (Function* f : cu->functions())
        if (std::find(functions.begin(), functions.end(), f) == functions.end()) functions.push_back(f);
      for (const ClassTypePtr& cls : cu->classes())
        for (const ClassType::Method& m : cls->methods())
          if (std::find(functions.begin(), functions.end(), m.second) == functions.end()) functions.push_back(m.second);
    }
  }
  for (Function* f : functions) remap_dtype_constants(*f->graph(), DtypeNumbers::PyTorchToEmber);
  return Module::wrap(data, cu);
}

}  // namespace script
}  // namespace ember
