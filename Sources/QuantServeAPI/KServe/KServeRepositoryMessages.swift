import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// Asks for the models of the repository (`inference.RepositoryIndexRequest`).
    public struct RepositoryIndexRequest: Sendable, Hashable {
        public var repositoryName: String
        /// Only the versions that are ready.
        public var ready: Bool
        public init(repositoryName: String = "", ready: Bool = false) {
            self.repositoryName = repositoryName
            self.ready = ready
        }
    }

    /// The models of the repository (`inference.RepositoryIndexResponse`).
    public struct RepositoryIndexResponse: Sendable, Hashable {
        public var models: [ModelIndex]
        public init(models: [ModelIndex] = []) { self.models = models }
    }

    /// One model version of the repository and its state (`inference.RepositoryIndexResponse.ModelIndex`).
    public struct ModelIndex: Sendable, Hashable {
        public var name: String
        public var version: String
        /// `READY`, `LOADING`, `UNLOADING` or `UNAVAILABLE`.
        public var state: String
        public var reason: String
        public init(name: String = "", version: String = "", state: String = "", reason: String = "") {
            self.name = name
            self.version = version
            self.state = state
            self.reason = reason
        }
    }

    /// Asks to load a model from the repository (`inference.RepositoryModelLoadRequest`).
    public struct RepositoryModelLoadRequest: Sendable, Hashable {
        public var repositoryName: String
        public var modelName: String
        /// The names of the request's parameters; their values are not carried.
        public var parameterNames: [String]
        public init(repositoryName: String = "", modelName: String = "", parameterNames: [String] = []) {
            self.repositoryName = repositoryName
            self.modelName = modelName
            self.parameterNames = parameterNames
        }
    }

    /// Asks to unload a model (`inference.RepositoryModelUnloadRequest`).
    public struct RepositoryModelUnloadRequest: Sendable, Hashable {
        public var repositoryName: String
        public var modelName: String
        /// The names of the request's parameters; their values are not carried.
        public var parameterNames: [String]
        public init(repositoryName: String = "", modelName: String = "", parameterNames: [String] = []) {
            self.repositoryName = repositoryName
            self.modelName = modelName
            self.parameterNames = parameterNames
        }
    }

    /// The model was loaded (`inference.RepositoryModelLoadResponse`, no fields).
    public struct RepositoryModelLoadResponse: Sendable, Hashable {
        public init() {}
    }

    /// The model was unloaded (`inference.RepositoryModelUnloadResponse`, no fields).
    public struct RepositoryModelUnloadResponse: Sendable, Hashable {
        public init() {}
    }
}

extension KServe.RepositoryIndexRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryIndexRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryIndexRequest
    >? {
        inference__repository_index_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexRequest>) {
        inference__repository_index_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryIndexRequest>) throws(MessageDecodingError) {
        repositoryName = try ProtobufCCodec.string(
            cMessage.pointee.repository_name, field: "repository_name", of: Self.self)
        ready = cMessage.pointee.ready != 0
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.repository_name = arena.cString(repositoryName)
        cMessage.pointee.ready = ready ? 1 : 0
    }
}

extension KServe.RepositoryIndexResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryIndexResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryIndexResponse
    >? {
        inference__repository_index_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexResponse>) {
        inference__repository_index_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryIndexResponse>) throws(MessageDecodingError) {
        models = try ProtobufCCodec.messages(cMessage.pointee.n_models, cMessage.pointee.models)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_models = models.count
        cMessage.pointee.models = arena.messages(models)
    }
}

extension KServe.ModelIndex: ProtobufCCodable {
    static let protobufName = "inference.RepositoryIndexResponse.ModelIndex"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryIndexResponse__ModelIndex
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexResponse__ModelIndex>) {
        inference__repository_index_response__model_index__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryIndexResponse__ModelIndex>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(c.version, field: "version", of: Self.self)
        state = try ProtobufCCodec.string(c.state, field: "state", of: Self.self)
        reason = try ProtobufCCodec.string(c.reason, field: "reason", of: Self.self)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__RepositoryIndexResponse__ModelIndex>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
        cMessage.pointee.state = arena.cString(state)
        cMessage.pointee.reason = arena.cString(reason)
    }
}

