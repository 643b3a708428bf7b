import QuantServeGRPC
internal import QuantServeProto

/// One version of a model as the registry sees it (`inference.v1.ModelVersionStatus`).
public struct ModelVersionStatus: Sendable, Hashable {
    /// The version number.
    public var version: UInt64
    /// Where the version is in its life.
    public var state: VersionState
    /// Bytes held by this version's weights and buffers.
    public var memoryBytes: UInt64
    /// Why the load failed, when `state` is `.failed`.
    public var error: String
    /// Requests currently holding this version.
    public var inFlight: UInt64
    /// The folder the version was loaded from.
    public var path: String

    /// A version's status.
    public init(
        version: UInt64 = 0, state: VersionState = .unspecified, memoryBytes: UInt64 = 0,
        error: String = "", inFlight: UInt64 = 0, path: String = ""
    ) {
        self.version = version
        self.state = state
        self.memoryBytes = memoryBytes
        self.error = error
        self.inFlight = inFlight
        self.path = path
    }
}

extension ModelVersionStatus: GRPCMessage {
    /// Decodes the message from its protobuf encoding; throws when the bytes are not one.
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }

    /// The message's protobuf encoding.
    public func serializedBytes() -> [UInt8] {
        ProtobufCCodec.encode(self)
    }
}

extension ModelVersionStatus: ProtobufCCodable {
    static let protobufName = "inference.v1.ModelVersionStatus"

    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__V1__ModelVersionStatus>? {
        inference__v1__model_version_status__unpack(nil, count, bytes)
    }

    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__V1__ModelVersionStatus>) {
        inference__v1__model_version_status__init(cMessage)
    }

    init(cMessage: UnsafePointer<Inference__V1__ModelVersionStatus>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        version = c.version
        state = VersionState(cValue: c.state)
        memoryBytes = c.memory_bytes
        error = try ProtobufCCodec.string(c.error, field: "error", of: Self.self)
        inFlight = c.in_flight
        path = try ProtobufCCodec.string(c.path, field: "path", of: Self.self)
    }

    func fill(_ cMessage: UnsafeMutablePointer<Inference__V1__ModelVersionStatus>, arena: inout ProtobufCArena) {
        cMessage.pointee.version = version
        cMessage.pointee.state = state.cValue
        cMessage.pointee.memory_bytes = memoryBytes
        cMessage.pointee.error = arena.cString(error)
        cMessage.pointee.in_flight = inFlight
        cMessage.pointee.path = arena.cString(path)
    }
}
