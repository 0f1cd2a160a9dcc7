// See conv_onednn.h.
#include "conv_onednn.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <vector>

#include "conv_weight_cache.h"
#include "onednn_utils.h"
#include "vec/vec_kernels.h"

namespace ember_cpu {

namespace {

// One primitive with its reorders. On plain NCHW / OIHW memory oneDNN only has im2col + gemm,
// about 2x slower for 3x3 convolutions even counting the reorders (measured on an AVX-512 host:
// [32, 16, 16, 16] * [32, 16, 3, 3], 1.3 ms plain, 0.7 ms blocked, one thread).
struct ConvPlan {
  dnnl::memory::desc src_md, wei_md, bias_md, dst_md;     // plain
  dnnl::memory::desc own_src_md, own_wei_md, own_dst_md;  // the primitive's
  std::optional<dnnl::reorder> src_in, wei_in, dst_out;   // when they differ
  dnnl::convolution_forward primitive;
  size_t scratchpad_bytes = 0;
};

// Holds optional<ConvPlan> so that "no Winograd for this shape" is cached too.
PrimitiveCache<std::optional<ConvPlan>>& plan_cache() {
  static auto* cache = new PrimitiveCache<std::optional<ConvPlan>>();  // never destroyed (plugin never unloads)
  return *cache;
}

// Per-thread buffers of at least `bytes`, 64-byte aligned; slot k is reused by every call.
char* conv_workspace(int slot, size_t bytes) {
  thread_local std::vector<char> buffers[4];
  std::vector<char>& b = buffers[slot];
  if (b.size() < bytes + 64) b.resize(bytes + 64);
  const auto address = reinterpret_cast<uintptr_t>(b.data());
  return b.data() + ((64 - address % 64) % 64);
}

constexpr size_t kMaxWinogradScratchpad = size_t(32) << 20;

// The fingerprint of the weights, in fixed 1 MiB blocks hashed in parallel and folded in order
// (the result never depends on the thread count).
uint64_t weights_fingerprint(const float* weight, size_t bytes) {
  constexpr size_t kBlock = size_t(1) << 20;
  const int64_t blocks = static_cast<int64_t>((bytes + kBlock - 1) / kBlock);
  if (blocks <= 1) return vec().fingerprint(weight, static_cast<int64_t>(bytes));
  std::vector<uint64_t> parts(static_cast<size_t>(blocks));
  const char* base = reinterpret_cast<const char*>(weight);
  parallel_for(0, blocks, 1, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) {
      const size_t begin = static_cast<size_t>(k) * kBlock;
      parts[static_cast<size_t>(k)] = vec().fingerprint(base + begin, static_cast<int64_t>(std::min(kBlock, bytes - begin)));
    }
  });
  return vec().fingerprint(parts.data(), static_cast<int64_t>(parts.size() * sizeof(uint64_t)));
}

// 3x3 stride 1 with enough output pixels: over a 7 x 7 map at batch 1 the 4 x 4 tiles of
// F(2x2, 3x3) waste a third of their work, and the direct kernel is as fast ([1, 512, 7, 7]:
// 0.97-1.05 ms direct, 0.94-0.98 ms Winograd) with 9.4 MB of weights instead of 16.8 MB.
bool winograd_shape(const ConvShape& s) {
  return s.kh == 3 && s.kw == 3 && s.sh == 1 && s.sw == 1 && s.dh == 1 && s.dw == 1 && s.groups == 1 &&
         s.n * s.oh * s.ow >= 128;
}

// The direct algorithm's reordered weights are worth keeping when each weight is used for few
// output pixels (small batches): then the per-call reorder is a large part of the convolution
// (a third of [1, 256, 14, 14] * [512, 256, 3, 3]); at larger batches it is a few percent and
// a cached copy would only add memory (ResNet-18 at batch 8: 28 MB more for 2% less time).
bool keep_direct_weights(const ConvShape& s) { return 2 * s.n * s.oh * s.ow <= 512; }

