// ember_codegen: validates ops.yaml and writes the generated C++ sources.
//
//   ember_codegen --ops path/to/ops.yaml --out build/gen
//
// On invalid input prints `ops.yaml:LINE: what is wrong` (one line per problem, by line) to
// stderr and exits 1; writes nothing then. Otherwise writes the files listed in
// tools/codegen/generated_files.cmake, each only when its text changed, so that builds stay
// incremental. Exit status 2 for a bad command line.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/codegen/api_plan.h"
#include "tools/codegen/autograd_plan.h"
#include "tools/codegen/emitters.h"
#include "tools/codegen/ops_loader.h"

namespace fs = std::filesystem;
using namespace ember::codegen;

namespace {

int usage() {
  std::cerr << "usage: ember_codegen --ops <ops.yaml> --out <dir>\n";
  return 2;
}

// Writes content to path unless the file already holds exactly that text. Writes to a
// temporary file first so that an interrupted run never leaves a half-written source.
bool write_if_changed(const fs::path& path, const std::string& content, bool& changed) {
  changed = false;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream existing;
      existing << in.rdbuf();
      if (existing.str() == content) return true;
    }
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return false;
  }
  fs::rename(tmp, path, ec);
  changed = !ec;
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  std::string ops_path, out_dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ops" && i + 1 < argc) ops_path = argv[++i];
    else if (a == "--out" && i + 1 < argc) out_dir = argv[++i];
    else return usage();
  }
  if (ops_path.empty() || out_dir.empty()) return usage();

  LoadedOps loaded = read_ops_yaml(ops_path);
  if (loaded.errors.empty()) validate_ops(loaded);
  ApiPlan plan;
  AutogradPlan autograd;
  if (loaded.errors.empty()) {
    plan = plan_api(loaded.ops);
    loaded.errors.insert(loaded.errors.end(), plan.errors.begin(), plan.errors.end());
  }
  if (loaded.errors.empty()) {
    autograd = plan_autograd(plan);
    loaded.errors.insert(loaded.errors.end(), autograd.errors.begin(), autograd.errors.end());
  }
  if (!loaded.errors.empty()) {
    std::string file = fs::path(ops_path).filename().string();
    std::stable_sort(loaded.errors.begin(), loaded.errors.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    for (const Diagnostic& d : loaded.errors) {
      if (d.line > 0) std::cerr << file << ":" << d.line << ": " << d.message << "\n";
      else std::cerr << ops_path << ": " << d.message << "\n";
    }
    return 1;
  }

  int written = 0;
  for (const GeneratedFile& f : emit_all(plan, autograd)) {
    bool changed = false;
    if (!write_if_changed(fs::path(out_dir) / f.path, f.content, changed)) {
      std::cerr << "ember_codegen: cannot write " << (fs::path(out_dir) / f.path).string() << "\n";
      return 1;
    }
    written += changed ? 1 : 0;
  }
  std::cout << "ember_codegen: " << loaded.ops.size() << " operators, " << written << " file(s) updated in "
            << out_dir << "\n";
  return 0;
}
