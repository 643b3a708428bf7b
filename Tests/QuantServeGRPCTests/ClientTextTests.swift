import QuantServeGRPC
import Testing

@Suite("Quoting client text and capping status messages")
struct ClientTextTests {
    @Test func plainTextIsQuotedAsItIs() {
        #expect(ClientText.quoted("/inference.v1.Inference/Embed") == "\"/inference.v1.Inference/Embed\"")
        #expect(ClientText.quoted("") == "\"\"")
    }

    @Test func lineBreaksAndControlsCannotReachTheLog() {
        let quoted = ClientText.quoted("a\nb\r\"c\"\\\t\u{0}\u{7F}")
        #expect(quoted == #""a\nb\r\"c\"\\\t\u{0}\u{7F}""#)
        #expect(quoted.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E })
    }

    @Test func nonASCIIIsEscapedAndInvalidUTF8ShowsAsReplacement() {
        #expect(ClientText.quoted("é\u{2028}") == #""\u{E9}\u{2028}""#)
        let fromBytes = String(decoding: [0xFF, 0x41], as: UTF8.self)
        #expect(ClientText.quoted(fromBytes) == #""\u{FFFD}A""#)
    }

    @Test func longTextIsCutAndTheRestCounted() {
        let path = String(repeating: "\u{FFFD}", count: 3800)
        let quoted = ClientText.quoted(path)
        #expect(quoted.hasSuffix("…(+\((3800 - 64) * 3) bytes)"))
        #expect(quoted.utf8.count < 64 * 8 + 40)
        #expect(ClientText.quoted("abcdef", limit: 3) == "\"abc\"…(+3 bytes)")
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
