import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// Asks whether the server is live (`inference.ServerLiveRequest`, no fields).
    public struct ServerLiveRequest: Sendable, Hashable {
        public init() {}
    }

    /// Whether the server is live (`inference.ServerLiveResponse`).
    public struct ServerLiveResponse: Sendable, Hashable {
        public var live: Bool
        public init(live: Bool = false) { self.live = live }
    }

    /// Asks whether the server is ready for inference (`inference.ServerReadyRequest`, no fields).
    public struct ServerReadyRequest: Sendable, Hashable {
        public init() {}
    }

    /// Whether the server is ready for inference (`inference.ServerReadyResponse`).
    public struct ServerReadyResponse: Sendable, Hashable {
        public var ready: Bool
        public init(ready: Bool = false) { self.ready = ready }
    }

    /// Asks whether a model version can serve (`inference.ModelReadyRequest`).
    public struct ModelReadyRequest: Sendable, Hashable {
        /// The model's name.
        public var name: String
        /// The version as a decimal number; empty for the serving version.
        public var version: String
        public init(name: String = "", version: String = "") {
            self.name = name
            self.version = version
        }
    }

    /// Whether the model version can serve (`inference.ModelReadyResponse`).
    public struct ModelReadyResponse: Sendable, Hashable {
        public var ready: Bool
        public init(ready: Bool = false) { self.ready = ready }
    }
}

extension KServe.ServerLiveRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerLiveRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerLiveRequest
    >? {
        inference__server_live_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerLiveRequest>) {
        inference__server_live_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerLiveRequest>) throws(MessageDecodingError) {}
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerLiveRequest>, arena: inout ProtobufCArena) {}
}

extension KServe.ServerLiveResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerLiveResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerLiveResponse
    >? {
        inference__server_live_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerLiveResponse>) {
        inference__server_live_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerLiveResponse>) throws(MessageDecodingError) {
        live = cMessage.pointee.live != 0
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerLiveResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.live = live ? 1 : 0
    }
}

extension KServe.ServerReadyRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerReadyRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerReadyRequest
    >? {
        inference__server_ready_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerReadyRequest>) {
        inference__server_ready_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerReadyRequest>) throws(MessageDecodingError) {}
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerReadyRequest>, arena: inout ProtobufCArena) {}
}

extension KServe.ServerReadyResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerReadyResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerReadyResponse
    >? {
        inference__server_ready_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerReadyResponse>) {
        inference__server_ready_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerReadyResponse>) throws(MessageDecodingError) {
        ready = cMessage.pointee.ready != 0
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerReadyResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.ready = ready ? 1 : 0
    }
}

extension KServe.ModelReadyRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelReadyRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelReadyRequest
    >? {
        inference__model_ready_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelReadyRequest>) {
        inference__model_ready_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelReadyRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(cMessage.pointee.version, field: "version", of: Self.self)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelReadyRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
    }
}

extension KServe.ModelReadyResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelReadyResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelReadyResponse
    >? {
        inference__model_ready_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelReadyResponse>) {
        inference__model_ready_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelReadyResponse>) throws(MessageDecodingError) {
        ready = cMessage.pointee.ready != 0
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelReadyResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.ready = ready ? 1 : 0
    }
}
