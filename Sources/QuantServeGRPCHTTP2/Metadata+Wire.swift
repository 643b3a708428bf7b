import QuantServeGRPC

/// Metadata as HTTP/2 header fields: `-bin` values travel as base64, and the headers that
/// gRPC and HTTP/2 reserve for themselves never pass as custom metadata.
extension Metadata {
    /// Whether `name` is a header gRPC or HTTP/2 owns (pseudo-headers, `content-type`, `te`,
    /// `grpc-*`, connection-specific headers), which custom metadata may neither set nor see.
    package static func isReservedHeader(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first else { return true }
        if first == UInt8(ascii: ":") { return true }
        if name.hasPrefix("grpc-") { return true }
        switch name {
        case "content-type", "te", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade", "host", "content-length":
            return true
        default:
            return false
        }
    }

    /// Whether `key` is a valid metadata key: non-empty, only `0-9 a-z _ - .`.
    package static func isValidKey(_ key: some StringProtocol) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
    }

    /// Whether `value` may travel as a text value: printable ASCII only.
    package static func isValidTextValue(_ value: some StringProtocol) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    /// Calls `body` with each entry as a header field (name, value), `-bin` values (and any
    /// binary value) in base64. Throws INTERNAL naming the first entry that cannot be sent: a
    /// reserved or malformed key, a binary value under a key without `-bin`, or a text value
    /// with characters outside printable ASCII.
    package func forEachHeaderField(_ body: (String, String) -> Void) throws(RPCError) {
        for entry in self {
            guard Self.isValidKey(entry.key), !Self.isReservedHeader(entry.key) else {
                throw RPCError(
                    code: .internal, message: "metadata key '\(entry.key)' is reserved or not a valid gRPC metadata key"
                )
            }
            let isBinaryKey = entry.key.hasSuffix("-bin")
            switch entry.value {
            case .binary(let bytes):
                guard isBinaryKey else {
                    throw RPCError(
                        code: .internal,
                        message: "metadata key '\(entry.key)' has a binary value but does not end in -bin")
                }
                body(entry.key, Base64.encode(bytes))
            case .string(let text):
                if isBinaryKey {
                    body(entry.key, Base64.encode(Array(text.utf8)))
                } else {
                    guard Self.isValidTextValue(text) else {
                        throw RPCError(
                            code: .internal,
                            message: "metadata value of '\(entry.key)' has characters outside printable ASCII")
                    }
                    body(entry.key, text)
                }
            }
        }
    }

    /// Adds a received header field as metadata unless it is reserved; `-bin` values are
    /// base64-decoded (a value that is not valid base64 is kept as text).
    package mutating func addHeaderField(name: String, value: String) {
        guard !Self.isReservedHeader(name) else { return }
        if name.hasSuffix("-bin"), let bytes = Base64.decode(value) {
            add(name, binary: bytes)
        } else {
            add(name, value)
        }
    }
}
