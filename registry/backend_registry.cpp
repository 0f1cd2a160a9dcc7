// The registries of collective and fusion backends (see backend_registry.h).
#include "registry/backend_registry.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <sstream>

#include "core/error.h"

namespace ember {
namespace {

struct Registries {
  std::mutex mutex;
  std::deque<ProcessGroupBackendInfo> process_groups;  // deque: references stay valid
  std::deque<FusionBackendInfo> fusions;
};
Registries& registries() {
  static Registries* r = new Registries();  // leaked: backends live as long as their libraries
  return *r;
}

template <typename Desc>
Desc copy_table(const Desc& desc) {
  Desc d;
  std::memset(&d, 0, sizeof d);
  std::memcpy(&d, &desc, std::min(desc.struct_size, sizeof d));
  d.struct_size = sizeof d;
  return d;
}

std::vector<std::string> split_commas(const char* text) {
  std::vector<std::string> out;
  std::stringstream ss(text ? text : "");
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

std::string process_group_backend_problem(const ember_process_group_backend_desc& desc) {
  constexpr size_t kRequired = offsetof(ember_process_group_backend_desc, work_release) + sizeof(desc.work_release);
  if (desc.struct_size < kRequired) return "its process-group table is shorter than ABI 2.0's required fields";
  if (!desc.name || !*desc.name) return "the backend has no name";
  if (split_commas(desc.device_types).empty()) return "the backend names no device types";
  if (!desc.create || !desc.destroy || !desc.start || !desc.work_wait || !desc.work_query || !desc.work_release)
    return "the backend lacks one of create, destroy, start, work_wait, work_query, work_release";
  return "";
}

std::string fusion_backend_problem(const ember_fusion_backend_desc& desc) {
  constexpr size_t kRequired = offsetof(ember_fusion_backend_desc, release) + sizeof(desc.release);
  if (desc.struct_size < kRequired) return "its fusion table is shorter than ABI 2.0's required fields";
  if (!desc.name || !*desc.name) return "the fusion backend has no name";
  if (!desc.device_type || !*desc.device_type) return "the fusion backend names no device type";
  if (!desc.can_fuse || !desc.compile || !desc.run || !desc.release)
    return "the fusion backend lacks one of can_fuse, compile, run, release";
  return "";
}

void register_process_group_backend(const ember_process_group_backend_desc& desc, const std::string& plugin) {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& e : r.process_groups)
    EMBER_CHECK(e.name != desc.name, PluginError, "[plugin '", plugin, "'] collective backend '", desc.name,
                "' is already registered by plugin '", e.plugin, "'");
  ProcessGroupBackendInfo& e = r.process_groups.emplace_back();
  e.name = desc.name;
  e.device_types = split_commas(desc.device_types);
  e.plugin = plugin;
  e.desc = copy_table(desc);
  e.desc.name = e.name.c_str();
  e.desc.device_types = nullptr;  // use e.device_types
}

void register_fusion_backend(const ember_fusion_backend_desc& desc, const std::string& plugin) {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& e : r.fusions)
    EMBER_CHECK(e.name != desc.name, PluginError, "[plugin '", plugin, "'] fusion backend '", desc.name,
                "' is already registered by plugin '", e.plugin, "'");
  FusionBackendInfo& e = r.fusions.emplace_back();
  e.name = desc.name;
  e.device_type = desc.device_type;
  e.plugin = plugin;
  e.desc = copy_table(desc);
  e.desc.name = e.name.c_str();
  e.desc.device_type = e.device_type.c_str();
}

const ProcessGroupBackendInfo* find_process_group_backend(const std::string& name) {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& e : r.process_groups)
    if (e.name == name) return &e;
  return nullptr;
}

const FusionBackendInfo* find_fusion_backend(const std::string& name) {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto& e : r.fusions)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<const ProcessGroupBackendInfo*> process_group_backends() {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<const ProcessGroupBackendInfo*> out;
  for (const auto& e : r.process_groups) out.push_back(&e);
  return out;
}

std::vector<const FusionBackendInfo*> fusion_backends() {
  Registries& r = registries();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<const FusionBackendInfo*> out;
  for (const auto& e : r.fusions) out.push_back(&e);
  return out;
}

}  // namespace ember
