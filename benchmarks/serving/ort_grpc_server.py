#!/usr/bin/env python3
"""What a user would build instead of QuantServe: a Python grpcio server answering
inference.v1.Inference/Embed (proto/inference/v1/inference.proto) with ONNX Runtime int8.

- Model: all-MiniLM-L6-v2 from the Hugging Face folder (--hf-model), as the ONNX graph of
  benchmarks/engine/ort_bench.py's build_graph (BERT + mean pooling + L2 normalization),
  quantized with onnxruntime.quantization.quantize_dynamic (int8 weights, per channel), run by
  one InferenceSession with SkipLayerNormFusion disabled (faster for ORT on this model, see
  benchmarks/engine) shared by all handler threads (ORT releases the GIL while it computes).
- Tokenizer: the `tokenizers` package on the model's tokenizer.json, truncating at 256 tokens
  including [CLS]/[SEP] as QuantServe does, no padding beyond the longest text of a request;
  `truncate=false` refuses a longer text with INVALID_ARGUMENT.
- Server: grpc.server with a ThreadPoolExecutor of --workers threads; --intra-op threads per
  session run. Each request is computed on its own (no cross-request batching).
- Stubs: generated from proto/ with grpc_tools.protoc into a temporary folder at start.

    ort_grpc_server.py --hf-model DIR --port 50071 --workers 4 --intra-op 1 [--work-dir DIR]

Prints "listening on PORT" to stdout once it serves. --work-dir keeps the quantized ONNX file
between runs (it is reused when present).
"""
import argparse
import sys
from concurrent import futures
from pathlib import Path

import grpc
import numpy as np
import onnxruntime as ort
from onnx import TensorProto
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Python"))
sys.path.insert(0, str(ROOT / "benchmarks" / "engine"))

from interop_stubs import generate_stubs  # noqa: E402
from ort_bench import build_graph  # noqa: E402

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

MAX_SEQUENCE_LENGTH = 256
MODEL_NAME = "minilm"
MODEL_VERSION = 1


def quantized_model(hf_model: Path, work: Path) -> Path:
    """The int8 ONNX file, built once per work folder."""
    work.mkdir(parents=True, exist_ok=True)
    int8 = work / "bert_plain_int8.onnx"
    if not int8.exists():
        fp32 = work / "bert_fp32.onnx"
        build_graph(hf_model, fp32)
        partial = work / "bert_plain_int8.partial.onnx"
        quantize_dynamic(str(fp32), str(partial), per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
        partial.rename(int8)
    return int8


def make_session(path: Path, intra_op: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = intra_op
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=["SkipLayerNormFusion"])


def make_tokenizer(path: Path) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


class InferenceServicer(rpc.InferenceServicer):
    def __init__(self, session: ort.InferenceSession, tokenizer: Tokenizer):
        self.session = session
        self.tokenizer = tokenizer

    def Embed(self, request, context):
        if not request.texts:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "the request holds no texts")
        if request.model.name not in ("", MODEL_NAME) or request.model.version not in (0, MODEL_VERSION):
            context.abort(grpc.StatusCode.NOT_FOUND, f"no model {request.model.name!r} version {request.model.version}")
        sequences = []
        for index, encoding in enumerate(self.tokenizer.encode_batch(list(request.texts))):
            ids = encoding.ids
            if len(ids) > MAX_SEQUENCE_LENGTH:
                if not request.truncate:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                  f"text {index} has {len(ids)} tokens, more than {MAX_SEQUENCE_LENGTH}")
                ids = ids[:MAX_SEQUENCE_LENGTH - 1] + ids[-1:]  # keep [SEP] last, as truncation does
            sequences.append(ids)
        longest = max(len(ids) for ids in sequences)
        input_ids = np.zeros((len(sequences), longest), dtype=np.int64)
        attention_mask = np.zeros_like(input_ids)
        for row, ids in enumerate(sequences):
            input_ids[row, :len(ids)] = ids
            attention_mask[row, :len(ids)] = 1
        vectors = self.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})[0]
        return pb.EmbedResponse(
            model=pb.ModelRef(name=MODEL_NAME, version=MODEL_VERSION),
            embeddings=[pb.Embedding(values=vector.tolist(), token_count=len(ids))
                        for vector, ids in zip(vectors, sequences)],
            dimensions=vectors.shape[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hf-model", type=Path, required=True, help="Hugging Face folder of all-MiniLM-L6-v2")
    parser.add_argument("--tokenizer", type=Path, help="tokenizer.json (default: the one in --hf-model)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50071)
    parser.add_argument("--workers", type=int, default=4, help="handler threads of grpc.server")
    parser.add_argument("--intra-op", type=int, default=1, help="ONNX Runtime intra-op threads per run")
    parser.add_argument("--work-dir", type=Path, default=Path("benchmarks/results/ort-model"))
    args = parser.parse_args()

    session = make_session(quantized_model(args.hf_model, args.work_dir), args.intra_op)
    tokenizer = make_tokenizer(args.tokenizer or args.hf_model / "tokenizer.json")
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers),
                         options=[("grpc.so_reuseport", 0)])
    rpc.add_InferenceServicer_to_server(InferenceServicer(session, tokenizer), server)
    port = server.add_insecure_port(f"{args.host}:{args.port}")
    if port == 0:
        sys.exit(f"cannot listen on {args.host}:{args.port}")
    server.start()
    print(f"listening on {port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
