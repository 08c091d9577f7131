"""onnxruntime against torch eager on the same model, weights and batches.

    python -m benchmarks.bench_model [--batches 1 64 4096 65536] [--threads 1]

The torch model is model.onnx itself, executed op by op with the equivalent torch operators in
eager mode, with the weights read from its initializers (and constant subgraphs such as the
``Abs`` of a sign-constrained weight folded once), so both run the same arithmetic whatever
network training/ exports. Outputs are checked equal (allclose) before timing. Both run with
the same number of threads (default 1: what a gunicorn worker's session uses). Reported:
median seconds per call, rows/s, and torch / onnxruntime.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from .common import ARTIFACTS, median, rnd

BATCHES = (1, 64, 4096, 65536)


def _torch_model(model_path: Path):
    """(module, how it was built): features -> (probability, logit), in eval mode.

    The ONNX graph executed op by op with the equivalent torch operators (eager), after folding
    the nodes that depend only on initializers (e.g. ``Abs`` of a weight) once at load time,
    so torch does per call exactly the arithmetic onnxruntime does. This follows whatever
    network training/ exports (plain MLP or the sign-constrained one) without knowing it.
    """
    import onnx
    import torch
    from onnx import numpy_helper

    graph = onnx.load(str(model_path)).graph
    consts = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
              for i in graph.initializer}
    steps = []
    for node in graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Constant":
            consts[node.output[0]] = torch.from_numpy(numpy_helper.to_array(attrs["value"]))
            continue
        fn = _op(node.op_type, attrs, node.input, consts)
        if all(not i or i in consts for i in node.input):  # fold constant subgraphs once
            outs = fn([consts.get(i) for i in node.input])
            consts.update(zip(node.output, outs if isinstance(outs, tuple) else (outs,),
                              strict=False))
        else:
            steps.append((fn, list(node.input), list(node.output)))
    in_name = graph.input[0].name
    out_names = [o.name for o in graph.output]

    class OnnxInTorch(torch.nn.Module):
        def forward(self, x):
            env = dict(consts)
            env[in_name] = x
            for fn, ins, outs in steps:
                res = fn([env.get(i) for i in ins])
                if isinstance(res, tuple):
                    env.update(zip(outs, res, strict=False))
                else:
                    env[outs[0]] = res
            values = {n: env[n] for n in out_names}
            return values["probability"], values["logit"]

    ops = sorted({n.op_type for n in graph.node})
    return OnnxInTorch().eval(), f"model.onnx run op by op in torch eager ({', '.join(ops)})"


def _op(kind: str, attrs: dict, inputs, consts):
    """A torch callable for one ONNX node (the ops the exported scorers use)."""
    import torch

    unary = {"Relu": torch.relu, "Neg": torch.neg, "Abs": torch.abs, "Sigmoid": torch.sigmoid,
             "Tanh": torch.tanh, "Exp": torch.exp, "Log": torch.log, "Identity": lambda a: a,
             "Softplus": torch.nn.functional.softplus, "Sqrt": torch.sqrt}
    binary = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div,
              "MatMul": torch.matmul, "Max": torch.maximum, "Min": torch.minimum,
              "Pow": torch.pow}
    if kind in unary:
        f = unary[kind]
        return lambda v: f(v[0])
    if kind in binary:
        f = binary[kind]
        return lambda v: f(v[0], v[1])
    if kind == "Gemm":
        alpha, beta = attrs.get("alpha", 1.0), attrs.get("beta", 1.0)
        ta, tb = attrs.get("transA", 0), attrs.get("transB", 0)
        if alpha == 1.0 and beta == 1.0 and not ta and tb and len(inputs) == 3:
            return lambda v: torch.nn.functional.linear(v[0], v[1], v[2])

        def gemm(v):
            a, b = (v[0].T if ta else v[0]), (v[1].T if tb else v[1])
            out = alpha * (a @ b)
            return out + beta * v[2] if len(v) > 2 and v[2] is not None else out
        return gemm
    if kind == "Clip":
        lo = consts.get(inputs[1]) if len(inputs) > 1 and inputs[1] else attrs.get("min")
        hi = consts.get(inputs[2]) if len(inputs) > 2 and inputs[2] else attrs.get("max")
        lo, hi = (None if t is None else float(t) for t in (lo, hi))
        return lambda v: torch.clamp(v[0], lo, hi)
    if kind == "Concat":
        axis = attrs["axis"]
        return lambda v: torch.cat(v, dim=axis)
    if kind == "Slice":
        starts, ends = (consts[inputs[i]].tolist() for i in (1, 2))
        axes = consts[inputs[3]].tolist() if len(inputs) > 3 and inputs[3] else \
            list(range(len(starts)))
        steps_ = consts[inputs[4]].tolist() if len(inputs) > 4 and inputs[4] else \
            [1] * len(starts)

        def slice_(v):
            index = [slice(None)] * v[0].dim()
            for a, s0, e0, st in zip(axes, starts, ends, steps_, strict=True):
                index[a] = slice(s0, min(e0, 2**62), st)
            return v[0][tuple(index)]
        return slice_
    if kind == "Squeeze":
        axes = consts[inputs[1]].tolist() if len(inputs) > 1 and inputs[1] else \
            attrs.get("axes")
        return lambda v: torch.squeeze(v[0], dim=tuple(axes)) if axes else torch.squeeze(v[0])
    if kind == "Unsqueeze":
        axes = consts[inputs[1]].tolist() if len(inputs) > 1 and inputs[1] else attrs["axes"]

        def unsqueeze(v):
            out = v[0]
            for a in sorted(axes):
                out = out.unsqueeze(a)
            return out
        return unsqueeze
    if kind == "Reshape":
        shape = consts[inputs[1]].tolist()
        return lambda v: v[0].reshape([s if s != 0 else v[0].shape[i]
                                       for i, s in enumerate(shape)])
    if kind == "Gather":  # numpy.take along ``axis``
        axis = attrs.get("axis", 0)

        def gather(v):
            data, index = v[0], v[1].long()
            index = torch.where(index < 0, index + data.shape[axis], index)
            picked = torch.index_select(data, axis, index.reshape(-1))
            return picked.reshape(data.shape[:axis] + index.shape + data.shape[axis + 1:])
        return gather
    if kind == "Where":
        return lambda v: torch.where(v[0], v[1], v[2])
    if kind == "Cast":
        return lambda v: v[0].float() if attrs.get("to") == 1 else v[0]
    raise NotImplementedError(f"ONNX op {kind} has no torch equivalent here")


def _time_calls(fn, min_seconds: float, max_calls: int) -> tuple[float, int]:
    """Median seconds per call over repeated calls lasting about ``min_seconds``."""
    fn()  # warm-up
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_calls and (time.perf_counter() - start < min_seconds
                                      or len(times) < 3):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times), len(times)


def run(batches: tuple[int, ...] = BATCHES, threads: int = 1, min_seconds: float = 0.5,
        artifacts: Path = ARTIFACTS) -> dict[str, Any]:
    import onnxruntime as ort
    import torch

    model_path = artifacts / "model.onnx"
    torch.set_num_threads(threads)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    model, built = _torch_model(model_path)
    n_features = session.get_inputs()[0].shape[-1]
    rng = np.random.default_rng(0)
    x_all = rng.standard_normal((max(batches), n_features)).astype(np.float32)

    with torch.inference_mode():
        p_t, z_t = (v.numpy() for v in model(torch.from_numpy(x_all[:4096])))
    p_o, z_o = session.run(["probability", "logit"], {"features": x_all[:4096]})
    max_diff = float(max(np.abs(p_t - p_o).max(), np.abs(z_t - z_o).max()))
    if not (np.allclose(p_t, p_o, atol=1e-5) and np.allclose(z_t, z_o, atol=1e-4)):
        raise AssertionError(f"torch and onnxruntime disagree (max |diff| {max_diff:.2e}); "
                             "the comparison would be meaningless")

    rows = []
    for b in batches:
        x = x_all[:b]
        xt = torch.from_numpy(x)
        max_calls = max(5, min(20_000, 2_000_000 // b))

        def run_ort(x=x):
            return session.run(["probability", "logit"], {"features": x})

        def run_torch(xt=xt):
            with torch.inference_mode():
                return model(xt)

        # Alternate the two, twice, so load from elsewhere hits both alike.
        o1, n1 = _time_calls(run_ort, min_seconds / 2, max_calls)
        t1, m1 = _time_calls(run_torch, min_seconds / 2, max_calls)
        o2, n2 = _time_calls(run_ort, min_seconds / 2, max_calls)
        t2, m2 = _time_calls(run_torch, min_seconds / 2, max_calls)
        ort_s, torch_s = min(o1, o2), min(t1, t2)
        rows.append({"batch": b, "onnxruntime_ms": rnd(ort_s * 1e3, 4),
                     "torch_eager_ms": rnd(torch_s * 1e3, 4),
                     "onnxruntime_rows_per_s": round(b / ort_s),
                     "torch_rows_per_s": round(b / torch_s),
                     "torch_over_onnxruntime": rnd(torch_s / ort_s, 2),
                     "calls": [n1 + n2, m1 + m2]})
    return {"threads": threads, "torch_model": built, "parity_max_abs_diff": max_diff,
            "batches": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=list(BATCHES))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    args = parser.parse_args()
    print(json.dumps(run(tuple(args.batches), args.threads, artifacts=args.artifacts), indent=2))


if __name__ == "__main__":
    main()