extension KServe.RepositoryModelLoadRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryModelLoadRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelLoadRequest
    >? {
        inference__repository_model_load_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadRequest>) {
        inference__repository_model_load_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelLoadRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        repositoryName = try ProtobufCCodec.string(c.repository_name, field: "repository_name", of: Self.self)
        modelName = try ProtobufCCodec.string(c.model_name, field: "model_name", of: Self.self)
        parameterNames = try (0..<c.n_parameters).map { index throws(MessageDecodingError) in
            try ProtobufCCodec.string(c.parameters?[index]?.pointee.key, field: "parameters", of: Self.self)
        }
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.repository_name = arena.cString(repositoryName)
        cMessage.pointee.model_name = arena.cString(modelName)
        let entries = parameterNames.map(LoadParameterEntry.init)
        cMessage.pointee.n_parameters = entries.count
        cMessage.pointee.parameters = arena.messages(entries)
    }
}

extension KServe.RepositoryModelUnloadRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryModelUnloadRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelUnloadRequest
    >? {
        inference__repository_model_unload_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadRequest>) {
        inference__repository_model_unload_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelUnloadRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        repositoryName = try ProtobufCCodec.string(c.repository_name, field: "repository_name", of: Self.self)
        modelName = try ProtobufCCodec.string(c.model_name, field: "model_name", of: Self.self)
        parameterNames = try (0..<c.n_parameters).map { index throws(MessageDecodingError) in
            try ProtobufCCodec.string(c.parameters?[index]?.pointee.key, field: "parameters", of: Self.self)
        }
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.repository_name = arena.cString(repositoryName)
        cMessage.pointee.model_name = arena.cString(modelName)
        let entries = parameterNames.map(UnloadParameterEntry.init)
        cMessage.pointee.n_parameters = entries.count
        cMessage.pointee.parameters = arena.messages(entries)
    }
}

/// A key without a value in `RepositoryModelLoadRequest.parameters`.
private struct LoadParameterEntry: ProtobufCCodable {
    var key: String
    static let protobufName = "inference.RepositoryModelLoadRequest.ParametersEntry"
    init(_ key: String) { self.key = key }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelLoadRequest__ParametersEntry
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadRequest__ParametersEntry>) {
        inference__repository_model_load_request__parameters_entry__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelLoadRequest__ParametersEntry>) throws(MessageDecodingError) {
        key = try ProtobufCCodec.string(cMessage.pointee.key, field: "key", of: Self.self)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadRequest__ParametersEntry>,
        arena: inout ProtobufCArena
    ) {
        cMessage.pointee.key = arena.cString(key)
    }
}

/// A key without a value in `RepositoryModelUnloadRequest.parameters`.
private struct UnloadParameterEntry: ProtobufCCodable {
    var key: String
    static let protobufName = "inference.RepositoryModelUnloadRequest.ParametersEntry"
    init(_ key: String) { self.key = key }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelUnloadRequest__ParametersEntry
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadRequest__ParametersEntry>) {
        inference__repository_model_unload_request__parameters_entry__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelUnloadRequest__ParametersEntry>) throws(MessageDecodingError)
    {
        key = try ProtobufCCodec.string(cMessage.pointee.key, field: "key", of: Self.self)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadRequest__ParametersEntry>,
        arena: inout ProtobufCArena
    ) {
        cMessage.pointee.key = arena.cString(key)
    }
}

extension KServe.RepositoryModelLoadResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryModelLoadResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelLoadResponse
    >? {
        inference__repository_model_load_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadResponse>) {
        inference__repository_model_load_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelLoadResponse>) throws(MessageDecodingError) {}
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelLoadResponse>, arena: inout ProtobufCArena) {}
}

extension KServe.RepositoryModelUnloadResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.RepositoryModelUnloadResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__RepositoryModelUnloadResponse
    >? {
        inference__repository_model_unload_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadResponse>) {
        inference__repository_model_unload_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__RepositoryModelUnloadResponse>) throws(MessageDecodingError) {}
    func fill(_ cMessage: UnsafeMutablePointer<Inference__RepositoryModelUnloadResponse>, arena: inout ProtobufCArena) {
    }
}
