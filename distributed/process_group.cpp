// ProcessGroup (see process_group.h): argument checks, the backend per device type, and the
// ember_collective_desc of each collective.
#include "distributed/process_group.h"

#include <cstring>
#include <sstream>

#include "core/device_runtime.h"
#include "core/error.h"
#include "distributed/backend_group.h"
#include "distributed/prefix_store.h"
#include "distributed/world.h"
#include "generated/functions.h"
#include "registry/runtime.h"

namespace ember {
namespace distributed {

using detail::BackendGroup;
using detail::OpInfo;

struct ProcessGroup::Entry {
  std::string backend;                   // its name
  std::unique_ptr<BackendGroup> group;   // null when the backend is not available
  std::string problem;                   // why not
};

namespace {

std::string shape_text(const Tensor& t) {
  std::ostringstream os;
  os << scalar_type_name(t.scalar_type()) << "[";
  for (int64_t d = 0; d < t.dim(); ++d) os << (d ? ", " : "") << t.size(d);
  os << "]";
  return os.str();
}

ember_tensor_view view_of(const Tensor& t) {
  TensorImpl* impl = t.impl();
  ember_tensor_view v{};
  v.data = impl->numel() == 0 ? nullptr : impl->data();
  v.sizes = impl->sizes().data();
  v.strides = impl->strides().data();
  v.ndim = static_cast<int32_t>(impl->dim());
  v.dtype = static_cast<int32_t>(impl->dtype());
  v.device_type = impl->device().type();
  v.device_index = impl->device().index();
  return v;
}

std::vector<ember_tensor_view> views_of(const std::vector<Tensor>& ts) {
  std::vector<ember_tensor_view> out;
  out.reserve(ts.size());
  for (const auto& t : ts) out.push_back(view_of(t));
  return out;
}

void check_tensor(const char* op, const Tensor& t, const char* what) {
  EMBER_CHECK(t.defined(), ValueError, "[", op, "] ", what, " is an undefined tensor");
  EMBER_CHECK(t.is_contiguous(), ValueError, "[", op, "] ", what, " must be contiguous (call .contiguous() first)");
}

// Every tensor of one call: defined, contiguous, one dtype and device; returns the device.
Device check_tensors(const char* op, const std::vector<const Tensor*>& ts) {
  EMBER_CHECK(!ts.empty(), ValueError, "[", op, "] no tensors given");
  for (const Tensor* t : ts) check_tensor(op, *t, "a tensor");
  const Tensor& first = *ts[0];
  for (const Tensor* t : ts) {
    EMBER_CHECK(t->scalar_type() == first.scalar_type(), TypeError, "[", op, "] tensors must have one dtype, got ",
                scalar_type_name(first.scalar_type()), " and ", scalar_type_name(t->scalar_type()));
    EMBER_CHECK(t->device() == first.device(), ValueError, "[", op, "] tensors must be on one device, got ",
                first.device(), " and ", t->device());
  }
  return first.device();
}

void check_same_numel(const char* op, const Tensor& expected, const Tensor& t, const char* what) {
  EMBER_CHECK(t.numel() == expected.numel(), ValueError, "[", op, "] ", what, " has ", t.numel(),
              " elements, expected ", expected.numel(), " (", shape_text(expected), ")");
}

void check_reduce_op(const char* op, ReduceOp r, const Tensor& t) {
  EMBER_CHECK(static_cast<int>(r) >= 0 && static_cast<int>(r) <= 4, ValueError, "[", op, "] invalid reduce op ",
              static_cast<int>(r));
  EMBER_CHECK(r != ReduceOp::AVG || t.is_floating_point(), TypeError, "[", op,
              "] ReduceOp.AVG needs a floating-point tensor, got ", scalar_type_name(t.scalar_type()));
}

ember_collective_desc make_desc(int32_t kind) {
  ember_collective_desc d{};
  d.struct_size = sizeof d;
  d.kind = kind;
  d.root = -1;
  d.peer = -1;
  return d;
}

const char* reduce_name(ReduceOp op) { return reduce_op_name(op); }

}  // namespace

namespace detail {
const ProcessGroupBackendInfo* resolve_backend(const std::string& name, std::string* problem) {
  if (const auto* b = find_process_group_backend(name)) return b;
  for (const auto& p : runtime_report().plugins) {
    if (p.name != name) continue;
    *problem = p.status == PluginStatus::Loaded ? "plugin '" + name + "' is loaded but registered no backend of that name"
                                                : "plugin '" + name + "' failed to load: " + p.reason;
    return nullptr;
  }
  PluginReport report = load_plugin(name, /*required=*/false);
  if (const auto* b = find_process_group_backend(name)) return b;
  *problem = report.status == PluginStatus::Loaded ? "plugin '" + name + "' registered no backend of that name"
                                                   : "loading plugin '" + name + "' failed: " + report.reason;
  return nullptr;
}

}  // namespace detail

const char* reduce_op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::SUM: return "sum";
    case ReduceOp::PRODUCT: return "product";
    case ReduceOp::MIN: return "min";
    case ReduceOp::MAX: return "max";
    case ReduceOp::AVG: return "avg";
  }
  return "?";
}

