#!/usr/bin/env python3
"""ONNX Runtime int8 peer of engine-bench: the same BERT sentence encoder (mean pooling + L2),
built as an ONNX graph with onnx.helper from the same Hugging Face safetensors, quantized with
onnxruntime.quantization.quantize_dynamic (int8 weights, per channel), timed on the same inputs.

Variants, the best of which is reported per configuration:
  graph    "plain": the graph as written; "fused": after onnxruntime.transformers.optimizer
           (fused Attention / SkipLayerNormalization / BiasGelu), then quantized.
  session  default optimizers, or with SkipLayerNormFusion disabled (disabled_optimizers).

    ort_bench.py --hf-model DIR --threads 1 --batches 1 8 32 --lengths 16 64 128 --seconds 2
Prints one JSON object per configuration (and one for the batch-1 latency when asked).
"""
import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import QuantType, quantize_dynamic
from safetensors.numpy import load_file


def token_ids(batch, length, vocab):
    """The inputs engine-bench uses: [CLS] (101), deterministic ids in 1000..20999, [SEP] (102)."""
    ids = np.empty((batch, length), dtype=np.int64)
    for b in range(batch):
        ids[b, 0] = 101
        for i in range(1, length - 1):
            ids[b, i] = 1000 + (i * 7919 + length * 31 + b * 104729) % min(20000, vocab - 1000)
        ids[b, length - 1] = 102
    return ids


