import QuantServeGRPC

/// The server transport's `RPCResponseSink`: checks each message against the send limit,
/// compresses it when the call's responses are compressed (on the handler's task) and queues
/// it for the connection's event loop.
struct ServerResponseSink: RPCResponseSink {
    let queue: OutboundMessageQueue
    let maxSendMessageBytes: Int
    let compression: MessageEncoding

    func sendHeaders(_ metadata: Metadata) async throws {
        try metadata.forEachHeaderField { _, _ in }
        try queue.requestHeaders(metadata)
    }

    func sendMessage(_ serialized: [UInt8]) async throws {
        guard serialized.count <= maxSendMessageBytes else {
            throw RPCError(
                code: .resourceExhausted,
                message:
                    "a response message of \(serialized.count) bytes exceeds the send limit of \(maxSendMessageBytes) bytes"
            )
        }
        if let compressed = MessageCompression.compress(serialized, with: compression) {
            try await queue.write(compressed, compressed: true)
        } else {
            try await queue.write(serialized)
        }
    }
}
