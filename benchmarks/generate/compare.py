"""QuantServe against the llama.cpp peer on SmolLM2-135M-Instruct (issue 12): greedy continuations and perplexity.

  compare.py greedy --address HOST:PORT [--model NAME]
      Sends every prompt of prompts.jsonl through inference.v1.Inference/Generate (raw prompt,
      temperature 0, max_tokens 16) and reports the share of prompts whose first 16 token ids equal
      llama.cpp's (target: at least 80 %), with the first diverging step of the others.

  compare.py perplexity --scorer "COMMAND ..." [--tokens scorer|peer]
      Perplexity on /usr/share/common-licenses/GPL-3 at context 512, computed exactly as
      llama-perplexity does (method in README.md), from the per-token log-probabilities that a
      scorer command prints (protocol below). --tokens peer scores llama.cpp's own token ids of
      the text (from the peer's results) instead of the scorer's tokenization.

Scorer protocol (JSON lines, one answer line per request line, in order, on stdin/stdout):
  {"tokenize": TEXT}            -> {"token_ids": [...]}   no BOS/EOS added, special-token text kept as text
  {"score": [t0..tn-1], "from": F}
                                -> {"logprobs": [l_F .. l_n-2]}   l_i = ln softmax(logits at position i)[t_i+1],
                                   the sequence evaluated fresh from position 0 (empty KV cache)
The scorer exits when stdin closes.

Reads the peer's outputs from benchmarks/results/ (llama_cpp_peer.py) or, without a run there, the
copies in reference/; appends a summary record to benchmarks/results/generate-compare.jsonl. Run with the project venv (.venv/bin/python).
"""
import argparse
import datetime
import json
import math
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))

GREEDY_TOKENS = 16
TARGET_SHARE = 0.80
CONTEXT = 512
GPL3 = "/usr/share/common-licenses/GPL-3"


def peer_output(name):
    """A peer output: this machine's latest run (benchmarks/results/) if there is one, else the copy
    committed in reference/ (the run of 2026-11-27), so the comparison needs no llama.cpp build."""
    fresh = os.path.join(RESULTS, name)
    return fresh if os.path.exists(fresh) else os.path.join(HERE, "reference", name)


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def record(summary):
    os.makedirs(RESULTS, exist_ok=True)
    summary = {"time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "load1": round(os.getloadavg()[0], 2), **summary}
    with open(os.path.join(RESULTS, "generate-compare.jsonl"), "a") as f:
        f.write(json.dumps(summary) + "\n")
    print(json.dumps(summary))


# ---- greedy continuations over gRPC ----

def generate_greedy(stub, pb, model, prompt, deadline):
    """One Generate call; returns (token ids, text, finish reason name) of the whole stream."""
    request = pb.GenerateRequest(model=pb.ModelRef(name=model), prompt=prompt, max_tokens=GREEDY_TOKENS, temperature=0.0)
    ids, text, finish = [], [], None
    for chunk in stub.Generate(request, timeout=deadline):
        ids.extend(chunk.token_ids)
        text.append(chunk.text)
        if chunk.finish_reason:
            finish = pb.FinishReason.Name(chunk.finish_reason)
    return ids, "".join(text), finish


def first_divergence(ours, theirs):
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return i
    return None if len(ours) == len(theirs) else min(len(ours), len(theirs))


def compare_greedy(args):
    import grpc
    from interop_stubs import generate_stubs
    generate_stubs()
    import inference_pb2 as pb
    import inference_pb2_grpc as rpc

    reference = {row["id"]: row for row in read_jsonl(args.reference)}
    prompts = read_jsonl(args.prompts)
    missing = [p["id"] for p in prompts if p["id"] not in reference]
    if missing:
        sys.exit(f"no llama.cpp continuation for {missing}: run llama_cpp_peer.py --only greedy")
    channel = grpc.insecure_channel(args.address)
    stub = rpc.InferenceStub(channel)
    matched, rows = 0, []
    for p in prompts:
        ref = reference[p["id"]]
        if ref["prompt"] != p["prompt"]:
            sys.exit(f"{p['id']}: prompts.jsonl changed since the peer ran; run llama_cpp_peer.py --only greedy again")
        ours, text, finish = generate_greedy(stub, pb, args.model, p["prompt"], args.deadline)
        ours, theirs = ours[:GREEDY_TOKENS], ref["token_ids"][:GREEDY_TOKENS]
        if ref.get("stop_type") == "eos":
            # llama.cpp returns the end-of-generation token as its last id; QuantServe must have
            # stopped there too (finish STOP), with or without that id in its stream.
            eog = theirs[-1]
            theirs = theirs[:-1]
            if finish == "FINISH_REASON_STOP" and ours and ours[-1] == eog:
                ours = ours[:-1]
            same = ours == theirs and finish == "FINISH_REASON_STOP"
        else:
            same = ours == theirs
        matched += same
        diverge = None if same else first_divergence(ours, theirs)
        if not same and diverge is None:
            diverge = len(theirs)  # the same ids, but QuantServe did not stop where llama.cpp did
        gaps = ref.get("top2_logprob_gap") or []
        rows.append({"id": p["id"], "same": same, "first_divergence": diverge,
                     "llama_cpp_top2_gap_there": gaps[diverge] if diverge is not None and diverge < len(gaps) else None,
                     "quantserve": ours, "quantserve_text": text, "finish": finish,
                     "llama_cpp": theirs, "llama_cpp_text": ref["text"]})
        mark = "=" if same else f"differs at token {diverge}"
        print(f"{p['id']:16} {mark}  ours={text!r}  llama.cpp={ref['text']!r}", flush=True)
    channel.close()
    share = matched / len(prompts)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "generate-compare-greedy.jsonl"), "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    record({"comparison": "greedy", "address": args.address, "model": args.model, "prompts": len(prompts),
            "same_first_16": matched, "share": round(share, 4), "target": TARGET_SHARE, "met": share >= TARGET_SHARE})
    return 0 if share >= TARGET_SHARE else 1


