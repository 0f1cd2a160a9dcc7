#!/usr/bin/python3
"""Writes tests/ops/data/nn_catalogue_cases.txt: calls of the nn catalogue operators (activations,
losses, distances, convolutions, pooling, padding, upsampling, sampling, normalization, recurrent
cells, small tensor utilities) with their inputs and PyTorch's outputs, for
tests/ops/nn_catalogue_test.cpp.

Run it with Debian's python3-torch (a dependency in scripts/install-deps.sh):
    /usr/bin/python3 tests/ops/generate_nn_catalogue_cases.py
Each case calls torch.ops.aten.<name>.<overload> with keyword arguments named as in the schema, so
the C++ test can build the same call through ember's dispatcher from the schema alone. Inputs are
seeded, so the file only changes when the cases do.

File format (whitespace-separated tokens, one case per block):
    case <op name.overload> <label>
    tol <rtol> <atol>                       (optional; defaults depend on the dtype)
    arg <name> <value>                      (one per argument given; the rest take defaults)
    out <index> <value>                     (the outputs compared; others are not)
    end
where <value> is one of
    tensor <dtype> <ndim> <sizes...> <values...>
    int <v> | float <v> | bool <0|1> | none | str <word> | dtype <dtype>
    ints <n> <v...> | floats <n> <v...> | tensors <n> <tensor values...>
"""
import math
import os
import sys

import torch

torch.manual_seed(20261206)
ops = torch.ops.aten
DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64",
          torch.int32: "int32", torch.bool: "bool", torch.uint8: "uint8"}
MEAN, SUM, NONE = 1, 2, 0

lines = []
names_seen = set()


def fmt_number(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(float(v))


def fmt_tensor(t):
    t = t.detach().contiguous()
    parts = ["tensor", DTYPES[t.dtype], str(t.dim())] + [str(s) for s in t.shape]
    flat = t.reshape(-1).tolist()
    parts += [fmt_number(v) for v in flat]
    return " ".join(parts)


def fmt_value(v):
    if v is None:
        return "none"
    if isinstance(v, torch.Tensor):
        return fmt_tensor(v)
    if isinstance(v, torch.dtype):
        return "dtype " + DTYPES[v]
    if isinstance(v, bool):
        return "bool " + fmt_number(v)
    if isinstance(v, int):
        return "int " + str(v)
    if isinstance(v, float):
        return "float " + fmt_number(v)
    if isinstance(v, str):
        return "str " + v
    if isinstance(v, (list, tuple)):
        if all(isinstance(e, torch.Tensor) for e in v) and v:
            return "tensors %d " % len(v) + " ".join(fmt_tensor(e) for e in v)
        if all(isinstance(e, int) and not isinstance(e, bool) for e in v):
            return "ints %d " % len(v) + " ".join(str(e) for e in v)
        return "floats %d " % len(v) + " ".join(fmt_number(float(e)) for e in v)
    raise TypeError(type(v))


def clone_args(args):
    out = {}
    for k, v in args.items():
        if isinstance(v, torch.Tensor):
            out[k] = v.clone()
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], torch.Tensor):
            out[k] = [e.clone() for e in v]
        else:
            out[k] = v
    return out


def call_by_name(fn, args):
    """Calls fn with args named as in its schema (positional ones in order, defaults filled in)."""
    positional, keyword, pending = [], {}, []
    for a in fn._schema.arguments:
        if a.kwarg_only:
            if a.name in args:
                keyword[a.name] = args[a.name]
            elif isinstance(a.type, torch.OptionalType):
                keyword[a.name] = None  # optional without a default in PyTorch 1.13's schema
        elif a.name in args:
            positional += pending + [args[a.name]]
            pending = []
        else:
            pending.append(a.default_value)
    unknown = set(args) - {a.name for a in fn._schema.arguments}
    if unknown:
        raise KeyError("%s has no arguments %s" % (fn, unknown))
    return fn(*positional, **keyword)


def case(op, label, outputs=None, tol=None, **args):
    """op: "name" or "name.overload"; outputs: indices of the outputs to compare (default all)."""
    name, _, overload = op.partition(".")
    fn = getattr(getattr(ops, name), overload or "default")
    result = call_by_name(fn, clone_args(args))
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    lines.append("case %s %s" % (op, label.replace(" ", "_")))
    if tol is not None:
        lines.append("tol %r %r" % tol)
    for k, v in args.items():
        lines.append("arg %s %s" % (k, fmt_value(v)))
    for i, r in enumerate(results):
        if outputs is None or i in outputs:
            lines.append("out %d %s" % (i, fmt_value(r)))
    lines.append("end")
    names_seen.add(op)