// The plan for `s` with `algorithm`; null when oneDNN has no implementation of it (Winograd
// exists only for some shapes and instruction sets).
std::shared_ptr<const ConvPlan> get_plan(const ConvShape& s, bool has_bias, int threads, dnnl::algorithm algorithm) {
  using dnnl::memory;
  const PrimitiveKey key = {threads, s.n, s.c, s.h, s.w, s.o, s.kh, s.kw, s.oh, s.ow, s.sh, s.sw,
                            s.ph, s.pw, s.dh, s.dw, s.groups, has_bias, static_cast<int64_t>(algorithm)};
  auto plan = plan_cache().get_or_create(key, [&] {
    dnnl::engine& engine = onednn_engine();
    ConvPlan p;
    const auto f32 = memory::data_type::f32;
    const memory::dims src_dims = {s.n, s.c, s.h, s.w}, dst_dims = {s.n, s.o, s.oh, s.ow};
    const memory::dims wei_dims = s.groups == 1 ? memory::dims{s.o, s.c, s.kh, s.kw}
                                                : memory::dims{s.groups, s.o / s.groups, s.c / s.groups, s.kh, s.kw};
    p.src_md = memory::desc(src_dims, f32, memory::format_tag::nchw);
    p.dst_md = memory::desc(dst_dims, f32, memory::format_tag::nchw);
    p.wei_md = memory::desc(wei_dims, f32, s.groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
    if (has_bias) p.bias_md = memory::desc({s.o}, f32, memory::format_tag::x);
    // oneDNN wants padding on both sides; the right side is what yields PyTorch's output size.
    const int64_t pr_h = (s.oh - 1) * s.sh + (s.kh - 1) * s.dh + 1 - s.h - s.ph;
    const int64_t pr_w = (s.ow - 1) * s.sw + (s.kw - 1) * s.dw + 1 - s.w - s.pw;
    // A few input channels (the RGB stem): oneDNN's direct kernel reads plain NCHW; a blocked
    // copy would pad 3 channels to 16 and steer it to a kernel whose output reorders slowly
    // (measured on [8, 3, 224, 224] * [64, 3, 7, 7]: 9.6 + 2.7 ms against 9.9 + 3.7 ms).
    const auto src_format = s.c / s.groups < 16 && s.groups == 1 ? memory::format_tag::nchw : memory::format_tag::any;
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, algorithm, memory::desc(src_dims, f32, src_format),
        memory::desc(wei_dims, f32, memory::format_tag::any), has_bias ? p.bias_md : memory::desc(),
        memory::desc(dst_dims, f32, memory::format_tag::any), {s.sh, s.sw}, {s.dh - 1, s.dw - 1}, {s.ph, s.pw}, {pr_h, pr_w});
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::convolution_forward::primitive_desc pd;
    try {
      pd = dnnl::convolution_forward::primitive_desc(desc, attr, engine);
    } catch (const dnnl::error&) {
      if (algorithm == dnnl::algorithm::convolution_direct) throw;
      return std::optional<ConvPlan>();  // no Winograd here
    }
    // oneDNN's F(4x4, 3x3) kernels (chosen for larger batches) need a scratchpad of tens of MB
    // at large channel counts (ResNet's 512-channel layer at batch 8: 49 MB): not worth it.
    if (algorithm == dnnl::algorithm::convolution_winograd && pd.scratchpad_desc().get_size() > kMaxWinogradScratchpad)
      return std::optional<ConvPlan>();
    p.own_src_md = pd.src_desc();
    p.own_wei_md = pd.weights_desc();
    p.own_dst_md = pd.dst_desc();
    if (p.own_src_md != p.src_md) p.src_in.emplace(dnnl::reorder::primitive_desc(engine, p.src_md, engine, p.own_src_md));
    if (p.own_wei_md != p.wei_md) p.wei_in.emplace(dnnl::reorder::primitive_desc(engine, p.wei_md, engine, p.own_wei_md));
    if (p.own_dst_md != p.dst_md) p.dst_out.emplace(dnnl::reorder::primitive_desc(engine, p.own_dst_md, engine, p.dst_md));
    p.scratchpad_bytes = pd.scratchpad_desc().get_size();
    p.primitive = dnnl::convolution_forward(pd);
    return std::optional<ConvPlan>(std::move(p));
  });
  return plan->has_value() ? std::shared_ptr<const ConvPlan>(plan, &**plan) : nullptr;
}

}  // namespace

