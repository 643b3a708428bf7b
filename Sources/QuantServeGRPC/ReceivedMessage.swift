/// One message as the deframer read it off the wire: its bytes and the encoding they are in
/// (identity when its compressed flag was 0). Transports hand these to the task that decodes
/// the message, which decompresses it there, off the event loop.
package struct ReceivedMessage: Sendable, Equatable {
    /// The bytes as they arrived (compressed unless `encoding` is identity).
    package var bytes: [UInt8]
    /// The encoding of `bytes`.
    package var encoding: MessageEncoding

    /// A message in `encoding` (identity: uncompressed).
    package init(bytes: [UInt8], encoding: MessageEncoding = .identity) {
        self.bytes = bytes
        self.encoding = encoding
    }

    /// The serialized message: the bytes themselves, or inflated within `maxBytes` (a message
    /// whose decompressed size passes it fails with RESOURCE_EXHAUSTED, a damaged one with INTERNAL).
    package func decompressed(maxBytes: Int) throws(RPCError) -> [UInt8] {
        guard encoding != .identity else { return bytes }
        var inflater = MessageInflater(encoding: encoding, maxBytes: maxBytes)
        return try inflater.inflate(bytes)
    }
}
