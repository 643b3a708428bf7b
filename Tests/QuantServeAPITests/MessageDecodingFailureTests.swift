import QuantServeAPI
import Testing

/// Bytes that are not a message must fail with a `MessageDecodingError` that names the message.
@Suite("Decoding failures")
struct MessageDecodingFailureTests {
    /// Encodings that no message accepts.
    static let malformed: [(String, [UInt8])] = [
        ("a length running past the end", [0x0A, 0x05, 0x61]),
        ("a truncated varint", [0x08, 0x80]),
        ("an eleven-byte varint tag", [UInt8](repeating: 0xFF, count: 11)),
        ("wire type 7", [0x0F, 0x00]),
        ("a length-delimited field 1 sent as a varint", [0x08, 0x05]),
    ]

    @Test("malformed bytes throw", arguments: malformed)
    func malformedBytesThrow(_ description: String, _ bytes: [UInt8]) {
        #expect(throws: MessageDecodingError.self, "\(description)") { try HealthCheckRequest(serializedBytes: bytes) }
        #expect(throws: MessageDecodingError.self, "\(description)") { try EmbedRequest(serializedBytes: bytes) }
        #expect(throws: MessageDecodingError.self, "\(description)") { try EchoRequest(serializedBytes: bytes) }
    }

    @Test func errorNamesTheMessage() throws {
        let error = try #require(throws: MessageDecodingError.self) {
            try EmbedResponse(serializedBytes: [0x0A, 0x05, 0x61])
        }
        #expect(error.messageName == "inference.v1.EmbedResponse")
        #expect(error.description.hasPrefix("cannot decode inference.v1.EmbedResponse: "))
    }

    @Test func invalidUTF8IsRefused() throws {
        // Field 1 (`service`), two bytes: 0xC3 followed by a byte that cannot continue it.
        let error = try #require(throws: MessageDecodingError.self) {
            try HealthCheckRequest(serializedBytes: [0x0A, 0x02, 0xC3, 0x28])
        }
        #expect(error.messageName == "grpc.health.v1.HealthCheckRequest")
        let nested: [UInt8] = [0x12, 0x03, 0x61, 0xFF, 0x62]  // texts[0] = "a\u{FF}b"
        #expect(throws: MessageDecodingError.self) { try TokenizeRequest(serializedBytes: nested) }
    }

    @Test func malformedNestedMessageThrows() {
        // EmbedResponse.embeddings[0] whose packed floats hold 3 bytes, not a multiple of 4.
        let bytes: [UInt8] = [0x12, 0x05, 0x0A, 0x03, 0x00, 0x00, 0x80]
        #expect(throws: MessageDecodingError.self) { try EmbedResponse(serializedBytes: bytes) }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 1...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try EmbedResponse(serializedBytes: bytes)
                _ = try EchoRequest(serializedBytes: bytes)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 1_000, "random bytes should mostly be refused, \(failures) of 2000 were")
    }
}