void conv_forward_f32(const ConvShape& s, const float* in, const float* weight, const float* bias, float* out,
                      const ConvWeightCache::SourceVersion* weight_version) {
  using dnnl::memory;
  ConvWeightCache& cache = conv_weight_cache();
  const size_t weight_bytes = static_cast<size_t>(s.o * (s.c / s.groups) * s.kh * s.kw) * sizeof(float);
  // Unchanging weights (inference) keep their Winograd-transformed copy, or at small batches
  // their reordered copy, in the cache.
  const bool cacheable = cache.budget_bytes() > 0 && (winograd_shape(s) || keep_direct_weights(s)) && !cache.is_volatile(weight, weight_version);
  // Taken before the oneDNN team claims the threads, so that it runs on all of them.
  // Unless the host vouches that the bytes are unchanged since the last one was taken.
  std::optional<uint64_t> fingerprint;
  if (cacheable && weight_version) fingerprint = cache.known_fingerprint(weight, weight_bytes, *weight_version);
  if (cacheable && !fingerprint) {
    fingerprint = weights_fingerprint(weight, weight_bytes);
    if (weight_version) cache.remember_fingerprint(weight, weight_bytes, *weight_version, *fingerprint);
  }
  const OnednnThreads team(2.0 * s.n * s.o * s.oh * s.ow * (s.c / s.groups) * s.kh * s.kw);
  dnnl::engine& engine = onednn_engine();
  dnnl::stream& stream = onednn_stream();

  // The reordered weights of `plan`: from the cache when the weights are unchanged and fit,
  // else reordered into this thread's workspace (nullopt for Winograd, which needs the cache).
  std::shared_ptr<const ConvWeightCache::Entry> entry;
  auto cached_weights = [&](const ConvPlan& plan) -> char* {
    if (!cacheable) return nullptr;
    // The format, whatever the batch or team size that planned it: the descriptor's bytes.
    const dnnl_memory_desc_t& raw = plan.own_wei_md.data;
    std::vector<int64_t> format_key = {static_cast<int64_t>(vec().fingerprint(&raw, sizeof raw)),
                                       static_cast<int64_t>(plan.own_wei_md.get_size())};
    entry = cache.get(weight, format_key, *fingerprint, plan.own_wei_md.get_size(), [&](char* buffer) {
      memory user_wei(plan.wei_md, engine, const_cast<float*>(weight));
      memory own_wei(plan.own_wei_md, engine, buffer);
      plan.wei_in->execute(stream, user_wei, own_wei);
      stream.wait();
    });
    return entry ? entry->data.get() : nullptr;
  };

  // Winograd with its transformed weights from the cache; otherwise the direct algorithm with
  // its reordered weights from the cache (small batches), or reordered per call.
  std::shared_ptr<const ConvPlan> plan;
  char* weights_in_format = nullptr;
  if (cacheable && winograd_shape(s)) {
    plan = get_plan(s, bias != nullptr, team.threads(), dnnl::algorithm::convolution_winograd);
    if (plan && plan->wei_in) weights_in_format = cached_weights(*plan);
    if (!weights_in_format) plan = nullptr;
  }
  if (!plan) {
    plan = get_plan(s, bias != nullptr, team.threads(), dnnl::algorithm::convolution_direct);
    if (plan->wei_in && keep_direct_weights(s)) weights_in_format = cached_weights(*plan);
    if (plan->wei_in && !weights_in_format) {
      {
        weights_in_format = conv_workspace(1, plan->own_wei_md.get_size());
        memory user_wei(plan->wei_md, engine, const_cast<float*>(weight));
        memory own_wei(plan->own_wei_md, engine, weights_in_format);
        plan->wei_in->execute(stream, user_wei, own_wei);
      }
    }
  }

  memory user_src(plan->src_md, engine, const_cast<float*>(in));
  memory user_dst(plan->dst_md, engine, out);
  memory src = user_src, dst = user_dst;
  memory wei = plan->wei_in ? memory(plan->own_wei_md, engine, weights_in_format)
                            : memory(plan->wei_md, engine, const_cast<float*>(weight));
  if (plan->src_in) {
    src = memory(plan->own_src_md, engine, conv_workspace(0, plan->own_src_md.get_size()));
    plan->src_in->execute(stream, user_src, src);
  }
  if (plan->dst_out) dst = memory(plan->own_dst_md, engine, conv_workspace(2, plan->own_dst_md.get_size()));
  memory::desc scratch_md({static_cast<int64_t>(plan->scratchpad_bytes)}, memory::data_type::u8, {1});
  std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, src},
                                          {DNNL_ARG_WEIGHTS, wei},
                                          {DNNL_ARG_DST, dst},
                                          {DNNL_ARG_SCRATCHPAD, memory(scratch_md, engine, conv_workspace(3, plan->scratchpad_bytes))}};
  if (bias) args.emplace(DNNL_ARG_BIAS, memory(plan->bias_md, engine, const_cast<float*>(bias)));
  plan->primitive.execute(stream, args);
  if (plan->dst_out) plan->dst_out->execute(stream, dst, user_dst);
  stream.wait();
}

}  // namespace ember_cpu
