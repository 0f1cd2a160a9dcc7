// Tests of the runtime configuration parser: the schema, every error with its line number, the
// embedded default, files and $EMBER_CONFIG.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <string>

#include "core/error.h"
#include "registry/config.h"

namespace ember {
namespace {

namespace fs = std::filesystem;

// The message of the ConfigError that parsing text throws ("" when it parses).
std::string config_error(const std::string& text) {
  try {
    parse_config(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONFIG_ERROR(text, expected_prefix, expected_part)           \
  do {                                                                     \
    std::string message_ = config_error(text);                             \
    EXPECT_EQ(message_.rfind(expected_prefix, 0), 0u) << message_;         \
    EXPECT_NE(message_.find(expected_part), std::string::npos) << message_; \
  } while (0)

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("ember_config_test_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

TEST(Config, ParsesTheDocumentedExample) {
  RuntimeConfig c = parse_config(R"(plugins:
  - name: cpu
    required: true
    options: {block_size: 64, verbose: true, label: "a b"}
  - name: sim
    path: /opt/ember/libember_sim.so
    required: false
search_paths: [/opt/ember/plugins, /usr/lib/ember]
devices:
  default: cpu
  sim: {fallback: cpu}
threads: 4
collectives: {cpu: gloo, cuda: nccl}
passes: [fuse, dce]
)");
  EXPECT_EQ(c.source, "<string>");
  ASSERT_EQ(c.plugins.size(), 2u);
  EXPECT_EQ(c.plugins[0].name, "cpu");
  EXPECT_TRUE(c.plugins[0].required);
  EXPECT_EQ(c.plugins[0].path, "");
  EXPECT_EQ(c.plugins[0].line, 2);
  ASSERT_EQ(c.plugins[0].options.size(), 3u);
  EXPECT_EQ(c.plugins[0].options[0].key, "block_size");
  EXPECT_EQ(c.plugins[0].options[0].value, "64");
  EXPECT_EQ(c.plugins[0].options[1].value, "true");
  EXPECT_EQ(c.plugins[0].options[2].value, "a b");
  EXPECT_EQ(c.plugins[1].name, "sim");
  EXPECT_EQ(c.plugins[1].path, "/opt/ember/libember_sim.so");
  EXPECT_FALSE(c.plugins[1].required);
  EXPECT_EQ(c.search_paths, (std::vector<std::string>{"/opt/ember/plugins", "/usr/lib/ember"}));
  EXPECT_EQ(c.default_device, "cpu");
  ASSERT_NE(c.device("sim"), nullptr);
  EXPECT_EQ(c.device("sim")->fallback, DeviceFallback::Cpu);
  EXPECT_EQ(c.device("cuda"), nullptr);
  EXPECT_EQ(c.threads, 4);
  ASSERT_EQ(c.collectives.size(), 2u);
  EXPECT_EQ(c.collectives[0], std::make_pair(std::string("cpu"), std::string("gloo")));
  EXPECT_EQ(c.collectives[1], std::make_pair(std::string("cuda"), std::string("nccl")));
  EXPECT_EQ(c.passes, (std::vector<std::string>{"fuse", "dce"}));
}

TEST(Config, DefaultsWhenKeysAreAbsent) {
  RuntimeConfig c = parse_config("plugins:\n  - name: cpu\n");
  ASSERT_EQ(c.plugins.size(), 1u);
  EXPECT_TRUE(c.plugins[0].required);  // a listed plugin is wanted unless it says otherwise
  EXPECT_EQ(c.threads, 0);
  EXPECT_TRUE(c.default_device.empty());
  EXPECT_TRUE(c.search_paths.empty());

  RuntimeConfig empty = parse_config("");
  EXPECT_TRUE(empty.plugins.empty());
  RuntimeConfig comment_only = parse_config("# nothing here\n");
  EXPECT_TRUE(comment_only.plugins.empty());
}

TEST(Config, NameIsDerivedFromPath) {
  RuntimeConfig c = parse_config("plugins:\n  - path: /x/libember_vendor_npu.so\n  - path: /y/libother.so\n");
  EXPECT_EQ(c.plugins[0].name, "vendor_npu");
  EXPECT_EQ(c.plugins[1].name, "other");
  EXPECT_EQ(plugin_name_from_path("libember_sim.so"), "sim");
  EXPECT_EQ(plugin_name_from_path("plain.so"), "plain");
}

TEST(Config, UnknownKeysAreErrorsWithTheirLine) {
  EXPECT_CONFIG_ERROR("plugins: []\nthreds: 4\n", "<string>:2: ", "unknown key 'threds' in the top level");
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n    requird: true\n", "<string>:3: ",
                      "unknown key 'requird' in a plugin entry");
  EXPECT_CONFIG_ERROR("devices:\n  sim:\n    fallbak: cpu\n", "<string>:3: ",
                      "unknown key 'fallbak' in device type 'sim'");
}

TEST(Config, BadValuesAreErrorsWithTheirLine) {
  EXPECT_CONFIG_ERROR("threads: -1\n", "<string>:1: ", "threads must be a non-negative integer");
  EXPECT_CONFIG_ERROR("plugins: []\nthreads: many\n", "<string>:2: ", "got 'many'");
  EXPECT_CONFIG_ERROR("threads: [1, 2]\n", "<string>:1: ", "got a list");
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n    required: maybe\n", "<string>:3: ",
                      "required must be true or false, got 'maybe'");
  EXPECT_CONFIG_ERROR("devices:\n  sim: {fallback: gpu}\n", "<string>:2: ", "must be cpu or none, got 'gpu'");
  EXPECT_CONFIG_ERROR("plugins: cpu\n", "<string>:1: ", "plugins must be a list");
  EXPECT_CONFIG_ERROR("plugins:\n  - cpu\n", "<string>:2: ", "each plugin entry must be a map");
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n    options: {a: [1, 2]}\n", "<string>:3: ",
                      "option 'a' must be a single value");
  EXPECT_CONFIG_ERROR("search_paths: /opt\n", "<string>:1: ", "search_paths must be a list");
  EXPECT_CONFIG_ERROR("passes: fuse\n", "<string>:1: ", "passes must be a list");
  EXPECT_CONFIG_ERROR("collectives: [gloo]\n", "<string>:1: ", "collectives must be a map");
  EXPECT_CONFIG_ERROR("plugins:\n  - name: ../evil\n", "<string>:2: ", "invalid plugin name '../evil'");
  EXPECT_CONFIG_ERROR("- just\n- a list\n", "<string>:1: ", "expected a map of settings");
}

TEST(Config, PluginEntryNeedsNameOrPath) {
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n  - required: false\n", "<string>:3: ",
                      "a plugin entry needs a name or a path");
}

TEST(Config, DuplicatePluginNamesAndKeys) {
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n  - name: sim\n  - name: cpu\n", "<string>:4: ",
                      "duplicate plugin name 'cpu' (first listed at line 2)");
  // The same name through a path counts too.
  EXPECT_CONFIG_ERROR("plugins:\n  - name: sim\n  - path: /x/libember_sim.so\n", "<string>:3: ",
                      "duplicate plugin name 'sim'");
  EXPECT_CONFIG_ERROR("threads: 1\nthreads: 2\n", "<string>:2: ", "duplicate key 'threads'");
}

TEST(Config, YamlSyntaxErrorsHaveTheirLine) {
  EXPECT_CONFIG_ERROR("plugins:\n  - name: cpu\n    options: {a: 1\n", "<string>:", "");
  std::string message = config_error("threads: 1\nplugins: [cpu\n");
  EXPECT_EQ(message.rfind("<string>:", 0), 0u) << message;
}

TEST(Config, EmbeddedDefault) {
  RuntimeConfig c = embedded_default_config();
  EXPECT_EQ(c.source, "<embedded>");
  ASSERT_EQ(c.plugins.size(), 3u);
  EXPECT_EQ(c.plugins[0].name, "cpu");
  EXPECT_TRUE(c.plugins[0].required);
  EXPECT_EQ(c.plugins[1].name, "sim");
  EXPECT_FALSE(c.plugins[1].required);
  EXPECT_EQ(c.plugins[2].name, "cuda");
  EXPECT_FALSE(c.plugins[2].required);
  EXPECT_EQ(c.default_device, "cpu");
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.collectives.size(), 2u);
  EXPECT_NE(std::string(embedded_default_config_text()).find("name: cpu"), std::string::npos);
}

