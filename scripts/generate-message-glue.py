#!/usr/bin/env python3
"""Writes the boilerplate that makes a QuantServeAPI message type a protobuf-c coded gRPC message.

A message type is written by hand: its Swift struct, and an extension without a conformance
list holding its field mapping, `init(cMessage: UnsafePointer<CType>)` and `fill(_:arena:)`.
For every such extension this script emits, from the protoc-c descriptors of the message
(Sources/QuantServeProto/*.pb-c.c), the `GRPCMessage` conformance (encode and decode through
`ProtobufCCodec`) and the `ProtobufCCodable` one (the protobuf name, the generated `__unpack`
and `__init`). A message with a `repeated string texts` field is `ProtobufCTextsCarrying`: its
texts are read and written byte for byte, and counted before protobuf-c allocates them.

Usage: generate-message-glue.py PROTO_C_DIR SWIFT_SOURCES_DIR OUTPUT_FILE
(run by scripts/generate-protos.sh; Python standard library only).
"""
import pathlib
import re
import sys

GENERATED_NAME = "ProtobufCMessages.swift"

DESCRIPTOR = re.compile(
    r'const ProtobufCMessageDescriptor (\w+)__descriptor =\s*\{\s*PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,\s*'
    r'"([^"]+)",\s*"[^"]+",\s*"(\w+)",')
TEXTS_FIELD = re.compile(
    r'"texts",\s*\d+,\s*PROTOBUF_C_LABEL_REPEATED,\s*PROTOBUF_C_TYPE_STRING,\s*offsetof\((\w+), n_texts\)')
# A hand-written extension without a conformance list, and the C structure its init reads.
MAPPING = re.compile(r'^extension ([\w.]+) \{\n(?:(?!^\}).*\n)*?\s*init\(cMessage: UnsafePointer<(\w+)>\)', re.M)


def descriptors(proto_c_dir):
    """C structure name -> (protobuf full name, C function prefix, carries texts)."""
    found = {}
    texts = set()
    for source in sorted(pathlib.Path(proto_c_dir).glob("*.pb-c.c")):
        text = source.read_text()
        for prefix, full_name, c_type in DESCRIPTOR.findall(text):
            found[c_type] = (full_name, prefix)
        texts.update(TEXTS_FIELD.findall(text))
    return {c_type: (name, prefix, c_type in texts) for c_type, (name, prefix) in found.items()}


def mapped_types(swift_dir):
    """(Swift type, C structure) of every hand-written field mapping, sorted by protobuf name later."""
    types = []
    for source in sorted(pathlib.Path(swift_dir).rglob("*.swift")):
        if source.name == GENERATED_NAME:
            continue
        types += MAPPING.findall(source.read_text())
    return types


def glue(swift_type, c_type, full_name, prefix, carries_texts):
    if carries_texts:
        decode_doc = ("    /// Decodes the message from its protobuf encoding, each text exactly as sent (U+0000\n"
                      "    /// included). Throws `MessageDecodingError` when the bytes are not one, and `RPCError`\n"
                      "    /// RESOURCE_EXHAUSTED when they hold more than `InferenceRequestLimits.maxTexts` texts.\n")
        decode = "    public init(serializedBytes: [UInt8]) throws {\n        self = try ProtobufCCodec.decodeCarryingTexts(serializedBytes)\n    }\n"
        encode = "        ProtobufCCodec.encodeCarryingTexts(self)\n"
        codable = "ProtobufCTextsCarrying"
    else:
        decode_doc = "    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.\n"
        decode = ("    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {\n"
                  "        self = try ProtobufCCodec.decode(serializedBytes)\n    }\n")
        encode = "        ProtobufCCodec.encode(self)\n"
        codable = "ProtobufCCodable"
    return (
        f"// MARK: {full_name}\n\n"
        f"extension {swift_type}: GRPCMessage {{\n{decode_doc}{decode}\n"
        f"    /// The message's protobuf encoding.\n    public func serializedBytes() -> [UInt8] {{\n{encode}    }}\n}}\n\n"
        f"extension {swift_type}: {codable} {{\n"
        f"    static let protobufName = \"{full_name}\"\n\n"
        f"    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<{c_type}>? {{\n"
        f"        {prefix}__unpack(nil, count, bytes)\n    }}\n\n"
        f"    static func initialize(_ cMessage: UnsafeMutablePointer<{c_type}>) {{\n"
        f"        {prefix}__init(cMessage)\n    }}\n}}\n")


def main(proto_c_dir, swift_dir, output):
    known = descriptors(proto_c_dir)
    entries = []
    for swift_type, c_type in mapped_types(swift_dir):
        if c_type not in known:
            sys.exit(f"generate-message-glue: {swift_type} maps {c_type}, which no .proto of Sources/QuantServeProto defines")
        entries.append((known[c_type][0], swift_type, c_type))
    names = [name for name, _, _ in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        sys.exit(f"generate-message-glue: more than one Swift type maps {', '.join(duplicates)}")
    parts = [glue(swift_type, c_type, *known[c_type]) for _, swift_type, c_type in sorted(entries)]
    header = ("// swift-format-ignore-file\n"
              "// The GRPCMessage and ProtobufCCodable conformances of the QuantServeAPI message types whose field\n"
              "// mapping is written by hand (generated by scripts/generate-protos.sh; do not edit).\n"
              "import QuantServeGRPC\ninternal import QuantServeProto\n\n")
    pathlib.Path(output).write_text(header + "\n".join(parts))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
