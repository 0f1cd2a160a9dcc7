// `ember run` and `ember script` (tools/ember/script_command.cpp) on a program and on broken
// ones: what they print against PyTorch's output for the same source
// (tests/script/golden/cases/cli.py), exit codes, and usage errors.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/script/golden_support.h"

namespace {

namespace fs = std::filesystem;
using ember::script::golden::expected;
using ember::script::golden::source_of;

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

class ScriptCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ember_script_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  CliResult run(const std::string& args) {
    std::string command = std::string("'") + EMBER_CLI_PATH + "' " + args + " >'" + (dir_ / "out").string() +
                          "' 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(command.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(dir_ / "out");
    r.err = read_file(dir_ / "err");
    return r;
  }
  fs::path dir_;
};

// PyTorch's CompilationUnit calls functions by their bare name; ember's files put them under
// __torch__, as @torch.jit.script does.
std::string bare_names(const std::string& code) { return std::regex_replace(code, std::regex("__torch__\\."), ""); }

TEST_F(ScriptCli, RunPrintsWhatTheProgramPrintsAndItsResult) {
  fs::path program = write("program.py", source_of("cli"));
  CliResult r = run("run '" + program.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, expected("cli", "print.main") + expected("cli", "result.main") + "\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ScriptCli, ScriptPrintsCodeAndGraphs) {
  fs::path program = write("program.py", source_of("cli"));
  CliResult code = run("script '" + program.string() + "' --code");
  EXPECT_EQ(code.exit_code, 0) << code.err;
  EXPECT_EQ(bare_names(code.out), expected("cli", "code.square_all") + expected("cli", "code.main"));
  CliResult one = run("script '" + program.string() + "' --fn square_all");
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.rfind("graph(%xs.1 : int[]):\n", 0), 0u) << one.out;
  EXPECT_NE(one.out.find("# " + program.string() + ":6:"), std::string::npos) << one.out;  // source comments
  CliResult optimized = run("script '" + program.string() + "' --fn main --optimized");
  EXPECT_EQ(optimized.exit_code, 0) << optimized.err;
  EXPECT_EQ(optimized.out.find("prim::CallFunction"), std::string::npos) << optimized.out;  // inlined
}

TEST_F(ScriptCli, CompileAndRuntimeErrorsGoToStderrWithExitCode1) {
  fs::path typo = write("typo.py", "def main():\n    x = 1\n    return x + y\n");
  CliResult compile = run("run '" + typo.string() + "'");
  EXPECT_EQ(compile.exit_code, 1);
  EXPECT_EQ(compile.err, "\nundefined value y:\n  File \"" + typo.string() +
                             "\", line 3\ndef main():\n    x = 1\n    return x + y\n               ~ <--- HERE\n");
  fs::path failing = write("failing.py", "def main():\n    xs = [1, 2]\n    return xs[3]\n");
  CliResult runtime = run("run '" + failing.string() + "'");
  EXPECT_EQ(runtime.exit_code, 1);
  EXPECT_NE(runtime.err.find("Traceback of TorchScript (most recent call last):"), std::string::npos) << runtime.err;
  EXPECT_EQ(run("run '" + (dir_ / "missing.py").string() + "'").exit_code, 1);
  CliResult no_fn = run("run '" + typo.string() + "' --fn nope");
  EXPECT_EQ(no_fn.exit_code, 1);
}

TEST_F(ScriptCli, UsageErrors) {
  EXPECT_EQ(run("script").exit_code, 2);
  EXPECT_EQ(run("run x.py --code").exit_code, 2);
  EXPECT_EQ(run("script x.py --bogus").exit_code, 2);
}

}  // namespace
