// Runs the built `ember` binary: `ember info` with a configuration whose plugin is missing
// (required: exit 1 with the paths tried and the disable hint on stderr; optional: exit 0 and the
// plugin listed as failed with the reason), a malformed configuration, and usage errors.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef EMBER_CLI_PATH
#error "EMBER_CLI_PATH (the built ember binary) must be defined by the build"
#endif

namespace {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class EmberCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ember_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "plugins");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `ember <args>` with EMBER_CONFIG set to a file holding config (none when empty) and
  // EMBER_PLUGIN_PATH cleared, so that only the config's search paths and the default are tried.
  CliResult run(const std::string& args, const std::string& config) {
    std::string env = "EMBER_PLUGIN_PATH= ";
    if (!config.empty()) {
      std::ofstream(dir_ / "ember.yaml") << config;
      env += "EMBER_CONFIG='" + (dir_ / "ember.yaml").string() + "' ";
    }
    std::string command = env + "'" + EMBER_CLI_PATH + "' " + args + " >'" + (dir_ / "out").string() + "' 2>'" +
                          (dir_ / "err").string() + "'";
    int status = std::system(command.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(dir_ / "out");
    r.err = read_file(dir_ / "err");
    return r;
  }

  std::string missing_plugin_config(bool required) {
    return "plugins:\n  - name: nosuch\n    required: " + std::string(required ? "true" : "false") +
           "\nsearch_paths: [" + (dir_ / "plugins").string() + "]\n";
  }

  fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(EmberCli, InfoFailsWhenARequiredPluginIsMissing) {
  CliResult r = run("info", missing_plugin_config(true));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "plugin 'nosuch' (required) failed to load")) << r.err;
  EXPECT_TRUE(contains(r.err, (dir_ / "plugins" / "libember_nosuch.so").string())) << r.err;
  EXPECT_TRUE(contains(r.err, "set `required: false` for plugin 'nosuch' in the config, or remove it")) << r.err;
  EXPECT_TRUE(contains(r.out, "nosuch")) << r.out;  // what was attempted is still shown
}

TEST_F(EmberCli, InfoListsAMissingOptionalPluginAsFailed) {
  CliResult r = run("info", missing_plugin_config(false));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "config: " + (dir_ / "ember.yaml").string())) << r.out;
  EXPECT_TRUE(contains(r.out, "nosuch")) << r.out;
  EXPECT_TRUE(contains(r.out, "failed  optional  library libember_nosuch.so not found")) << r.out;
  EXPECT_TRUE(contains(r.out, (dir_ / "plugins" / "libember_nosuch.so").string())) << r.out;
  EXPECT_TRUE(contains(r.out, "threads:")) << r.out;
}

TEST_F(EmberCli, InfoReportsAMalformedConfigWithItsLine) {
  CliResult r = run("info", "plugins: []\nthreads: -2\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, (dir_ / "ember.yaml").string() + ":2: threads must be")) << r.err;
}

TEST_F(EmberCli, UsageErrors) {
  CliResult unknown = run("frobnicate", "plugins: []\n");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command 'frobnicate'")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "usage: ember")) << unknown.err;

  CliResult none = run("", "plugins: []\n");
  EXPECT_EQ(none.exit_code, 2);

  CliResult help = run("--help", "");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "usage: ember")) << help.out;
}

TEST_F(EmberCli, OpsWithAnUnknownDevice) {
  CliResult r = run("ops --device nodevice", "plugins: []\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "unknown device type 'nodevice'")) << r.err;
}

}  // namespace
