// Tier 4: collective checks for comm plugins (see collective_checks.h).
#include "tools/conformance/collective_checks.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "distributed/distributed.h"
#include "distributed/tcp_store.h"
#include "generated/functions.h"
#include "ops/creation.h"
#include "registry/backend_registry.h"
#include "registry/runtime.h"

namespace ember {
namespace conformance {

namespace {

namespace ed = ember::distributed;

std::vector<double> host_values(const Tensor& t) {
  Tensor c = t.to(kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

Tensor filled(int64_t n, ScalarType dtype, const std::function<double(int64_t)>& f) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = f(i);
  return tensor_from_doubles(v, {n}, dtype);
}

// Empty when every element equals f(i) within tol (relative above 1).
std::string mismatch(const Tensor& t, const std::function<double(int64_t)>& f, double tol) {
  std::vector<double> v = host_values(t);
  for (size_t i = 0; i < v.size(); ++i) {
    const double e = f(static_cast<int64_t>(i));
    if (std::fabs(v[i] - e) > tol * std::max(1.0, std::fabs(e))) {
      std::ostringstream os;
      os << "element " << i << " is " << v[i] << ", expected " << e;
      return os.str();
    }
  }
  return "";
}

struct DTypeCase {
  ScalarType dtype;
  const char* name;
  double tol;
};
const DTypeCase kDTypes[] = {{kFloat32, "f32", 1e-6}, {kFloat64, "f64", 0},   {kFloat16, "f16", 1e-3},
                             {kBFloat16, "bf16", 1e-2}, {kInt64, "i64", 0},  {kInt32, "i32", 0},
                             {kInt16, "i16", 0},       {kInt8, "i8", 0},     {kUInt8, "u8", 0}};

// Runs one check, printing its CHECK line; exceptions are failures with their message.
void check(const std::string& name, const std::function<std::string()>& body, bool* all_ok) {
  std::string problem;
  try {
    problem = body();
  } catch (const std::exception& e) {
    problem = e.what();
  }
  for (char& c : problem)
    if (c == '\n') c = ' ';
  std::cout << "CHECK " << name << (problem.empty() ? " PASS" : " FAIL rank " + std::to_string(ed::get_rank()) + ": " + problem)
            << std::endl;
  *all_ok = *all_ok && problem.empty();
}

// mismatch: whether to run the check of ranks that disagree (not for MPI: an abandoned MPI
// collective would keep MPI_Finalize from returning).
void run_checks(int rank, int world, bool mismatch_check, bool* ok) {
  auto& pg = ed::default_group();
  const double ranks_sum = world * (world - 1) / 2.0;
  for (const DTypeCase& d : kDTypes) {
    const std::string t = std::string(" ") + d.name;
    check("all_reduce sum" + t, [&] {
      Tensor x = filled(37, d.dtype, [&](int64_t i) { return double(rank + i % 5); });
      pg.all_reduce(x)->wait();
      return mismatch(x, [&](int64_t i) { return ranks_sum + world * double(i % 5); }, d.tol);
    }, ok);
    check("all_reduce min/max/product" + t, [&] {
      Tensor lo = filled(9, d.dtype, [&](int64_t) { return double(rank + 1); }), hi = lo.clone(), prod = lo.clone();
      pg.all_reduce(lo, {ed::ReduceOp::MIN})->wait();
      pg.all_reduce(hi, {ed::ReduceOp::MAX})->wait();
      pg.all_reduce(prod, {ed::ReduceOp::PRODUCT})->wait();
      double factorial = 1;
      for (int r = 1; r <= world; ++r) factorial *= r;
      std::string m = mismatch(lo, [](int64_t) { return 1.0; }, 0);
      if (m.empty()) m = mismatch(hi, [&](int64_t) { return double(world); }, 0);
      if (m.empty()) m = mismatch(prod, [&](int64_t) { return factorial; }, d.tol);
      return m;
    }, ok);
    check("broadcast, reduce, all_gather, gather, scatter" + t, [&] {
      const int root = world - 1;
      Tensor b = filled(11, d.dtype, [&](int64_t i) { return rank == root ? double(i % 7) : 0.0; });
      pg.broadcast(b, {root})->wait();
      std::string m = mismatch(b, [](int64_t i) { return double(i % 7); }, 0);
      Tensor r = filled(6, d.dtype, [&](int64_t) { return double(rank); });
      ed::ReduceOptions to_root;
      to_root.root_rank = root;
      pg.reduce(r, to_root)->wait();
      if (m.empty() && rank == root) m = mismatch(r, [&](int64_t) { return ranks_sum; }, d.tol);
      std::vector<Tensor> all;
      for (int q = 0; q < world; ++q) all.push_back(zeros({4}, d.dtype));
      Tensor mine = filled(4, d.dtype, [&](int64_t i) { return double(rank * 4 + i); });
      pg.all_gather(all, mine)->wait();
      for (int q = 0; q < world && m.empty(); ++q) m = mismatch(all[size_t(q)], [&](int64_t i) { return double(q * 4 + i); }, 0);
      std::vector<Tensor> got;
      if (rank == 0)
        for (int q = 0; q < world; ++q) got.push_back(zeros({4}, d.dtype));
      pg.gather(got, mine)->wait();
      for (size_t q = 0; q < got.size() && m.empty(); ++q) m = mismatch(got[q], [&](int64_t i) { return double(q * 4 + i); }, 0);
      std::vector<Tensor> parts;
      if (rank == root)
        for (int q = 0; q < world; ++q) parts.push_back(filled(3, d.dtype, [&](int64_t i) { return double(q + i); }));
      Tensor part = zeros({3}, d.dtype);
      pg.scatter(part, parts, {root})->wait();
      if (m.empty()) m = mismatch(part, [&](int64_t i) { return double(rank + i); }, 0);
      return m;
    }, ok);
    check("reduce_scatter, all_to_all" + t, [&] {
      std::vector<Tensor> in;
      for (int q = 0; q < world; ++q) in.push_back(filled(5, d.dtype, [&](int64_t i) { return double(q + i % 3); }));
      Tensor out = zeros({5}, d.dtype);
      pg.reduce_scatter(out, in)->wait();
      std::string m = mismatch(out, [&](int64_t i) { return world * double(rank + i % 3); }, d.tol);
      // Pieces of different sizes: rank r sends q + 1 elements to rank q.
      std::vector<Tensor> send, recv;
      for (int q = 0; q < world; ++q) {
        send.push_back(filled(q + 1, d.dtype, [&](int64_t i) { return double(rank * 10 + i); }));
        recv.push_back(zeros({rank + 1}, d.dtype));
      }
      pg.all_to_all(recv, send)->wait();
      for (int q = 0; q < world && m.empty(); ++q) m = mismatch(recv[size_t(q)], [&](int64_t i) { return double(q * 10 + i); }, 0);
      return m;
    }, ok);
  }
  check("all_reduce avg f32", [&] {
    Tensor x = filled(8, kFloat32, [&](int64_t) { return double(rank); });
    pg.all_reduce(x, {ed::ReduceOp::AVG})->wait();
    return mismatch(x, [&](int64_t) { return ranks_sum / world; }, 1e-6);
  }, ok);
  check("all_reduce bool (sum is or, product is and)", [&] {
    Tensor any = filled(4, kBool, [&](int64_t i) { return rank == 0 && i == 1 ? 1.0 : 0.0; }), all = any.clone();
    pg.all_reduce(any)->wait();
    pg.all_reduce(all, {ed::ReduceOp::PRODUCT})->wait();
    std::string m = mismatch(any, [](int64_t i) { return i == 1 ? 1.0 : 0.0; }, 0);
    if (m.empty()) m = mismatch(all, [&](int64_t i) { return world == 1 && i == 1 ? 1.0 : 0.0; }, 0);
    return m;
  }, ok);
  check("empty tensors and 1 MiB", [&] {
    Tensor e = zeros({0});
    pg.all_reduce(e)->wait();
    Tensor big = filled(1 << 18, kFloat32, [&](int64_t i) { return double((i + rank) % 11); });
    pg.all_reduce(big)->wait();
    return mismatch(big, [&](int64_t i) {
      double s = 0;
      for (int q = 0; q < world; ++q) s += double((i + q) % 11);
      return s;
    }, 0);
  }, ok);
  check("send/recv in a ring, barrier", [&] {
    Tensor out = filled(16, kFloat32, [&](int64_t i) { return double(rank * 100 + i); });
    Tensor in = zeros({16});
    const int next = (rank + 1) % world, prev = (rank + world - 1) % world;
    auto s = pg.send(out, next, 7);
    auto r = pg.recv(in, prev, 7);
    s->wait();
    r->wait();
    pg.barrier()->wait();
    return mismatch(in, [&](int64_t i) { return double(prev * 100 + i); }, 0);
  }, ok);
  if (mismatch_check) check("a mismatched size fails within the timeout", [&] {
    // Rank 0 all-reduces 3 elements, the others 4: every rank must get an error, not hang.
    Tensor x = zeros({rank == 0 ? 3 : 4});
    try {
      pg.all_reduce(x, {ed::ReduceOp::SUM, std::chrono::milliseconds(2000)})->wait();
    } catch (const std::exception&) {
      return std::string();
    }
    return std::string("the mismatched all_reduce succeeded");
  }, ok);
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("ember-conformance");
}

}  // namespace

int run_collective_rank(const std::string& plugin_path, const std::string& backend, int rank, int world, int port) {
  bool ok = true;
  const bool from_launcher = rank < 0;  // mpirun assigns the ranks
  try {
    init_from_string("plugins:\n  - name: cpu\n    required: true\n  - path: " + plugin_path + "\n    required: true\n");
    ed::InitOptions o;
    o.backend = "cpu:" + backend;
    o.rank = rank;
    o.world_size = from_launcher ? -1 : world;
    o.init_method = "tcp://127.0.0.1:" + std::to_string(port);
    o.timeout = std::chrono::milliseconds(30000);
    ::setenv("EMBER_STORE_SERVER", "launcher", 1);  // the parent hosts the store
    ed::init_process_group(o);
    run_checks(ed::get_rank(), ed::get_world_size(), !from_launcher, &ok);
    // The mismatch check leaves the group unusable; leave without the goodbye collectives.
    ed::destroy_process_group();
  } catch (const std::exception& e) {
    std::cout << "CHECK set-up FAIL " << e.what() << std::endl;
    return 1;
  }
  return ok ? 0 : 1;
}

std::vector<CheckResult> check_collectives(const std::string& plugin_path, const std::string& plugin_name) {
  std::vector<CheckResult> results;
  for (const ProcessGroupBackendInfo* info : process_group_backends()) {
    if (info->plugin != plugin_name) continue;
    bool cpu = false;
    for (const auto& d : info->device_types) cpu = cpu || d == "cpu";
    if (!cpu) {
      CheckResult c;
      c.tier = "collectives";
      c.name = info->name;
      c.outcome = Outcome::Skip;
      c.message = "backend for device tensors; run the distributed tests on a machine with the device";
      results.push_back(c);
      continue;
    }
    for (int world : {2, 3}) {
      auto start = std::chrono::steady_clock::now();
      ed::TCPStore store("127.0.0.1", 0, /*is_server=*/true, std::chrono::milliseconds(60000));
      // Backends whose launcher assigns the ranks (MPI) run under mpirun, the others as N processes.
      const bool mpi_style = info->desc.world_info != nullptr;
      auto command = [&](int r, const std::string& prefix) {
        return prefix + "\"" + self_path() + "\" --collective-rank " + std::to_string(r) + " " + std::to_string(world) + " " +
               std::to_string(store.port()) + " " + info->name + " \"" + plugin_path + "\" 2>&1";
      };
      std::vector<FILE*> ranks;
      if (mpi_style)
        ranks.push_back(::popen(command(-1, "timeout -k 5 120 mpirun --oversubscribe --allow-run-as-root -np " +
                                                std::to_string(world) + " ").c_str(), "r"));
      else
        for (int r = 0; r < world; ++r) ranks.push_back(::popen(command(r, "exec timeout -k 5 120 ").c_str(), "r"));
      // name -> failures ("rank r: message"), passes; in order of first appearance.
      std::vector<std::string> order;
      std::map<std::string, std::vector<std::string>> failures;
      std::map<std::string, int> passes;
      bool all_exited = true;
      for (FILE* f : ranks) {
        char line[8192];
        while (f && std::fgets(line, sizeof line, f)) {
          std::string s(line);
          if (!s.empty() && s.back() == '\n') s.pop_back();
          if (s.rfind("CHECK ", 0) != 0) continue;
          size_t pass = s.find(" PASS"), fail = s.find(" FAIL ");
          size_t cut = fail != std::string::npos ? fail : pass;
          if (cut == std::string::npos) continue;
          std::string name = s.substr(6, cut - 6);
          if (!passes.count(name) && !failures.count(name)) order.push_back(name);
          if (fail != std::string::npos) failures[name].push_back(s.substr(fail + 6));
          else ++passes[name];
        }
        const int st = f ? ::pclose(f) : -1;
        if (!(WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1))) all_exited = false;
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (const std::string& name : order) {
        CheckResult c;
        c.tier = "collectives";
        c.name = info->name + " x" + std::to_string(world) + ": " + name;
        c.seconds = seconds / std::max<size_t>(1, order.size());
        if (failures.count(name)) {
          c.outcome = Outcome::Fail;
          c.details = failures[name];
          c.message = c.details.front();
        } else if (passes[name] != world) {
          c.outcome = Outcome::Fail;
          c.message = "only " + std::to_string(passes[name]) + " of " + std::to_string(world) + " ranks reported it";
        }
        results.push_back(std::move(c));
      }
      if (!all_exited || order.empty()) {
        CheckResult c;
        c.tier = "collectives";
        c.name = info->name + " x" + std::to_string(world) + ": ranks";
        c.outcome = Outcome::Fail;
        c.message = order.empty() ? "no rank reported a check" : "a rank crashed or hung (killed after 120 s)";
        results.push_back(std::move(c));
      }
    }
  }
  return results;
}

}  // namespace conformance
}  // namespace ember