ProcessGroup::ProcessGroup(GroupSettings settings) : settings_(std::move(settings)) {
  EMBER_CHECK(settings_.world_size >= 1 && settings_.rank >= 0 && settings_.rank < settings_.world_size, ValueError,
              "[init_process_group] rank ", settings_.rank, " is not in [0, ", settings_.world_size, ")");
  if (settings_.global_ranks.empty())
    for (int r = 0; r < settings_.world_size; ++r) settings_.global_ranks.push_back(r);
  explainer_ = std::make_shared<detail::GroupFailureExplainer>(settings_.name, settings_.rank, settings_.global_ranks,
                                                               settings_.store);
  const RuntimeConfig config = runtime_config();
  for (const auto& [device_name, backend_name] : settings_.backends) {
    DeviceTypeId type = find_device_type(device_name);
    if (type == kInvalidDeviceType) continue;  // no plugin provides the device type here
    auto entry = std::make_unique<Entry>();
    entry->backend = backend_name;
    const ProcessGroupBackendInfo* info = detail::resolve_backend(backend_name, &entry->problem);
    if (info) {
      bool handles = false;
      for (const auto& d : info->device_types) handles = handles || d == device_name;
      if (!handles) {
        entry->problem = "backend '" + backend_name + "' does not handle " + device_name + " tensors";
        info = nullptr;
      }
    }
    if (info) {
      BackendGroup::Spec spec;
      spec.backend = info;
      spec.device_type = type;
      spec.store = settings_.store ? std::make_shared<PrefixStore>(backend_name, settings_.store) : nullptr;
      spec.rank = settings_.rank;
      spec.world_size = settings_.world_size;
      spec.global_ranks = settings_.global_ranks;
      spec.timeout = settings_.timeout;
      spec.name = settings_.name;
      spec.explainer = explainer_;
      for (const auto& [dev, options] : config.collective_options)
        if (dev == device_name) spec.options = options;
      entry->group = std::make_unique<BackendGroup>(std::move(spec));
    }
    entries_[type] = std::move(entry);
  }
  if (settings_.debug == DebugLevel::Detail) {
    BackendGroup& cpu = cpu_backend("init_process_group");
    BackendGroup::Spec spec;
    spec.backend = find_process_group_backend(cpu.backend_name());
    spec.device_type = find_device_type("cpu");
    spec.store = settings_.store ? std::make_shared<PrefixStore>("check", settings_.store) : nullptr;
    spec.rank = settings_.rank;
    spec.world_size = settings_.world_size;
    spec.global_ranks = settings_.global_ranks;
    spec.timeout = settings_.timeout;
    spec.name = settings_.name + " (collective checks)";
    spec.explainer = explainer_;
    checker_ = std::make_unique<BackendGroup>(std::move(spec));
  }
  detail::World::get().add_group(this);
}

ProcessGroup::~ProcessGroup() { detail::World::get().remove_group(this); }

std::string ProcessGroup::backend_name(const std::string& device_type) {
  DeviceTypeId type = find_device_type(device_type);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(type);
  EMBER_CHECK(type != kInvalidDeviceType && it != entries_.end(), ValueError, "[ProcessGroup] group '",
              settings_.name, "' has no collective backend for device type '", device_type, "'");
  return it->second->backend;
}

