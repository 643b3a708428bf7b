/// A gRPC message encoding, as `grpc-encoding` names it: how the bytes of a message whose
/// compressed flag is set are compressed. `gzip` is RFC 1952; `deflate` is, as gRPC
/// implementations send it, the zlib format (RFC 1950: header, deflate data, Adler-32).
public enum MessageEncoding: String, Sendable, CaseIterable {
    case identity
    case gzip
    case deflate

    /// The `grpc-accept-encoding` value this implementation sends: every encoding it reads.
    public static let acceptEncodingHeaderValue = "gzip, deflate, identity"

    /// The encoding a `grpc-encoding` value names (gRPC's names are lower case); nil when it
    /// names one this implementation does not support.
    public init?(headerValue: String) {
        self.init(rawValue: headerValue.trimmingSpacesAndTabs)
    }

    /// Whether a peer's `grpc-accept-encoding` value (names separated by commas) lists this
    /// encoding; identity is always accepted.
    public func isAccepted(by acceptEncoding: String?) -> Bool {
        if self == .identity { return true }
        guard let acceptEncoding else { return false }
        return acceptEncoding.split(separator: ",").contains { $0.trimmingSpacesAndTabs == rawValue }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpacesAndTabs: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
