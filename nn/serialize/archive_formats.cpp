// The two file formats of serialize archives (nn/serialize/archive_node.h): libtorch's module
// archive through script::Module, and ember's earlier state-dict file read back into a tree.
#include <cstring>
#include <map>
#include <utility>

#include "autograd/grad_mode.h"
#include "core/jit_type.h"
#include "nn/serialize/archive_node.h"
#include "script/api/module.h"
#include "script/serialization/archive.h"

namespace ember {
namespace serialize {

const ArchiveNode::Entry* ArchiveNode::find(const std::string& key) const {
  for (const Entry& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

void ArchiveNode::put(Entry entry) {
  for (Entry& e : entries) {
    if (e.key == entry.key) {
      e = std::move(entry);
      return;
    }
  }
  entries.push_back(std::move(entry));
}

namespace {
void collect_tensors(const ArchiveNode& node, const std::string& prefix, OrderedDict<std::string, Tensor>& out) {
  for (const auto& e : node.entries) {
    if (e.kind == ArchiveNode::Kind::Nested) collect_tensors(*e.nested, prefix + e.key + ".", out);
    else if (e.kind != ArchiveNode::Kind::Value) out.insert_or_assign(prefix + e.key, e.tensor.detach());
  }
}
}  // namespace

OrderedDict<std::string, Tensor> flatten_tensors(const ArchiveNode& root) {
  OrderedDict<std::string, Tensor> out("Key");
  collect_tensors(root, "", out);
  return out;
}

bool is_zip_archive(const std::string& bytes) { return bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0; }

namespace {

// ---- libtorch's format: each level is a module object of class Module ---------------------------

script::Module module_of(const ArchiveNode& node) {
  script::Module m("Module");
  for (const ArchiveNode::Entry& e : node.entries) {
    switch (e.kind) {
      case ArchiveNode::Kind::Parameter: m.register_parameter(e.key, e.tensor); break;
      case ArchiveNode::Kind::Buffer: m.register_buffer(e.key, e.tensor); break;
      case ArchiveNode::Kind::Value: m.register_attribute(e.key, type_of(e.value), e.value); break;
      case ArchiveNode::Kind::Nested: m.register_module(e.key, module_of(*e.nested)); break;
    }
  }
  return m;
}

std::shared_ptr<ArchiveNode> node_of(const ivalue::Object& object) {
  auto node = std::make_shared<ArchiveNode>();
  const auto& attributes = object.type()->attributes();
  for (size_t i = 0; i < attributes.size() && i < object.slots().size(); ++i) {
    const ClassType::Attribute& a = attributes[i];
    const IValue& v = object.slots()[i];
    ArchiveNode::Entry e;
    e.key = a.name;
    if ((a.is_parameter || a.is_buffer) && v.is_tensor()) {
      e.kind = a.is_buffer ? ArchiveNode::Kind::Buffer : ArchiveNode::Kind::Parameter;
      e.tensor = v.to_tensor();
    } else if (v.is_object() && v.to_object().type()->is_module()) {
      e.kind = ArchiveNode::Kind::Nested;
      e.nested = node_of(v.to_object());
    } else {
      e.value = v;
    }
    node->entries.push_back(std::move(e));
  }
  return node;
}

// ---- ember's earlier state-dict files: "a.b.k" entries, values marked by "\x1f<kind>" -----------

constexpr char kValueMark = '\x1f';

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  const T* p = static_cast<const T*>(t.data_ptr());
  return std::vector<T>(p, p + t.numel());
}

IValue decode_value(char kind, const Tensor& t, const std::string& name, const std::string& what) {
  switch (kind) {
    case 'n': return IValue();
    case 'i': return IValue(t.item().to<int64_t>());
    case 'd': return IValue(t.item().to<double>());
    case 'z': return IValue(t.item().to<bool>());
    case 's': {
      std::vector<uint8_t> bytes = values_of<uint8_t>(t);
      return IValue(std::string(bytes.begin(), bytes.end()));
    }
    case 'I': return IValue(values_of<int64_t>(t));
    case 'D': return IValue(values_of<double>(t));
    case 'Z': {
      std::vector<uint8_t> bytes = values_of<uint8_t>(t);
      return IValue(std::vector<bool>(bytes.begin(), bytes.end()));
    }
    case 't': return IValue(t);
    default: EMBER_FAIL(ValueError, "[InputArchive] ", what, ": entry '", name, "' has an unknown value kind");
  }
}

std::shared_ptr<ArchiveNode> node_of_state_dict(const OrderedDict<std::string, Tensor>& dict, const std::string& what) {
  auto root = std::make_shared<ArchiveNode>();
  // Tensor lists: "k\x1fT" holds the count, "k\x1fT<i>" the elements.
  std::map<std::pair<ArchiveNode*, std::string>, std::vector<Tensor>> lists;
  std::vector<std::pair<ArchiveNode*, std::string>> list_order;
  for (const auto& item : dict) {
    const std::string& name = item.key();
    ArchiveNode* node = root.get();
    size_t start = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
      std::string part = name.substr(start, dot - start);
      const ArchiveNode::Entry* e = node->find(part);
      if (!e || e->kind != ArchiveNode::Kind::Nested) {
        ArchiveNode::Entry nested;
        nested.key = part;
        nested.kind = ArchiveNode::Kind::Nested;
        nested.nested = std::make_shared<ArchiveNode>();
        node->put(std::move(nested));
        e = node->find(part);
      }
      node = e->nested.get();
      start = dot + 1;
    }
    std::string last = name.substr(start);
    size_t mark = last.find(kValueMark);
    ArchiveNode::Entry e;
    e.key = last.substr(0, mark);
    if (mark == std::string::npos) {
      e.kind = ArchiveNode::Kind::Parameter;
      e.tensor = item.value();
    } else {
      std::string kind = last.substr(mark + 1);
      EMBER_CHECK(!kind.empty(), ValueError, "[InputArchive] ", what, ": entry '", name, "' has no value kind");
      if (kind == "a") {
        if (node->find(e.key)) continue;
        e.kind = ArchiveNode::Kind::Nested;
        e.nested = std::make_shared<ArchiveNode>();
      } else if (kind[0] == 'T') {
        auto id = std::make_pair(node, e.key);
        if (!lists.count(id)) list_order.push_back(id);
        std::vector<Tensor>& list = lists[id];
        if (kind.size() == 1) {
          int64_t n = item.value().item().to<int64_t>();
          EMBER_CHECK(n >= 0 && n <= static_cast<int64_t>(dict.size()), ValueError, "[InputArchive] ", what,
                      ": the tensor list '", name, "' claims ", n, " elements");
          list.resize(static_cast<size_t>(n));
        } else {
          size_t i = 0;
          try {
            i = std::stoul(kind.substr(1));
          } catch (const std::exception&) {
            EMBER_FAIL(ValueError, "[InputArchive] ", what, ": entry '", name, "' has a bad list index");
          }
          if (list.size() <= i) list.resize(i + 1);
          list[i] = item.value();
        }
        continue;
      } else {
        EMBER_CHECK(kind.size() == 1, ValueError, "[InputArchive] ", what, ": entry '", name, "' has an unknown value kind");
        e.value = decode_value(kind[0], item.value(), name, what);
      }
    }
    node->put(std::move(e));
  }
  for (const auto& id : list_order) {
    std::vector<Tensor>& list = lists[id];
    for (size_t i = 0; i < list.size(); ++i)
      EMBER_CHECK(list[i].defined(), ValueError, "[InputArchive] ", what, ": the tensor list '", id.second,
                  "' lacks element ", i);
    ArchiveNode::Entry e;
    e.key = id.second;
    e.value = IValue(std::move(list));
    id.first->put(std::move(e));
  }
  return root;
}

}  // namespace

std::string archive_zip_bytes(const ArchiveNode& root, const std::string& archive_name) {
  return script::save_to_bytes(module_of(root), archive_name);
}

std::shared_ptr<ArchiveNode> archive_from_bytes(std::string bytes, const std::string& what) {
  if (is_zip_archive(bytes)) {
    script::Module m = script::load_from_bytes(std::move(bytes), what);
    return node_of(m.object().to_object());
  }
  EMBER_CHECK(bytes.size() >= 7 && bytes.compare(0, 7, "EMBERSD") == 0, ValueError, "[InputArchive] ", what,
              " is neither an archive of torch::save / ember::save (a zip file) nor an ember state-dict file (",
              bytes.size(), " bytes)");
  return node_of_state_dict(parse_state_dict_file(bytes, what), what);
}

}  // namespace serialize
}  // namespace ember
