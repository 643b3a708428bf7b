internal import QuantServeProto

/// A walk over a message's protobuf wire bytes, guided by its protobuf-c descriptor and made
/// before protobuf-c unpacks them, for what unpacking would hide: protobuf-c hands strings over
/// as C strings, so a string holding U+0000 would come out cut at its first NUL, and it
/// allocates every entry of a repeated field before anyone can count them.
///
/// The walk refuses a string field holding a NUL byte anywhere in the message, except the one
/// top-level string field it collects (a request's `texts`): of that one it counts every
/// occurrence and records where the first `collectionLimit` lie, without copying them.
struct ProtobufWireScan {
    /// Where the recorded occurrences of the collected field lie in the bytes, in order.
    private(set) var collectedRanges: [Range<Int>] = []
    /// How many occurrences of the collected field the bytes hold.
    private(set) var collectedCount = 0

    private let collectedField: UInt32?
    private let collectionLimit: Int
    private let messageName: String

    /// Walks `bytes` as the message `descriptor` describes (named `messageName` in errors),
    /// collecting the top-level string field `collectedField`; throws when the bytes are not a
    /// protobuf encoding or a string outside the collected field holds a NUL.
    init(
        _ bytes: [UInt8],
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        messageName: String,
        collecting collectedField: UInt32? = nil,
        collectionLimit: Int = .max
    ) throws(MessageDecodingError) {
        self.collectedField = collectedField
        self.collectionLimit = collectionLimit
        self.messageName = messageName
        try walk(bytes, bytes.indices, descriptor: descriptor, isTopLevel: true)
    }

    /// Where the first field numbered above `fieldNumber` starts among the top-level fields of
    /// `bytes` (their end when there is none): where fields in number order put that field.
    static func insertionOffset(for fieldNumber: UInt32, in bytes: [UInt8]) -> Int {
        var position = 0
        while position < bytes.count {
            let fieldStart = position
            guard let tag = varint(bytes, at: &position, end: bytes.count),
                value(ofWireType: tag & 7, in: bytes, at: &position, end: bytes.count) != nil
            else { return bytes.count }
            if tag >> 3 > UInt64(fieldNumber) { return fieldStart }
        }
        return bytes.count
    }

    /// How many times each top-level field occurs in `bytes` (up to where they stop being a
    /// protobuf encoding, which decoding then refuses): repeated fields counted before
    /// protobuf-c allocates an entry for each.
    static func topLevelFieldCounts(_ bytes: [UInt8]) -> [UInt32: Int] {
        var counts: [UInt32: Int] = [:]
        var position = 0
        while position < bytes.count {
            guard let tag = varint(bytes, at: &position, end: bytes.count), tag >> 3 <= UInt64(UInt32.max),
                value(ofWireType: tag & 7, in: bytes, at: &position, end: bytes.count) != nil
            else { break }
            counts[UInt32(tag >> 3), default: 0] += 1
        }
        return counts
    }

    /// Appends `value` as a protobuf varint.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func walk(
        _ bytes: [UInt8],
        _ range: Range<Int>,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        isTopLevel: Bool
    ) throws(MessageDecodingError) {
        var position = range.lowerBound
        while position < range.upperBound {
            let tagOffset = position
            guard let tag = Self.varint(bytes, at: &position, end: range.upperBound) else {
                throw failure("a truncated field tag at byte \(tagOffset)")
            }
            let fieldNumber = tag >> 3
            guard fieldNumber > 0, fieldNumber <= UInt64(UInt32.max >> 3) else {
                throw failure("field number \(fieldNumber) at byte \(tagOffset) is out of range")
            }
            guard let value = Self.value(ofWireType: tag & 7, in: bytes, at: &position, end: range.upperBound) else {
                throw failure("field \(fieldNumber) at byte \(tagOffset) has wire type \(tag & 7) or runs past the end")
            }
            guard tag & 7 == 2, let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(fieldNumber))
            else {
                continue
            }
            switch field.pointee.type {
            case PROTOBUF_C_TYPE_STRING where isTopLevel && UInt32(fieldNumber) == collectedField:
                collectedCount += 1
                if collectedCount <= collectionLimit { collectedRanges.append(value) }
            case PROTOBUF_C_TYPE_STRING:
                if bytes[value].contains(0) {
                    let name = String(cString: descriptor.pointee.name) + "." + String(cString: field.pointee.name)
                    throw failure("field \(name) holds U+0000 (NUL), which it cannot carry")
                }
            case PROTOBUF_C_TYPE_MESSAGE:
                if let nested = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) {
                    try walk(bytes, value, descriptor: nested, isTopLevel: false)
                }
            default:
                continue
            }
        }
    }

    /// Reads a varint of at most ten bytes at `position`, moving past it; nil when truncated or too long.
    static func varint(_ bytes: [UInt8], at position: inout Int, end: Int) -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard position < end else { return nil }
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }

    /// Reads a field value of `wireType` at `position`, moving past it: where its bytes lie (a
    /// length-delimited value without its length). Nil when it runs past `end` or the wire type
    /// is not one protobuf-c reads (groups are not).
    static func value(ofWireType wireType: UInt64, in bytes: [UInt8], at position: inout Int, end: Int) -> Range<Int>? {
        let start: Int
        let length: UInt64
        switch wireType {
        case 0:
            start = position
            guard varint(bytes, at: &position, end: end) != nil else { return nil }
            return start..<position
        case 1:
            start = position
            length = 8
        case 5:
            start = position
            length = 4
        case 2:
            guard let prefix = varint(bytes, at: &position, end: end) else { return nil }
            start = position
            length = prefix
        default:
            return nil
        }
        guard length <= UInt64(end - start) else { return nil }
        position = start + Int(length)
        return start..<position
    }

    private func failure(_ reason: String) -> MessageDecodingError {
        MessageDecodingError(messageName: messageName, reason: reason)
    }
}