# ---- perplexity, llama-perplexity's method ----

class Scorer:
    """A scorer process speaking the JSON-lines protocol of this module's doc."""

    def __init__(self, command):
        self.proc = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"the scorer exited ({self.proc.wait()}) without answering {list(request)}")
        answer = json.loads(line)
        if "error" in answer:
            sys.exit(f"the scorer refused {list(request)}: {answer['error']}")
        return answer

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def model_bos():
    """(add_bos_token, bos id) of the GGUF the peer measured, as llama.cpp reads them."""
    from gguf import GGUFReader
    from llama_cpp_peer import find_gguf
    fields = GGUFReader(find_gguf()).fields
    add_bos = fields.get("tokenizer.ggml.add_bos_token")
    bos = fields.get("tokenizer.ggml.bos_token_id")
    return (bool(add_bos.contents()) if add_bos else False), (int(bos.contents()) if bos else None)


def perplexity_from_nll(nll):
    """llama-perplexity's estimate: exp(mean NLL), and its error ppl * sqrt(var(NLL) / (count - 1))."""
    count = len(nll)
    mean = sum(nll) / count
    mean2 = sum(v * v for v in nll) / count
    var = mean2 - mean * mean
    ppl = math.exp(mean)
    return ppl, (math.sqrt(var / (count - 1)) * ppl if var > 0 else float("nan"))


def compare_perplexity(args):
    sys.path.insert(0, HERE)
    with open(GPL3, encoding="utf-8") as f:
        text = f.read()
    if text.endswith("\n"):
        text = text[:-1]  # llama.cpp's -f drops one trailing newline
    add_bos, bos = model_bos()
    scorer = Scorer(args.scorer)
    peer_tokens_path = peer_output("generate-llama-cpp-gpl3-tokens.json")
    peer_tokens = json.load(open(peer_tokens_path))["token_ids"] if os.path.exists(peer_tokens_path) else None
    if args.tokens == "peer":
        if peer_tokens is None:
            sys.exit(f"{peer_tokens_path} is missing: run llama_cpp_peer.py --only greedy")
        tokens = list(peer_tokens)
    else:
        tokens = scorer.ask({"tokenize": text})["token_ids"]
        if add_bos:
            tokens.insert(0, bos)
    n_chunk = len(tokens) // CONTEXT
    first = CONTEXT // 2
    nll = []
    for i in range(n_chunk):
        chunk = tokens[i * CONTEXT:(i + 1) * CONTEXT]
        if add_bos:
            chunk[0] = bos
        logprobs = scorer.ask({"score": chunk, "from": first})["logprobs"]
        if len(logprobs) != CONTEXT - 1 - first:
            sys.exit(f"chunk {i}: the scorer returned {len(logprobs)} log-probabilities, expected {CONTEXT - 1 - first}")
        nll.extend(-lp for lp in logprobs)
        print(f"[{i + 1}/{n_chunk}] running PPL {math.exp(sum(nll) / len(nll)):.4f}", file=sys.stderr, flush=True)
    scorer.close()
    ppl, err = perplexity_from_nll(nll)
    peer_records = peer_output("generate-peer-llama-cpp.jsonl")
    peer = [r for r in read_jsonl(peer_records) if r.get("measurement") == "llama-perplexity"] if os.path.exists(peer_records) else []
    summary = {"comparison": "perplexity", "scorer": args.scorer, "tokens": args.tokens, "context": CONTEXT,
               "text_tokens": len(tokens), "chunks": n_chunk, "scored_tokens": len(nll),
               "tokens_equal_llama_cpp": (tokens == peer_tokens) if peer_tokens is not None else None,
               "perplexity": round(ppl, 4), "error": round(err, 5)}
    if peer:
        ref = peer[-1]["perplexity"]
        summary.update({"llama_cpp_perplexity": ref, "relative_difference": round(ppl / ref - 1, 4),
                        "within_3_percent": abs(ppl / ref - 1) <= 0.03})
    record(summary)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("greedy")
    g.add_argument("--address", required=True, help="QuantServe's gRPC address, HOST:PORT")
    g.add_argument("--model", default="smollm2", help="the model name QuantServe serves SmolLM2 under")
    g.add_argument("--prompts", default=os.path.join(HERE, "prompts.jsonl"))
    g.add_argument("--reference", default=peer_output("generate-llama-cpp-greedy.jsonl"))
    g.add_argument("--deadline", type=float, default=120.0, help="seconds per Generate call")
    p = sub.add_parser("perplexity")
    p.add_argument("--scorer", required=True, help="the scorer command line (protocol in this module's doc)")
    p.add_argument("--tokens", choices=("scorer", "peer"), default="scorer")
    args = parser.parse_args()
    sys.exit(compare_greedy(args) if args.mode == "greedy" else compare_perplexity(args))


if __name__ == "__main__":
    main()
