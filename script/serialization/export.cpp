// save (see archive.h): each reachable class printed into its code file, the object tree into
// data.pkl, storages into data/<key>.
#include <fstream>
#include <map>
#include <set>

#include "script/api/function.h"
#include "script/ir/code_printer.h"
#include "script/serialization/archive.h"
#include "script/serialization/dtype_numbers.h"
#include "script/serialization/pickle.h"
#include "script/serialization/zip_archive.h"

namespace ember {
namespace script {

namespace {

constexpr const char* kFormatVersion = "3\n";  // PyTorch's kMinProducedFileFormatVersion

const ClassType* as_class(const TypePtr& t) {
  return t->kind() == TypeKind::Class ? static_cast<const ClassType*>(t.get()) : nullptr;
}

// The classes of the object tree below `cls`, each once, parents before children.
void collect_classes(const ClassType* cls, std::vector<const ClassType*>& out) {
  for (const ClassType* c : out)
    if (c == cls) return;
  EMBER_CHECK(cls->is_module(), NotImplementedError, "[save] ", cls->repr_str(),
              " is a script class; archives of ember hold module classes only");
  out.push_back(cls);
  for (const ClassType::Attribute& a : cls->attributes())
    if (const ClassType* sub = as_class(a.type)) collect_classes(sub, out);
}

// PyTorch's mangled form of a qualified name (its jit::NameMangler): the atom ___torch_mangle_<n>
// replaces an earlier mangle atom or goes before the class name.
std::string mangled(const std::string& qualified, int n) {
  const std::string atom = "___torch_mangle_" + std::to_string(n);
  size_t at = qualified.find(".___torch_mangle_");
  if (at != std::string::npos) {
    size_t end = qualified.find('.', at + 1);
    return qualified.substr(0, at + 1) + atom + qualified.substr(end);
  }
  size_t dot = qualified.rfind('.');
  if (dot == std::string::npos) return atom + "." + qualified;
  return qualified.substr(0, dot + 1) + atom + qualified.substr(dot);
}

// Each class's name in the archive: distinct classes with one name (two modules built with the
// same class name) get PyTorch's mangled names, so that every name in the archive means one class.
std::map<const ClassType*, std::string> archive_names(const std::vector<const ClassType*>& classes) {
  std::map<const ClassType*, std::string> names;
  std::set<std::string> used;
  int next = 0;
  for (const ClassType* cls : classes) {
    std::string name = cls->name();
    while (used.count(name)) name = mangled(cls->name(), next++);
    used.insert(name);
    names[cls] = name;
  }
  return names;
}

std::string name_list(const ClassType& cls, bool parameters) {
  std::string out = "[";
  for (const ClassType::Attribute& a : cls.attributes())
    if (parameters ? a.is_parameter : a.is_buffer) out += "\"" + a.name + "\", ";
  return out + "]";
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    out += (line == "\n" ? "" : by) + line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// PyTorch's form of a class in an archive: declarations, then methods whose self is typed.
std::string class_source(const ClassType& cls, const std::map<const ClassType*, std::string>& names,
                         std::vector<IValue>& constants) {
  const std::string& q = names.at(&cls);
  std::string out = "class " + q.substr(q.rfind('.') + 1) + "(Module):\n";
  out += "  __parameters__ = " + name_list(cls, true) + "\n";
  out += "  __buffers__ = " + name_list(cls, false) + "\n";
  bool first = true;
  for (const ClassType::Attribute& a : cls.attributes()) {
    bool plain = a.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                     std::string::npos && !(a.name[0] >= '0' && a.name[0] <= '9');
    const ClassType* sub = as_class(a.type);
    const std::string type = sub ? names.at(sub) : a.type->annotation_str();
    if (plain) out += "  " + a.name + " : " + type + "\n";
    else {
      // As PyTorch's printer: the dict is named first when the first attribute needs it.
      if (first) out += "  __annotations__ = []\n";
      out += "  __annotations__[\"" + a.name + "\"] = " + type + "\n";
    }
    first = false;
  }
  for (const ClassType::Method& m : cls.methods()) {
    m.second->ensure_defined();
    std::shared_ptr<Graph> graph = m.second->graph()->copy();
    remap_dtype_constants(*graph, DtypeNumbers::EmberToPyTorch);
    std::string code = print_code(*m.second, &constants, graph.get());
    std::string head = "def " + m.first + "(self";
    EMBER_CHECK(code.compare(0, head.size(), head) == 0, InternalError, "[save] unexpected method code: ", code);
    code.insert(head.size(), ": " + q);
    // The signature's continuation lines keep their 4 spaces inside the class, as PyTorch's.
    size_t body = code.find(":\n") + 2;
    std::string signature = code.substr(0, body);
    size_t first_line = signature.find('\n') + 1;
    out += "  " + signature.substr(0, first_line) + signature.substr(first_line) + indent(code.substr(body), "  ");
  }
  return out;
}

// code/__torch__.py for __torch__.M, code/__torch__/a/b.py for __torch__.a.b.C.
std::string code_file(const std::string& qualified) {
  std::string path = "code/" + qualified.substr(0, qualified.rfind('.')) + ".py";
  for (size_t i = 5; i + 3 < path.size(); ++i)
    if (path[i] == '.') path[i] = '/';
  return path;
}

}  // namespace

std::string save_to_bytes(const Module& module, const std::string& archive_name) {
  EMBER_CHECK(!archive_name.empty() && archive_name.find('/') == std::string::npos, ValueError,
              "[save] archive name '", archive_name, "' must be a non-empty name without '/'");
  std::vector<const ClassType*> classes;
  collect_classes(module.type().get(), classes);
  std::map<std::string, std::string> files;  // path -> source, classes in tree order
  std::vector<std::string> file_order;
  std::vector<IValue> constants;  // tensors the code reads as CONSTANTS.cN
  const std::map<const ClassType*, std::string> names = archive_names(classes);
  for (const ClassType* cls : classes) {
    std::string path = code_file(names.at(cls));
    if (!files.count(path)) file_order.push_back(path);
    files[path] += class_source(*cls, names, constants);
  }

  PickledStorages storages;
  std::string data = pickle(module.object(), storages, [&names](const ClassType& cls) {
    auto it = names.find(&cls);
    return it != names.end() ? it->second : cls.name();
  });
  std::string prefix = archive_name + "/";
  ZipWriter zip;
  for (size_t i = 0; i < storages.storages.size(); ++i) {
    const StorageImpl& s = *storages.storages[i];
    zip.add(prefix + "data/" + std::to_string(i), std::string(static_cast<const char*>(s.data()), s.nbytes()));
  }
  zip.add(prefix + "data.pkl", data);
  for (const std::string& path : file_order) zip.add(prefix + path, files[path]);
  PickledStorages constant_storages;
  std::string constants_pkl = pickle(IValue::tuple(constants), constant_storages);
  for (size_t i = 0; i < constant_storages.storages.size(); ++i) {
    const StorageImpl& s = *constant_storages.storages[i];
    zip.add(prefix + "constants/" + std::to_string(i), std::string(static_cast<const char*>(s.data()), s.nbytes()));
  }
  zip.add(prefix + "constants.pkl", constants_pkl);
  zip.add(prefix + "version", kFormatVersion);
  return zip.finish();
}

void save(const Module& module, const std::string& path) {
  std::string stem = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (stem.find('.') != std::string::npos) stem = stem.substr(0, stem.find('.'));
  std::string bytes = save_to_bytes(module, stem.empty() ? "archive" : stem);
  std::ofstream out(path, std::ios::binary);
  EMBER_CHECK(out, RuntimeError, "[save] cannot write '", path, "'");
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EMBER_CHECK(out.good(), RuntimeError, "[save] writing '", path, "' failed");
}

}  // namespace script
}  // namespace ember