TEST(Config, FileSourceAndRelativePaths) {
  fs::path dir = temp_dir("file");
  write_file(dir / "ember.yaml", "plugins:\n  - path: plugins/libember_mine.so\nsearch_paths: [more]\n");
  RuntimeConfig c = load_config_file((dir / "ember.yaml").string());
  EXPECT_EQ(c.source, (dir / "ember.yaml").string());
  // Relative paths are taken against the config file's directory, not the current directory.
  EXPECT_EQ(c.plugins[0].path, (dir / "plugins/libember_mine.so").string());
  EXPECT_EQ(c.plugins[0].name, "mine");
  EXPECT_EQ(c.search_paths[0], (dir / "more").string());

  write_file(dir / "bad.yaml", "plugins: []\n\nthreads: -3\n");
  try {
    load_config_file((dir / "bad.yaml").string());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind((dir / "bad.yaml").string() + ":3: ", 0), 0u) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Config, MissingFileNamesThePath) {
  std::string path = "/nonexistent/ember/config.yaml";
  try {
    load_config_file(path);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot read"), std::string::npos) << e.what();
  }
}

TEST(Config, EmberConfigEnvironmentVariable) {
  fs::path dir = temp_dir("env");
  write_file(dir / "env.yaml", "threads: 7\n");
  const char* saved = std::getenv("EMBER_CONFIG");
  std::string saved_value = saved ? saved : "";

  ::setenv("EMBER_CONFIG", (dir / "env.yaml").c_str(), 1);
  EXPECT_EQ(config_from_environment().threads, 7);
  ::setenv("EMBER_CONFIG", (dir / "missing.yaml").c_str(), 1);
  try {
    config_from_environment();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("EMBER_CONFIG"), std::string::npos) << e.what();
  }
  ::unsetenv("EMBER_CONFIG");
  EXPECT_EQ(config_from_environment().source, "<embedded>");

  if (saved) ::setenv("EMBER_CONFIG", saved_value.c_str(), 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ember
