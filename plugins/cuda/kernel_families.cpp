// Family program generators (kernel_families.h).
#include "kernel_families.h"

#include <algorithm>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>

#include "kernel_source_gen.h"
#include "kernel_sources.h"
#include "pointwise_ops.h"

#include <tuple>
#include <utility>

namespace ember_cuda {
namespace {

using ember::sdk::detail::concat;

const char* integer_lowest(int32_t d) {
  switch (d) {
    case EMBER_DTYPE_BOOL: return "false";
    case EMBER_DTYPE_UINT8: return "(u8)0";
    case EMBER_DTYPE_INT8: return "(i8)-128";
    case EMBER_DTYPE_INT16: return "(i16)-32768";
    case EMBER_DTYPE_INT32: return "(i32)(-2147483647 - 1)";
    default: return "(i64)(-9223372036854775807LL - 1)";
  }
}
const char* integer_highest(int32_t d) {
  switch (d) {
    case EMBER_DTYPE_BOOL: return "true";
    case EMBER_DTYPE_UINT8: return "(u8)255";
    case EMBER_DTYPE_INT8: return "(i8)127";
    case EMBER_DTYPE_INT16: return "(i16)32767";
    case EMBER_DTYPE_INT32: return "(i32)2147483647";
    default: return "(i64)9223372036854775807LL";
  }
}

}  // namespace

uint32_t reduce_dtypes(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::Mean:
    case ReduceKind::Var: return ember::sdk::kFloatingDTypes;
    case ReduceKind::Argmax:
    case ReduceKind::Argmin: return ember::sdk::kAllButBool;
    default: return ember::sdk::kAllDTypes;
  }
}

int32_t reduce_output_dtype(ReduceKind kind, int32_t in) {
  switch (kind) {
    case ReduceKind::Argmax:
    case ReduceKind::Argmin: return EMBER_DTYPE_INT64;
    case ReduceKind::All:
    case ReduceKind::Any: return EMBER_DTYPE_BOOL;
    default: return in;
  }
}

size_t reduce_accumulator_size(ReduceKind kind, int32_t in) {
  switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
    case ReduceKind::Prod: return 8;
    case ReduceKind::Amax:
    case ReduceKind::Amin: return ember::sdk::is_floating(in) && in != EMBER_DTYPE_FLOAT64 ? 4 : ember::sdk::element_size(in);
    case ReduceKind::Var: return 24;
    case ReduceKind::All:
    case ReduceKind::Any: return 1;
    default: return 16;  // {value, int64 index}
  }
}

std::string reduce_source(const ReduceSpec& s) {
  std::string d;
  d += concat("typedef ", device_type_name(s.in), " R_IN;\n");
  d += concat("typedef ", device_type_name(s.out), " R_OUT;\n");
  d += concat("#define R_OP ", static_cast<int>(s.kind), "\n");
  d += concat("#define R_INNER ", s.inner ? 1 : 0, "\n");
  d += concat("#define R_VEC ", s.vec, "\n");
  d += concat("#define R_RED_NDIM ", s.red_ndim, "\n");
  if (ember::sdk::is_floating(s.in)) d += "#define R_IN_FLOATING 1\n";
  if (s.out == EMBER_DTYPE_BOOL) d += "#define R_OUT_BOOL 1\n";
  d += concat("#define R_LOWEST ", integer_lowest(s.in), "\n");
  d += concat("#define R_HIGHEST ", integer_highest(s.in), "\n");
  return family_source(sources::reduce, d);
}

std::string typed_family_source(const char* family, int32_t in, int32_t out, const std::string& extra) {
  std::string d;
  d += concat("typedef ", device_type_name(in), " T_IN;\n");
  d += concat("typedef ", device_type_name(out), " T_OUT;\n");
  d += concat("typedef ", compute_type_name(in), " C_T;\n");
  if (ember::sdk::is_floating(in)) {
    d += "#define T_IN_FLOATING 1\n";
    d += concat("#define T_LOWEST (-e_inf<C_T>())\n#define T_HIGHEST (e_inf<C_T>())\n");
  } else {
    d += concat("#define T_LOWEST ", integer_lowest(in), "\n#define T_HIGHEST ", integer_highest(in), "\n");
  }
  d += extra;
  return family_source(family, d);
}

