import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// Asks for the inference statistics of one model version, a model, or all (`inference.ModelStatisticsRequest`).
    public struct ModelStatisticsRequest: Sendable, Hashable {
        /// The model's name; empty for every model.
        public var name: String
        /// The version as a decimal number; empty for every version.
        public var version: String
        public init(name: String = "", version: String = "") {
            self.name = name
            self.version = version
        }
    }

    /// Statistics of each model version asked for (`inference.ModelStatisticsResponse`).
    public struct ModelStatisticsResponse: Sendable, Hashable {
        public var modelStats: [ModelStatistics]
        public init(modelStats: [ModelStatistics] = []) { self.modelStats = modelStats }
    }

    /// The counts and durations of one model version (`inference.ModelStatistics`, without
    /// batch, memory and response statistics).
    public struct ModelStatistics: Sendable, Hashable {
        public var name: String
        public var version: String
        /// When the last inference ended, in milliseconds since the epoch; 0 for never.
        public var lastInference: UInt64
        /// Inferences made: every text of a request counts.
        public var inferenceCount: UInt64
        /// Model executions.
        public var executionCount: UInt64
        public var inferenceStats: InferStatistics?
        public init(
            name: String = "", version: String = "", lastInference: UInt64 = 0, inferenceCount: UInt64 = 0,
            executionCount: UInt64 = 0, inferenceStats: InferStatistics? = nil
        ) {
            self.name = name
            self.version = version
            self.lastInference = lastInference
            self.inferenceCount = inferenceCount
            self.executionCount = executionCount
            self.inferenceStats = inferenceStats
        }
    }

    /// Where inference requests spent their time (`inference.InferStatistics`, without the cache fields).
    public struct InferStatistics: Sendable, Hashable {
        public var success: StatisticDuration
        public var fail: StatisticDuration
        public var queue: StatisticDuration
        public var computeInput: StatisticDuration
        public var computeInfer: StatisticDuration
        public var computeOutput: StatisticDuration
        public init(
            success: StatisticDuration = .init(), fail: StatisticDuration = .init(), queue: StatisticDuration = .init(),
            computeInput: StatisticDuration = .init(), computeInfer: StatisticDuration = .init(),
            computeOutput: StatisticDuration = .init()
        ) {
            self.success = success
            self.fail = fail
            self.queue = queue
            self.computeInput = computeInput
            self.computeInfer = computeInfer
            self.computeOutput = computeOutput
        }
    }

    /// A count and the total nanoseconds of what it counts (`inference.StatisticDuration`).
    public struct StatisticDuration: Sendable, Hashable {
        public var count: UInt64
        public var ns: UInt64
        public init(count: UInt64 = 0, ns: UInt64 = 0) {
            self.count = count
            self.ns = ns
        }
    }
}

extension KServe.ModelStatisticsRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelStatisticsRequest"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelStatisticsRequest
    >? {
        inference__model_statistics_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelStatisticsRequest>) {
        inference__model_statistics_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelStatisticsRequest>) throws(MessageDecodingError) {
        name = try ProtobufCCodec.string(cMessage.pointee.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(cMessage.pointee.version, field: "version", of: Self.self)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelStatisticsRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
    }
}

extension KServe.ModelStatisticsResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelStatisticsResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelStatisticsResponse
    >? {
        inference__model_statistics_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelStatisticsResponse>) {
        inference__model_statistics_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelStatisticsResponse>) throws(MessageDecodingError) {
        modelStats = try ProtobufCCodec.messages(cMessage.pointee.n_model_stats, cMessage.pointee.model_stats)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelStatisticsResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_model_stats = modelStats.count
        cMessage.pointee.model_stats = arena.messages(modelStats)
    }
}

extension KServe.ModelStatistics: ProtobufCCodable {
    static let protobufName = "inference.ModelStatistics"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelStatistics
    >? {
        inference__model_statistics__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelStatistics>) {
        inference__model_statistics__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelStatistics>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        version = try ProtobufCCodec.string(c.version, field: "version", of: Self.self)
        lastInference = c.last_inference
        inferenceCount = c.inference_count
        executionCount = c.execution_count
        inferenceStats = try ProtobufCCodec.message(c.inference_stats)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelStatistics>, arena: inout ProtobufCArena) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.version = arena.cString(version)
        cMessage.pointee.last_inference = lastInference
        cMessage.pointee.inference_count = inferenceCount
        cMessage.pointee.execution_count = executionCount
        cMessage.pointee.inference_stats = arena.optionalMessage(inferenceStats)
    }
}

extension KServe.InferStatistics: ProtobufCCodable {
    static let protobufName = "inference.InferStatistics"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__InferStatistics
    >? {
        inference__infer_statistics__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__InferStatistics>) {
        inference__infer_statistics__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__InferStatistics>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        success = try ProtobufCCodec.message(c.success) ?? .init()
        fail = try ProtobufCCodec.message(c.fail) ?? .init()
        queue = try ProtobufCCodec.message(c.queue) ?? .init()
        computeInput = try ProtobufCCodec.message(c.compute_input) ?? .init()
        computeInfer = try ProtobufCCodec.message(c.compute_infer) ?? .init()
        computeOutput = try ProtobufCCodec.message(c.compute_output) ?? .init()
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__InferStatistics>, arena: inout ProtobufCArena) {
        cMessage.pointee.success = arena.message(success)
        cMessage.pointee.fail = arena.message(fail)
        cMessage.pointee.queue = arena.message(queue)
        cMessage.pointee.compute_input = arena.message(computeInput)
        cMessage.pointee.compute_infer = arena.message(computeInfer)
        cMessage.pointee.compute_output = arena.message(computeOutput)
    }
}

extension KServe.StatisticDuration: ProtobufCCodable {
    static let protobufName = "inference.StatisticDuration"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__StatisticDuration
    >? {
        inference__statistic_duration__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__StatisticDuration>) {
        inference__statistic_duration__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__StatisticDuration>) throws(MessageDecodingError) {
        count = cMessage.pointee.count
        ns = cMessage.pointee.ns
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__StatisticDuration>, arena: inout ProtobufCArena) {
        cMessage.pointee.count = count
        cMessage.pointee.ns = ns
    }
}
