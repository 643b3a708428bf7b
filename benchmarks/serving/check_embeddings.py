#!/usr/bin/env python3
"""Checks that two Embed servers compute the same model before one is timed against the other.

Texts: a few varied sentences plus the first lines of --corpus. Both servers' embeddings are
compared with each other and with the fp32 numpy reference (Tests/Python/bert_reference.py on
the Hugging Face model), so that a gap between two int8 servers can be told apart from a wrong
model: a wrong tokenizer, pooling or graph gives cosines far below 0.9. Prints one JSON line;
exits 1 when the cosine between the servers is at or below --min-cosine for some text or at
or below --min-mean-cosine on average, when token counts differ, or when a call fails.

    check_embeddings.py --reference 127.0.0.1:50061 --candidate 127.0.0.1:50071 --hf-model DIR --corpus FILE
"""
import argparse
import json
import sys
from pathlib import Path

import grpc
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Python"))
import bert_reference  # noqa: E402
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

SENTENCES = [
    "where is my parcel?",
    "I was charged twice for the same order and nobody answers my emails.",
    "The quick brown fox jumps over the lazy dog.",
    "Can I change the delivery address after the order has shipped?",
    "hi",
]


def embed(address, texts):
    with grpc.insecure_channel(address) as channel:
        response = rpc.InferenceStub(channel).Embed(pb.EmbedRequest(texts=texts, truncate=True), timeout=60)
    return np.array([list(e.values) for e in response.embeddings], dtype=np.float64), [e.token_count for e in response.embeddings]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", required=True, help="host:port of QuantServe")
    parser.add_argument("--candidate", required=True, help="host:port of the server checked against it")
    parser.add_argument("--hf-model", type=Path, required=True, help="Hugging Face folder of the fp32 model")
    parser.add_argument("--corpus", type=Path, help="one JSON string per line")
    parser.add_argument("--corpus-texts", type=int, default=8)
    parser.add_argument("--min-cosine", type=float, default=0.97)
    parser.add_argument("--min-mean-cosine", type=float, default=0.99)
    args = parser.parse_args()

    texts = list(SENTENCES)
    if args.corpus:
        texts += [json.loads(line) for line in args.corpus.read_text().splitlines()[:args.corpus_texts]]
    ours, our_counts = embed(args.reference, texts)
    theirs, their_counts = embed(args.candidate, texts)
    if ours.shape != theirs.shape:
        sys.exit(f"shapes differ: {ours.shape} vs {theirs.shape}")
    reference = bert_reference.Bert(args.hf_model)
    fp32 = np.array([reference.embed(np.array(ids)) for ids in bert_reference.tokenize(args.hf_model, texts, 256)])

    def cosines(a, b):
        return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))

    between, ours_fp32, theirs_fp32 = cosines(ours, theirs), cosines(ours, fp32), cosines(theirs, fp32)
    result = {"texts": len(texts), "min_cosine": float(between.min()), "mean_cosine": float(between.mean()),
              "reference_min_cosine_to_fp32": float(ours_fp32.min()),
              "candidate_min_cosine_to_fp32": float(theirs_fp32.min()),
              "candidate_mean_cosine_to_fp32": float(theirs_fp32.mean()),
              "token_counts_equal": our_counts == their_counts}
    print(json.dumps(result))
    if between.min() <= args.min_cosine or between.mean() <= args.min_mean_cosine or our_counts != their_counts:
        sys.exit(1)


if __name__ == "__main__":
    main()
