/// Writes the gRPC length prefix of a message: a zero compressed flag (identity encoding) and
/// the 4-byte big-endian length.
package enum GRPCMessageFramer {
    /// The 5 prefix bytes of a message of `length` bytes.
    package static func prefix(length: Int) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        let length = UInt32(truncatingIfNeeded: length)
        return (0, UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length))
    }

    /// The prefix byte at `index` (0..<5) for a message of `length` bytes.
    package static func prefixByte(_ index: Int, length: Int) -> UInt8 {
        index == 0 ? 0 : UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: length) >> (8 * (4 - index)))
    }

    /// A message and its prefix as one byte array.
    package static func frame(_ message: [UInt8]) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(message.count + GRPCMessageDeframer.prefixLength)
        let prefix = prefix(length: message.count)
        framed.append(prefix.0)
        framed.append(prefix.1)
        framed.append(prefix.2)
        framed.append(prefix.3)
        framed.append(prefix.4)
        framed.append(contentsOf: message)
        return framed
    }
}
