import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// Asks for the server's name, version and extensions (`inference.ServerMetadataRequest`, no fields).
    public struct ServerMetadataRequest: Sendable, Hashable {
        public init() {}
    }

    /// The server's name, version and protocol extensions (`inference.ServerMetadataResponse`).
    public struct ServerMetadataResponse: Sendable, Hashable {
        public var name: String
        public var version: String
        public var extensions: [String]
        public init(name: String = "", version: String = "", extensions: [String] = []) {
            self.name = name
            self.version = version
            self.extensions = extensions
        }
    }

    /// Asks for a model's tensors (`inference.ModelMetadataRequest`).
    public struct ModelMetadataRequest: Sendable, Hashable {
        public var name: String
        /// The version as a decimal number; empty for the serving version.
        public var version: String
        public init(name: String = "", version: String = "") {
            self.name = name
            self.version = version
        }
    }

    /// A model's versions, platform and tensors (`inference.ModelMetadataResponse`).
    public struct ModelMetadataResponse: Sendable, Hashable {
        public var name: String
        public var versions: [String]
        public var platform: String
        public var inputs: [TensorMetadata]
        public var outputs: [TensorMetadata]
        public init(
            name: String = "", versions: [String] = [], platform: String = "",
            inputs: [TensorMetadata] = [], outputs: [TensorMetadata] = []
        ) {
            self.name = name
            self.versions = versions
            self.platform = platform
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// One tensor of a model: name, KServe datatype (`BYTES`, `FP32`) and shape, -1 for a
    /// variable dimension (`inference.ModelMetadataResponse.TensorMetadata`).
    public struct TensorMetadata: Sendable, Hashable {
        public var name: String
        public var datatype: String
        public var shape: [Int64]
        public init(name: String = "", datatype: String = "", shape: [Int64] = []) {
            self.name = name
            self.datatype = datatype
            self.shape = shape
        }
    }
}

extension KServe.ServerMetadataRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerMetadataRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerMetadataRequest
    >? {
        inference__server_metadata_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerMetadataRequest>) {
        inference__server_metadata_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerMetadataRequest>) throws(MessageDecodingError) {}
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerMetadataRequest>, arena: inout ProtobufCArena) {}
}

extension KServe.ServerMetadataResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ServerMetadataResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ServerMetadataResponse
    >? {
        inference__server_metadata_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ServerMetadataResponse>) {
        inference__server_metadata_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ServerMetadataResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(c.version, field: "version", of: Self.self)
        extensions = try ProtobufCCodec.strings(c.n_extensions, c.extensions, field: "extensions", of: Self.self)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ServerMetadataResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
        cMessage.pointee.n_extensions = extensions.count
        cMessage.pointee.extensions = arena.cStrings(extensions)
    }
}

extension KServe.ModelMetadataRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelMetadataRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelMetadataRequest
    >? {
        inference__model_metadata_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelMetadataRequest>) {
        inference__model_metadata_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelMetadataRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(cMessage.pointee.version, field: "version", of: Self.self)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelMetadataRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
    }
}

extension KServe.ModelMetadataResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelMetadataResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelMetadataResponse
    >? {
        inference__model_metadata_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelMetadataResponse>) {
        inference__model_metadata_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelMetadataResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        versions = try ProtobufCCodec.strings(c.n_versions, c.versions, field: "versions", of: Self.self)
        platform = try ProtobufCCodec.string(c.platform, field: "platform", of: Self.self)
        inputs = try ProtobufCCodec.messages(c.n_inputs, c.inputs)
        outputs = try ProtobufCCodec.messages(c.n_outputs, c.outputs)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelMetadataResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.n_versions = versions.count
        cMessage.pointee.versions = arena.cStrings(versions)
        cMessage.pointee.platform = arena.cString(platform)
        cMessage.pointee.n_inputs = inputs.count
        cMessage.pointee.inputs = arena.messages(inputs)
        cMessage.pointee.n_outputs = outputs.count
        cMessage.pointee.outputs = arena.messages(outputs)
    }
}

extension KServe.TensorMetadata: ProtobufCCodable {
    static let protobufName = "inference.ModelMetadataResponse.TensorMetadata"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelMetadataResponse__TensorMetadata
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelMetadataResponse__TensorMetadata>) {
        inference__model_metadata_response__tensor_metadata__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelMetadataResponse__TensorMetadata>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        datatype = try ProtobufCCodec.string(c.datatype, field: "datatype", of: Self.self)
        shape = ProtobufCCodec.array(c.n_shape, c.shape)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__ModelMetadataResponse__TensorMetadata>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.datatype = arena.cString(datatype)
        cMessage.pointee.n_shape = shape.count
        cMessage.pointee.shape = arena.array(shape)
    }
}
