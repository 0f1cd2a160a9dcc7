// init_process_group, new_group and the torch.distributed-style functions (see init.h).
#include "distributed/init.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/error.h"
#include "core/runtime_hook.h"
#include "distributed/backend_group.h"
#include "distributed/file_store.h"
#include "distributed/hash_store.h"
#include "distributed/prefix_store.h"
#include "distributed/tcp_store.h"
#include "distributed/tcp_store_server.h"
#include "distributed/world.h"
#include "registry/runtime.h"
#include "ops/backend/status.h"

namespace ember {
namespace distributed {

using detail::World;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int parse_nonnegative(const std::string& text, const std::string& what) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  EMBER_CHECK(!text.empty() && *end == '\0' && v >= 0 && v < (1 << 24), ValueError, "[init_process_group] ", what,
              " must be a non-negative integer, got '", text, "'");
  return static_cast<int>(v);
}

// "gloo" -> every device type gloo handles; "cpu:gloo,cuda:nccl" -> as written; "" -> the config.
std::vector<std::pair<std::string, std::string>> backends_from(const std::string& backend) {
  if (backend.empty()) {
    auto configured = runtime_config().collectives;
    EMBER_CHECK(!configured.empty(), ValueError,
                "[init_process_group] no backend given and the configuration has no `collectives:` "
                "(for example collectives: {cpu: gloo})");
    return configured;
  }
  std::vector<std::pair<std::string, std::string>> out;
  if (backend.find(':') != std::string::npos) {
    size_t start = 0;
    while (start <= backend.size()) {
      size_t comma = backend.find(',', start);
      std::string item = backend.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      size_t colon = item.find(':');
      EMBER_CHECK(colon != std::string::npos && colon > 0 && colon + 1 < item.size(), ValueError,
                  "[init_process_group] backend '", backend, "': expected DEVICE:BACKEND[,DEVICE:BACKEND...]");
      out.emplace_back(item.substr(0, colon), item.substr(colon + 1));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  std::string problem;
  const ProcessGroupBackendInfo* info = detail::resolve_backend(backend, &problem);
  EMBER_CHECK(info != nullptr, ValueError, "[init_process_group] collective backend '", backend,
              "' is not available: ", problem);
  for (const auto& d : info->device_types) out.emplace_back(d, backend);
  return out;
}

// The first chosen backend that knows the ranks itself (MPI under mpirun), or null.
const ProcessGroupBackendInfo* world_info_backend(const std::vector<std::pair<std::string, std::string>>& backends) {
  for (const auto& [device, name] : backends) {
    std::string problem;
    if (find_device_type(device) == kInvalidDeviceType) continue;
    const ProcessGroupBackendInfo* info = detail::resolve_backend(name, &problem);
    if (info && info->desc.world_info) return info;
  }
  return nullptr;
}

void shutdown_at_exit() {
  try {
    destroy_process_group();
  } catch (...) {
    // At exit nothing can be reported; the peers see a closed lifeline instead of a goodbye.
  }
}

World& initialized_world(const char* op) {
  World& w = World::get();
  EMBER_CHECK(w.initialized, RuntimeError, "[", op,
              "] the default process group is not initialized; call init_process_group() first");
  return w;
}

}  // namespace

DebugLevel parse_debug_level(const std::string& text) {
  std::string t = text;
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "off" || t.empty()) return DebugLevel::Off;
  if (t == "info") return DebugLevel::Info;
  if (t == "detail") return DebugLevel::Detail;
  EMBER_FAIL(ValueError, "[distributed] debug level must be OFF, INFO or DETAIL, got '", text, "'");
}

void init_process_group(const InitOptions& options) {
  ember::detail::ensure_runtime_initialized();
  World& world = World::get();
  std::unique_lock<std::mutex> lock(world.mutex);
  EMBER_CHECK(!world.initialized, RuntimeError,
              "[init_process_group] the default process group is already initialized (destroy_process_group first)");
  const RuntimeConfig config = runtime_config();
  const Milliseconds timeout = options.timeout.count() > 0
                                   ? options.timeout
                                   : Milliseconds(static_cast<int64_t>(config.distributed.timeout_seconds * 1000));
  DebugLevel debug = parse_debug_level(config.distributed.debug);
  if (!env("EMBER_DISTRIBUTED_DEBUG").empty()) debug = parse_debug_level(env("EMBER_DISTRIBUTED_DEBUG"));
  if (options.debug) debug = *options.debug;
  auto backends = backends_from(options.backend);

  // Ranks: the arguments, then the environment, then a backend that knows them (MPI).
  int rank = options.rank, world_size = options.world_size;
  if (rank < 0 && !env("RANK").empty()) rank = parse_nonnegative(env("RANK"), "RANK");
  if (world_size < 0 && !env("WORLD_SIZE").empty()) world_size = parse_nonnegative(env("WORLD_SIZE"), "WORLD_SIZE");
  if (rank < 0 || world_size < 0) {
    if (const ProcessGroupBackendInfo* info = world_info_backend(backends)) {
      int32_t r = 0, n = 0;
      lock.unlock();  // MPI_Init may take a while; nobody else may init meanwhile (documented)
      ember_status* st = info->desc.world_info(info->desc.ctx, &r, &n);
      lock.lock();
      throw_if_error(st, ("[init_process_group] backend '" + info->name + "' could not tell the ranks").c_str());
      if (rank < 0) rank = r;
      if (world_size < 0) world_size = n;
    }
  }
  EMBER_CHECK(world_size >= 1, ValueError,
              "[init_process_group] the world size is unknown: set WORLD_SIZE (ember launch does) or pass world_size");
  EMBER_CHECK(rank >= 0 && rank < world_size, ValueError, "[init_process_group] the rank is ",
              rank < 0 ? "unknown: set RANK (ember launch does) or pass rank" : std::to_string(rank) +
              ", not in [0, " + std::to_string(world_size) + ")");

  // The store.
  std::shared_ptr<Store> store = options.store;
  TCPStore* tcp = nullptr;
  const std::string method = options.init_method.empty() ? "env://" : options.init_method;
  if (!store) {
    std::string host;
    int port = -1;
    if (method == "env://") {
      host = env("MASTER_ADDR");
      if (!env("MASTER_PORT").empty()) port = parse_nonnegative(env("MASTER_PORT"), "MASTER_PORT");
    } else if (method.rfind("tcp://", 0) == 0) {
      std::string rest = method.substr(6);
      size_t colon = rest.rfind(':');
      EMBER_CHECK(colon != std::string::npos, ValueError, "[init_process_group] init_method '", method,
                  "' needs a port: tcp://HOST:PORT");
      host = rest.substr(0, colon);
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      port = parse_nonnegative(rest.substr(colon + 1), "the port of " + method);
    } else if (method.rfind("file://", 0) == 0) {
      store = std::make_shared<FileStore>(method.substr(7), world_size, timeout);
    } else {
      EMBER_FAIL(ValueError, "[init_process_group] unknown init_method '", method,
                 "' (expected env://, tcp://HOST:PORT or file:///PATH)");
    }
    if (!store && !host.empty() && port >= 0) {
      bool serve = rank == 0 && env("EMBER_STORE_SERVER") != "launcher";
      auto t = std::make_shared<TCPStore>(host, port, serve, timeout);
      tcp = t.get();
      store = t;
    } else if (!store) {
      bool ranks_known = world_info_backend(backends) != nullptr;
      EMBER_CHECK(world_size == 1 || ranks_known, ValueError, "[init_process_group] ", method == "env://" ?
                  "MASTER_ADDR and MASTER_PORT must be set for init_method env:// (ember launch sets them)" :
                  "init_method " + method + " gives no address");
      if (world_size == 1) store = std::make_shared<HashStore>(timeout);
    }
  }

  world.rank = rank;
  world.world_size = world_size;
  world.store = store;
  world.timeout = timeout;
  world.debug = debug;
  world.backends = backends;
  world.next_group_id = 1;
  world.hosted_store = tcp && tcp->server() ? tcp : nullptr;
  try {
    if (tcp)
      world.lifeline = std::make_unique<StoreLifeline>(tcp->host(), tcp->port(), rank, timeout,
                                                       [](int r, const std::string& why) { World::get().record_death(r, why); });
    GroupSettings s;
    s.name = "default";
    s.rank = rank;
    s.world_size = world_size;
    s.store = store ? std::make_shared<PrefixStore>("default", store) : nullptr;
    s.backends = backends;
    s.timeout = timeout;
    s.debug = debug;
    world.default_group = std::make_shared<ProcessGroup>(std::move(s));
  } catch (...) {
    world.default_group.reset();
    if (world.lifeline) world.lifeline->close();
    world.lifeline.reset();
    world.store.reset();
    world.hosted_store = nullptr;
    throw;
  }
  world.initialized = true;
  static bool registered = false;
  if (!registered) {
    std::atexit(&shutdown_at_exit);
    registered = true;
  }
}

void destroy_process_group() {
  World& world = World::get();
  std::shared_ptr<ProcessGroup> group;
  std::unique_ptr<StoreLifeline> lifeline;
  std::shared_ptr<Store> store;
  TCPStore* hosted = nullptr;
  Milliseconds timeout;
  {
    std::lock_guard<std::mutex> lock(world.mutex);
    if (!world.initialized) return;
    world.initialized = false;
    group = std::move(world.default_group);
    lifeline = std::move(world.lifeline);
    store = std::move(world.store);
    hosted = world.hosted_store;
    world.hosted_store = nullptr;
    timeout = world.timeout;
  }
  group.reset();
  if (lifeline) lifeline->close();
  // Rank 0 hosts the store: the other ranks may still need it to finish (and to say goodbye).
  if (hosted) hosted->server()->wait_for_lifelines(timeout);
  store.reset();
}

bool is_initialized() {
  std::lock_guard<std::mutex> lock(World::get().mutex);
  return World::get().initialized;
}

int get_rank() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return initialized_world("get_rank").rank;
}

