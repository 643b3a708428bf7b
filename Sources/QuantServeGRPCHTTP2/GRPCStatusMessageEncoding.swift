import QuantServeGRPC

/// The percent-encoding of `grpc-message` (gRPC over HTTP/2 spec): the UTF-8 bytes of the
/// message, with every byte outside printable ASCII (0x20–0x7E) and `%` itself written as
/// `%XX` (upper-case hex).
package enum GRPCStatusMessageEncoding {
    /// The longest status message sent, in UTF-8 bytes; a longer one is cut at a character
    /// boundary and ends with `…`, so that no message (which may quote client text) can make
    /// a response or a log line grow without bound.
    package static let maxMessageBytes = 1024

    /// `message` cut to `maxMessageBytes`.
    package static func capped(_ message: String) -> String {
        guard message.utf8.count > maxMessageBytes else { return message }
        let ellipsis = "…"
        var budget = maxMessageBytes - ellipsis.utf8.count
        var kept = ""
        for character in message {
            let size = character.utf8.count
            if size > budget { break }
            kept.append(character)
            budget -= size
        }
        return kept + ellipsis
    }

    /// The header value for a status message (cut to `maxMessageBytes` first).
    package static func encode(_ message: String) -> String {
        let message = capped(message)
        let utf8 = message.utf8
        if utf8.allSatisfy({ !needsEscape($0) }) { return message }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if needsEscape(byte) {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigit(byte >> 4))
                bytes.append(hexDigit(byte & 0x0F))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The status message of a header value. Never fails: a `%` not followed by two hex digits
    /// is kept as it is, and bytes that are not UTF-8 become U+FFFD, as the spec asks
    /// (decoding must not throw the message away).
    package static func decode(_ value: some StringProtocol) -> String {
        let utf8 = Array(value.utf8)
        guard utf8.contains(UInt8(ascii: "%")) else { return String(value) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%")
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
