// Error messages against PyTorch's: each program in tests/script/golden/errors/ is compiled as
// "<string>" and its main() run; what fails must fail with the text PyTorch 1.13 prints
// (tests/script/golden/expected/errors/, written by generate.py through torch.jit.CompilationUnit).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ember/ember.h"
#include "script/api/compilation_unit.h"
#include "tests/script/golden_support.h"

namespace ember {
namespace script {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::filesystem::path kErrors = std::filesystem::path(EMBER_SOURCE_DIR) / "tests/script/golden/errors";
const std::filesystem::path kExpected = std::filesystem::path(EMBER_SOURCE_DIR) / "tests/script/golden/expected/errors";

// Compiles and runs a program; the error text, or nullopt when it ran.
std::optional<std::string> run_program(const std::string& name) {
  try {
    CompilationUnit cu;
    cu.define(read_file(kErrors / (name + ".py")));
    cu.get_function("main")({});
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// "Arguments for call are not valid": ember's operator set differs from PyTorch's (no complex
// overloads, its own registration order), so the candidates are compared as a set: the same
// header and original call, and each candidate both list gives the same reason.
void expect_same_candidates(const std::string& actual, const std::string& expected) {
  auto split = [](const std::string& text) {
    std::map<std::string, std::string> reasons;  // candidate schema -> why it failed
    std::vector<std::string> lines = lines_of(text);
    std::string frame;
    size_t i = 0;
    for (; i < lines.size() && lines[i] != "The following variants are available:"; ++i) frame += lines[i] + "\n";
    for (++i; i < lines.size() && lines[i].rfind("The original call is:", 0) != 0; ++i) {
      if (lines[i].size() > 2 && lines[i].back() == ':' && i + 1 < lines.size()) {
        reasons[lines[i]] = lines[i + 1];
        ++i;
      }
    }
    for (; i < lines.size(); ++i) frame += lines[i] + "\n";
    return std::make_pair(frame, reasons);
  };
  auto [actual_frame, actual_reasons] = split(actual);
  auto [expected_frame, expected_reasons] = split(expected);
  EXPECT_EQ(actual_frame, expected_frame);
  size_t shared = 0;
  for (const auto& [schema, reason] : actual_reasons) {
    auto it = expected_reasons.find(schema);
    if (it == expected_reasons.end()) continue;
    ++shared;
    EXPECT_EQ(reason, it->second) << schema;
  }
  EXPECT_GE(shared, 5u) << actual;
}

class ErrorGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ErrorGolden, MatchesPyTorch) {
  const std::string name = GetParam();
  std::optional<std::string> actual = run_program(name);
  if (std::filesystem::exists(kExpected / ("result." + name + ".txt"))) {
    EXPECT_FALSE(actual.has_value()) << *actual;
    return;
  }
  ASSERT_TRUE(actual.has_value()) << name << " ran without an error";
  std::string expected = read_file(kExpected / ("error." + name + ".txt"));
  std::vector<std::string> want = lines_of(expected), got = lines_of(*actual);
  const std::string op_failure = "RuntimeError: ";
  if (want.size() > 1 && want[0] == "The following operation failed in the TorchScript interpreter." &&
      want.back().rfind(op_failure, 0) == 0 && want.back().rfind("RuntimeError: AssertionError", 0) != 0) {
    // An operator failed: the traceback must be PyTorch's; the operator's message is ember's own.
    ASSERT_EQ(got.size(), want.size()) << *actual;
    EXPECT_EQ(got.back().substr(0, op_failure.size()), op_failure);
    got.pop_back();
    want.pop_back();
    EXPECT_EQ(got, want) << *actual;
  } else if (expected.find("The following variants are available:") != std::string::npos) {
    expect_same_candidates(*actual, expected);
  } else {
    EXPECT_EQ(*actual, expected);
  }
}

std::vector<std::string> program_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kErrors))
    if (entry.path().extension() == ".py") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Programs, ErrorGolden, ::testing::ValuesIn(program_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace script
}  // namespace ember