int get_world_size() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return initialized_world("get_world_size").world_size;
}

ProcessGroup& default_group() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return *initialized_world("default_group").default_group;
}

std::shared_ptr<ProcessGroup> default_group_ptr() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return initialized_world("default_group_ptr").default_group;
}

std::shared_ptr<Store> default_store() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return initialized_world("default_store").store;
}

DebugLevel debug_level() {
  World& w = World::get();
  std::lock_guard<std::mutex> lock(w.mutex);
  return w.initialized ? w.debug : DebugLevel::Off;
}

std::shared_ptr<ProcessGroup> new_group(std::vector<int> ranks, Milliseconds timeout, const std::string& backend) {
  World& w = World::get();
  GroupSettings s;
  int id;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    initialized_world("new_group");
    if (ranks.empty())
      for (int r = 0; r < w.world_size; ++r) ranks.push_back(r);
    std::vector<int> sorted = ranks;
    std::sort(sorted.begin(), sorted.end());
    EMBER_CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), ValueError,
                "[new_group] ranks must be unique");
    for (int r : sorted)
      EMBER_CHECK(r >= 0 && r < w.world_size, ValueError, "[new_group] rank ", r, " is not in [0, ", w.world_size, ")");
    id = w.next_group_id++;
    auto it = std::find(sorted.begin(), sorted.end(), w.rank);
    if (it == sorted.end()) return nullptr;
    s.name = "group " + std::to_string(id);
    s.rank = static_cast<int>(it - sorted.begin());
    s.world_size = static_cast<int>(sorted.size());
    s.global_ranks.assign(sorted.begin(), sorted.end());
    s.store = w.store ? std::make_shared<PrefixStore>("group_" + std::to_string(id), w.store) : nullptr;
    s.backends = backend.empty() ? w.backends : std::vector<std::pair<std::string, std::string>>{};
    s.timeout = timeout.count() > 0 ? timeout : w.timeout;
    s.debug = w.debug;
  }
  if (!backend.empty()) s.backends = backends_from(backend);
  return std::make_shared<ProcessGroup>(std::move(s));
}

namespace {
ProcessGroup& group_or_default(ProcessGroup* g) { return g ? *g : default_group(); }
std::shared_ptr<Work> finish(std::shared_ptr<Work> w, bool async_op) {
  if (!async_op) w->wait();
  return w;
}
}  // namespace

std::shared_ptr<Work> all_reduce(Tensor& tensor, ReduceOp op, ProcessGroup* group, bool async_op) {
  return finish(group_or_default(group).all_reduce(tensor, {op}), async_op);
}

std::shared_ptr<Work> broadcast(Tensor& tensor, int src, ProcessGroup* group, bool async_op) {
  return finish(group_or_default(group).broadcast(tensor, {src}), async_op);
}

std::shared_ptr<Work> all_gather(std::vector<Tensor>& outputs, const Tensor& input, ProcessGroup* group,
                                 bool async_op) {
  return finish(group_or_default(group).all_gather(outputs, input), async_op);
}

void barrier(ProcessGroup* group) { group_or_default(group).barrier()->wait(); }

}  // namespace distributed
}  // namespace ember
