#include "nn/functional/attention.h"

#include <cmath>
#include <limits>

#include "ops/tensor_operators.h"
#include "core/warning.h"
#include "generated/functions.h"
#include "nn/functional/dropout.h"
#include "nn/functional/linear.h"
#include "nn/functional/padding.h"

namespace ember {
namespace nn {
namespace functional {

namespace {
Tensor rows(const Tensor& t, int64_t start, int64_t count) { return t.defined() ? t.narrow(0, start, count) : Tensor(); }
Tensor pad_last(const Tensor& t) { return t.defined() ? pad(t, PadFuncOptions({0, 1})) : t; }
}  // namespace

std::tuple<Tensor, Tensor> multi_head_attention_forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                                        const MultiheadAttentionForwardFuncOptions& o) {
  EMBER_CHECK(query.dim() == 3, ValueError, "multi_head_attention_forward: query must be [tgt_len, batch, embed], got ",
              query.sizes());
  const int64_t tgt_len = query.size(0), bsz = query.size(1), embed_dim = query.size(2);
  const int64_t heads = o.num_heads();
  EMBER_CHECK(embed_dim == o.embed_dim_to_check(), ValueError, "embed_dim ", embed_dim, " does not match embed_dim_to_check ",
              o.embed_dim_to_check());
  EMBER_CHECK(embed_dim % heads == 0, ValueError, "embed_dim must be divisible by num_heads");
  EMBER_CHECK(key.sizes() == value.sizes(), ValueError, "key and value must have the same size, got ", key.sizes(), " and ",
              value.sizes());
  const int64_t head_dim = embed_dim / heads;
  const double scaling = 1.0 / std::sqrt(static_cast<double>(head_dim));
  Tensor q, k, v;
  const Tensor& w = o.in_proj_weight();
  const Tensor& b = o.in_proj_bias();
  if (!o.use_separate_proj_weight()) {
    if (query.is_same(key) && key.is_same(value)) {
      std::vector<Tensor> qkv = linear(query, w, b).chunk(3, -1);
      q = qkv[0], k = qkv[1], v = qkv[2];
    } else if (key.is_same(value)) {
      q = linear(query, rows(w, 0, embed_dim), rows(b, 0, embed_dim));
      std::vector<Tensor> kv = linear(key, rows(w, embed_dim, 2 * embed_dim), rows(b, embed_dim, 2 * embed_dim)).chunk(2, -1);
      k = kv[0], v = kv[1];
    } else {
      q = linear(query, rows(w, 0, embed_dim), rows(b, 0, embed_dim));
      k = linear(key, rows(w, embed_dim, embed_dim), rows(b, embed_dim, embed_dim));
      v = linear(value, rows(w, 2 * embed_dim, embed_dim), rows(b, 2 * embed_dim, embed_dim));
    }
  } else {
    q = linear(query, o.q_proj_weight(), rows(b, 0, embed_dim));
    k = linear(key, o.k_proj_weight(), rows(b, embed_dim, embed_dim));
    v = linear(value, o.v_proj_weight(), rows(b, 2 * embed_dim, embed_dim));
  }
  q = q * scaling;
  Tensor attn_mask = o.attn_mask();
  if (attn_mask.defined()) {
    EMBER_CHECK(attn_mask.is_floating_point() || attn_mask.scalar_type() == kBool || attn_mask.scalar_type() == kUInt8,
                TypeError, "Only float, byte, and bool types are supported for attn_mask, not ", attn_mask.scalar_type());
    if (attn_mask.scalar_type() == kUInt8) attn_mask = attn_mask.to(kBool);
    if (attn_mask.dim() == 2) {
      EMBER_CHECK(attn_mask.size(0) == tgt_len && attn_mask.size(1) == key.size(0), ValueError,
                  "The size of the 2D attn_mask is not correct.");
      attn_mask = attn_mask.unsqueeze(0);
    } else {
      EMBER_CHECK(attn_mask.dim() == 3 && attn_mask.size(0) == bsz * heads && attn_mask.size(1) == tgt_len &&
                      attn_mask.size(2) == key.size(0),
                  ValueError, "The size of the 3D attn_mask is not correct.");
    }
  }
  Tensor key_padding_mask = o.key_padding_mask();
  if (key_padding_mask.defined() && key_padding_mask.scalar_type() == kUInt8) key_padding_mask = key_padding_mask.to(kBool);
  if (o.bias_k().defined() && o.bias_v().defined()) {
    EMBER_CHECK(!o.static_k().defined() && !o.static_v().defined(), ValueError,
                "bias cannot be added to static key and value.");
    k = ember::cat({k, o.bias_k().repeat({1, bsz, 1})}, 0);
    v = ember::cat({v, o.bias_v().repeat({1, bsz, 1})}, 0);
    attn_mask = pad_last(attn_mask);
    key_padding_mask = pad_last(key_padding_mask);
  }
  q = q.contiguous().view({tgt_len, bsz * heads, head_dim}).transpose(0, 1);
  k = k.contiguous().view({-1, bsz * heads, head_dim}).transpose(0, 1);
  v = v.contiguous().view({-1, bsz * heads, head_dim}).transpose(0, 1);
  if (o.static_k().defined()) k = o.static_k();
  if (o.static_v().defined()) v = o.static_v();
  int64_t src_len = k.size(1);
  if (key_padding_mask.defined()) {
    EMBER_CHECK(key_padding_mask.size(0) == bsz && key_padding_mask.size(1) == src_len, ValueError,
                "key_padding_mask must be [batch, src_len]: [", bsz, ", ", src_len, "], got ", key_padding_mask.sizes());
  }
  if (o.add_zero_attn()) {
    ++src_len;
    k = ember::cat({k, ember::zeros({k.size(0), 1, k.size(2)}, k.options())}, 1);
    v = ember::cat({v, ember::zeros({v.size(0), 1, v.size(2)}, v.options())}, 1);
    attn_mask = pad_last(attn_mask);
    key_padding_mask = pad_last(key_padding_mask);
  }
  Tensor weights = ember::bmm(q, k.transpose(1, 2));  // [bsz * heads, tgt, src]
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (attn_mask.defined()) {
    weights = attn_mask.scalar_type() == kBool ? weights.masked_fill(attn_mask, neg_inf) : weights + attn_mask;
  }
  if (key_padding_mask.defined()) {
    weights = weights.view({bsz, heads, tgt_len, src_len})
                  .masked_fill(key_padding_mask.unsqueeze(1).unsqueeze(2), neg_inf)
                  .view({bsz * heads, tgt_len, src_len});
  }
  weights = ember::softmax(weights, -1, std::nullopt);
  weights = dropout(weights, DropoutFuncOptions().p(o.dropout_p()).training(o.training()));
  Tensor output = ember::bmm(weights, v).transpose(0, 1).contiguous().view({tgt_len, bsz, embed_dim});
  output = linear(output, o.out_proj_weight(), o.out_proj_bias());
  if (!o.need_weights()) return {output, Tensor()};
  Tensor per_head = weights.view({bsz, heads, tgt_len, src_len});
  if (o.average_attn_weights()) return {output, per_head.sum({1}) / static_cast<double>(heads)};
  return {output, per_head};
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
