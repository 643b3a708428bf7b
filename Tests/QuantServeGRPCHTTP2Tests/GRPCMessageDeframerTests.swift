import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeSeededRandom
import Testing

@Suite("Message deframer")
struct GRPCMessageDeframerTests {
    /// The wire form of `messages`, each with its 5-byte prefix.
    static func wire(_ messages: [[UInt8]]) -> [UInt8] {
        messages.flatMap { GRPCMessageFramer.frame($0) }
    }

    /// Feeds `bytes` split at `cuts` (sorted offsets) and returns the messages.
    static func deframe(_ bytes: [UInt8], cuts: [Int], maxMessageBytes: Int = 1 << 20) throws -> [[UInt8]] {
        var deframer = GRPCMessageDeframer(maxMessageBytes: maxMessageBytes)
        var messages: [[UInt8]] = []
        var start = 0
        for end in cuts + [bytes.count] {
            let chunk = Array(bytes[start..<end])
            try chunk.withUnsafeBytes { buffer in
                try deframer.process(buffer) { messages.append($0.bytes) }
            }
            start = end
        }
        try deframer.finish()
        return messages
    }

    static func randomMessages<G: RandomNumberGenerator>(using generator: inout G) -> [[UInt8]] {
        (0..<Int.random(in: 0...6, using: &generator)).map { _ in
            let length = [0, 1, 4, 5, 6, 100, 3000].randomElement(using: &generator)!
            return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
    }

    @Test func framerWritesFlagAndBigEndianLength() {
        #expect(GRPCMessageFramer.frame([9, 8, 7]) == [0, 0, 0, 0, 3, 9, 8, 7])
        #expect(Array(GRPCMessageFramer.frame([UInt8](repeating: 1, count: 0x01_02_03)).prefix(5)) == [0, 0, 1, 2, 3])
        for index in 0..<5 {
            let expected: [UInt8] = [0, 0x12, 0x34, 0x56, 0x78]
            #expect(GRPCMessageFramer.prefixByte(index, length: 0x1234_5678) == expected[index])
        }
    }

    @Test func everySplitOfAStreamReassemblesTheSameMessages() throws {
        let messages: [[UInt8]] = [[], [1], [2, 3, 4, 5, 6, 7], [], Array(repeating: 9, count: 40)]
        let bytes = Self.wire(messages)
        for first in 0...bytes.count {
            for second in first...bytes.count where second % 3 == 0 || second == first {
                #expect(try Self.deframe(bytes, cuts: [first, second]) == messages)
            }
        }
        let byteByByte = try Self.deframe(bytes, cuts: Array(1..<bytes.count))
        #expect(byteByByte == messages)
    }

    @Test func randomSplitsOfRandomStreamsReassemble() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<500 {
            let messages = Self.randomMessages(using: &generator)
            let bytes = Self.wire(messages)
            let cutCount = Int.random(in: 0...8, using: &generator)
            let cuts = (0..<cutCount).map { _ in Int.random(in: 0...bytes.count, using: &generator) }.sorted()
            #expect(try Self.deframe(bytes, cuts: cuts) == messages)
        }
    }

    @Test func randomBytesNeverCrashAndFailWithClearStatuses() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let cuts = (0..<3).map { _ in Int.random(in: 0...bytes.count, using: &generator) }.sorted()
            do {
                _ = try Self.deframe(bytes, cuts: cuts, maxMessageBytes: 1000)
            } catch let error as RPCError {
                #expect([Status.Code.internal, .resourceExhausted].contains(error.code))
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
    }

    @Test func lengthOverTheLimitFailsFromThePrefixAlone() {
        var deframer = GRPCMessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
        // Only the prefix of a 4 MiB + 1 message: refused before any body byte arrives.
        let prefix: [UInt8] = [0, 0x00, 0x40, 0x00, 0x01]
        let error = #expect(throws: RPCError.self) {
            try prefix.withUnsafeBytes { buffer in try deframer.process(buffer) { _ in } }
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("4194305") == true)
        // The deframer stays failed.
        #expect(throws: RPCError.self) { try deframer.finish() }
    }

    @Test func messageAtTheLimitIsAccepted() throws {
        let message = [UInt8](repeating: 3, count: 1000)
        #expect(try Self.deframe(Self.wire([message]), cuts: [7, 500], maxMessageBytes: 1000) == [message])
    }

    @Test func compressedFlagWithoutEncodingIsInternal() {
        let bytes: [UInt8] = [1, 0, 0, 0, 1, 42]
        let error = #expect(throws: RPCError.self) { _ = try Self.deframe(bytes, cuts: []) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("compressed flag") == true)
    }

    @Test func invalidFlagIsInternal() {
        let error = #expect(throws: RPCError.self) { _ = try Self.deframe([7, 0, 0, 0, 0], cuts: []) }
        #expect(error?.code == .internal)
    }

    @Test func streamEndingInsideABodyIsInternal() {
        let bytes = Array(Self.wire([[1, 2, 3, 4, 5, 6]]).dropLast(2))
        let error = #expect(throws: RPCError.self) { _ = try Self.deframe(bytes, cuts: [3]) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("4 of its 6 bytes") == true)
    }

    @Test func streamEndingInsideAPrefixIsInternal() {
        let error = #expect(throws: RPCError.self) { _ = try Self.deframe([0, 0, 0], cuts: []) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("prefix") == true)
    }
}
