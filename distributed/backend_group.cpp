// BackendGroup and WorkState (see backend_group.h).
#include "distributed/backend_group.h"

#include "core/error.h"
#include "core/stream.h"
#include "ops/backend/status.h"

namespace ember {
namespace distributed {
namespace detail {

std::string OpInfo::describe() const {
  std::string s = name;
  if (sequence_number) s += " #" + std::to_string(sequence_number);
  return s + " " + details + " on group '" + group + "'";
}

namespace {
void delete_tensors(void* arg) { delete static_cast<std::vector<Tensor>*>(arg); }
}  // namespace

WorkState::~WorkState() {
  if (!handle) return;
  bool done = finished;
  if (!done) {
    int32_t d = 0;
    free_status(desc->work_query(desc->ctx, handle, &d));
    done = d != 0;
  }
  if (!done) {
    // Dropped while running: the backend still uses the memory, so the tensors live until it finishes.
    auto* keep = new std::vector<Tensor>(std::move(inputs));
    for (auto& t : outputs) keep->push_back(std::move(t));
    ember_status* s = desc->work_on_complete ? desc->work_on_complete(desc->ctx, handle, &delete_tensors, keep)
                                             : make_status(EMBER_ERROR_NOT_IMPLEMENTED, "no work_on_complete");
    // Without a completion callback the tensors are leaked rather than freed under the backend.
    free_status(s);
  }
  desc->work_release(desc->ctx, handle);
}

BackendGroup::BackendGroup(Spec spec) : spec_(std::move(spec)) {
  const ember_process_group_backend_desc& d = spec_.backend->desc;
  if (spec_.store) adapter_ = std::make_unique<StoreAdapter>(spec_.store);
  std::vector<ember_option> items;
  for (const auto& o : spec_.options) items.push_back({o.key.c_str(), o.value.c_str()});
  ember_option_list options{items.data(), static_cast<int32_t>(items.size())};
  ember_process_group_spec s{};
  s.struct_size = sizeof s;
  s.store = adapter_ ? adapter_->table() : nullptr;
  s.rank = spec_.rank;
  s.world_size = spec_.world_size;
  s.global_ranks = spec_.global_ranks.data();
  s.device_type = spec_.device_type;
  s.timeout_ms = spec_.timeout.count();
  s.name = spec_.name.c_str();
  s.options = &options;
  std::string context = "[init_process_group] backend '" + spec_.backend->name + "' (plugin '" +
                        spec_.backend->plugin + "') could not create group '" + spec_.name + "' as rank " +
                        std::to_string(spec_.rank) + " of " + std::to_string(spec_.world_size);
  throw_if_error(d.create(d.ctx, &s, &handle_), context.c_str());
}

BackendGroup::~BackendGroup() {
  const ember_process_group_backend_desc& d = spec_.backend->desc;
  if (handle_) d.destroy(d.ctx, handle_);
}

uint64_t BackendGroup::next_sequence_number() {
  std::lock_guard<std::mutex> lock(start_mutex_);
  return collectives_ + 1;
}

void BackendGroup::abort(const std::string& reason) {
  if (aborted_.exchange(true)) return;
  const ember_process_group_backend_desc& d = spec_.backend->desc;
  if (d.abort) d.abort(d.ctx, handle_, reason.c_str());
}

std::shared_ptr<Work> BackendGroup::start(ember_collective_desc desc, std::vector<Tensor> inputs,
                                          std::vector<Tensor> outputs, Device device, OpInfo op, Milliseconds timeout) {
  const ember_process_group_backend_desc& d = spec_.backend->desc;
  auto state = std::make_shared<WorkState>();
  state->desc = &d;
  state->inputs = std::move(inputs);
  state->outputs = std::move(outputs);
  state->device = device;
  state->host_device = is_host_device(device);
  state->explainer = spec_.explainer;
  state->deadline = std::chrono::steady_clock::now() +
                    (timeout.count() < 0 ? spec_.timeout : timeout);
  desc.struct_size = sizeof desc;
  desc.timeout_ms = timeout.count() < 0 ? spec_.timeout.count() : timeout.count();
  desc.stream = state->host_device ? nullptr : reinterpret_cast<ember_stream>(ember::detail::current_stream_handle(device));
  std::lock_guard<std::mutex> lock(start_mutex_);
  op.sequence_number = op.collective ? ++collectives_ : 0;
  op.group = spec_.name;
  desc.sequence_number = op.sequence_number;
  state->op = op;
  state->description = op.describe();
  // What the collective writes changes version, as an in-place operator's argument does
  // (autograd's checks, and plugin caches keyed on content versions, see the update). Bumped
  // before the work starts: reading a tensor while a collective writes it is a race anyway.
  const bool writes_inputs = desc.kind == EMBER_COLLECTIVE_ALL_REDUCE || desc.kind == EMBER_COLLECTIVE_BROADCAST ||
                             desc.kind == EMBER_COLLECTIVE_REDUCE;
  if (writes_inputs)
    for (const Tensor& t : state->inputs) t.impl()->bump_version();
  for (const Tensor& t : state->outputs) t.impl()->bump_version();
  ember_status* status = d.start(d.ctx, handle_, &desc, &state->handle);
  throw_if_error(status, ("[" + op.name + "] " + state->description).c_str());
  return std::shared_ptr<Work>(new Work(state));
}

}  // namespace detail
}  // namespace distributed
}  // namespace ember
