import QuantServeGRPC

/// Writes the gRPC length prefix of a message: the compressed flag (0 for the identity
/// encoding) and the 4-byte big-endian length.
package enum GRPCMessageFramer {
    /// The 5 prefix bytes of a message of `length` bytes.
    package static func prefix(length: Int, compressed: Bool = false) -> (UInt8, UInt8, UInt8, UInt8, UInt8) {
        let length = UInt32(truncatingIfNeeded: length)
        return (
            compressed ? 1 : 0, UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)
        )
    }

    /// The prefix byte at `index` (0..<5) for a message of `length` bytes.
    package static func prefixByte(_ index: Int, length: Int, compressed: Bool = false) -> UInt8 {
        guard index > 0 else { return compressed ? 1 : 0 }
        return UInt8(truncatingIfNeeded: UInt32(truncatingIfNeeded: length) >> (8 * (4 - index)))
    }

    /// A message and its prefix as one byte array.
    package static func frame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
        var framed: [UInt8] = []
        framed.reserveCapacity(message.count + GRPCMessageDeframer.prefixLength)
        let prefix = prefix(length: message.count, compressed: compressed)
        framed.append(prefix.0)
        framed.append(prefix.1)
        framed.append(prefix.2)
        framed.append(prefix.3)
        framed.append(prefix.4)
        framed.append(contentsOf: message)
        return framed
    }
}
