import QuantServeAPI
import QuantServeGRPC
import Testing

/// Texts are carried byte for byte (protobuf-c alone would cut them at a NUL), their number is
/// bounded before protobuf-c copies them, and no other string field is ever cut silently.
@Suite("Request texts")
struct RequestTextsDecodingTests {
    /// `repeated string texts = 2` entries, as any protobuf encoder writes them.
    private func textsField(_ texts: [[UInt8]]) -> [UInt8] {
        texts.flatMap { text -> [UInt8] in
            precondition(text.count < 128)
            return [0x12, UInt8(text.count)] + text
        }
    }

    @Test func textsWithNULDecodeWhole() throws {
        let bytes = textsField([[0x00, 0x01, 0x02] + Array(" control chars ...".utf8), [0x61, 0x00, 0x62], [0x00]])
        let expected = ["\u{0}\u{1}\u{2} control chars ...", "a\u{0}b", "\u{0}"]
        #expect(try EmbedRequest(serializedBytes: bytes).texts == expected)
        #expect(try ClassifyRequest(serializedBytes: bytes).texts == expected)
        #expect(try TokenizeRequest(serializedBytes: bytes).texts == expected)
    }

    @Test func textsWithNULRoundTrip() throws {
        let request = EmbedRequest(
            model: ModelRef(name: "minilm", version: 2), texts: ["\u{0}lead", "mid\u{0}dle", "tail\u{0}", ""],
            truncate: true)
        #expect(try EmbedRequest(serializedBytes: request.serializedBytes()) == request)
        let classify = ClassifyRequest(texts: ["\u{0}"], topK: 3)
        #expect(try ClassifyRequest(serializedBytes: classify.serializedBytes()) == classify)
        // Fields in number order, as protobuf-c and every other encoder write them.
        #expect(
            EmbedRequest(model: ModelRef(), texts: ["a\u{0}"], truncate: true).serializedBytes()
                == [0x0A, 0x00, 0x12, 0x02, 0x61, 0x00, 0x18, 0x01])
    }

    @Test func fieldsInAnyOrderDecode() throws {
        // truncate (3), then texts (2), then model (1), then texts again.
        let bytes: [UInt8] = [0x18, 0x01, 0x12, 0x01, 0x78, 0x0A, 0x02, 0x0A, 0x00] + textsField([[0x00, 0x79]])
        let request = try EmbedRequest(serializedBytes: bytes)
        #expect(request == EmbedRequest(model: ModelRef(), texts: ["x", "\u{0}y"], truncate: true))
    }

    @Test func textCountIsBoundedBeforeDecoding() throws {
        let limit = InferenceRequestLimits.maxTexts
        #expect(
            try TokenizeRequest(serializedBytes: textsField(Array(repeating: [0x61], count: limit))).texts.count
                == limit)
        let over = try #require(throws: RPCError.self) {
            try EmbedRequest(serializedBytes: textsField(Array(repeating: [0x61], count: limit + 1)))
        }
        #expect(over.code == .resourceExhausted)
        #expect(over.message == "the request holds 1025 texts, more than the limit of 1024")

        // Four megabytes of empty texts: two million entries, counted without copying one.
        let flood: [UInt8] = (0..<(4 << 20)).map { $0.isMultiple(of: 2) ? 0x12 : 0x00 }
        let error = try #require(throws: RPCError.self) { try ClassifyRequest(serializedBytes: flood) }
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("\(2 << 20) texts"))
    }

    @Test func otherStringsWithNULAreRefused() throws {
        // EmbedRequest.model = ModelRef { name: "mini\0lm" }
        let modelName: [UInt8] = [0x0A, 0x09, 0x0A, 0x07] + Array("mini".utf8) + [0x00] + Array("lm".utf8)
        let error = try #require(throws: MessageDecodingError.self) { try EmbedRequest(serializedBytes: modelName) }
        #expect(error.reason.contains("inference.v1.ModelRef.name"))
        #expect(error.reason.contains("U+0000"))
        #expect(throws: MessageDecodingError.self) {
            try HealthCheckRequest(serializedBytes: [0x0A, 0x02, 0x61, 0x00])
        }
        #expect(throws: MessageDecodingError.self) { try LoadModelRequest(serializedBytes: [0x1A, 0x02, 0x2F, 0x00]) }
        // A `bytes` field and an unknown field may hold NULs.
        #expect(try EchoRequest(serializedBytes: [0x2A, 0x02, 0x00, 0x00]).payload == [0, 0])
        #expect(try EmbedRequest(serializedBytes: [0x7A, 0x01, 0x00]) == EmbedRequest())
    }

    @Test func malformedTextsAreRefused() {
        // A text whose length runs past the end, a group, and invalid UTF-8.
        for bytes: [UInt8] in [[0x12, 0x05, 0x61], [0x13, 0x14], [0x12, 0x02, 0xC3, 0x28]] {
            #expect(throws: MessageDecodingError.self, "\(bytes)") { try EmbedRequest(serializedBytes: bytes) }
        }
    }
}
