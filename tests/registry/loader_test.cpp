// One test per way a plugin can fail to load, each with a small plugin that breaks one rule
// (tests/registry/broken_plugins/). Every failure must be a PluginError whose message names the
// plugin, the paths tried, the ABI versions and how to disable it, and must leave nothing behind.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/device_runtime.h"
#include "core/error.h"
#include "dispatcher/dispatcher.h"
#include "registry/loader.h"
#include "registry/runtime.h"
#include "tests/registry/test_plugins.h"

namespace ember {
namespace {

using test::test_plugin;
using test::test_plugin_name;

// The message of the PluginError that loading throws; fails the test when nothing is thrown.
std::string load_error(const std::string& name_or_path) {
  try {
    load_plugin(name_or_path, /*required=*/true);
  } catch (const PluginError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected PluginError, got: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "loading " << name_or_path << " did not fail";
  return "";
}

// The host's ABI as the loader prints it ("2.1").
const std::string kHostAbi = std::to_string(EMBER_ABI_MAJOR) + "." + std::to_string(EMBER_ABI_MINOR);

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_common_parts(const std::string& message, const std::string& name) {
  EXPECT_TRUE(contains(message, "plugin '" + name + "' (required) failed to load")) << message;
  EXPECT_TRUE(contains(message, "paths tried:")) << message;
  EXPECT_TRUE(contains(message, "ABI versions: host " + kHostAbi + ", plugin ")) << message;
  EXPECT_TRUE(contains(message, "set `required: false` for plugin '" + name + "' in the config, or remove it"))
      << message;
}

TEST(PluginLoader, MissingFileByNameListsEveryPathTried) {
  ::setenv("EMBER_PLUGIN_PATH", "/nonexistent/first:/nonexistent/second", 1);
  std::string message = load_error("not_installed_anywhere");
  ::unsetenv("EMBER_PLUGIN_PATH");
  expect_common_parts(message, "not_installed_anywhere");
  EXPECT_TRUE(contains(message, "library libember_not_installed_anywhere.so not found")) << message;
  EXPECT_TRUE(contains(message, "/nonexistent/first/libember_not_installed_anywhere.so")) << message;
  EXPECT_TRUE(contains(message, "/nonexistent/second/libember_not_installed_anywhere.so")) << message;
  // The default directory (next to libember) is tried last.
  EXPECT_TRUE(contains(message, default_plugin_dir() + "/libember_not_installed_anywhere.so")) << message;
  EXPECT_TRUE(contains(message, "plugin unknown (not reached)")) << message;
}

TEST(PluginLoader, MissingFileByPath) {
  std::string message = load_error("/nonexistent/libember_gone.so");
  expect_common_parts(message, "gone");
  EXPECT_TRUE(contains(message, "library file not found")) << message;
  EXPECT_TRUE(contains(message, "/nonexistent/libember_gone.so")) << message;
}

TEST(PluginLoader, LibraryWithoutEntrySymbol) {
  std::string message = load_error(test_plugin("no_entry"));
  expect_common_parts(message, test_plugin_name("no_entry"));
  EXPECT_TRUE(contains(message, "no entry symbol 'ember_plugin_entry'")) << message;
  EXPECT_TRUE(contains(message, "library: " + test_plugin("no_entry"))) << message;
}

TEST(PluginLoader, FileThatIsNotALibraryIsRefusedBeforeDlopen) {
  // The ELF check names what is wrong; dlopen never sees the file.
  std::string path = std::filesystem::temp_directory_path().string() + "/libember_garbage_" +
                     std::to_string(::getpid()) + ".so";
  {
    std::ofstream out(path);
    out << "this is not an ELF file\n";
  }
  std::string message = load_error(path);
  std::filesystem::remove(path);
  expect_common_parts(message, "garbage_" + std::to_string(::getpid()));
  EXPECT_TRUE(contains(message, "the file is not a shared library this machine can load")) << message;
  EXPECT_TRUE(contains(message, "elf: not an ELF file (bad magic number)")) << message;
  EXPECT_TRUE(contains(message, path)) << message;
}

TEST(PluginLoader, DlopenFailureShowsTheLoaderMessage) {
  // A well-formed library whose dependency is missing passes the ELF check and fails in dlopen;
  // the dynamic loader's own message (dlerror) must reach the user.
  std::string message = load_error(test_plugin("missing_dependency"));
  expect_common_parts(message, test_plugin_name("missing_dependency"));
  EXPECT_TRUE(contains(message, "the dynamic loader could not open the library")) << message;
  EXPECT_TRUE(contains(message, "loader: ")) << message;
  EXPECT_TRUE(contains(message, "libember_regtest_gone.so")) << message;
}

TEST(PluginLoader, AbiMajorMismatchShowsBothVersions) {
  std::string message = load_error(test_plugin("abi_major_99"));
  expect_common_parts(message, test_plugin_name("abi_major_99"));
  EXPECT_TRUE(contains(message, "incompatible plugin ABI")) << message;
  EXPECT_TRUE(contains(message, "host " + kHostAbi + ", plugin 99.0")) << message;
}

// A 1.x plugin, whether it returns its old table or refuses the host as the 1.0 SDK did, gets a
// message that says what ABI 2.0 changed and how to rebuild.
TEST(PluginLoader, Abi1xPluginIsToldWhatChangedAndHowToRebuild) {
  for (const char* name : {"abi_1x", "abi_1x_refuses"}) {
    std::string message = load_error(test_plugin(name));
    expect_common_parts(message, test_plugin_name(name));
    EXPECT_TRUE(contains(message, "ABI 1.x")) << message;
    EXPECT_TRUE(contains(message, "ember_call_context")) << message;
    EXPECT_TRUE(contains(message, "rebuild the plugin against this ember's SDK")) << message;
    EXPECT_TRUE(contains(message, "docs/PLUGINS.md")) << message;
  }
}

TEST(PluginLoader, PluginRefusingTheHost) {
  std::string message = load_error(test_plugin("refuses_host"));
  expect_common_parts(message, test_plugin_name("refuses_host"));
  EXPECT_TRUE(contains(message, "refused this host")) << message;
  // Its own explanation, logged through host->log, is quoted.
  EXPECT_TRUE(contains(message, "this plugin needs a host with ABI 2.x")) << message;
}

TEST(PluginLoader, TruncatedTable) {
  std::string message = load_error(test_plugin("truncated_table"));
  EXPECT_TRUE(contains(message, "table is too small")) << message;
  EXPECT_TRUE(contains(message, "host " + kHostAbi + ", plugin " + kHostAbi)) << message;
}

TEST(PluginLoader, InitFailureLeavesNoTrace) {
  std::string message = load_error(test_plugin("init_fails"));
  expect_common_parts(message, test_plugin_name("init_fails"));
  EXPECT_TRUE(contains(message, "init failed")) << message;
  EXPECT_TRUE(contains(message, "no accelerator found (simulated failure)")) << message;
  // The device type, operator and kernel it registered before failing were never committed.
  EXPECT_EQ(find_device_type("initfail_dev"), kInvalidDeviceType);
  EXPECT_FALSE(Dispatcher::singleton().find("initfail::noop_").has_value());
}

TEST(PluginLoader, InitThrowingIsAnErrorNotACrash) {
  std::string message = load_error(test_plugin("init_throws"));
  EXPECT_TRUE(contains(message, "init threw a C++ exception")) << message;
  EXPECT_TRUE(contains(message, "exception escaping init")) << message;
}

TEST(PluginLoader, UnknownOperatorIsAnInitFailureEvenIfIgnored) {
  std::string message = load_error(test_plugin("unknown_op"));
  expect_common_parts(message, test_plugin_name("unknown_op"));
  EXPECT_TRUE(contains(message, "unknown operator 'no_such_op.out'")) << message;
  EXPECT_EQ(find_device_type("unknownop_dev"), kInvalidDeviceType);
}

TEST(PluginLoader, SecondPluginClaimingAKernelNamesBoth) {
  PluginReport first = load_plugin(test_plugin("claims_first"));
  EXPECT_EQ(first.status, PluginStatus::Loaded);
  EXPECT_EQ(first.kernels_registered, 1);
  std::string message = load_error(test_plugin("claims_second"));
  EXPECT_TRUE(contains(message, "plugin '" + test_plugin_name("claims_second") + "'")) << message;
  EXPECT_TRUE(contains(message, "already registered by plugin '" + test_plugin_name("claims_first") + "'")) << message;
  EXPECT_TRUE(contains(message, "claim::op_")) << message;
  // The first plugin's kernel is still the one in the table.
  auto op = Dispatcher::singleton().find("claim::op_");
  ASSERT_TRUE(op.has_value());
  auto devices = op->entry()->devices_with_kernels();
  EXPECT_NE(std::find(devices.begin(), devices.end(), "claim_dev"), devices.end());
}

TEST(PluginLoader, OptionalFailureIsReportedNotThrown) {
  PluginReport report = load_plugin(test_plugin("abi_major_99"), /*required=*/false);
  EXPECT_EQ(report.status, PluginStatus::Failed);
  EXPECT_EQ(report.abi_major, 99);
  EXPECT_FALSE(report.required);
  bool listed = false;
  for (const auto& p : runtime_report().plugins) {
    listed = listed || (p.name == test_plugin_name("abi_major_99") && p.status == PluginStatus::Failed && !p.required);
  }
  EXPECT_TRUE(listed);
}

TEST(PluginLoader, LoadedPluginIsReportedAndCannotLoadTwice) {
  const PluginReport& report = test::misbehaving_kernels_plugin();
  ASSERT_EQ(report.status, PluginStatus::Loaded) << report.reason;
  EXPECT_EQ(report.version, "0.0.1");
  EXPECT_EQ(report.vendor, "ember tests");
  EXPECT_EQ(report.abi_major, EMBER_ABI_MAJOR);
  EXPECT_EQ(report.abi_minor, EMBER_ABI_MINOR);
  EXPECT_EQ(report.kernels_registered, 4);
  EXPECT_EQ(report.device_types, std::vector<std::string>{"kernel_dev"});
  EXPECT_EQ(report.path, test_plugin("misbehaving_kernels"));
  EXPECT_NE(find_device_type("kernel_dev"), kInvalidDeviceType);
  EXPECT_EQ(device_type_info(find_device_type("kernel_dev")).plugin, test_plugin_name("misbehaving_kernels"));

  std::string message = load_error(test_plugin("misbehaving_kernels"));
  EXPECT_TRUE(contains(message, "already loaded")) << message;
}

}  // namespace
}  // namespace ember
