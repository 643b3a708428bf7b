import QuantServeGRPC

/// A list of HTTP/2 header fields under construction, stored as one byte array so that handing
/// it to nghttp2 costs one allocation whatever the number of fields.
struct HTTP2HeaderList {
    /// Where one field's name and value lie in `bytes`.
    struct Field {
        var nameStart: Int
        var nameLength: Int
        var valueStart: Int
        var valueLength: Int
    }

    private(set) var bytes: [UInt8] = []
    private(set) var fields: [Field] = []

    init(capacity: Int = 8) {
        bytes.reserveCapacity(capacity * 24)
        fields.reserveCapacity(capacity)
    }

    /// Appends a field; `name` must already be lower case.
    mutating func add(_ name: String, _ value: String) {
        let nameStart = bytes.count
        bytes.append(contentsOf: name.utf8)
        let valueStart = bytes.count
        bytes.append(contentsOf: value.utf8)
        fields.append(
            Field(
                nameStart: nameStart, nameLength: valueStart - nameStart, valueStart: valueStart,
                valueLength: bytes.count - valueStart))
    }

    /// Appends every field of `metadata`, or none: throws INTERNAL for an entry that cannot be sent.
    mutating func add(metadata: Metadata) throws(RPCError) {
        if metadata.isEmpty { return }
        try metadata.forEachHeaderField { _, _ in }
        try metadata.forEachHeaderField { name, value in add(name, value) }
    }

    /// Appends `grpc-status` and, when the message is not empty, the percent-encoded `grpc-message`.
    mutating func add(status: Status) {
        add("grpc-status", String(status.code.rawValue))
        if !status.message.isEmpty {
            add("grpc-message", GRPCStatusMessageEncoding.encode(status.message))
        }
    }

    var count: Int { fields.count }
}