def build_graph(folder: Path, path: Path):
    """Writes the fp32 BERT + mean pooling + L2 graph in the layout of a PyTorch export."""
    config = json.loads((folder / "config.json").read_text())
    raw = load_file(str(folder / "model.safetensors"))
    w = {k[5:] if k.startswith("bert.") else k: v.astype(np.float32) for k, v in raw.items()}
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head_dim = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x, prefix, out):
        weight = const(prefix + ".weight_t", w[prefix + ".weight"].T.copy())
        bias = const(prefix + ".bias", w[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, weight], out + "_mm"), bias], out)

    def layer_norm(x, prefix, out):
        return node("LayerNormalization", [x, const(prefix + ".weight", w[prefix + ".weight"]),
                                           const(prefix + ".bias", w[prefix + ".bias"])], out, axis=-1, epsilon=eps)

    word = node("Gather", [const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids"], "word")
    length = node("Gather", [node("Shape", ["input_ids"], "ids_shape"), const("one_index", np.array(1, dtype=np.int64))],
                  "seq_len")
    positions = node("Range", [const("zero_i64", np.array(0, dtype=np.int64)), length,
                               const("one_i64", np.array(1, dtype=np.int64))], "positions")
    position = node("Gather", [const("position_embeddings", w["embeddings.position_embeddings.weight"]), positions],
                    "position")
    token_type = const("token_type_0", w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(node("Add", [node("Add", [word, position], "word_pos"), token_type], "embedded"),
                   "embeddings.LayerNorm", "emb_ln")
    mask_float = node("Cast", [node("Unsqueeze", [node("Unsqueeze", ["attention_mask", const("axes1", np.array([1]))],
                                                        "mask_u1"), const("axes2", np.array([2]))], "mask_u2")],
                      "mask_f", to=TensorProto.FLOAT)
    mask_bias = node("Mul", [node("Sub", [const("one_f", np.array(1.0, dtype=np.float32)), mask_float], "mask_inv"),
                             const("minus_big", np.array(-10000.0, dtype=np.float32))], "mask_bias")
    split_shape = const("split_shape", np.array([0, 0, heads, head_dim], dtype=np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("sqrt_head_dim", np.array(math.sqrt(head_dim), dtype=np.float32))
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.query", f"q{i}"), split_shape], f"qr{i}")],
                 f"qt{i}", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.key", f"k{i}"), split_shape], f"kr{i}")],
                 f"kt{i}", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.value", f"v{i}"), split_shape], f"vr{i}")],
                 f"vt{i}", perm=[0, 2, 1, 3])
        scores = node("Add", [node("Div", [node("MatMul", [q, k], f"qk{i}"), scale], f"qk_scaled{i}"), mask_bias],
                      f"scores{i}")
        probs = node("Softmax", [scores], f"probs{i}", axis=-1)
        context = node("Reshape", [node("Transpose", [node("MatMul", [probs, v], f"ctx{i}")], f"ctx_t{i}",
                                        perm=[0, 2, 1, 3]), merge_shape], f"ctx_r{i}")
        attention = linear(context, p + "attention.output.dense", f"attn_out{i}")
        x = layer_norm(node("Add", [attention, x], f"attn_res{i}"), p + "attention.output.LayerNorm", f"attn_ln{i}")
        inner = linear(x, p + "intermediate.dense", f"ffn_up{i}")
        gelu = node("Mul", [node("Mul", [inner, node("Add", [node("Erf", [node("Div", [inner, const(
            f"sqrt2_{i}", np.array(math.sqrt(2.0), dtype=np.float32))], f"gelu_div{i}")], f"gelu_erf{i}"),
            const(f"one_g{i}", np.array(1.0, dtype=np.float32))], f"gelu_add{i}")], f"gelu_mul{i}"),
            const(f"half{i}", np.array(0.5, dtype=np.float32))], f"gelu{i}")
        down = linear(gelu, p + "output.dense", f"ffn_down{i}")
        x = layer_norm(node("Add", [down, x], f"ffn_res{i}"), p + "output.LayerNorm", f"ffn_ln{i}")
    mask3 = node("Unsqueeze", [node("Cast", ["attention_mask"], "mask_pool_f", to=TensorProto.FLOAT),
                               const("axes_last", np.array([2]))], "mask_pool")
    summed = node("ReduceSum", [node("Mul", [x, mask3], "masked"), const("axes_seq", np.array([1]))], "summed",
                  keepdims=0)
    counts = node("ReduceSum", [mask3, const("axes_seq2", np.array([1]))], "counts", keepdims=0)
    mean = node("Div", [summed, counts], "mean")
    norm = node("Sqrt", [node("ReduceSum", [node("Mul", [mean, mean], "squares"), const("axes_h", np.array([1]))],
                              "sum_squares", keepdims=1)], "norm")
    node("Div", [mean, norm], "embedding")
    graph = helper.make_graph(
        nodes, "bert_sentence_encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return config


def fuse(source: Path, destination: Path, config):
    from onnxruntime.transformers.optimizer import optimize_model
    optimized = optimize_model(str(source), model_type="bert", num_heads=config["num_attention_heads"],
                               hidden_size=config["hidden_size"], opt_level=0)
    optimized.save_model_to_file(str(destination))
    return {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}


def session(path: Path, threads: int, disable_skip_layer_norm: bool):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    disabled = ["SkipLayerNormFusion"] if disable_skip_layer_norm else None
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=disabled)


def throughput(run, batch, seconds):
    run()
    run()
    iterations, started = 0, time.perf_counter()
    while True:
        run()
        iterations += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and iterations >= 3:
            return batch * iterations / elapsed


def prepare(hf_model: Path, work: Path, variants):
    """Builds the fp32 graph, its fused form, checks both against the numpy reference, and writes
    the two int8 variants (quantize_dynamic, per-channel int8 weights) to `variants`."""
    fp32 = work / "bert_fp32.onnx"
    config = build_graph(hf_model, fp32)
    fused_fp32 = work / "bert_fused_fp32.onnx"
    fusions = fuse(fp32, fused_fp32, config)
    print(json.dumps({"note": "onnxruntime", "version": ort.__version__, "fusions": fusions}), flush=True)

    # The graph must compute what the numpy reference computes before its timing means anything.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Python"))
    import bert_reference
    reference = bert_reference.Bert(hf_model)
    check_ids = token_ids(2, 24, config["vocab_size"])
    expected = np.array([reference.embed(row) for row in check_ids])
    for path in (fp32, fused_fp32):
        got = session(path, 1, False).run(None, {"input_ids": check_ids, "attention_mask": np.ones_like(check_ids)})[0]
        difference = float(np.abs(got - expected).max())
        if difference > 1e-4:
            sys.exit(f"{path.name} differs from the numpy reference by {difference}")
    for name, source in (("plain", fp32), ("fused", fused_fp32)):
        quantize_dynamic(str(source), str(variants[name]), per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
        got = session(variants[name], 1, False).run(
            None, {"input_ids": check_ids, "attention_mask": np.ones_like(check_ids)})[0]
        cosine = float(np.min(np.sum(got * expected, axis=1)))
        print(json.dumps({"note": f"onnxruntime {name} int8: min cosine to the fp32 reference", "min": cosine}),
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hf-model", type=Path, required=True)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--lengths", type=int, nargs="+", default=[16, 64, 128])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--latency-runs", type=int, default=300, help="batch-1 length-16 1-thread p50 (0: skip)")
    parser.add_argument("--work-dir", type=Path,
                        help="keep the ONNX files here and reuse them on the next run (default: a temporary folder)")
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="ort-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    config = json.loads((args.hf_model / "config.json").read_text())
    variants = {name: work / f"bert_{name}_int8.onnx" for name in ("plain", "fused")}
    if not all(path.exists() for path in variants.values()):
        prepare(args.hf_model, work, variants)

    for threads in args.threads:
        sessions = {(graph, skip): session(path, threads, skip) for graph, path in variants.items() for skip in (False, True)}
        for length in args.lengths:
            for batch in args.batches:
                feed = {"input_ids": token_ids(batch, length, config["vocab_size"])}
                feed["attention_mask"] = np.ones_like(feed["input_ids"])
                results = {f"{graph}{'-noskipln' if skip else ''}": throughput(lambda: s.run(None, feed), batch, args.seconds)
                           for (graph, skip), s in sessions.items()}
                best = max(results, key=results.get)
                print(json.dumps({"engine": "onnxruntime", "threads": threads, "batch": batch, "length": length,
                                  "sentences_per_second": results[best], "variant": best, "all": results}), flush=True)
    if args.latency_runs and 1 in args.threads:
        feed = {"input_ids": token_ids(1, 16, config["vocab_size"])}
        feed["attention_mask"] = np.ones_like(feed["input_ids"])
        best_name, best_p50 = None, math.inf
        for (graph, skip) in [(g, s) for g in variants for s in (False, True)]:
            s = session(variants[graph], 1, skip)
            for _ in range(20):
                s.run(None, feed)
            times = []
            for _ in range(args.latency_runs):
                started = time.perf_counter()
                s.run(None, feed)
                times.append(time.perf_counter() - started)
            p50 = float(np.percentile(times, 50)) * 1e3
            if p50 < best_p50:
                best_name, best_p50 = f"{graph}{'-noskipln' if skip else ''}", p50
        print(json.dumps({"engine": "onnxruntime", "latency": "batch1-len16-1thread", "p50_ms": best_p50,
                          "variant": best_name}), flush=True)


if __name__ == "__main__":
    main()
