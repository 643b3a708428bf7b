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
            frames.append(HTTP2Frame(type: bytes[offset + 3], flags: bytes[offset + 4], streamID: streamID,
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