void ProcessGroup::abort(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (abort_reason_.empty()) abort_reason_ = reason;
  for (auto& [type, e] : entries_)
    if (e->group) e->group->abort(reason);
  if (checker_) checker_->abort(reason);
}

BackendGroup& ProcessGroup::backend_for(DeviceTypeId device_type, const char* op) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(device_type);
  if (it == entries_.end()) {
    std::string configured;
    for (const auto& [d, b] : settings_.backends) configured += (configured.empty() ? "" : ", ") + d + ": " + b;
    EMBER_FAIL(NotImplementedError, "[", op, "] group '", settings_.name, "' has no collective backend for ",
               device_type_name(device_type), " tensors (backends: {", configured,
               "}; set `collectives: {", device_type_name(device_type), ": <backend>}` in the configuration)");
  }
  EMBER_CHECK(it->second->group != nullptr, NotImplementedError, "[", op, "] the collective backend '",
              it->second->backend, "' for ", device_type_name(device_type), " tensors is not available: ",
              it->second->problem);
  return *it->second->group;
}

BackendGroup& ProcessGroup::cpu_backend(const char* op) {
  DeviceTypeId cpu = find_device_type("cpu");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(cpu);
    if (it == entries_.end() || !it->second->group) {
      for (auto& [type, e] : entries_)
        if (e->group) return *e->group;  // a group with no cpu backend: its only backend
    }
  }
  return backend_for(cpu, op);
}

void ProcessGroup::check_ranks(const char* op, int rank, const char* what) const {
  EMBER_CHECK(rank >= 0 && rank < settings_.world_size, ValueError, "[", op, "] ", what, " ", rank,
              " is not a rank of group '", settings_.name, "' (size ", settings_.world_size, ")");
}

void ProcessGroup::check_same_operation(const std::string& fingerprint, const char* op) {
  if (!checker_) return;
  constexpr int64_t kBytes = 256;
  Tensor mine = zeros({kBytes}, kUInt8);
  std::memcpy(mine.data_ptr(), fingerprint.data(), std::min<size_t>(fingerprint.size(), kBytes - 1));
  std::vector<Tensor> all;
  for (int r = 0; r < settings_.world_size; ++r) all.push_back(zeros({kBytes}, kUInt8));
  std::vector<ember_tensor_view> in{view_of(mine)};
  std::vector<ember_tensor_view> out = views_of(all);
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_ALL_GATHER);
  d.inputs = in.data();
  d.num_inputs = 1;
  d.outputs = out.data();
  d.num_outputs = static_cast<int32_t>(out.size());
  OpInfo info{"collective check", "(before " + fingerprint + ")"};
  checker_->start(d, {mine}, all, mine.device(), info, kDefaultTimeout)->wait();
  bool same = true;
  std::string list;
  for (int r = 0; r < settings_.world_size; ++r) {
    std::string theirs(static_cast<const char*>(all[static_cast<size_t>(r)].data_ptr()));
    same = same && theirs == fingerprint;
    list += " rank " + std::to_string(settings_.global_ranks[static_cast<size_t>(r)]) + ": " + theirs + ";";
  }
  EMBER_CHECK(same, DistributedError, "[", op, "] ranks called different collectives on group '", settings_.name,
              "' (distributed debug level detail):", list);
}

// ---- collectives ------------------------------------------------------------------------------

