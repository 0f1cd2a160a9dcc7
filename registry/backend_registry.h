// The collective (process-group) backends and fusion backends that plugins registered, by name.
//
// Written only when a plugin's registrations are committed (startup, under a lock); entries are
// never removed, so references stay valid for the life of the process. distributed/ finds its
// backends here; the script passes find fusion backends here.
// Thread-safety: lookups take the lock briefly and return stable references.
#pragma once

#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "core/export.h"

namespace ember {

struct ProcessGroupBackendInfo {
  std::string name;                       // "gloo"
  std::vector<std::string> device_types;  // {"cpu"}
  std::string plugin;
  ember_process_group_backend_desc desc;  // desc.name/device_types point into this entry
};

struct FusionBackendInfo {
  std::string name;
  std::string device_type;
  std::string plugin;
  ember_fusion_backend_desc desc;
};

// Why a table cannot be used ("" when it can).
std::string process_group_backend_problem(const ember_process_group_backend_desc& desc);
std::string fusion_backend_problem(const ember_fusion_backend_desc& desc);

// Throws PluginError when the name is taken.
EMBER_API void register_process_group_backend(const ember_process_group_backend_desc& desc, const std::string& plugin);
EMBER_API void register_fusion_backend(const ember_fusion_backend_desc& desc, const std::string& plugin);

// nullptr when no plugin registered that name.
EMBER_API const ProcessGroupBackendInfo* find_process_group_backend(const std::string& name);
EMBER_API const FusionBackendInfo* find_fusion_backend(const std::string& name);
EMBER_API std::vector<const ProcessGroupBackendInfo*> process_group_backends();
EMBER_API std::vector<const FusionBackendInfo*> fusion_backends();

}  // namespace ember