def U(*shape, lo=-2.0, hi=2.0, dtype=torch.float64):
    return (torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def F(*shape, lo=-2.0, hi=2.0):
    return U(*shape, lo=lo, hi=hi, dtype=torch.float32)


def P(*shape):
    return U(*shape, lo=0.1, hi=2.0)


def distinct(*shape, dtype=torch.float64):
    """A permutation of evenly spaced values: no ties for max pooling."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).to(torch.float64) / 4 - n / 8).reshape(shape).to(dtype)


# ---- tensor utilities ------------------------------------------------------------------------
x = U(3, 4)
case("flip", "two dims", self=U(2, 3, 4), dims=[0, 2])
case("flip", "negative dim", self=F(3, 5), dims=[-1])
case("repeat", "grow and add a dim", self=U(2, 3), repeats=[2, 1, 3])
case("repeat", "1-d", self=F(4), repeats=[3])
case("cumsum", "dim 1", self=U(3, 5), dim=1)
case("cumsum", "int64 to float64", self=torch.arange(-3, 9).reshape(3, 4), dim=0, dtype=torch.float64)
case("cumsum", "int64 promotes to int64", self=torch.arange(-3, 9, dtype=torch.int32).reshape(3, 4), dim=-1)
case("tril", "diagonal 0", self=U(4, 5))
case("tril", "diagonal -1, batched", self=U(2, 3, 4), diagonal=-1)
case("triu", "diagonal 1", self=U(4, 3), diagonal=1)
case("triu", "batched", self=F(2, 3, 3))
case("logsumexp", "dim 1", self=U(3, 5, lo=-50, hi=50), dim=[1])
case("logsumexp", "two dims keepdim", self=U(2, 3, 4), dim=[0, 2], keepdim=True)
case("logsumexp", "large values stay finite", self=torch.tensor([[1000.0, 1000.0], [-1000.0, 0.0]], dtype=torch.float64), dim=[1])
case("norm.ScalarOpt_dim", "p=2 dim 1", self=U(3, 4), p=2, dim=[1])
case("norm.ScalarOpt_dim", "p=1 keepdim", self=U(3, 4), p=1, dim=[0], keepdim=True)
case("norm.ScalarOpt_dim", "p=3 two dims", self=U(2, 3, 4), p=3.0, dim=[0, 2])
case("norm.ScalarOpt_dim", "p=inf", self=U(3, 4), p=float("inf"), dim=[1])
case("norm.ScalarOpt_dim", "p=None is 2", self=F(3, 4), p=None, dim=[-1])
case("norm.Scalar", "default p", self=U(3, 4))
case("norm.Scalar", "p=1", self=F(5), p=1)
case("norm.Scalar", "p=0 counts nonzeros", self=torch.tensor([0.0, 1.5, 0.0, -2.0], dtype=torch.float64), p=0)
case("square", "float", self=U(2, 3))
case("square", "int64 stays int64", self=torch.tensor([-3, 0, 4, 7]))
case("addcmul", "broadcast, value 0.5", self=U(3, 4), tensor1=U(4), tensor2=U(3, 1), value=0.5)
case("addcmul", "float32", self=F(2, 3), tensor1=F(2, 3), tensor2=F(2, 3))
case("addcmul_", "in place", self=U(3, 4), tensor1=U(3, 4), tensor2=U(4), value=-2)
case("addcdiv", "value 2", self=U(3, 4), tensor1=U(3, 4), tensor2=P(3, 4), value=2)
case("addcdiv_", "in place", self=U(3, 4), tensor1=U(4), tensor2=P(3, 4), value=0.25)
case("one_hot", "inferred classes", self=torch.tensor([0, 3, 1, 1]))
case("one_hot", "given classes, 2-d", self=torch.tensor([[0, 2], [1, 0]]), num_classes=4)
case("var_mean.correction", "all elements", self=U(3, 4), dim=None)
case("var_mean.correction", "dim 1 correction 0 keepdim", self=U(3, 4), dim=[1], correction=0, keepdim=True)
case("std_mean.correction", "dim 0", self=U(4, 3), dim=[0])
case("std_mean.correction", "two dims correction 2", self=F(2, 3, 4), dim=[0, 2], correction=2)
case("max.other", "broadcast", self=U(3, 4), other=U(4))
case("max.other", "int64", self=torch.tensor([1, -5, 7]), other=torch.tensor([2, -6, 7]))
case("min.other", "broadcast", self=U(3, 1), other=U(1, 4))
case("min.other", "float32", self=F(5), other=F(5))
case("_reshape_alias", "contiguous view", self=U(2, 6), size=[3, 4], stride=[4, 1])
case("_reshape_alias", "transposing strides", self=U(2, 3), size=[3, 2], stride=[1, 3])
ba = torch.tensor([True, True, False, False])
bb = torch.tensor([True, False, True, False])
ia = torch.tensor([12, -7, 0, 2**40 + 5, -(2**50)])  # exact in the file's doubles
ib = torch.tensor([10, 3, -1, 7, 2**50 - 1])
for nm in ("bitwise_and.Tensor", "bitwise_or.Tensor", "bitwise_xor.Tensor"):
    case(nm, "bool", self=ba, other=bb)
    case(nm, "bool broadcast", self=torch.tensor([[True], [False]]), other=torch.tensor([True, False, True]))
    case(nm, "int64", self=ia, other=ib)
    case(nm, "uint8 with int32 broadcast", self=torch.tensor([[255], [6]], dtype=torch.uint8),
         other=torch.tensor([-1, 3, 256], dtype=torch.int32))
    case(nm, "bool with int64", self=torch.tensor([True, False]), other=torch.tensor([4, 5]))
case("bitwise_not", "bool", self=ba)
case("bitwise_not", "int64", self=ia)
case("bitwise_not", "uint8", self=torch.tensor([0, 1, 200, 255], dtype=torch.uint8))
case("bitwise_not", "int32 transposed", self=torch.tensor([[1, -2], [3, -4]], dtype=torch.int32).t())

# ---- activations -----------------------------------------------------------------------------
act = U(3, 5, lo=-4, hi=4)
case("elu", "defaults", self=act)
case("elu", "alpha scale input_scale", self=act, alpha=0.7, scale=1.5, input_scale=2.0)
case("elu_", "in place", self=F(4, 3, lo=-3, hi=3), alpha=1.2)
case("selu", "float64", self=act)
case("selu_", "in place", self=F(6, lo=-3, hi=3))
case("celu", "alpha 2", self=act, alpha=2.0)
case("celu_", "in place", self=F(6, lo=-3, hi=3), alpha=0.5)
case("hardtanh", "defaults", self=act)
case("hardtanh", "custom range", self=act, min_val=-0.5, max_val=2.5)
case("hardtanh_", "in place", self=F(7, lo=-3, hi=3), min_val=0.0, max_val=1.0)
case("relu6", "range", self=U(3, 5, lo=-8, hi=8))
case("relu6_", "in place", self=F(8, lo=-8, hi=8))
case("leaky_relu", "default slope", self=act)
case("leaky_relu", "slope 0.2", self=F(3, 4, lo=-4, hi=4), negative_slope=0.2)
case("leaky_relu_", "in place", self=U(6, lo=-4, hi=4), negative_slope=0.3)
case("softplus", "defaults", self=U(3, 5, lo=-30, hi=30))
case("softplus", "beta 2 threshold 5", self=act, beta=2, threshold=5)
case("softshrink", "default lambda", self=act)
case("softshrink", "lambda 1.5", self=F(3, 4, lo=-4, hi=4), lambd=1.5)
case("hardshrink", "default lambda", self=act)
case("hardshrink", "lambda 1", self=F(3, 4, lo=-3, hi=3), lambd=1.0)
case("threshold", "threshold 0.5 value -1", self=act, threshold=0.5, value=-1.0)
case("threshold", "int64", self=torch.tensor([-2, 0, 3, 5]), threshold=2, value=9)
case("threshold_", "in place", self=F(6, lo=-2, hi=2), threshold=0.0, value=0.25)
case("glu", "last dim", self=U(3, 6))
case("glu", "dim 0", self=F(4, 3), dim=0)
case("log_sigmoid", "wide range", self=U(3, 5, lo=-40, hi=40))
case("log_sigmoid", "float32", self=F(8, lo=-6, hi=6))
case("mish", "float64", self=act)
case("mish_", "in place", self=F(6, lo=-5, hi=5))
case("hardswish", "float64", self=act)
case("hardswish_", "in place", self=F(8, lo=-5, hi=5))
case("hardsigmoid", "float64", self=act)
case("hardsigmoid_", "in place", self=F(8, lo=-5, hi=5))
case("rrelu", "eval uses the mean slope", self=act, training=False)
case("rrelu", "eval custom bounds", self=F(3, 4, lo=-3, hi=3), lower=0.1, upper=0.5, training=False)
case("rrelu_", "eval in place", self=U(5, lo=-3, hi=3), lower=0.2, upper=0.4)
case("prelu", "per channel", self=U(2, 3, 4), weight=U(3, lo=0, hi=0.5))
case("prelu", "one weight", self=F(3, 4, lo=-2, hi=2), weight=torch.tensor([0.25]))
case("prelu", "1-d input", self=U(5), weight=torch.tensor([0.1], dtype=torch.float64))
case("feature_dropout", "eval is the identity", input=U(2, 3, 4), p=0.5, train=False)
case("alpha_dropout", "eval is the identity", input=U(2, 3), p=0.3, train=False)
case("feature_alpha_dropout", "eval is the identity", input=F(2, 3, 4), p=0.3, train=False)
case("feature_dropout", "p 0 is the identity", input=U(2, 3, 4), p=0.0, train=True)

# ---- losses -----------------------------------------------------------------------------------
inp, tgt = U(4, 5), U(4, 5)
for red in (MEAN, SUM, NONE):
    case("l1_loss", "reduction %d" % red, self=inp, target=tgt, reduction=red)
    case("smooth_l1_loss", "reduction %d" % red, self=inp, target=tgt, reduction=red, beta=0.5)
    case("huber_loss", "reduction %d" % red, self=inp, target=tgt, reduction=red, delta=0.7)
case("smooth_l1_loss", "beta 0 is l1", self=inp, target=tgt, beta=0.0)
case("l1_loss", "float32", self=F(3, 4), target=F(3, 4))
lp = torch.log_softmax(U(4, 5), 1)
case("kl_div", "mean", self=lp, target=torch.softmax(U(4, 5), 1))
case("kl_div", "log target sum", self=lp, target=torch.log_softmax(U(4, 5), 1), reduction=SUM, log_target=True)
case("kl_div", "zero targets, none", self=lp, target=torch.tensor([[0.0, 0.5, 0.5, 0.0, 0.0]] * 4, dtype=torch.float64), reduction=NONE)
prob = U(3, 4, lo=0.02, hi=0.98)
case("binary_cross_entropy", "mean", self=prob, target=U(3, 4, lo=0, hi=1))
case("binary_cross_entropy", "weight, sum", self=prob, target=torch.randint(0, 2, (3, 4)).double(), weight=U(4, lo=0, hi=2), reduction=SUM)
case("binary_cross_entropy", "log clamped at -100", self=torch.tensor([0.0, 1.0, 0.5], dtype=torch.float64), target=torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64), reduction=NONE)
pm1 = torch.tensor([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]], dtype=torch.float64)
case("hinge_embedding_loss", "mean", self=U(2, 3), target=pm1)
case("hinge_embedding_loss", "margin 0.5 none", self=U(2, 3), target=pm1, margin=0.5, reduction=NONE)
cls = torch.tensor([1, 0, 4, 2])
case("multi_margin_loss", "p 1", self=U(4, 5), target=cls)
case("multi_margin_loss", "p 2 margin weight sum", self=U(4, 5), target=cls, p=2, margin=0.7, weight=U(5, lo=0.1, hi=2), reduction=SUM)
case("multi_margin_loss", "none", self=F(4, 5), target=cls, reduction=NONE)
mlt = torch.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 0, 0, 0]])
case("multilabel_margin_loss", "mean", self=U(3, 4), target=mlt)
case("multilabel_margin_loss", "none", self=U(3, 4), target=mlt, reduction=NONE)
case("multilabel_margin_loss", "1-d sum", self=U(4), target=torch.tensor([2, 1, -1, 3]), reduction=SUM)
case("soft_margin_loss", "mean", self=U(3, 4), target=torch.sign(U(3, 4)))
case("soft_margin_loss", "none", self=F(3, 4), target=torch.sign(F(3, 4)), reduction=NONE)
case("cosine_embedding_loss", "mean", input1=U(4, 5), input2=U(4, 5), target=torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64))
case("cosine_embedding_loss", "margin none", input1=U(4, 5), input2=U(4, 5), target=torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64), margin=0.2, reduction=NONE)
case("margin_ranking_loss", "mean", input1=U(6), input2=U(6), target=torch.sign(U(6)))
case("margin_ranking_loss", "margin sum", input1=U(6), input2=U(6), target=torch.sign(U(6)), margin=0.3, reduction=SUM)
case("triplet_margin_loss", "defaults", anchor=U(4, 5), positive=U(4, 5), negative=U(4, 5))
case("triplet_margin_loss", "p 1 swap none", anchor=U(4, 5), positive=U(4, 5), negative=U(4, 5), margin=0.5, p=1.0, swap=True, reduction=NONE)
case("poisson_nll_loss", "log input", input=U(3, 4), target=U(3, 4, lo=0, hi=4), log_input=True, full=False, eps=1e-8, reduction=MEAN)
case("poisson_nll_loss", "rates, full, sum", input=U(3, 4, lo=0.1, hi=3), target=torch.tensor([[0.0, 1.0, 2.0, 5.0]] * 3, dtype=torch.float64), log_input=False, full=True, eps=1e-8, reduction=SUM)
case("poisson_nll_loss", "full none", input=U(2, 3), target=torch.tensor([[0.5, 1.0, 3.0], [0.0, 2.0, 1.0]], dtype=torch.float64), log_input=True, full=True, eps=1e-8, reduction=NONE)
T, N, C = 6, 2, 4
ctc_lp = torch.log_softmax(U(T, N, C), 2)
ctc_t = torch.tensor([[1, 2, 2], [3, 1, 0]])
case("ctc_loss.IntList", "mean over target lengths", log_probs=ctc_lp, targets=ctc_t, input_lengths=[6, 5], target_lengths=[3, 2])
case("ctc_loss.IntList", "sum, blank 3", log_probs=ctc_lp, targets=torch.tensor([[1, 2, 0], [0, 1, 1]]), input_lengths=[6, 6], target_lengths=[3, 3], blank=3, reduction=SUM)
case("ctc_loss.IntList", "none, concatenated targets", log_probs=ctc_lp, targets=torch.tensor([1, 1, 2, 3]), input_lengths=[6, 4], target_lengths=[2, 2], reduction=NONE)
case("ctc_loss.IntList", "impossible alignment is inf", log_probs=ctc_lp, targets=torch.tensor([[1, 1, 1], [2, 2, 2]]), input_lengths=[3, 6], target_lengths=[3, 3], reduction=NONE)
case("ctc_loss.IntList", "zero_infinity", log_probs=ctc_lp, targets=torch.tensor([[1, 1, 1], [2, 2, 2]]), input_lengths=[3, 6], target_lengths=[3, 3], reduction=NONE, zero_infinity=True)
case("ctc_loss.Tensor", "tensor lengths", log_probs=ctc_lp.float(), targets=ctc_t, input_lengths=torch.tensor([6, 4]), target_lengths=torch.tensor([3, 2]))

# ---- distances --------------------------------------------------------------------------------
case("cosine_similarity", "dim 1", x1=U(3, 5), x2=U(3, 5))
case("cosine_similarity", "broadcast dim 0", x1=U(4, 3), x2=U(4, 1), dim=0)
case("cosine_similarity", "zero vector uses eps", x1=torch.zeros(2, 3, dtype=torch.float64), x2=U(2, 3))
case("pairwise_distance", "p 2", x1=U(4, 5), x2=U(4, 5))
case("pairwise_distance", "p 1 keepdim", x1=U(4, 5), x2=U(5), p=1.0, keepdim=True)
case("pairwise_distance", "p inf", x1=F(3, 4), x2=F(3, 4), p=float("inf"))
case("pdist", "p 2", self=U(5, 3))
case("pdist", "p 1", self=U(4, 3), p=1.0)
case("pdist", "p 3", self=U(4, 2), p=3.0)
case("cdist", "p 2", x1=U(4, 3), x2=U(5, 3))
case("cdist", "batched p 1", x1=U(2, 3, 4), x2=U(2, 5, 4), p=1.0)
case("cdist", "p 0 counts differences", x1=torch.tensor([[0.0, 1.0], [2.0, 2.0]], dtype=torch.float64), x2=torch.tensor([[0.0, 1.0], [2.0, 3.0], [1.0, 1.0]], dtype=torch.float64), p=0.0)
case("cdist", "p inf", x1=U(3, 4), x2=U(2, 4), p=float("inf"))

# ---- convolutions ----------------------------------------------------------------------------
case("conv1d", "bias stride padding", input=U(2, 3, 9), weight=U(4, 3, 3), bias=U(4), stride=[2], padding=[1])
case("conv1d", "groups dilation", input=F(1, 4, 10), weight=F(6, 2, 3), dilation=[2], groups=2)
case("conv3d", "bias padding", input=U(1, 2, 4, 5, 5), weight=U(3, 2, 2, 3, 3), bias=U(3), padding=[0, 1, 1])
case("conv3d", "stride groups", input=F(2, 4, 5, 5, 5), weight=F(4, 2, 3, 3, 3), stride=[2, 2, 2], groups=2)
case("conv_transpose1d", "stride output_padding", input=U(2, 3, 5), weight=U(3, 2, 3), bias=U(2), stride=[2], padding=[1], output_padding=[1])
case("conv_transpose1d", "groups dilation", input=F(1, 4, 6), weight=F(4, 1, 3), groups=2, dilation=[2])
case("conv_transpose2d.input", "stride padding", input=U(2, 3, 4, 4), weight=U(3, 2, 3, 3), bias=U(2), stride=[2, 2], padding=[1, 1])
case("conv_transpose2d.input", "output_padding groups", input=F(1, 4, 3, 5), weight=F(4, 3, 2, 3), stride=[2, 3], output_padding=[1, 2], groups=2)
case("conv_transpose3d.input", "stride", input=U(1, 2, 3, 3, 3), weight=U(2, 3, 2, 2, 2), bias=U(3), stride=[2, 2, 2])
case("conv_transpose3d.input", "padding dilation", input=F(1, 2, 4, 3, 3), weight=F(2, 2, 3, 3, 3), padding=[1, 1, 1], dilation=[1, 2, 1])

# ---- pooling ----------------------------------------------------------------------------------
case("max_pool1d", "kernel 3 stride 2", self=distinct(2, 3, 9), kernel_size=[3], stride=[2])
case("max_pool1d", "padding dilation ceil", self=distinct(1, 2, 10, dtype=torch.float32), kernel_size=[2], stride=[3], padding=[1], dilation=[2], ceil_mode=True)
case("max_pool1d_with_indices", "default stride", self=distinct(2, 2, 8), kernel_size=[2])
case("max_pool1d_with_indices", "unbatched padding", self=distinct(3, 7), kernel_size=[3], stride=[2], padding=[1])
case("max_pool3d", "kernel 2", self=distinct(1, 2, 4, 4, 4), kernel_size=[2, 2, 2])
case("max_pool3d", "padding ceil", self=distinct(1, 1, 5, 5, 5, dtype=torch.float32), kernel_size=[3, 3, 3], stride=[2, 2, 2], padding=[1, 1, 1], ceil_mode=True)
case("max_pool3d_with_indices", "stride dilation", self=distinct(2, 1, 5, 6, 6), kernel_size=[2, 2, 2], stride=[1, 2, 2], dilation=[2, 1, 1])
case("avg_pool1d", "kernel 3 stride 2", self=U(2, 3, 9), kernel_size=[3], stride=[2])
case("avg_pool1d", "padding exclude pad ceil", self=F(1, 2, 8), kernel_size=[3], stride=[2], padding=[1], ceil_mode=True, count_include_pad=False)
case("avg_pool3d", "kernel 2", self=U(1, 2, 4, 4, 4), kernel_size=[2, 2, 2])
case("avg_pool3d", "padding divisor", self=U(1, 1, 5, 5, 4), kernel_size=[3, 3, 2], stride=[2, 2, 2], padding=[1, 1, 1], divisor_override=5)
case("avg_pool3d", "exclude pad ceil", self=F(2, 1, 5, 5, 5), kernel_size=[3, 3, 3], stride=[2, 2, 2], padding=[1, 1, 1], ceil_mode=True, count_include_pad=False)
case("adaptive_avg_pool1d", "uneven", self=U(2, 3, 10), output_size=[4])
case("adaptive_avg_pool1d", "unbatched", self=F(3, 7), output_size=[3])
case("adaptive_avg_pool3d", "uneven", self=U(1, 2, 5, 6, 7), output_size=[2, 3, 4])
case("adaptive_avg_pool3d", "to one", self=F(2, 2, 3, 4, 5), output_size=[1, 1, 1])
case("adaptive_max_pool1d", "uneven", self=distinct(2, 3, 10), output_size=[4])
case("adaptive_max_pool2d", "uneven", self=distinct(2, 2, 7, 9), output_size=[3, 4])
case("adaptive_max_pool2d", "unbatched float32", self=distinct(3, 5, 5, dtype=torch.float32), output_size=[2, 2])
case("adaptive_max_pool3d", "uneven", self=distinct(1, 2, 5, 6, 7), output_size=[2, 3, 3])
case("fractional_max_pool2d", "square", self=distinct(2, 3, 9, 9), kernel_size=[2, 2], output_size=[4, 4], random_samples=U(2, 3, 2, lo=0, hi=1))
case("fractional_max_pool2d", "non-square", self=distinct(1, 2, 8, 11), kernel_size=[3, 2], output_size=[5, 6], random_samples=U(1, 2, 2, lo=0, hi=1))
case("fractional_max_pool3d", "cube", self=distinct(1, 2, 7, 7, 7), kernel_size=[2, 2, 2], output_size=[3, 3, 3], random_samples=U(1, 2, 3, lo=0, hi=1))
case("fractional_max_pool3d", "non-cube", self=distinct(2, 1, 6, 8, 9), kernel_size=[2, 3, 2], output_size=[4, 5, 3], random_samples=U(2, 1, 3, lo=0, hi=1))
pooled, idx = torch.nn.functional.max_pool2d(distinct(2, 3, 6, 6), 2, return_indices=True)
case("max_unpool2d", "inverse of pooling", self=pooled, indices=idx, output_size=[6, 6])
pooled, idx = torch.nn.functional.max_pool2d(distinct(1, 2, 5, 7), 2, stride=2, return_indices=True)
case("max_unpool2d", "larger output", self=pooled, indices=idx, output_size=[5, 7])
pooled, idx = torch.nn.functional.max_pool3d(distinct(1, 2, 4, 4, 4), 2, return_indices=True)
case("max_unpool3d", "inverse of pooling", self=pooled, indices=idx, output_size=[4, 4, 4], stride=[2, 2, 2], padding=[0, 0, 0])

# ---- padding ----------------------------------------------------------------------------------
case("constant_pad_nd", "two dims value", self=U(2, 3, 4), pad=[1, 2, 0, 1], value=-1.5)
case("constant_pad_nd", "negative pads crop", self=U(3, 5), pad=[-1, 2, 1, -1])
case("constant_pad_nd", "int64", self=torch.arange(6).reshape(2, 3), pad=[1, 1], value=7)
case("reflection_pad1d", "batched", self=U(2, 3, 5), padding=[2, 3])
case("reflection_pad1d", "unbatched", self=F(2, 4), padding=[3, 1])
case("reflection_pad2d", "batched", self=U(1, 2, 4, 5), padding=[1, 2, 3, 1])
case("reflection_pad2d", "unbatched", self=F(2, 3, 3), padding=[2, 2, 1, 0])
case("reflection_pad3d", "batched", self=U(1, 2, 3, 4, 4), padding=[1, 2, 2, 1, 1, 2])
case("replication_pad1d", "batched", self=U(2, 3, 4), padding=[3, 2])
case("replication_pad2d", "batched", self=U(1, 2, 3, 4), padding=[2, 1, 0, 3])
case("replication_pad2d", "unbatched", self=F(2, 3, 3), padding=[1, 1, 2, 2])
case("replication_pad3d", "batched", self=U(1, 2, 3, 3, 4), padding=[1, 2, 2, 0, 1, 1])
case("_pad_circular", "1-d", self=U(2, 3, 5), pad=[2, 1])
case("_pad_circular", "2-d", self=U(1, 2, 4, 5), pad=[1, 2, 3, 1])
case("_pad_circular", "3-d", self=F(1, 1, 3, 3, 4), pad=[1, 1, 2, 0, 1, 2])

# ---- upsampling, resampling -------------------------------------------------------------------
case("upsample_nearest1d", "size", self=U(2, 3, 5), output_size=[12])
case("upsample_nearest1d", "scale", self=F(1, 2, 4), output_size=[10], scales=2.5)
case("upsample_nearest2d", "size", self=U(1, 2, 3, 4), output_size=[7, 5])
case("upsample_nearest2d", "scales", self=F(2, 1, 3, 3), output_size=[6, 9], scales_h=2.0, scales_w=3.0)
case("upsample_nearest3d", "size", self=U(1, 2, 2, 3, 3), output_size=[3, 5, 7])
case("_upsample_nearest_exact1d", "size", self=U(2, 3, 5), output_size=[12])
case("_upsample_nearest_exact1d", "down", self=F(1, 2, 9), output_size=[4])
case("_upsample_nearest_exact2d", "size", self=U(1, 2, 3, 4), output_size=[7, 5])
case("_upsample_nearest_exact3d", "size", self=U(1, 2, 2, 3, 3), output_size=[3, 5, 7])
case("upsample_linear1d", "align corners", self=U(2, 3, 5), output_size=[9], align_corners=True)
case("upsample_linear1d", "half pixel", self=F(1, 2, 4), output_size=[11], align_corners=False)
case("upsample_linear1d", "scale", self=U(1, 1, 4), output_size=[6], align_corners=False, scales=1.5)
case("upsample_bilinear2d", "align corners", self=U(1, 2, 3, 4), output_size=[5, 7], align_corners=True)
case("upsample_bilinear2d", "half pixel, down", self=F(2, 1, 6, 7), output_size=[4, 3], align_corners=False)
case("upsample_bicubic2d", "align corners", self=U(1, 2, 4, 4), output_size=[7, 6], align_corners=True)
case("upsample_bicubic2d", "half pixel", self=F(1, 1, 5, 4), output_size=[8, 9], align_corners=False)
case("upsample_trilinear3d", "align corners", self=U(1, 2, 2, 3, 3), output_size=[3, 5, 4], align_corners=True)
case("upsample_trilinear3d", "half pixel", self=F(1, 1, 3, 3, 2), output_size=[5, 4, 4], align_corners=False)
case("pixel_shuffle", "factor 2", self=U(2, 8, 3, 4), upscale_factor=2)
case("pixel_shuffle", "factor 3 unbatched", self=F(9, 2, 2), upscale_factor=3)
case("pixel_unshuffle", "factor 2", self=U(2, 2, 4, 6), downscale_factor=2)
case("pixel_unshuffle", "factor 3 unbatched", self=F(1, 6, 3), downscale_factor=3)
case("im2col", "kernel 2x3", self=U(2, 3, 5, 6), kernel_size=[2, 3], dilation=[1, 1], padding=[0, 0], stride=[1, 1])
case("im2col", "padding stride dilation", self=F(1, 2, 6, 7), kernel_size=[3, 2], dilation=[2, 1], padding=[1, 2], stride=[2, 3])
case("col2im", "inverse shape of im2col", self=U(2, 3 * 6, 16), output_size=[5, 6], kernel_size=[2, 3], dilation=[1, 1], padding=[0, 0], stride=[1, 1])
case("col2im", "padding stride dilation", self=F(1, 2 * 6, 8), output_size=[6, 7], kernel_size=[3, 2], dilation=[2, 1], padding=[1, 2], stride=[2, 3])
theta2 = U(2, 2, 3, lo=-1, hi=1)
case("affine_grid_generator", "2-d align corners", theta=theta2, size=[2, 3, 4, 5], align_corners=True)
case("affine_grid_generator", "2-d half pixel", theta=theta2, size=[2, 1, 3, 3], align_corners=False)
case("affine_grid_generator", "3-d", theta=U(1, 3, 4, lo=-1, hi=1), size=[1, 2, 2, 3, 4], align_corners=False)
gs_in, gs_grid = U(2, 3, 4, 5), U(2, 3, 6, 2, lo=-1.2, hi=1.2)
for mode in (0, 1, 2):
    for pad in (0, 1, 2):
        for ac in (False, True):
            case("grid_sampler", "2-d mode %d padding %d align %d" % (mode, pad, ac), input=gs_in, grid=gs_grid,
                 interpolation_mode=mode, padding_mode=pad, align_corners=ac)
gs3_in, gs3_grid = U(1, 2, 3, 4, 4), U(1, 2, 3, 2, 3, lo=-1.2, hi=1.2)
for mode in (0, 1):
    for pad in (0, 1, 2):
        case("grid_sampler", "3-d mode %d padding %d" % (mode, pad), input=gs3_in, grid=gs3_grid,
             interpolation_mode=mode, padding_mode=pad, align_corners=False)

# ---- normalization ----------------------------------------------------------------------------
case("group_norm", "affine", input=U(2, 6, 3, 4), num_groups=3, weight=U(6), bias=U(6))
case("group_norm", "no affine, 3-d input", input=F(3, 4, 5), num_groups=2, eps=1e-3)
case("instance_norm", "affine, batch stats", input=U(2, 3, 4, 5), weight=U(3), bias=U(3), running_mean=None, running_var=None,
     use_input_stats=True, momentum=0.1, eps=1e-5, cudnn_enabled=False)
case("instance_norm", "running stats", input=U(2, 3, 6), weight=None, bias=None, running_mean=U(3), running_var=P(3),
     use_input_stats=False, momentum=0.1, eps=1e-5, cudnn_enabled=False)

# ---- embedding bags, bilinear, recurrent cells ------------------------------------------------
W = U(10, 3)
bag_idx = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
bag_off = torch.tensor([0, 3, 3, 6])
for mode in (0, 1, 2):
    case("embedding_bag", "mode %d with an empty bag" % mode, outputs=[0] + ([3] if mode == 2 else []),
         weight=W, indices=bag_idx, offsets=bag_off, mode=mode)
case("embedding_bag", "per sample weights", outputs=[0], weight=W, indices=bag_idx, offsets=bag_off, mode=0, per_sample_weights=U(8))
case("embedding_bag", "include last offset", outputs=[0], weight=W, indices=bag_idx, offsets=torch.tensor([0, 3, 6, 8]), mode=1, include_last_offset=True)
for mode in (0, 1, 2):
    case("embedding_bag.padding_idx", "mode %d padding 4" % mode, outputs=[0],
         weight=W, indices=bag_idx, offsets=bag_off, scale_grad_by_freq=False, mode=mode, sparse=False,
         per_sample_weights=None, include_last_offset=False, padding_idx=4)
case("bilinear", "bias", input1=U(4, 3), input2=U(4, 5), weight=U(2, 3, 5), bias=U(2))
case("bilinear", "batched, no bias", input1=F(2, 3, 3), input2=F(2, 3, 4), weight=F(5, 3, 4))
H, I, B = 4, 3, 2
for nm in ("rnn_tanh_cell", "rnn_relu_cell"):
    case(nm, "biases", input=U(B, I), hx=U(B, H), w_ih=U(H, I), w_hh=U(H, H), b_ih=U(H), b_hh=U(H))
    case(nm, "no biases", input=F(B, I), hx=F(B, H), w_ih=F(H, I), w_hh=F(H, H))
case("lstm_cell", "biases", input=U(B, I), hx=[U(B, H), U(B, H)], w_ih=U(4 * H, I), w_hh=U(4 * H, H), b_ih=U(4 * H), b_hh=U(4 * H))
case("lstm_cell", "no biases", input=F(B, I), hx=[F(B, H), F(B, H)], w_ih=F(4 * H, I), w_hh=F(4 * H, H))
case("gru_cell", "biases", input=U(B, I), hx=U(B, H), w_ih=U(3 * H, I), w_hh=U(3 * H, H), b_ih=U(3 * H), b_hh=U(3 * H))
case("gru_cell", "no biases", input=F(B, I), hx=F(B, H), w_ih=F(3 * H, I), w_hh=F(3 * H, H))

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "nn_catalogue_cases.txt")
os.makedirs(os.path.dirname(out_path), exist_ok=True)
with open(out_path, "w") as f:
    f.write("# Generated by tests/ops/generate_nn_catalogue_cases.py with PyTorch %s; do not edit.\n" % torch.__version__)
    f.write("\n".join(lines) + "\n")
print("%d cases of %d operators -> %s" % (sum(1 for l in lines if l.startswith("case ")), len(names_seen), out_path))
