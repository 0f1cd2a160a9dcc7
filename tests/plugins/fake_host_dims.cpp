// The ops with a `dim` argument and how the core normalizes it (see fake_host_dims.h).
#include "fake_host_dims.h"

#include <algorithm>
#include <cstring>

#include <ember/sdk/ops.h>

namespace ember_test {
namespace {

namespace ops = ember::sdk::ops;

enum class DimKind { Int, OptionalInt, List };

// `ref`: the argument whose rank the dim refers to (a tensor, or the first non-legacy-empty
// tensor of a list for cat).
struct DimArgument {
  const char* op;
  int dim;
  int ref;
  DimKind kind;
};

template <typename Op>
constexpr DimArgument with_self(DimKind kind) {
  return DimArgument{Op::name, Op::dim, Op::self, kind};
}

const DimArgument kDimArguments[] = {
    with_self<ops::sum_IntList_out>(DimKind::List),
    with_self<ops::mean_out>(DimKind::List),
    with_self<ops::prod_int_out>(DimKind::Int),
    with_self<ops::amax_out>(DimKind::List),
    with_self<ops::amin_out>(DimKind::List),
    with_self<ops::max_dim_max>(DimKind::Int),
    with_self<ops::min_dim_min>(DimKind::Int),
    with_self<ops::argmax_out>(DimKind::OptionalInt),
    with_self<ops::argmin_out>(DimKind::OptionalInt),
    with_self<ops::var_correction_out>(DimKind::List),
    with_self<ops::all_dims_out>(DimKind::List),
    with_self<ops::any_dims_out>(DimKind::List),
    with_self<ops::_softmax_out>(DimKind::Int),
    with_self<ops::_log_softmax_out>(DimKind::Int),
    with_self<ops::index_select_out>(DimKind::Int),
    with_self<ops::gather_out>(DimKind::Int),
    with_self<ops::scatter__src>(DimKind::Int),
    with_self<ops::scatter__value>(DimKind::Int),
    with_self<ops::scatter_add_>(DimKind::Int),
    DimArgument{ops::cat_out::name, ops::cat_out::dim, ops::cat_out::tensors, DimKind::Int},
    DimArgument{ops::_softmax_backward_data_out::name, ops::_softmax_backward_data_out::dim,
                ops::_softmax_backward_data_out::output, DimKind::Int},
    DimArgument{ops::_log_softmax_backward_data_out::name, ops::_log_softmax_backward_data_out::dim,
                ops::_log_softmax_backward_data_out::output, DimKind::Int},
};

int64_t rank_of(const ember_value& v) {
  if (v.tag == EMBER_VALUE_TENSOR) return v.u.tensor.ndim;
  if (v.tag == EMBER_VALUE_TENSOR_LIST) {
    for (int64_t i = 0; i < v.u.tensor_list.size; ++i) {
      const ember_tensor_view& t = v.u.tensor_list.data[i];
      if (!(t.ndim == 1 && t.sizes[0] == 0)) return t.ndim;  // legacy 1-d empty tensors are skipped
    }
    return 1;
  }
  return 0;
}

bool wrap(int64_t dim, int64_t ndim, int64_t* out, std::string* error) {
  const int64_t n = ndim > 0 ? ndim : 1;
  if (dim < -n || dim >= n) {
    *error = "Dimension out of range (expected to be in range of [" + std::to_string(-n) + ", " +
             std::to_string(n - 1) + "], but got " + std::to_string(dim) + ")";
    return false;
  }
  *out = dim < 0 ? dim + n : dim;
  return true;
}

}  // namespace

std::string normalize_dim_argument(const std::string& op, std::vector<ember_value>& args,
                                   std::vector<int64_t>& list_storage) {
  const DimArgument* spec = nullptr;
  for (const DimArgument& d : kDimArguments)
    if (op == d.op) spec = &d;
  if (!spec || static_cast<size_t>(spec->dim) >= args.size() || static_cast<size_t>(spec->ref) >= args.size()) return "";
  ember_value& dim = args[static_cast<size_t>(spec->dim)];
  const int64_t ndim = rank_of(args[static_cast<size_t>(spec->ref)]);
  std::string error;
  if (spec->kind != DimKind::List) {
    if (dim.tag == EMBER_VALUE_NONE) return spec->kind == DimKind::OptionalInt ? "" : "dim is required";
    int64_t wrapped = 0;
    if (!wrap(dim.u.i, ndim, &wrapped, &error)) return error;
    dim.u.i = wrapped;
    return "";
  }
  std::vector<bool> reduced(static_cast<size_t>(ndim), false);
  const bool all = dim.tag == EMBER_VALUE_NONE || dim.u.int_list.size == 0;
  if (all) std::fill(reduced.begin(), reduced.end(), true);
  for (int64_t i = 0; !all && i < dim.u.int_list.size; ++i) {
    int64_t wrapped = 0;
    if (!wrap(dim.u.int_list.data[i], ndim, &wrapped, &error)) return error;
    if (ndim == 0) continue;
    if (reduced[static_cast<size_t>(wrapped)]) return "dim " + std::to_string(wrapped) + " appears multiple times";
    reduced[static_cast<size_t>(wrapped)] = true;
  }
  list_storage.clear();
  for (int64_t d = 0; d < ndim; ++d)
    if (reduced[static_cast<size_t>(d)]) list_storage.push_back(d);
  dim.tag = EMBER_VALUE_INT_LIST;
  dim.u.int_list.data = list_storage.data();
  dim.u.int_list.size = static_cast<int64_t>(list_storage.size());
  return "";
}

}  // namespace ember_test
