#!/usr/bin/env python3
"""Tokens per second of Hugging Face `tokenizers` on a mixed-language corpus, batch encode on
one thread (RAYON_NUM_THREADS=1), best of up to 5 passes; prints one JSON line.

    throughput.py --write-corpus CORPUS.json      writes the corpus (seeded) and exits
    throughput.py TOKENIZER.json CORPUS.json      measures
"""

import json
import os
import random
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"

from tokenizers import Tokenizer  # noqa: E402  (after the thread count is set)

SENTENCES = [
    "Where is my order? It was due on Tuesday.", "I want a refund for the broken lamp.", "我的包裹在哪里？",
    "我的 order 还没有 ship", "请帮我取消订单，谢谢！", "注文した商品がまだ届きません。", "환불은 언제 되나요?",
    "Где мой заказ? Хочу вернуть деньги.", "أين طلبي؟ أريد استرداد أموالي", "คำสั่งซื้อของฉันอยู่ที่ไหน",
    "Je veux annuler ma commande", "¿Dónde está mi pedido?", "Thanks!! 😀👍🏽 👨‍👩‍👧‍👦", "ＦＵＬＬ　ｗｉｄｔｈ １２３",
    "Please reset my password; the app says error 0x80070005.", "email me at li.lei@example.cn",
]


def corpus():
    rng = random.Random(20261127)
    return [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 6))) for _ in range(4000)]


def main():
    if sys.argv[1] == "--write-corpus":
        with open(sys.argv[2], "w", encoding="utf-8") as file:
            json.dump(corpus(), file, ensure_ascii=False)
        return
    tokenizer = Tokenizer.from_file(sys.argv[1])
    tokenizer.no_truncation()
    tokenizer.no_padding()
    with open(sys.argv[2], encoding="utf-8") as file:
        texts = json.load(file)
    best, total, passes, tokens = float("inf"), 0.0, 0, 0
    while passes < 5 and total < 3:
        start = time.perf_counter()
        encodings = tokenizer.encode_batch(texts, add_special_tokens=True)
        elapsed = time.perf_counter() - start
        tokens = sum(len(encoding.ids) for encoding in encodings)
        best, total, passes = min(best, elapsed), total + elapsed, passes + 1
    print(json.dumps({"engine": "tokenizers (Python, encode_batch, 1 thread)", "texts": len(texts), "tokens": tokens,
                      "passes": passes, "seconds": best, "tokens_per_second": tokens / best}))


if __name__ == "__main__":
    main()
