// Anomaly detection, as libtorch's torch::autograd::AnomalyMode and DetectAnomalyGuard.
//
// While enabled, every node records a backtrace of the forward call that created it and, for a
// node created while another node's backward ran (double backward), that node as its parent. When
// a node's backward fails, the engine warns "Error detected in <node>. Traceback of forward call
// that caused the error: ..." (and one warning per parent, "Previous calculation was induced by
// ...") before the error propagates; with check_nan, a backward that returns NaN is a RuntimeError
// "Function '<node>' returned nan values in its <i>th output." Debugging only: every node pays for
// a backtrace.
//
// The mode is process-wide (as libtorch's); guards restore what they found, so they nest.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace autograd {

class Node;

struct EMBER_API AnomalyMode {
  static bool is_enabled();
  static bool should_check_nan();
  static void set_enabled(bool enabled, bool check_nan = true);
};

class EMBER_API DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool check_nan = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_enabled_;
  bool previous_check_nan_;
};

// What a node created in anomaly mode remembers (Node::anomaly_metadata()).
struct AnomalyMetadata {
  std::string traceback;        // of the forward call that created the node
  std::shared_ptr<Node> parent;  // the node whose backward created it, if any
};

namespace detail {
// For Node's constructor: the metadata of a node created now (the calling thread's backtrace and
// the node whose backward this thread is running).
std::shared_ptr<AnomalyMetadata> capture_anomaly_metadata();

// For the engine, in anomaly mode: marks node as the one whose backward runs on this thread.
class AnomalyNodeScope {
 public:
  explicit AnomalyNodeScope(std::shared_ptr<Node> node);
  ~AnomalyNodeScope();
  AnomalyNodeScope(const AnomalyNodeScope&) = delete;
  AnomalyNodeScope& operator=(const AnomalyNodeScope&) = delete;

 private:
  std::shared_ptr<Node> previous_;
};

// The warnings for an error in node's backward (its traceback, then its parents').
void warn_anomaly_tracebacks(const Node& node);
// Throws RuntimeError when an output of node's backward holds NaN.
void check_outputs_for_nan(const Node& node, const std::vector<Tensor>& outputs);
}  // namespace detail

}  // namespace autograd
}  // namespace ember
