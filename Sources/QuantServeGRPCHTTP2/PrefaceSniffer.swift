/// Tells from a connection's first bytes what the peer speaks: HTTP/2 with prior knowledge
/// (the client preface), HTTP/1.x (a request line such as `GET / HTTP/1.1`), or neither.
struct PrefaceSniffer {
    /// The verdict so far.
    enum Verdict: Equatable {
        case needMoreBytes
        case http2
        case http1
        case garbage
    }

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    /// Longest HTTP method token considered before calling the bytes garbage.
    private static let maxMethodLength = 16

    /// Everything received so far.
    private(set) var bytes: [UInt8] = []

    /// Adds received bytes and judges them.
    mutating func append(_ received: some Sequence<UInt8>) -> Verdict {
        bytes.append(contentsOf: received)
        let compared = min(bytes.count, Self.preface.count)
        if bytes[..<compared].elementsEqual(Self.preface[..<compared]) {
            return compared == Self.preface.count ? .http2 : .needMoreBytes
        }
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: " ") { return index > 0 ? .http1 : .garbage }
            let isTokenByte = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "-")
            if !isTokenByte || index >= Self.maxMethodLength { return .garbage }
        }
        return .needMoreBytes
    }
}
