import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// Asks for a model's configuration (`inference.ModelConfigRequest`).
    public struct ModelConfigRequest: Sendable, Hashable {
        public var name: String
        /// The version as a decimal number; empty for the serving version.
        public var version: String
        public init(name: String = "", version: String = "") {
            self.name = name
            self.version = version
        }
    }

    /// A model's configuration (`inference.ModelConfigResponse`).
    public struct ModelConfigResponse: Sendable, Hashable {
        public var config: ModelConfig?
        public init(config: ModelConfig? = nil) { self.config = config }
    }

    /// The part of Triton's `inference.ModelConfig` QuantServe fills: what clients such as
    /// `perf_analyzer` read to shape requests. With `maxBatchSize` above 0 the dims leave out
    /// the batch dimension.
    public struct ModelConfig: Sendable, Hashable {
        public var name: String
        public var platform: String
        public var backend: String
        public var maxBatchSize: Int32
        public var inputs: [ModelTensor]
        public var outputs: [ModelTensor]
        public init(
            name: String = "", platform: String = "", backend: String = "", maxBatchSize: Int32 = 0,
            inputs: [ModelTensor] = [], outputs: [ModelTensor] = []
        ) {
            self.name = name
            self.platform = platform
            self.backend = backend
            self.maxBatchSize = maxBatchSize
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// A tensor of a `ModelConfig`: `inference.ModelInput` or `inference.ModelOutput` (name, data type, dims).
    public struct ModelTensor: Sendable, Hashable {
        public var name: String
        public var dataType: DataType
        /// Dimensions without the batch dimension; -1 for a variable one.
        public var dims: [Int64]
        public init(name: String = "", dataType: DataType = .invalid, dims: [Int64] = []) {
            self.name = name
            self.dataType = dataType
            self.dims = dims
        }
    }

    /// The data types of `inference.DataType` that QuantServe's tensors use.
    public enum DataType: Int32, Sendable, Hashable {
        case invalid = 0
        case fp32 = 11
        /// `TYPE_STRING`, the configuration's name of the protocol's `BYTES`.
        case string = 13
    }
}

extension KServe.ModelConfigRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelConfigRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelConfigRequest
    >? {
        inference__model_config_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelConfigRequest>) {
        inference__model_config_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelConfigRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(cMessage.pointee.version, field: "version", of: Self.self)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelConfigRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
    }
}

extension KServe.ModelConfigResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelConfigResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelConfigResponse
    >? {
        inference__model_config_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelConfigResponse>) {
        inference__model_config_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelConfigResponse>) throws(MessageDecodingError) {
        config = try ProtobufCCodec.message(cMessage.pointee.config)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelConfigResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.config = arena.optionalMessage(config)
    }
}

extension KServe.ModelConfig: ProtobufCCodable {
    static let protobufName = "inference.ModelConfig"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__ModelConfig>? {
        inference__model_config__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelConfig>) {
        inference__model_config__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelConfig>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        platform = try ProtobufCCodec.string(c.platform, field: "platform", of: Self.self)
        backend = try ProtobufCCodec.string(c.backend, field: "backend", of: Self.self)
        maxBatchSize = c.max_batch_size
        inputs = try ProtobufCCodec.messages(c.n_input, c.input, as: ModelInputTensor.self).map(\.tensor)
        outputs = try ProtobufCCodec.messages(c.n_output, c.output, as: ModelOutputTensor.self).map(\.tensor)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelConfig>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.platform = arena.cString(platform)
        cMessage.pointee.backend = arena.cString(backend)
        cMessage.pointee.max_batch_size = maxBatchSize
        cMessage.pointee.n_input = inputs.count
        cMessage.pointee.input = arena.messages(inputs.map(ModelInputTensor.init))
        cMessage.pointee.n_output = outputs.count
        cMessage.pointee.output = arena.messages(outputs.map(ModelOutputTensor.init))
    }
}

extension KServe.DataType {
    /// The data type of a protobuf-c enum value; values QuantServe does not use read as `.invalid`.
    init(_ value: Inference__DataType) {
        self = Self(rawValue: Int32(truncatingIfNeeded: value.rawValue)) ?? .invalid
    }

    var cValue: Inference__DataType { Inference__DataType(rawValue: .init(truncatingIfNeeded: rawValue)) }
}

/// A `ModelTensor` as `inference.ModelInput`.
private struct ModelInputTensor: ProtobufCCodable {
    var tensor: KServe.ModelTensor
    static let protobufName = "inference.ModelInput"
    init(_ tensor: KServe.ModelTensor) { self.tensor = tensor }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__ModelInput>? {
        inference__model_input__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInput>) {
        inference__model_input__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInput>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        tensor = KServe.ModelTensor(
            name: try ProtobufCCodec.string(c.name, field: "name", of: Self.self),
            dataType: KServe.DataType(c.data_type), dims: ProtobufCCodec.array(c.n_dims, c.dims))
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelInput>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(tensor.name)
        cMessage.pointee.data_type = tensor.dataType.cValue
        cMessage.pointee.n_dims = tensor.dims.count
        cMessage.pointee.dims = arena.array(tensor.dims)
    }
}

/// A `ModelTensor` as `inference.ModelOutput`.
private struct ModelOutputTensor: ProtobufCCodable {
    var tensor: KServe.ModelTensor
    static let protobufName = "inference.ModelOutput"
    init(_ tensor: KServe.ModelTensor) { self.tensor = tensor }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__ModelOutput>? {
        inference__model_output__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelOutput>) {
        inference__model_output__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelOutput>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        tensor = KServe.ModelTensor(
            name: try ProtobufCCodec.string(c.name, field: "name", of: Self.self),
            dataType: KServe.DataType(c.data_type), dims: ProtobufCCodec.array(c.n_dims, c.dims))
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelOutput>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(tensor.name)
        cMessage.pointee.data_type = tensor.dataType.cValue
        cMessage.pointee.n_dims = tensor.dims.count
        cMessage.pointee.dims = arena.array(tensor.dims)
    }
}
