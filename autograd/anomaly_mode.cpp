// Anomaly detection: the mode, node metadata with backtraces, and the engine's reports.
#include "autograd/anomaly_mode.h"

#include <cxxabi.h>
#include <execinfo.h>

#include <atomic>
#include <cstdlib>
#include <sstream>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "core/warning.h"
#include "generated/functions.h"

namespace ember {
namespace autograd {

namespace {

std::atomic<bool> g_enabled{false};
std::atomic<bool> g_check_nan{true};
thread_local std::shared_ptr<Node> t_running_node;

// "binary(mangled+0x1f) [0x...]" with the function name demangled where it can be.
std::string demangled_frame(const char* frame) {
  std::string line(frame);
  size_t open = line.find('('), plus = line.find('+', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || plus == std::string::npos || plus == open + 1) return line;
  std::string mangled = line.substr(open + 1, plus - open - 1);
  int status = 0;
  char* name = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  if (status != 0 || name == nullptr) return line;
  std::string out = line.substr(0, open + 1) + name + line.substr(plus);
  std::free(name);
  return out;
}

std::string current_backtrace() {
  void* frames[64];
  int n = ::backtrace(frames, 64);
  char** symbols = ::backtrace_symbols(frames, n);
  std::ostringstream os;
  // Frame 0 is this function, 1 capture_anomaly_metadata, 2 Node's constructor.
  for (int i = 3; i < n; ++i) os << "frame #" << (i - 3) << ": " << (symbols ? demangled_frame(symbols[i]) : "?") << "\n";
  std::free(symbols);
  return os.str();
}

}  // namespace

bool AnomalyMode::is_enabled() { return g_enabled.load(std::memory_order_relaxed); }
bool AnomalyMode::should_check_nan() { return g_check_nan.load(std::memory_order_relaxed); }
void AnomalyMode::set_enabled(bool enabled, bool check_nan) {
  g_enabled.store(enabled, std::memory_order_relaxed);
  g_check_nan.store(check_nan, std::memory_order_relaxed);
}

DetectAnomalyGuard::DetectAnomalyGuard(bool check_nan)
    : previous_enabled_(AnomalyMode::is_enabled()), previous_check_nan_(AnomalyMode::should_check_nan()) {
  EMBER_WARN_ONCE("This mode should be enabled only for debugging as the different tests will slow down your program "
                  "execution.");
  AnomalyMode::set_enabled(true, check_nan);
}

DetectAnomalyGuard::~DetectAnomalyGuard() { AnomalyMode::set_enabled(previous_enabled_, previous_check_nan_); }

namespace detail {

std::shared_ptr<AnomalyMetadata> capture_anomaly_metadata() {
  auto m = std::make_shared<AnomalyMetadata>();
  m->traceback = current_backtrace();
  m->parent = t_running_node;
  return m;
}

AnomalyNodeScope::AnomalyNodeScope(std::shared_ptr<Node> node) : previous_(std::move(t_running_node)) {
  t_running_node = std::move(node);
}
AnomalyNodeScope::~AnomalyNodeScope() { t_running_node = std::move(previous_); }

void warn_anomaly_tracebacks(const Node& node) {
  const AnomalyMetadata* m = node.anomaly_metadata().get();
  EMBER_WARN("Error detected in ", node.name(), ". Traceback of forward call that caused the error:\n",
             m ? m->traceback : std::string("(the node was created outside anomaly mode)\n"));
  for (std::shared_ptr<Node> parent = m ? m->parent : nullptr; parent;) {
    const AnomalyMetadata* pm = parent->anomaly_metadata().get();
    EMBER_WARN("\n\nPrevious calculation was induced by ", parent->name(),
               ". Traceback of forward call that induced the previous calculation:\n",
               pm ? pm->traceback : std::string("(the node was created outside anomaly mode)\n"));
    parent = pm ? pm->parent : nullptr;
  }
}

void check_outputs_for_nan(const Node& node, const std::vector<Tensor>& outputs) {
  NoGradGuard no_grad;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    if (!out.defined() || !out.is_floating_point()) continue;
    EMBER_CHECK(!ember::isnan(out).any().item<bool>(), RuntimeError, "Function '", node.name(),
                "' returned nan values in its ", i, "th output.");
  }
}

}  // namespace detail
}  // namespace autograd
}  // namespace ember
