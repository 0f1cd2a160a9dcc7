// What ember-conformance found, and how it prints it: a per-check table on stdout and, on
// request, JUnit XML (one <testsuite> per tier, one <testcase> per check) for CI systems.
//
// Plain values; printing writes to the given stream. Not thread-safe (one report per run).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ember {
namespace conformance {

enum class Outcome { Pass, Fail, Skip };
const char* outcome_name(Outcome o);  // "PASS", "FAIL", "SKIP"

struct CheckResult {
  std::string tier;     // "abi", "device", "kernels"
  std::string name;     // "entry symbol", "sim: allocate 1 MiB", "add.out"
  Outcome outcome = Outcome::Pass;
  std::string dtypes;   // kernels: the dtypes tested ("f32,f64,i64")
  int cases = 0;        // kernels: calls compared
  double max_error = -1;  // kernels: largest absolute difference seen; < 0 when not applicable
  std::string message;  // the first failure, or why it was skipped
  std::vector<std::string> details;  // every failure (printed with --verbose and in JUnit)
  double seconds = 0;
};

struct Report {
  std::string plugin_path;
  std::string plugin_name;
  std::vector<CheckResult> checks;

  bool all_passed() const;  // no FAIL (SKIPs are allowed)
  int count(Outcome o) const;
};

// The table; with verbose, every failure detail under its row.
void print_report(std::ostream& os, const Report& report, bool verbose);
// JUnit XML; returns false (with `error` set) when the file cannot be written.
bool write_junit(const std::string& path, const Report& report, std::string* error);

}  // namespace conformance
}  // namespace ember