std::vector<FamilyInstance> all_family_instances() {
  std::vector<FamilyInstance> out;
  for (int k = 0; k <= static_cast<int>(ReduceKind::Any); ++k) {
    const auto kind = static_cast<ReduceKind>(k);
    for (int32_t in = 0; in < EMBER_DTYPE_COUNT; ++in) {
      if (!((reduce_dtypes(kind) >> in) & 1u)) continue;
      ReduceSpec s;
      s.kind = kind;
      s.in = in;
      s.out = reduce_output_dtype(kind, in);
      // The vectorized inner kernel and the strided outer one with several reduced dims.
      s.inner = true;
      s.vec = static_cast<int>(std::min<size_t>(8, 16 / ember::sdk::element_size(in)));
      s.red_ndim = 1;
      out.push_back({concat("reduce_", k, "_", in, "_vec"), reduce_source(s), "reduce"});
      s.inner = false;
      s.vec = 1;
      s.red_ndim = 2;
      out.push_back({concat("reduce_", k, "_", in, "_outer"), reduce_source(s), "reduce"});
    }
  }
  const int32_t floating[] = {EMBER_DTYPE_FLOAT16, EMBER_DTYPE_BFLOAT16, EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64};
  for (int32_t d : floating) {
    for (int log = 0; log < 2; ++log) {
      for (int elems : {1, 32}) {
        out.push_back({concat("softmax_", d, "_", log, "_", elems),
                       typed_family_source(sources::softmax, d, d,
                                           concat("#define SM_LOG ", log, "\n#define SM_ELEMS ", elems,
                                                  "\n#define SM_BACKWARD 0\n")),
                       "softmax"});
      }
      out.push_back({concat("softmax_backward_", d, "_", log),
                     typed_family_source(sources::softmax, d, d,
                                         concat("#define SM_LOG ", log, "\n#define SM_ELEMS 1\n#define SM_BACKWARD 1\n")),
                     "softmax_backward"});
    }
    for (int32_t t : {EMBER_DTYPE_INT64, EMBER_DTYPE_UINT8})
      out.push_back({concat("nll_loss_", d, "_", t),
                     typed_family_source(sources::loss, d, d, concat("typedef ", device_type_name(t), " T_TGT;\n")),
                     "nll_loss"});
    out.push_back({concat("layer_norm_", d), typed_family_source(sources::layer_norm, d, d), "layer_norm"});
    out.push_back({concat("batch_norm_", d), typed_family_source(sources::batch_norm, d, d), "batch_norm"});
    out.push_back({concat("optim_", d), typed_family_source(sources::optim, d, d), "optim"});
  }
  out.push_back({"softmax_half_to_float",
                 typed_family_source(sources::softmax, EMBER_DTYPE_FLOAT16, EMBER_DTYPE_FLOAT32,
                                     "#define SM_LOG 0\n#define SM_ELEMS 4\n#define SM_BACKWARD 0\n"),
                 "softmax"});
  for (int32_t d = 0; d < EMBER_DTYPE_COUNT; ++d) {
    if (d == EMBER_DTYPE_BOOL) continue;
    const char* acc = d == EMBER_DTYPE_FLOAT64 ? "double" : ember::sdk::is_floating(d) ? "float" : "i64";
    out.push_back(
        {concat("pool_", d), typed_family_source(sources::pool, d, d, concat("#define PL_ACC ", acc, "\n")), "pool"});
  }
  for (int32_t d = 0; d < EMBER_DTYPE_COUNT; ++d) {
    for (int32_t idx : {EMBER_DTYPE_INT32, EMBER_DTYPE_INT64}) {
      for (int mode = 0; mode < 3; ++mode) {
        std::string extra = concat("typedef ", device_type_name(idx), " T_IDX;\n#define IX_MODE ", mode, "\n");
        if (d == EMBER_DTYPE_BOOL) extra += "#define T_IN_BOOL 1\n";
        out.push_back(
            {concat("index_", d, "_", idx, "_", mode), typed_family_source(sources::index_ops, d, d, extra), "index_ops"});
      }
    }
  }
  return out;
}

