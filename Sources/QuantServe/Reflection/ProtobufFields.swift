/// The fields of one protobuf message's wire bytes, in order (`ProtobufFields.all`): a small reader for the parts of
/// `google/protobuf/descriptor.proto` that reflection indexes. It reads trusted bytes (the
/// descriptor set compiled into the server) but still checks every length against the end.
struct ProtobufFields {
    /// One field: its number and its value.
    struct Field {
        let number: UInt64
        let value: Value
    }

    /// A field's value: a varint, or the bytes of a length-delimited field (a string, bytes or
    /// a sub-message). Fixed-width values are not read (no indexed field has one).
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case skipped
    }

    /// Thrown when the bytes are not a protobuf encoding.
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        var description: String { "malformed protobuf encoding at byte \(offset)" }
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int
    private var failure: Malformed?

    private init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// Every field of `bytes`; throws when they are not a protobuf encoding.
    static func all(_ bytes: ArraySlice<UInt8>) throws -> [Field] {
        var reader = ProtobufFields(bytes)
        var fields: [Field] = []
        while let field = reader.next() { fields.append(field) }
        if let failure = reader.failure { throw failure }
        return fields
    }

    /// The next field; nil at the end, or at bytes that are not an encoding (then `failure` is set).
    private mutating func next() -> Field? {
        guard failure == nil, position < bytes.endIndex else { return nil }
        let start = position
        guard let tag = varint(), tag >> 3 > 0 else { return fail(at: start) }
        let value: Value
        switch tag & 7 {
        case 0:
            guard let number = varint() else { return fail(at: start) }
            value = .varint(number)
        case 2:
            guard let length = varint(), length <= UInt64(bytes.endIndex - position) else { return fail(at: start) }
            value = .bytes(bytes[position..<position + Int(length)])
            position += Int(length)
        case 1, 5:
            let width = tag & 7 == 1 ? 8 : 4
            guard bytes.endIndex - position >= width else { return fail(at: start) }
            position += width
            value = .skipped
        default:
            return fail(at: start)  // groups (3, 4) do not occur in descriptors; 6 and 7 are invalid
        }
        return Field(number: tag >> 3, value: value)
    }

    private mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    private mutating func fail(at offset: Int) -> Field? {
        failure = Malformed(offset: offset)
        return nil
    }
}

extension ProtobufFields.Field {
    /// The value as UTF-8 text, for a string field.
    var string: String? {
        guard case .bytes(let bytes) = value else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The value's bytes, for a length-delimited field.
    var bytes: ArraySlice<UInt8>? {
        guard case .bytes(let bytes) = value else { return nil }
        return bytes
    }

    /// The value as a varint.
    var varint: UInt64? {
        guard case .varint(let value) = value else { return nil }
        return value
    }
}
