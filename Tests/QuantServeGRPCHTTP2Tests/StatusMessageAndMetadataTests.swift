import QuantServeGRPC
import QuantServeGRPCHTTP2
import Testing

@Suite("Status message and metadata wire encoding")
struct StatusMessageAndMetadataTests {
    @Test(arguments: [
        "", "plain ascii", "100% sure", "%%%", "é ✓ 漢字 🚀", "line\nbreak\ttab", "%41 is not A", "~ and ! stay",
    ])
    func percentEncodingRoundTrips(message: String) {
        let encoded = GRPCStatusMessageEncoding.encode(message)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
        #expect(GRPCStatusMessageEncoding.decode(encoded) == message)
    }

    @Test func percentEncodingFollowsTheSpec() {
        #expect(GRPCStatusMessageEncoding.encode("a%b") == "a%25b")
        #expect(GRPCStatusMessageEncoding.encode("é") == "%C3%A9")
        #expect(GRPCStatusMessageEncoding.encode("a b") == "a b")
        #expect(GRPCStatusMessageEncoding.decode("%c3%a9") == "é")
    }

    @Test func malformedPercentSequencesAreKept() {
        #expect(GRPCStatusMessageEncoding.decode("50%") == "50%")
        #expect(GRPCStatusMessageEncoding.decode("%zz%4") == "%zz%4")
        #expect(GRPCStatusMessageEncoding.decode("%FF") == "\u{FFFD}")
    }

    @Test(arguments: Status.Code.allCases)
    func everyStatusCodeRoundTripsThroughItsNumber(code: Status.Code) {
        #expect(Status.Code(rawValue: code.rawValue) == code)
        #expect(code.description == code.description.uppercased())
    }

    @Test func base64RoundTripsEveryLength() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(Base64.decode(encoded) == bytes)
            let padded = encoded + String(repeating: "=", count: (4 - encoded.count % 4) % 4)
            #expect(Base64.decode(padded) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64.decode("Zm9v!g") == nil)
        #expect(Base64.decode("Z") == nil)
    }

    @Test func metadataEncodesBinaryAsBase64AndRefusesReservedKeys() throws {
        var metadata = Metadata()
        metadata.add("x-plain", "value")
        metadata.add("x-blob-bin", binary: [0, 255])
        var fields: [(String, String)] = []
        try metadata.forEachHeaderField { fields.append(($0, $1)) }
        #expect(fields.map(\.0) == ["x-plain", "x-blob-bin"])
        #expect(fields.map(\.1) == ["value", "AP8"])

        for reserved in ["grpc-status", "content-type", ":path", "te", "connection"] {
            var bad = Metadata()
            bad.add(reserved, "x")
            #expect(throws: RPCError.self) { try bad.forEachHeaderField { _, _ in } }
        }
        var badValue = Metadata()
        badValue.add("x-text", "new\nline")
        #expect(throws: RPCError.self) { try badValue.forEachHeaderField { _, _ in } }
        var binaryUnderTextKey = Metadata()
        binaryUnderTextKey.add("x-text", binary: [1])
        #expect(throws: RPCError.self) { try binaryUnderTextKey.forEachHeaderField { _, _ in } }
    }

    @Test func receivedFieldsDropReservedHeadersAndDecodeBinary() {
        var metadata = Metadata()
        metadata.addHeaderField(name: ":authority", value: "host")
        metadata.addHeaderField(name: "grpc-timeout", value: "1S")
        metadata.addHeaderField(name: "content-type", value: "application/grpc")
        metadata.addHeaderField(name: "authorization", value: "Bearer t")
        metadata.addHeaderField(name: "trace-bin", value: "AQID")
        metadata.addHeaderField(name: "odd-bin", value: "not base64!")
        #expect(metadata.count == 3)
        #expect(metadata.first("authorization") == "Bearer t")
        #expect(metadata["trace-bin"] == [.binary([1, 2, 3])])
        #expect(metadata.first("odd-bin") == "not base64!")
    }

    @Test func statusMessagesAreCappedAtACharacterBoundary() {
        let short = "fine"
        #expect(GRPCStatusMessageEncoding.capped(short) == short)
        let long = String(repeating: "é", count: 2000)
        let capped = GRPCStatusMessageEncoding.capped(long)
        #expect(capped.utf8.count <= GRPCStatusMessageEncoding.maxMessageBytes)
        #expect(capped.hasSuffix("…"))
        #expect(capped.dropLast().allSatisfy { $0 == "é" })
        #expect(GRPCStatusMessageEncoding.encode(long).utf8.count <= GRPCStatusMessageEncoding.maxMessageBytes * 3)
    }
}
