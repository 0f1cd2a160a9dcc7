// Scenario "collectives": every collective, every dtype, rank-dependent fills checked against
// closed forms (integers exactly; the small integers used are exact in half and bfloat16 too),
// sizes 0, 1, 7 and 1 MiB + 3, roots other than 0, async works and futures, subgroups, and the
// argument errors the host raises before any backend runs.
#include <cmath>

#include "worker.h"

namespace dist_worker {
namespace {

using ember::ScalarType;
using ember::Tensor;

const std::vector<ScalarType> kAllDtypes = {ember::kBool,    ember::kUInt8,   ember::kInt8,    ember::kInt16,
                                            ember::kInt32,   ember::kInt64,   ember::kFloat16, ember::kBFloat16,
                                            ember::kFloat32, ember::kFloat64};

std::string name_of(ScalarType t) { return ember::scalar_type_name(t); }

void check_all_reduce(int rank, int world) {
  for (ScalarType dt : kAllDtypes) {
    const bool is_bool = dt == ember::kBool;
    for (int64_t n : {int64_t(0), int64_t(1), int64_t(7)}) {
      // SUM (bool: or)
      Tensor t = filled(n, dt, [&](int64_t i) { return is_bool ? double((rank + i) % 2) : double((rank + i) % 5); });
      ed::all_reduce(t, ed::ReduceOp::SUM);
      expect_values(t, [&](int64_t i) {
        double s = 0;
        for (int r = 0; r < world; ++r) s += is_bool ? double((r + i) % 2) : double((r + i) % 5);
        return is_bool ? double(s > 0) : s;
      }, 0, "all_reduce sum " + name_of(dt));
      // PRODUCT (bool: and)
      t = filled(n, dt, [&](int64_t i) { return is_bool ? double((rank + i) % 2) : 1.0 + double((rank + i) % 2); });
      ed::all_reduce(t, ed::ReduceOp::PRODUCT);
      expect_values(t, [&](int64_t i) {
        double p = 1;
        for (int r = 0; r < world; ++r) p *= is_bool ? double((r + i) % 2) : 1.0 + double((r + i) % 2);
        return p;
      }, 0, "all_reduce product " + name_of(dt));
      // MIN and MAX
      for (auto op : {ed::ReduceOp::MIN, ed::ReduceOp::MAX}) {
        auto v = [&](int r, int64_t i) { return is_bool ? double((r + i) % 2) : double((r * 3 + i) % 7); };
        t = filled(n, dt, [&](int64_t i) { return v(rank, i); });
        ed::all_reduce(t, op);
        expect_values(t, [&](int64_t i) {
          double m = v(0, i);
          for (int r = 1; r < world; ++r) m = op == ed::ReduceOp::MIN ? std::min(m, v(r, i)) : std::max(m, v(r, i));
          return m;
        }, 0, std::string("all_reduce ") + ed::reduce_op_name(op) + " " + name_of(dt));
      }
      // AVG (floating only)
      if (ember::is_floating_point(dt)) {
        t = filled(n, dt, [&](int64_t i) { return double(world * ((rank + i) % 3)); });
        ed::all_reduce(t, ed::ReduceOp::AVG);
        expect_values(t, [&](int64_t i) {
          double s = 0;
          for (int r = 0; r < world; ++r) s += double((r + i) % 3);
          return s;
        }, 0, "all_reduce avg " + name_of(dt));
      }
    }
  }
  // A large tensor: 1 MiB + 3 elements, crossing gloo's 1 MiB segments.
  const int64_t big = (1 << 20) + 3;
  for (ScalarType dt : {ember::kFloat32, ember::kInt64}) {
    Tensor t = filled(big, dt, [&](int64_t i) { return double((rank * 7 + i) % 11); });
    ed::all_reduce(t);
    expect_values(t, [&](int64_t i) {
      double s = 0;
      for (int r = 0; r < world; ++r) s += double((r * 7 + i) % 11);
      return s;
    }, 0, "all_reduce of 1 MiB + 3 " + name_of(dt));
  }
}

void check_rooted(int rank, int world) {
  const int root = world - 1;
  for (ScalarType dt : {ember::kInt32, ember::kFloat32, ember::kFloat16, ember::kFloat64, ember::kUInt8}) {
    Tensor t = filled(9, dt, [&](int64_t i) { return double(rank * 10 + i % 5); });
    ed::broadcast(t, root);
    expect_values(t, [&](int64_t i) { return double(root * 10 + i % 5); }, 0, "broadcast " + name_of(dt));

    t = filled(9, dt, [&](int64_t i) { return double(rank + i % 4); });
    ed::default_group().reduce(t, {ed::ReduceOp::SUM, root})->wait();
    expect_values(t, [&](int64_t i) {
      if (rank != root) return double(rank + i % 4);  // non-roots keep their tensor
      double s = 0;
      for (int r = 0; r < world; ++r) s += double(r + i % 4);
      return s;
    }, 0, "reduce " + name_of(dt));

    std::vector<Tensor> outs;
    for (int r = 0; r < world; ++r) outs.push_back(ember::zeros({6}, dt));
    ed::all_gather(outs, filled(6, dt, [&](int64_t i) { return double(rank * 10 + i); }));
    for (int r = 0; r < world; ++r)
      expect_values(outs[static_cast<size_t>(r)], [&](int64_t i) { return double(r * 10 + i); }, 0,
                    "all_gather from rank " + std::to_string(r));

    std::vector<Tensor> gathered;
    if (rank == 0)
      for (int r = 0; r < world; ++r) gathered.push_back(ember::zeros({5}, dt));
    ed::default_group().gather(gathered, filled(5, dt, [&](int64_t i) { return double(rank * 3 + i); }), {0})->wait();
    if (rank == 0)
      for (int r = 0; r < world; ++r)
        expect_values(gathered[static_cast<size_t>(r)], [&](int64_t i) { return double(r * 3 + i); }, 0, "gather");

    std::vector<Tensor> pieces;
    if (rank == root)
      for (int s = 0; s < world; ++s) pieces.push_back(filled(4, dt, [&](int64_t i) { return double(s * 7 + i); }));
    Tensor mine = ember::zeros({4}, dt);
    ed::default_group().scatter(mine, pieces, {root})->wait();
    expect_values(mine, [&](int64_t i) { return double(rank * 7 + i); }, 0, "scatter");

    std::vector<Tensor> inputs;
    for (int s = 0; s < world; ++s) inputs.push_back(filled(3, dt, [&](int64_t i) { return double(rank + s + i); }));
    Tensor reduced = ember::zeros({3}, dt);
    ed::default_group().reduce_scatter(reduced, inputs)->wait();
    expect_values(reduced, [&](int64_t i) {
      double s = 0;
      for (int r = 0; r < world; ++r) s += double(r + rank + i);
      return s;
    }, 0, "reduce_scatter");

    // all_to_all with sizes that differ between pairs: r sends r + s + 1 elements to s.
    std::vector<Tensor> send, recv;
    for (int s = 0; s < world; ++s) send.push_back(filled(rank + s + 1, dt, [&](int64_t) { return double(rank * 10 + s); }));
    for (int r = 0; r < world; ++r) recv.push_back(ember::zeros({r + rank + 1}, dt));
    ed::default_group().all_to_all(recv, send)->wait();
    for (int r = 0; r < world; ++r)
      expect_values(recv[static_cast<size_t>(r)], [&](int64_t) { return double(r * 10 + rank); }, 0,
                    "all_to_all from rank " + std::to_string(r));
  }
  ed::barrier();
}

void check_p2p_async_and_groups(int rank, int world) {
  // A ring of send/recv: every rank sends to the next and receives from the previous.
  Tensor out = filled(10, ember::kFloat32, [&](int64_t i) { return double(rank * 100 + i); });
  Tensor in = ember::zeros({10}, ember::kFloat32);
  const int next = (rank + 1) % world, prev = (rank + world - 1) % world;
  auto s = ed::default_group().send(out, next, 7);
  auto r = ed::default_group().recv(in, prev, 7);
  r->wait();
  s->wait();
  expect_values(in, [&](int64_t i) { return double(prev * 100 + i); }, 0, "recv");

  // Several operations in flight, finished in any order; a future chained with then().
  std::vector<Tensor> ts;
  std::vector<std::shared_ptr<ed::Work>> works;
  for (int k = 0; k < 4; ++k) {
    ts.push_back(filled(1000, ember::kFloat64, [&](int64_t i) { return double(k + rank + i % 3); }));
    works.push_back(ed::default_group().all_reduce(ts.back()));
  }
  auto future = works[3]->get_future()->then([](ed::Future& f) {
    std::vector<Tensor> v = f.value();
    return std::vector<Tensor>{v[0] * 2.0};
  });
  for (int k = 3; k >= 0; --k) works[static_cast<size_t>(k)]->wait();
  for (int k = 0; k < 4; ++k) {
    WORKER_CHECK(works[static_cast<size_t>(k)]->is_completed() && works[static_cast<size_t>(k)]->is_success(), "work " << k);
    expect_values(ts[static_cast<size_t>(k)], [&](int64_t i) {
      double sum = 0;
      for (int q = 0; q < world; ++q) sum += double(k + q + i % 3);
      return sum;
    }, 0, "async all_reduce " + std::to_string(k));
  }
  Tensor doubled = future->value()[0];
  expect_values(doubled, [&](int64_t i) {
    double sum = 0;
    for (int q = 0; q < world; ++q) sum += double(3 + q + i % 3);
    return 2 * sum;
  }, 0, "future.then");

  // A subgroup of the first and last ranks; the others are not members.
  auto pair = ed::new_group({0, world - 1});
  const bool member = rank == 0 || rank == world - 1;
  WORKER_CHECK((pair != nullptr) == member, "new_group membership");
  if (pair) {
    WORKER_CHECK(pair->size() == 2 && pair->rank() == (rank == 0 ? 0 : 1), "subgroup rank " << pair->rank());
    Tensor t = filled(3, ember::kInt64, [&](int64_t) { return double(rank + 1); });
    pair->all_reduce(t)->wait();
    expect_values(t, [&](int64_t) { return double(1 + world); }, 0, "subgroup all_reduce");
  }
  auto everyone = ed::new_group();
  Tensor one = filled(1, ember::kInt32, [](int64_t) { return 1.0; });
  everyone->all_reduce(one)->wait();
  expect_values(one, [&](int64_t) { return double(world); }, 0, "new_group() of every rank");
}

template <typename E, typename F>
void expect_error(F&& f, const std::string& fragment, const std::string& what) {
  try {
    f();
  } catch (const E& e) {
    WORKER_CHECK(std::string(e.what()).find(fragment) != std::string::npos, what << ": message '" << e.what() << "'");
    return;
  }
  throw std::runtime_error("rank " + std::to_string(my_rank()) + ": " + what + ": expected an error");
}

void check_argument_errors(int world) {
  auto& g = ed::default_group();
  Tensor t = ember::zeros({4, 4});
  Tensor strided = t.t();
  expect_error<ember::ValueError>([&] { g.all_reduce(strided); }, "contiguous", "non-contiguous");
  Tensor ints = ember::zeros({3}, ember::kInt32);
  expect_error<ember::TypeError>([&] { g.all_reduce(ints, {ed::ReduceOp::AVG}); }, "floating", "avg of ints");
  std::vector<Tensor> too_few{ember::zeros({2})};
  if (world > 1) expect_error<ember::ValueError>([&] { g.all_gather(too_few, ember::zeros({2})); }, "output tensors", "count");
  std::vector<Tensor> wrong(static_cast<size_t>(world), ember::zeros({3}));
  expect_error<ember::ValueError>([&] { g.all_gather(wrong, ember::zeros({2})); }, "elements", "sizes");
  expect_error<ember::ValueError>([&] { g.broadcast(t, {world}); }, "not a rank", "root");
  expect_error<ember::ValueError>([&] { ed::new_group({0, 0}); }, "unique", "new_group");
}

// What a collective writes changes version, as an in-place operator's argument does (autograd's
// checks and the CPU plugin's weight cache rely on it); what it only reads keeps its version.
void check_versions(int rank, int world) {
  Tensor t = ember::ones({4});
  uint32_t v = t._version();
  ed::all_reduce(t);
  WORKER_CHECK(t._version() == v + 1, "all_reduce: version " << t._version() << ", was " << v);
  v = t._version();
  ed::broadcast(t, 0);
  WORKER_CHECK(t._version() == v + 1, "broadcast: version " << t._version() << ", was " << v);
  Tensor input = ember::full({3}, double(rank));
  std::vector<Tensor> outs;
  for (int r = 0; r < world; ++r) outs.push_back(ember::zeros({3}));
  ed::all_gather(outs, input);
  WORKER_CHECK(input._version() == 0, "all_gather's input: version " << input._version());
  for (const Tensor& o : outs) WORKER_CHECK(o._version() == 1, "all_gather's output: version " << o._version());
}

Register collectives("collectives", [](const std::vector<std::string>&) {
  init();
  const int rank = ed::get_rank(), world = ed::get_world_size();
  check_argument_errors(world);
  check_all_reduce(rank, world);
  check_rooted(rank, world);
  check_p2p_async_and_groups(rank, world);
  check_versions(rank, world);
});

}  // namespace
}  // namespace dist_worker