std::shared_ptr<Work> ProcessGroup::all_reduce(Tensor& tensor, const AllreduceOptions& options) {
  const char* op = "all_reduce";
  Device device = check_tensors(op, {&tensor});
  check_reduce_op(op, options.reduce_op, tensor);
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, std::string("(") + reduce_name(options.reduce_op) + ", " + shape_text(tensor) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in{view_of(tensor)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_ALL_REDUCE);
  d.reduce_op = static_cast<int32_t>(options.reduce_op);
  d.inputs = in.data();
  d.num_inputs = 1;
  return g.start(d, {tensor}, {}, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::broadcast(Tensor& tensor, const BroadcastOptions& options) {
  const char* op = "broadcast";
  Device device = check_tensors(op, {&tensor});
  check_ranks(op, options.root_rank, "root");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(root " + std::to_string(options.root_rank) + ", " + shape_text(tensor) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in{view_of(tensor)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_BROADCAST);
  d.root = options.root_rank;
  d.inputs = in.data();
  d.num_inputs = 1;
  return g.start(d, {tensor}, {}, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::reduce(Tensor& tensor, const ReduceOptions& options) {
  const char* op = "reduce";
  Device device = check_tensors(op, {&tensor});
  check_ranks(op, options.root_rank, "root");
  check_reduce_op(op, options.reduce_op, tensor);
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, std::string("(") + reduce_name(options.reduce_op) + ", root " + std::to_string(options.root_rank) +
                      ", " + shape_text(tensor) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in{view_of(tensor)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_REDUCE);
  d.reduce_op = static_cast<int32_t>(options.reduce_op);
  d.root = options.root_rank;
  d.inputs = in.data();
  d.num_inputs = 1;
  return g.start(d, {tensor}, {}, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::all_gather(std::vector<Tensor>& outputs, const Tensor& input,
                                               const AllgatherOptions& options) {
  const char* op = "all_gather";
  EMBER_CHECK(static_cast<int>(outputs.size()) == size(), ValueError, "[", op, "] expected ", size(),
              " output tensors (one per rank), got ", outputs.size());
  std::vector<const Tensor*> all{&input};
  for (const auto& t : outputs) all.push_back(&t);
  Device device = check_tensors(op, all);
  for (const auto& t : outputs) check_same_numel(op, input, t, "an output");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(" + shape_text(input) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in{view_of(input)};
  std::vector<ember_tensor_view> out = views_of(outputs);
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_ALL_GATHER);
  d.inputs = in.data();
  d.num_inputs = 1;
  d.outputs = out.data();
  d.num_outputs = static_cast<int32_t>(out.size());
  return g.start(d, {input}, outputs, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::gather(std::vector<Tensor>& outputs, const Tensor& input,
                                           const GatherOptions& options) {
  const char* op = "gather";
  check_ranks(op, options.root_rank, "root");
  const bool root = rank() == options.root_rank;
  EMBER_CHECK(static_cast<int>(outputs.size()) == (root ? size() : 0), ValueError, "[", op, "] expected ",
              root ? size() : 0, " output tensors on rank ", rank(), " (", root ? "the root: one per rank" : "not the root",
              "), got ", outputs.size());
  std::vector<const Tensor*> all{&input};
  for (const auto& t : outputs) all.push_back(&t);
  Device device = check_tensors(op, all);
  for (const auto& t : outputs) check_same_numel(op, input, t, "an output");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(root " + std::to_string(options.root_rank) + ", " + shape_text(input) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in{view_of(input)};
  std::vector<ember_tensor_view> out = views_of(outputs);
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_GATHER);
  d.root = options.root_rank;
  d.inputs = in.data();
  d.num_inputs = 1;
  d.outputs = out.data();
  d.num_outputs = static_cast<int32_t>(out.size());
  return g.start(d, {input}, outputs, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::scatter(Tensor& output, const std::vector<Tensor>& inputs,
                                            const ScatterOptions& options) {
  const char* op = "scatter";
  check_ranks(op, options.root_rank, "root");
  const bool root = rank() == options.root_rank;
  EMBER_CHECK(static_cast<int>(inputs.size()) == (root ? size() : 0), ValueError, "[", op, "] expected ",
              root ? size() : 0, " input tensors on rank ", rank(), " (", root ? "the root: one per rank" : "not the root",
              "), got ", inputs.size());
  std::vector<const Tensor*> all{&output};
  for (const auto& t : inputs) all.push_back(&t);
  Device device = check_tensors(op, all);
  for (const auto& t : inputs) check_same_numel(op, output, t, "an input");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(root " + std::to_string(options.root_rank) + ", " + shape_text(output) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in = views_of(inputs);
  std::vector<ember_tensor_view> out{view_of(output)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_SCATTER);
  d.root = options.root_rank;
  d.inputs = in.data();
  d.num_inputs = static_cast<int32_t>(in.size());
  d.outputs = out.data();
  d.num_outputs = 1;
  return g.start(d, inputs, {output}, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::reduce_scatter(Tensor& output, const std::vector<Tensor>& inputs,
                                                   const ReduceScatterOptions& options) {
  const char* op = "reduce_scatter";
  EMBER_CHECK(static_cast<int>(inputs.size()) == size(), ValueError, "[", op, "] expected ", size(),
              " input tensors (one per rank), got ", inputs.size());
  std::vector<const Tensor*> all{&output};
  for (const auto& t : inputs) all.push_back(&t);
  Device device = check_tensors(op, all);
  check_reduce_op(op, options.reduce_op, output);
  for (const auto& t : inputs) check_same_numel(op, output, t, "an input");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, std::string("(") + reduce_name(options.reduce_op) + ", " + shape_text(output) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in = views_of(inputs);
  std::vector<ember_tensor_view> out{view_of(output)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_REDUCE_SCATTER);
  d.reduce_op = static_cast<int32_t>(options.reduce_op);
  d.inputs = in.data();
  d.num_inputs = static_cast<int32_t>(in.size());
  d.outputs = out.data();
  d.num_outputs = 1;
  return g.start(d, inputs, {output}, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::all_to_all(std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                                               const AllToAllOptions& options) {
  const char* op = "all_to_all";
  EMBER_CHECK(static_cast<int>(inputs.size()) == size() && static_cast<int>(outputs.size()) == size(), ValueError,
              "[", op, "] expected ", size(), " inputs and ", size(), " outputs (one per rank), got ", inputs.size(),
              " and ", outputs.size());
  std::vector<const Tensor*> all;
  for (const auto& t : inputs) all.push_back(&t);
  for (const auto& t : outputs) all.push_back(&t);
  Device device = check_tensors(op, all);
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(" + std::string(scalar_type_name(inputs[0].scalar_type())) + ")"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  std::vector<ember_tensor_view> in = views_of(inputs);
  std::vector<ember_tensor_view> out = views_of(outputs);
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_ALL_TO_ALL);
  d.inputs = in.data();
  d.num_inputs = static_cast<int32_t>(in.size());
  d.outputs = out.data();
  d.num_outputs = static_cast<int32_t>(out.size());
  return g.start(d, inputs, outputs, device, info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::barrier(const BarrierOptions& options) {
  const char* op = "barrier";
  BackendGroup& g = cpu_backend(op);
  OpInfo info{op, "()"};
  check_same_operation("#" + std::to_string(g.next_sequence_number()) + " " + info.fingerprint(), op);
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_BARRIER);
  return g.start(d, {}, {}, Device(find_device_type("cpu")), info, options.timeout);
}

std::shared_ptr<Work> ProcessGroup::send(const Tensor& tensor, int dst_rank, int tag) {
  const char* op = "send";
  Device device = check_tensors(op, {&tensor});
  check_ranks(op, dst_rank, "destination");
  EMBER_CHECK(dst_rank != rank(), ValueError, "[send] rank ", rank(), " cannot send to itself");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(to rank " + std::to_string(dst_rank) + ", tag " + std::to_string(tag) + ", " + shape_text(tensor) + ")"};
  info.collective = false;
  std::vector<ember_tensor_view> in{view_of(tensor)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_SEND);
  d.peer = dst_rank;
  d.tag = tag;
  d.inputs = in.data();
  d.num_inputs = 1;
  return g.start(d, {tensor}, {}, device, info, kDefaultTimeout);
}

std::shared_ptr<Work> ProcessGroup::recv(Tensor& tensor, int src_rank, int tag) {
  const char* op = "recv";
  Device device = check_tensors(op, {&tensor});
  check_ranks(op, src_rank, "source");
  EMBER_CHECK(src_rank != rank(), ValueError, "[recv] rank ", rank(), " cannot receive from itself");
  BackendGroup& g = backend_for(device.type(), op);
  OpInfo info{op, "(from rank " + std::to_string(src_rank) + ", tag " + std::to_string(tag) + ", " + shape_text(tensor) + ")"};
  info.collective = false;
  std::vector<ember_tensor_view> out{view_of(tensor)};
  ember_collective_desc d = make_desc(EMBER_COLLECTIVE_RECV);
  d.peer = src_rank;
  d.tag = tag;
  d.outputs = out.data();
  d.num_outputs = 1;
  return g.start(d, {}, {tensor}, device, info, kDefaultTimeout);
}

}  // namespace distributed
}  // namespace ember
