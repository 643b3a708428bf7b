import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeSeededRandom
import Testing

@Suite("Message compression")
struct MessageCompressionTests {
    /// `gzip.compress(b"hello, gRPC", mtime=0)` and `zlib.compress(b"hello, gRPC")` from CPython:
    /// what other implementations write.
    static let pythonGzip: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 215, 81, 72, 15, 10, 112, 6, 0,
        190, 96, 187, 219, 11, 0, 0, 0,
    ]
    static let pythonZlib: [UInt8] = [
        120, 156, 203, 72, 205, 201, 201, 215, 81, 72, 15, 10, 112, 6, 0, 23, 199, 3, 173,
    ]

    static func text(_ count: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: 7)
        let words = ["where", "is", "my", "order", "refund", "please", "thanks", "delivery"].map { Array($0.utf8) }
        var bytes: [UInt8] = []
        while bytes.count < count { bytes += words.randomElement(using: &generator)! + [32] }
        return Array(bytes.prefix(count))
    }

    static func inflate(_ bytes: [UInt8], _ encoding: MessageEncoding, maxBytes: Int = 1 << 20) throws(RPCError)
        -> [UInt8]
    {
        try ReceivedMessage(bytes: bytes, encoding: encoding).decompressed(maxBytes: maxBytes)
    }

    @Test func readsWhatOtherImplementationsWrite() throws {
        #expect(try Self.inflate(Self.pythonGzip, .gzip) == Array("hello, gRPC".utf8))
        #expect(try Self.inflate(Self.pythonZlib, .deflate) == Array("hello, gRPC".utf8))
    }

    @Test(arguments: [MessageEncoding.gzip, .deflate])
    func roundTripsAndWritesTheRightFormat(_ encoding: MessageEncoding) throws {
        for count in [64, 1000, 300_000] {
            let original = Self.text(count)
            let compressed = try #require(MessageCompression.compress(original, with: encoding))
            #expect(compressed.count < (count >= 1000 ? original.count / 2 : original.count))
            // gzip: magic 1f 8b; deflate as gRPC means it: the zlib format (header 78 xx).
            #expect(Array(compressed.prefix(2)) == (encoding == .gzip ? [0x1F, 0x8B] : [0x78, 0x9C]))
            #expect(try Self.inflate(compressed, encoding) == original)
        }
        let compressed = try #require(MessageCompression.compress(Self.text(1000), with: encoding))
        let error = #expect(throws: RPCError.self) {
            try Self.inflate(compressed, encoding == .gzip ? .deflate : .gzip)
        }
        #expect(error?.code == .internal, "one format is not read as the other")
    }

    @Test func leavesIncompressibleAndEmptyMessagesUncompressed() throws {
        var generator = SeededGenerator(seed: 11)
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(MessageCompression.compress(random, with: .gzip) == nil)
        #expect(MessageCompression.compress([], with: .deflate) == nil)
        #expect(MessageCompression.compress(Self.text(1000), with: .identity) == nil)
        #expect(try Self.inflate([1, 2, 3], .identity) == [1, 2, 3])
    }

    @Test(arguments: [MessageEncoding.gzip, .deflate])
    func refusesAZipBombAfterBoundedWork(_ encoding: MessageEncoding) throws {
        let zeros = [UInt8](repeating: 0, count: 10 * 1024 * 1024)
        let bomb = try #require(MessageCompression.compress(zeros, with: encoding))
        #expect(bomb.count < 20 * 1024, "10 MiB of zeros compress to \(bomb.count) bytes")
        let limit = 4 * 1024 * 1024
        var inflater = MessageInflater(encoding: encoding, maxBytes: limit)
        let error = #expect(throws: RPCError.self) { try inflater.inflate(bomb) }
        #expect(error?.code == .resourceExhausted)
        #expect(
            error?.message
                == "a \(encoding.rawValue) message of \(bomb.count) bytes decompresses to more than the limit of \(limit) bytes"
        )
        // zlib stopped one byte past the limit, long before the end of its input.
        #expect(inflater.producedBytes == limit + 1)
        #expect(inflater.consumedBytes < bomb.count / 2, "read \(inflater.consumedBytes) of \(bomb.count) bytes")
        // Exactly at the limit is fine.
        let atLimit = try #require(MessageCompression.compress([UInt8](repeating: 0, count: limit), with: encoding))
        #expect(try Self.inflate(atLimit, encoding, maxBytes: limit).count == limit)
    }

    @Test func refusesTruncatedCorruptAndOverlongStreamsWithClearMessages() throws {
        let truncated = #expect(throws: RPCError.self) { try Self.inflate(Array(Self.pythonGzip.dropLast(4)), .gzip) }
        #expect(truncated?.code == .internal)
        #expect(truncated?.message == "a gzip message is truncated: its 27 bytes end inside the compressed stream")

        var badChecksum = Self.pythonGzip
        badChecksum[badChecksum.count - 8] ^= 0xFF
        let checksum = #expect(throws: RPCError.self) { try Self.inflate(badChecksum, .gzip) }
        #expect(checksum?.code == .internal)
        #expect(checksum?.message == "a gzip message is not valid gzip data (incorrect data check)")

        let notGzip = #expect(throws: RPCError.self) { try Self.inflate(Array("plain text".utf8), .gzip) }
        #expect(notGzip?.message == "a gzip message is not valid gzip data (incorrect header check)")
        let rawDeflate = #expect(throws: RPCError.self) {
            try Self.inflate(Array(Self.pythonZlib.dropFirst(2)), .deflate)
        }
        #expect(rawDeflate?.code == .internal, "deflate is the zlib format, not raw deflate")

        let trailing = #expect(throws: RPCError.self) { try Self.inflate(Self.pythonZlib + [0, 0], .deflate) }
        #expect(trailing?.message == "a deflate message has 2 bytes after the end of its compressed stream")
        let empty = #expect(throws: RPCError.self) { try Self.inflate([], .gzip) }
        #expect(empty?.code == .internal)
    }

    @Test func namesAndAcceptedEncodings() {
        #expect(MessageEncoding(headerValue: "gzip") == .gzip)
        #expect(MessageEncoding(headerValue: " deflate ") == .deflate)
        #expect(MessageEncoding(headerValue: "identity") == .identity)
        #expect(MessageEncoding(headerValue: "snappy") == nil)
        #expect(MessageEncoding(headerValue: "GZIP") == nil)
        #expect(MessageEncoding(headerValue: "") == nil)
        #expect(MessageEncoding.gzip.isAccepted(by: "identity,deflate,gzip"))
        #expect(MessageEncoding.deflate.isAccepted(by: "gzip, deflate"))
        #expect(!MessageEncoding.gzip.isAccepted(by: "identity, deflate"))
        #expect(!MessageEncoding.gzip.isAccepted(by: nil))
        #expect(!MessageEncoding.gzip.isAccepted(by: "gzipx"))
        #expect(MessageEncoding.identity.isAccepted(by: nil))
    }

    @Test func deframerPassesCompressedMessagesOnInTheCallsEncoding() throws {
        let plain = GRPCMessageFramer.frame([1, 2, 3])
        let compressed = GRPCMessageFramer.frame(Self.pythonGzip, compressed: true)
        #expect(compressed.first == 1)

        var identity = GRPCMessageDeframer(maxMessageBytes: 1000)
        let refused = #expect(throws: RPCError.self) {
            try compressed.withUnsafeBytes { bytes in try identity.process(bytes) { _ in } }
        }
        #expect(refused?.code == .internal)
        #expect(
            refused?.message
                == "a message has the compressed flag set but the call has no grpc-encoding other than identity")

        var gzip = GRPCMessageDeframer(maxMessageBytes: 1000)
        gzip.encoding = .gzip
        var received: [ReceivedMessage] = []
        for cut in [0, 3, 7] {
            let wire = plain + compressed
            try Array(wire[..<cut]).withUnsafeBytes { bytes in try gzip.process(bytes) { received.append($0) } }
            try Array(wire[cut...]).withUnsafeBytes { bytes in try gzip.process(bytes) { received.append($0) } }
        }
        #expect(
            received
                == Array(
                    repeating: [
                        ReceivedMessage(bytes: [1, 2, 3]), ReceivedMessage(bytes: Self.pythonGzip, encoding: .gzip),
                    ], count: 3
                ).flatMap { $0 })
        #expect(try received.map { try $0.decompressed(maxBytes: 100) }.last == Array("hello, gRPC".utf8))
    }
}