std::vector<FamilyInstance> cache_warm_instances() {
  std::vector<FamilyInstance> out;
  // Elementwise: dense 32-bit and strided 32-bit (dim bounds 3 and 6) for every op, dtype, variant.
  auto add_elementwise = [&](const PointwiseOp& op, ElementwiseSpec spec, uint32_t variant) {
    spec.body = op.body(spec, variant);
    for (auto [kind, ndim] : {std::pair<int, int>{0, 1}, {2, 3}, {2, 6}}) {
      ElementwiseSpec s = spec;
      s.kind = kind;
      s.ndim = ndim;
      out.push_back({concat(op.name, "_", kind, "_", ndim), elementwise_source(s), op.name});
    }
  };
  for (const PointwiseOp* op : all_pointwise_ops()) {
    for (int32_t d = 0; d < EMBER_DTYPE_COUNT; ++d) {
      if (!((op->dtypes >> d) & 1u)) continue;
      for (uint32_t v = 0; v < op->num_variants; ++v) {
        ElementwiseSpec spec;
        op->signature(d, spec);
        add_elementwise(*op, spec, v);
      }
    }
  }
  for (int32_t to = 0; to < EMBER_DTYPE_COUNT; ++to) {
    for (int32_t from = 0; from < EMBER_DTYPE_COUNT; ++from) {
      ElementwiseSpec spec;
      spec.nin = 1;
      spec.out = to == from ? bit_copy_dtype(to) : to;
      spec.in[0] = to == from ? bit_copy_dtype(from) : from;
      if (to == from && to != spec.out) continue;  // bit copies are covered by the integer dtype
      add_elementwise(convert_op, spec, 0);
    }
  }
  // Reductions: the vectorized and plain inner layouts, the outer one, with one or two reduced dims.
  for (int k = 0; k <= static_cast<int>(ReduceKind::Any); ++k) {
    const auto kind = static_cast<ReduceKind>(k);
    for (int32_t in = 0; in < EMBER_DTYPE_COUNT; ++in) {
      if (!((reduce_dtypes(kind) >> in) & 1u)) continue;
      const int vec = static_cast<int>(std::min<size_t>(8, 16 / ember::sdk::element_size(in)));
      for (auto [inner, v, nd] : {std::tuple<bool, int, int>{true, vec, 1}, {true, 1, 1}, {false, 1, 1}, {true, 1, 2},
                                  {false, 1, 2}}) {
        ReduceSpec s;
        s.kind = kind;
        s.in = in;
        s.out = reduce_output_dtype(kind, in);
        s.inner = inner;
        s.vec = v;
        s.red_ndim = nd;
        out.push_back({concat("reduce_", k, "_", in), reduce_source(s), "reduce"});
      }
    }
  }
  // Every register-cached softmax width.
  for (int32_t d : {EMBER_DTYPE_FLOAT16, EMBER_DTYPE_BFLOAT16, EMBER_DTYPE_FLOAT32, EMBER_DTYPE_FLOAT64})
    for (int log = 0; log < 2; ++log)
      for (int elems : {2, 4, 8, 16})
        out.push_back({concat("softmax_", d, "_", log, "_", elems),
                       typed_family_source(sources::softmax, d, d,
                                           concat("#define SM_LOG ", log, "\n#define SM_ELEMS ", elems,
                                                  "\n#define SM_BACKWARD 0\n")),
                       "softmax"});
  for (FamilyInstance& f : all_family_instances()) out.push_back(std::move(f));
  return out;
}

}  // namespace ember_cuda
