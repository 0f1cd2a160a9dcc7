// The plugin loader: finds a plugin's library, opens it, checks the ABI both ways, runs its init
// with a registrar, and commits what it registered. The only place that uses Boost.DLL.
//
// Steps, each with its own failure message: resolve the path (an explicit path, or
// libember_<name>.so through the search directories, recording every path tried) -> the file
// exists -> it is a well-formed shared object for this machine (elf_check.h) ->
// dlopen(RTLD_NOW | RTLD_LOCAL) -> the entry symbol exists -> entry(host) returns a
// table (NULL: the plugin refused this host) -> struct_size, abi_major == host major, abi_minor
// <= host minor -> init(registrar, options) succeeds -> the registrations commit. Every call into
// plugin code is behind a catch-all. Nothing a plugin does here can crash the process (short of
// a library crafted to pass the ELF check and crash ld.so or its own constructors: loading a
// library runs its code).
//
// Libraries are never unloaded: each opened library is kept in an intentionally leaked registry,
// also when its plugin failed, because its code may already have run. Plugins' shutdown functions
// run at process exit, newest first.
//
// Thread-safety: load_plugin_library serializes all loading with one mutex.
#pragma once

#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "registry/config.h"
#include "registry/plugin_report.h"

namespace ember {

// The reason of a plugin whose init reported EMBER_ERROR_DEVICE: it has no usable device here.
inline constexpr const char* kNoUsableDevice = "init failed: no usable device on this machine";

struct PluginSpec {
  std::string name;                      // for messages and for the name lookup
  std::string path;                      // an explicit library file; empty: look the name up
  bool required = true;                  // only changes the hint in the failure message
  std::vector<PluginOption> options;     // passed to init as is
  std::vector<std::string> search_dirs;  // the whole list, in order (see plugin_search_dirs)
};

// Where plugins are looked up by name: the entries of $EMBER_PLUGIN_PATH (colon-separated), then
// the configured directories, then default_plugin_dir().
std::vector<std::string> plugin_search_dirs(const std::vector<std::string>& configured);
// <directory of the library that contains ember's core (libember.so)>/ember/plugins.
std::string default_plugin_dir();
// "libember_<name>.so".
std::string plugin_library_file_name(const std::string& name);

// Loads one plugin. Never throws for a plugin's failure: the report says Failed, with a one-line
// reason and the details; plugin_failure_message turns it into the text of a PluginError.
PluginReport load_plugin_library(const PluginSpec& spec);

// Loads a plugin whose entry function is linked into the program (tests, fuzzing, static
// builds): the same table checks, init and commit as load_plugin_library after its dlopen. With
// commit false everything is checked and init runs, but nothing is published to the core (a
// dry run: the report says Loaded when the plugin would have loaded).
PluginReport load_plugin_from_entry(const PluginSpec& spec, ember_plugin_entry_fn entry, bool commit = true);

// The full error text for a failed plugin: name, reason, paths tried, loader message, both ABI
// versions, the plugin's own message, and how to disable it.
std::string plugin_failure_message(const PluginReport& report);

}  // namespace ember
