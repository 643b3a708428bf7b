/// A raw HTTP/2 frame as read off the wire by the tests.
struct HTTP2Frame {
    static let dataType: UInt8 = 0
    static let headersType: UInt8 = 1
    static let resetType: UInt8 = 3
    static let settingsType: UInt8 = 4
    static let goAwayType: UInt8 = 7

    var type: UInt8
    var flags: UInt8
    var streamID: UInt32
    var payload: [UInt8]

    /// Every complete frame in `bytes` (which start right after any preface).
    static func parse(_ bytes: [UInt8]) -> [HTTP2Frame] {
        var frames: [HTTP2Frame] = []
        var offset = 0
        while bytes.count - offset >= 9 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard bytes.count - offset - 9 >= length else { break }
            let streamID = bytes[(offset + 5)..<(offset + 9)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
            frames.append(
                HTTP2Frame(
                    type: bytes[offset + 3], flags: bytes[offset + 4], streamID: streamID,
                    payload: Array(bytes[(offset + 9)..<(offset + 9 + length)])))
            offset += 9 + length
        }
        return frames
    }

    /// The error code of a GOAWAY or RST_STREAM frame.
    var errorCode: UInt32? {
        switch type {
        case Self.goAwayType where payload.count >= 8:
            payload[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        case Self.resetType where payload.count >= 4:
            payload[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        default:
            nil
        }
    }
}

// MARK: Writing frames by hand (for floods and malformed input)

extension HTTP2Frame {
    static let priorityType: UInt8 = 2
    static let pingType: UInt8 = 6
    static let continuationType: UInt8 = 9
    static let endStreamFlag: UInt8 = 0x1
    static let endHeadersFlag: UInt8 = 0x4

    /// The client connection preface and an empty SETTINGS frame.
    static let clientPreface =
        Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        + HTTP2Frame(type: settingsType, flags: 0, streamID: 0, payload: []).bytes

    /// The frame as it goes on the wire.
    var bytes: [UInt8] {
        let length = payload.count
        return [
            UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
            UInt8(streamID >> 24 & 0x7F), UInt8(streamID >> 16 & 0xFF), UInt8(streamID >> 8 & 0xFF),
            UInt8(streamID & 0xFF),
        ]
            + payload
    }

    static func ping(_ counter: UInt64) -> HTTP2Frame {
        HTTP2Frame(
            type: pingType, flags: 0, streamID: 0,
            payload: (0..<8).map { UInt8(truncatingIfNeeded: counter >> ($0 * 8)) })
    }

    static func reset(_ streamID: UInt32) -> HTTP2Frame {
        HTTP2Frame(type: resetType, flags: 0, streamID: streamID, payload: [0, 0, 0, 8])
    }

    /// A gRPC request's header block (HPACK literals, no Huffman) with `path` as raw bytes.
    static func requestHeaderBlock(path: [UInt8], extra: [(String, [UInt8])] = []) -> [UInt8] {
        var block: [UInt8] = []
        let fields: [(String, [UInt8])] =
            [
                (":method", Array("POST".utf8)), (":scheme", Array("http".utf8)), (":path", path),
                (":authority", Array("127.0.0.1".utf8)), ("content-type", Array("application/grpc".utf8)),
                ("te", Array("trailers".utf8)),
            ] + extra
        for (name, value) in fields {
            block.append(0x00)  // literal without indexing, new name
            block += hpackInteger(name.utf8.count, prefixBits: 7) + Array(name.utf8)
            block += hpackInteger(value.count, prefixBits: 7) + value
        }
        return block
    }

    /// A HEADERS frame carrying a whole header block.
    static func headers(streamID: UInt32, block: [UInt8], endStream: Bool) -> HTTP2Frame {
        HTTP2Frame(
            type: headersType, flags: endHeadersFlag | (endStream ? endStreamFlag : 0), streamID: streamID,
            payload: block)
    }

    private static func hpackInteger(_ value: Int, prefixBits: Int) -> [UInt8] {
        let limit = (1 << prefixBits) - 1
        if value < limit { return [UInt8(value)] }
        var bytes = [UInt8(limit)]
        var rest = value - limit
        while rest >= 128 {
            bytes.append(UInt8(rest % 128 + 128))
            rest /= 128
        }
        bytes.append(UInt8(rest))
        return bytes
    }
}
