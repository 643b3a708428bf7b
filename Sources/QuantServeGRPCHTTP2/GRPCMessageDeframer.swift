import QuantServeGRPC

/// Splits the bytes of a gRPC stream's DATA frames into messages. Each message on the wire is
/// a 1-byte compressed flag, a 4-byte big-endian length and that many bytes; frames may split
/// a message anywhere and may carry several messages, so the deframer keeps whatever part of a
/// message it has seen until the rest arrives.
///
/// Limits are enforced from the length prefix, before the body is buffered: a message longer
/// than `maxMessageBytes` fails the stream with RESOURCE_EXHAUSTED at once. A message with the
/// compressed flag set is handed on, still compressed, in the call's `encoding`; under identity
/// the flag fails with INTERNAL, as the compression spec asks of a message with the flag set but
/// no `grpc-encoding`. After a failure every later call throws the same error.
package struct GRPCMessageDeframer: Sendable {
    /// The length of the prefix before each message: flag and length.
    package static let prefixLength = 5

    /// The largest message the deframer accepts.
    package let maxMessageBytes: Int

    /// The call's `grpc-encoding`: the encoding of every message whose compressed flag is set.
    package var encoding = MessageEncoding.identity

    private var prefix: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
    private var prefixCount = 0
    private var body: [UInt8] = []
    private var bodyLength = 0
    private var bodyEncoding = MessageEncoding.identity
    private var inBody = false
    private var failure: RPCError?

    /// A deframer that refuses messages longer than `maxMessageBytes`.
    package init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether the bytes so far end exactly at a message boundary.
    package var isAtMessageBoundary: Bool { !inBody && prefixCount == 0 }

    /// Consumes `bytes`, calling `onMessage` with each message completed by them, in order.
    package mutating func process(_ bytes: UnsafeRawBufferPointer, onMessage: (ReceivedMessage) -> Void)
        throws(RPCError)
    {
        if let failure { throw failure }
        var offset = 0
        let count = bytes.count
        while offset < count {
            if inBody {
                let take = min(bodyLength - body.count, count - offset)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                offset += take
                if body.count == bodyLength {
                    let message = ReceivedMessage(bytes: body, encoding: bodyEncoding)
                    body = []
                    inBody = false
                    onMessage(message)
                }
                continue
            }
            if prefixCount == 0, count - offset >= Self.prefixLength {
                // Fast path: the whole prefix is in this chunk.
                let (length, encoding) = try startMessage(
                    flag: bytes[offset],
                    length: bytes[offset + 1], bytes[offset + 2], bytes[offset + 3], bytes[offset + 4]
                )
                offset += Self.prefixLength
                if count - offset >= length {
                    onMessage(
                        ReceivedMessage(
                            bytes: Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])),
                            encoding: encoding))
                    offset += length
                } else {
                    beginBody(length: length, encoding: encoding)
                }
                continue
            }
            appendPrefixByte(bytes[offset])
            offset += 1
            if prefixCount == Self.prefixLength {
                prefixCount = 0
                let (length, encoding) = try startMessage(
                    flag: prefix.0, length: prefix.1, prefix.2, prefix.3, prefix.4)
                if length == 0 {
                    onMessage(ReceivedMessage(bytes: [], encoding: encoding))
                } else {
                    beginBody(length: length, encoding: encoding)
                }
            }
        }
    }

    /// Called when the stream ends: throws INTERNAL when it ended inside a message.
    package mutating func finish() throws(RPCError) {
        if let failure { throw failure }
        if inBody {
            try fail(
                RPCError(
                    code: .internal,
                    message: "the stream ended inside a message: \(body.count) of its \(bodyLength) bytes arrived"
                ))
        }
        if prefixCount > 0 {
            try fail(
                RPCError(
                    code: .internal,
                    message: "the stream ended inside a message's 5-byte prefix (\(prefixCount) bytes arrived)"
                ))
        }
    }

    private mutating func appendPrefixByte(_ byte: UInt8) {
        switch prefixCount {
        case 0: prefix.0 = byte
        case 1: prefix.1 = byte
        case 2: prefix.2 = byte
        case 3: prefix.3 = byte
        default: prefix.4 = byte
        }
        prefixCount += 1
    }

    private mutating func beginBody(length: Int, encoding: MessageEncoding) {
        inBody = true
        bodyLength = length
        bodyEncoding = encoding
        body = []
        body.reserveCapacity(length)
    }

    /// Validates a prefix and returns the message length it announces and the encoding of its bytes.
    private mutating func startMessage(
        flag: UInt8, length b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8
    ) throws(RPCError) -> (length: Int, encoding: MessageEncoding) {
        let length = Int(b0) << 24 | Int(b1) << 16 | Int(b2) << 8 | Int(b3)
        switch flag {
        case 0:
            break
        case 1 where encoding != .identity:
            break
        case 1:
            try fail(
                RPCError(
                    code: .internal,
                    message:
                        "a message has the compressed flag set but the call has no grpc-encoding other than identity"
                ))
        default:
            try fail(
                RPCError(code: .internal, message: "a message has an invalid compressed flag \(flag) (expected 0 or 1)")
            )
        }
        if length > maxMessageBytes {
            try fail(
                RPCError(
                    code: .resourceExhausted,
                    message: "a message of \(length) bytes exceeds the limit of \(maxMessageBytes) bytes"
                ))
        }
        return (length, flag == 1 ? encoding : .identity)
    }

    private mutating func fail(_ error: RPCError) throws(RPCError) -> Never {
        failure = error
        body = []
        throw error
    }
}
