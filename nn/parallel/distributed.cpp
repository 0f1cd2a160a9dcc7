// DistributedDataParallel (see distributed.h).
#include "nn/parallel/distributed.h"

#include <iostream>
#include <map>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "distributed/init.h"
#include "generated/functions.h"
#include "ops/creation.h"
#include "nn/parallel/reducer.h"

namespace ember {
namespace nn {
namespace parallel {

namespace {

constexpr size_t kBroadcastChunkBytes = size_t(250) << 20;  // as PyTorch's state-dict broadcast

size_t mib(double m) { return static_cast<size_t>(m * 1024.0 * 1024.0); }

// A hash of the parameters' shapes and dtypes, to compare replicas in one all_gather.
int64_t shape_hash(const std::vector<Tensor>& params) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  for (const auto& p : params) {
    mix(static_cast<uint64_t>(p.scalar_type()));
    mix(static_cast<uint64_t>(p.dim()));
    for (int64_t d = 0; d < p.dim(); ++d) mix(static_cast<uint64_t>(p.size(d)));
  }
  return static_cast<int64_t>(h >> 1);
}

std::string describe_shape(const Tensor& p) {
  std::string s = std::string(scalar_type_name(p.scalar_type())) + "[";
  for (int64_t d = 0; d < p.dim(); ++d) s += (d ? ", " : "") + std::to_string(p.size(d));
  return s + "]";
}

}  // namespace

DistributedDataParallelImpl::DistributedDataParallelImpl(AnyModule module, DistributedDataParallelOptions options)
    : Module("DistributedDataParallel"), module_(std::move(module)), options_(std::move(options)) {
  EMBER_CHECK(!module_.is_empty(), ValueError, "[DistributedDataParallel] the module is empty");
  EMBER_CHECK(options_.bucket_cap_mb > 0 && options_.first_bucket_mb > 0, ValueError,
              "[DistributedDataParallel] bucket sizes must be positive");
  group_ = options_.process_group ? options_.process_group : distributed::default_group_ptr();
  register_module("module", module_.ptr());

  std::vector<Tensor> params;
  std::vector<std::string> names;
  for (const auto& item : module_.ptr()->named_parameters()) {
    if (!item.value().requires_grad()) continue;
    params.push_back(item.value());
    names.push_back(item.key());
  }
  check_replicas_match(params, names);
  // Every replica starts from rank 0's parameters and buffers.
  std::vector<Tensor> state = module_.ptr()->parameters();
  for (const auto& b : module_.ptr()->buffers()) state.push_back(b);
  broadcast_from_rank0(state);

  detail::ReducerOptions ro;
  ro.first_bucket_bytes = mib(options_.first_bucket_mb);
  ro.bucket_bytes = mib(options_.bucket_cap_mb);
  ro.find_unused_parameters = options_.find_unused_parameters;
  ro.overlap = options_.overlap;
  reducer_ = std::make_shared<detail::Reducer>(params, names, group_, ro);
  reducer_->install_hooks();
  if (distributed::is_initialized() && distributed::debug_level() != distributed::DebugLevel::Off &&
      group_->rank() == 0) {
    std::cerr << "[DistributedDataParallel] " << params.size() << " parameters in "
              << reducer_->bucket_indices().size() << " buckets:";
    for (const auto& b : reducer_->bucket_indices()) {
      std::cerr << " [";
      for (size_t k = 0; k < b.size(); ++k) std::cerr << (k ? " " : "") << b[k];
      std::cerr << "]";
    }
    std::cerr << "\n";
  }
}

DistributedDataParallelImpl::~DistributedDataParallelImpl() = default;

void DistributedDataParallelImpl::check_replicas_match(const std::vector<Tensor>& params,
                                                       const std::vector<std::string>& names) {
  const int world = group_->size();
  if (world == 1) return;
  Tensor mine = tensor_from_doubles({static_cast<double>(params.size()), 0.0}, {2}, kInt64);
  mine.data_ptr<int64_t>()[1] = shape_hash(params);  // exact: doubles cannot hold 63 bits
  std::vector<Tensor> all;
  for (int r = 0; r < world; ++r) all.push_back(zeros({2}, kInt64));
  group_->all_gather(all, mine)->wait();
  const int64_t* ref = all[0].data_ptr<int64_t>();
  std::string differ;
  bool counts_equal = true;
  for (int r = 1; r < world; ++r) {
    const int64_t* v = all[static_cast<size_t>(r)].data_ptr<int64_t>();
    if (v[0] != ref[0] || v[1] != ref[1]) differ += (differ.empty() ? "" : ", ") + std::to_string(r);
    counts_equal = counts_equal && v[0] == ref[0];
  }
  if (differ.empty()) return;
  std::string detail;
  if (static_cast<int64_t>(params.size()) != ref[0]) {
    detail = "rank " + std::to_string(group_->rank()) + " has " + std::to_string(params.size()) +
             " parameters, rank 0 has " + std::to_string(ref[0]);
  } else if (counts_equal) {
    // Same counts: rank 0 sends its shapes so each rank can name the first parameter that differs.
    std::vector<double> shapes;
    for (const auto& p : params) {
      shapes.push_back(static_cast<double>(p.scalar_type()));
      shapes.push_back(static_cast<double>(p.dim()));
      for (int64_t d = 0; d < 8; ++d) shapes.push_back(d < p.dim() ? static_cast<double>(p.size(d)) : -1.0);
    }
    Tensor theirs = tensor_from_doubles(shapes, {static_cast<int64_t>(shapes.size())}, kInt64);
    group_->broadcast(theirs, {0})->wait();
    const int64_t* s = theirs.data_ptr<int64_t>();
    for (size_t i = 0; i < params.size() && detail.empty(); ++i) {
      const int64_t* q = s + i * 10;
      bool same = q[0] == static_cast<int64_t>(params[i].scalar_type()) && q[1] == params[i].dim();
      for (int64_t d = 0; d < params[i].dim() && d < 8; ++d) same = same && q[2 + d] == params[i].size(d);
      if (!same) detail = "parameter " + std::to_string(i) + " ('" + names[i] + "') is " + describe_shape(params[i]) +
                          " on rank " + std::to_string(group_->rank()) + " but differs on rank 0";
    }
  }
  EMBER_FAIL(ValueError, "[DistributedDataParallel] the replicas differ: rank", differ.find(',') == std::string::npos ? " " : "s ",
             differ, " ha", differ.find(',') == std::string::npos ? "s" : "ve", " other parameters than rank 0",
             detail.empty() ? "" : " (" + detail + ")", "; every rank must build the same model");
}

void DistributedDataParallelImpl::broadcast_from_rank0(const std::vector<Tensor>& tensors) {
  if (group_->size() == 1 || tensors.empty()) return;
  NoGradGuard no_grad;
  // Coalesce by dtype into flat chunks of at most 250 MiB: one broadcast per chunk.
  std::map<int, std::vector<Tensor>> by_dtype;
  for (const auto& t : tensors)
    if (t.defined() && t.numel() > 0) by_dtype[static_cast<int>(t.scalar_type())].push_back(t);
  for (auto& [dtype, list] : by_dtype) {
    size_t start = 0;
    while (start < list.size()) {
      size_t end = start, bytes = 0;
      int64_t elements = 0;
      while (end < list.size() && (end == start || bytes + list[end].nbytes() <= kBroadcastChunkBytes)) {
        bytes += list[end].nbytes();
        elements += list[end].numel();
        ++end;
      }
      Tensor flat = empty({elements}, list[start].options());
      int64_t offset = 0;
      for (size_t k = start; k < end; ++k) {
        flat.narrow(0, offset, list[k].numel()).copy_(list[k].detach().reshape({-1}));
        offset += list[k].numel();
      }
      group_->broadcast(flat, {0})->wait();
      offset = 0;
      for (size_t k = start; k < end; ++k) {
        list[k].detach().copy_(flat.narrow(0, offset, list[k].numel()).view(list[k].sizes()));
        offset += list[k].numel();
      }
      start = end;
    }
  }
}

Tensor DistributedDataParallelImpl::forward(const Tensor& input) {
  if (options_.broadcast_buffers) {
    std::vector<Tensor> buffers = module_.ptr()->buffers();
    if (!buffers.empty()) broadcast_from_rank0(buffers);
  }
  Tensor output = module_.forward(input);
  if (GradMode::is_enabled()) prepare_for_backward({output});
  return output;
}

void DistributedDataParallelImpl::prepare_for_backward(const std::vector<Tensor>& outputs) {
  reducer_->prepare_for_backward(outputs);
}

std::vector<std::vector<size_t>> DistributedDataParallelImpl::bucket_indices() const {
  return reducer_->bucket_indices();
}

std::vector<size_t> DistributedDataParallelImpl::gradients_ready_at_launch() const {
  return reducer_->gradients_ready_at_launch();
}

DistributedDataParallelImpl::NoSyncGuard::NoSyncGuard(detail::Reducer& reducer)
    : reducer_(&reducer), previous_(reducer.require_sync()) {
  reducer_->set_require_sync(false);
}
DistributedDataParallelImpl::NoSyncGuard::~NoSyncGuard() {
  if (reducer_) reducer_->set_require_sync(previous_);
}
DistributedDataParallelImpl::NoSyncGuard::NoSyncGuard(NoSyncGuard&& other) noexcept
    : reducer_(other.reducer_), previous_(other.previous_) {
  other.reducer_ = nullptr;
}

DistributedDataParallelImpl::NoSyncGuard DistributedDataParallelImpl::no_sync() { return NoSyncGuard(*reducer_); }

}  // namespace parallel
}  // namespace nn
}  // namespace ember
