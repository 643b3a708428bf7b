import QuantServeGRPC
internal import QuantServeProto

extension KServe {
    /// One inference: model, input tensors, requested outputs (`inference.ModelInferRequest`).
    /// Tensor data arrives either in `rawInputContents` (one entry per input, in order) or in
    /// each input's `contents`.
    public struct ModelInferRequest: Sendable, Hashable {
        public var modelName: String
        /// The version as a decimal number; empty for the serving version.
        public var modelVersion: String
        /// The request's identifier, echoed in the response.
        public var id: String
        public var parameters: [String: InferParameter]
        public var inputs: [InferInputTensor]
        public var outputs: [InferRequestedOutputTensor]
        public var rawInputContents: [[UInt8]]

        public init(
            modelName: String = "", modelVersion: String = "", id: String = "",
            parameters: [String: InferParameter] = [:],
            inputs: [InferInputTensor] = [], outputs: [InferRequestedOutputTensor] = [],
            rawInputContents: [[UInt8]] = []
        ) {
            self.modelName = modelName
            self.modelVersion = modelVersion
            self.id = id
            self.parameters = parameters
            self.inputs = inputs
            self.outputs = outputs
            self.rawInputContents = rawInputContents
        }
    }

    /// A request or tensor parameter (`inference.InferParameter`, a oneof).
    public enum InferParameter: Sendable, Hashable {
        case bool(Bool)
        case int64(Int64)
        case string(String)
        case double(Double)
        case uint64(UInt64)
    }

    /// One input tensor of a `ModelInferRequest` (`inference.ModelInferRequest.InferInputTensor`).
    public struct InferInputTensor: Sendable, Hashable {
        public var name: String
        public var datatype: String
        public var shape: [Int64]
        /// The tensor's data, unless it travels in the request's `rawInputContents`.
        public var contents: InferTensorContents?

        public init(name: String = "", datatype: String = "", shape: [Int64] = [], contents: InferTensorContents? = nil)
        {
            self.name = name
            self.datatype = datatype
            self.shape = shape
            self.contents = contents
        }
    }

    /// Tensor data in typed form (`inference.InferTensorContents`); QuantServe's tensors are
    /// BYTES, so only `bytes_contents` is carried.
    public struct InferTensorContents: Sendable, Hashable {
        public var bytesContents: [[UInt8]]
        public init(bytesContents: [[UInt8]] = []) { self.bytesContents = bytesContents }
    }

    /// An output the client asks for (`inference.ModelInferRequest.InferRequestedOutputTensor`).
    public struct InferRequestedOutputTensor: Sendable, Hashable {
        public var name: String
        public var parameters: [String: InferParameter]
        public init(name: String = "", parameters: [String: InferParameter] = [:]) {
            self.name = name
            self.parameters = parameters
        }
    }

    /// The outputs of one inference (`inference.ModelInferResponse`), their data in
    /// `rawOutputContents` (one entry per output, in order).
    public struct ModelInferResponse: Sendable, Hashable {
        public var modelName: String
        /// The exact version that served.
        public var modelVersion: String
        public var id: String
        public var outputs: [InferOutputTensor]
        public var rawOutputContents: [[UInt8]]

        public init(
            modelName: String = "", modelVersion: String = "", id: String = "",
            outputs: [InferOutputTensor] = [], rawOutputContents: [[UInt8]] = []
        ) {
            self.modelName = modelName
            self.modelVersion = modelVersion
            self.id = id
            self.outputs = outputs
            self.rawOutputContents = rawOutputContents
        }
    }

    /// One output tensor's name, datatype and shape (`inference.ModelInferResponse.InferOutputTensor`).
    public struct InferOutputTensor: Sendable, Hashable {
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

extension KServe.ModelInferRequest: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelInferRequest"
    /// Decodes the message; throws when the bytes are not one, or hold more entries than
    /// `ModelInferRequestWireLimits` allows (counted before anything is allocated for them).
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        try ModelInferRequestWireLimits.check(serializedBytes)
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferRequest
    >? {
        inference__model_infer_request__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest>) {
        inference__model_infer_request__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInferRequest>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        modelName = try ProtobufCCodec.string(c.model_name, field: "model_name", of: Self.self)
        modelVersion = try ProtobufCCodec.string(c.model_version, field: "model_version", of: Self.self)
        id = try ProtobufCCodec.string(c.id, field: "id", of: Self.self)
        parameters = try RequestParameterEntry.dictionary(ProtobufCCodec.messages(c.n_parameters, c.parameters))
        inputs = try ProtobufCCodec.messages(c.n_inputs, c.inputs)
        outputs = try ProtobufCCodec.messages(c.n_outputs, c.outputs)
        rawInputContents = ProtobufCCodec.binaries(c.n_raw_input_contents, c.raw_input_contents)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest>, arena: inout ProtobufCArena) {
        cMessage.pointee.model_name = arena.cString(modelName)
        cMessage.pointee.model_version = arena.cString(modelVersion)
        cMessage.pointee.id = arena.cString(id)
        let entries = RequestParameterEntry.entries(parameters)
        cMessage.pointee.n_parameters = entries.count
        cMessage.pointee.parameters = arena.messages(entries)
        cMessage.pointee.n_inputs = inputs.count
        cMessage.pointee.inputs = arena.messages(inputs)
        cMessage.pointee.n_outputs = outputs.count
        cMessage.pointee.outputs = arena.messages(outputs)
        cMessage.pointee.n_raw_input_contents = rawInputContents.count
        cMessage.pointee.raw_input_contents = arena.binaries(rawInputContents)
    }
}

extension KServe.InferParameter: ProtobufCCodable {
    static let protobufName = "inference.InferParameter"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Inference__InferParameter>?
    {
        inference__infer_parameter__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__InferParameter>) {
        inference__infer_parameter__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__InferParameter>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        switch c.parameter_choice_case {
        case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM: self = .bool(c.bool_param != 0)
        case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM: self = .int64(c.int64_param)
        case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM:
            self = .string(try ProtobufCCodec.string(c.string_param, field: "string_param", of: Self.self))
        case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_DOUBLE_PARAM: self = .double(c.double_param)
        case INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_UINT64_PARAM: self = .uint64(c.uint64_param)
        default: throw MessageDecodingError(messageName: Self.protobufName, reason: "the parameter holds no value")
        }
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__InferParameter>, arena: inout ProtobufCArena) {
        switch self {
        case .bool(let value):
            cMessage.pointee.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM
            cMessage.pointee.bool_param = value ? 1 : 0
        case .int64(let value):
            cMessage.pointee.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM
            cMessage.pointee.int64_param = value
        case .string(let value):
            cMessage.pointee.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM
            cMessage.pointee.string_param = arena.cString(value)
        case .double(let value):
            cMessage.pointee.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_DOUBLE_PARAM
            cMessage.pointee.double_param = value
        case .uint64(let value):
            cMessage.pointee.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_UINT64_PARAM
            cMessage.pointee.uint64_param = value
        }
    }
}

/// A key and its parameter: one entry of a `map<string, InferParameter>` field.
private protocol InferParameterEntry: ProtobufCCodable {
    var key: String { get }
    var value: KServe.InferParameter? { get }
    init(key: String, value: KServe.InferParameter?)
}

extension InferParameterEntry {
    /// The map the entries spell (a later entry of a key wins, as in protobuf); entries without a value are left out.
    static func dictionary(_ entries: [Self]) -> [String: KServe.InferParameter] {
        var dictionary: [String: KServe.InferParameter] = [:]
        for entry in entries { dictionary[entry.key] = entry.value }
        return dictionary
    }

    /// The entries of `map`, in key order.
    static func entries(_ map: [String: KServe.InferParameter]) -> [Self] {
        map.keys.sorted().map { Self(key: $0, value: map[$0]) }
    }
}

/// An entry of `ModelInferRequest.parameters`.
private struct RequestParameterEntry: InferParameterEntry {
    var key: String
    var value: KServe.InferParameter?
    static let protobufName = "inference.ModelInferRequest.ParametersEntry"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferRequest__ParametersEntry
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__ParametersEntry>) {
        inference__model_infer_request__parameters_entry__init(cMessage)
    }
    init(key: String, value: KServe.InferParameter?) {
        self.key = key
        self.value = value
    }
    init(cMessage: UnsafePointer<Inference__ModelInferRequest__ParametersEntry>) throws(MessageDecodingError) {
        key = try ProtobufCCodec.string(cMessage.pointee.key, field: "key", of: Self.self)
        value = try ProtobufCCodec.message(cMessage.pointee.value)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__ParametersEntry>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.key = arena.cString(key)
        cMessage.pointee.value = arena.optionalMessage(value)
    }
}

/// An entry of `ModelInferRequest.InferRequestedOutputTensor.parameters`.
private struct OutputParameterEntry: InferParameterEntry {
    typealias CMessage = Inference__ModelInferRequest__InferRequestedOutputTensor__ParametersEntry
    var key: String
    var value: KServe.InferParameter?
    static let protobufName = "inference.ModelInferRequest.InferRequestedOutputTensor.ParametersEntry"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<CMessage>) {
        inference__model_infer_request__infer_requested_output_tensor__parameters_entry__init(cMessage)
    }
    init(key: String, value: KServe.InferParameter?) {
        self.key = key
        self.value = value
    }
    init(cMessage: UnsafePointer<CMessage>) throws(MessageDecodingError) {
        key = try ProtobufCCodec.string(cMessage.pointee.key, field: "key", of: Self.self)
        value = try ProtobufCCodec.message(cMessage.pointee.value)
    }
    func fill(_ cMessage: UnsafeMutablePointer<CMessage>, arena: inout ProtobufCArena) {
        cMessage.pointee.key = arena.cString(key)
        cMessage.pointee.value = arena.optionalMessage(value)
    }
}

extension KServe.InferInputTensor: ProtobufCCodable {
    static let protobufName = "inference.ModelInferRequest.InferInputTensor"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferRequest__InferInputTensor
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__InferInputTensor>) {
        inference__model_infer_request__infer_input_tensor__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInferRequest__InferInputTensor>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        datatype = try ProtobufCCodec.string(c.datatype, field: "datatype", of: Self.self)
        shape = ProtobufCCodec.array(c.n_shape, c.shape)
        contents = try ProtobufCCodec.message(c.contents)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__InferInputTensor>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.datatype = arena.cString(datatype)
        cMessage.pointee.n_shape = shape.count
        cMessage.pointee.shape = arena.array(shape)
        cMessage.pointee.contents = arena.optionalMessage(contents)
    }
}

extension KServe.InferTensorContents: ProtobufCCodable {
    static let protobufName = "inference.InferTensorContents"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__InferTensorContents
    >? {
        inference__infer_tensor_contents__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__InferTensorContents>) {
        inference__infer_tensor_contents__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__InferTensorContents>) throws(MessageDecodingError) {
        bytesContents = ProtobufCCodec.binaries(cMessage.pointee.n_bytes_contents, cMessage.pointee.bytes_contents)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__InferTensorContents>, arena: inout ProtobufCArena) {
        cMessage.pointee.n_bytes_contents = bytesContents.count
        cMessage.pointee.bytes_contents = arena.binaries(bytesContents)
    }
}

extension KServe.InferRequestedOutputTensor: ProtobufCCodable {
    static let protobufName = "inference.ModelInferRequest.InferRequestedOutputTensor"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferRequest__InferRequestedOutputTensor
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__InferRequestedOutputTensor>) {
        inference__model_infer_request__infer_requested_output_tensor__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInferRequest__InferRequestedOutputTensor>) throws(MessageDecodingError)
    {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        parameters = try OutputParameterEntry.dictionary(ProtobufCCodec.messages(c.n_parameters, c.parameters))
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__ModelInferRequest__InferRequestedOutputTensor>,
        arena: inout ProtobufCArena
    ) {
        cMessage.pointee.name = arena.cString(name)
        let entries = OutputParameterEntry.entries(parameters)
        cMessage.pointee.n_parameters = entries.count
        cMessage.pointee.parameters = arena.messages(entries)
    }
}

extension KServe.ModelInferResponse: GRPCMessage, ProtobufCCodable {
    static let protobufName = "inference.ModelInferResponse"
    public init(serializedBytes: [UInt8]) throws(MessageDecodingError) {
        self = try ProtobufCCodec.decode(serializedBytes)
    }
    public func serializedBytes() -> [UInt8] { ProtobufCCodec.encode(self) }
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferResponse
    >? {
        inference__model_infer_response__unpack(nil, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferResponse>) {
        inference__model_infer_response__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInferResponse>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        modelName = try ProtobufCCodec.string(c.model_name, field: "model_name", of: Self.self)
        modelVersion = try ProtobufCCodec.string(c.model_version, field: "model_version", of: Self.self)
        id = try ProtobufCCodec.string(c.id, field: "id", of: Self.self)
        outputs = try ProtobufCCodec.messages(c.n_outputs, c.outputs)
        rawOutputContents = ProtobufCCodec.binaries(c.n_raw_output_contents, c.raw_output_contents)
    }
    func fill(_ cMessage: UnsafeMutablePointer<Inference__ModelInferResponse>, arena: inout ProtobufCArena) {
        cMessage.pointee.model_name = arena.cString(modelName)
        cMessage.pointee.model_version = arena.cString(modelVersion)
        cMessage.pointee.id = arena.cString(id)
        cMessage.pointee.n_outputs = outputs.count
        cMessage.pointee.outputs = arena.messages(outputs)
        cMessage.pointee.n_raw_output_contents = rawOutputContents.count
        cMessage.pointee.raw_output_contents = arena.binaries(rawOutputContents)
    }
}

extension KServe.InferOutputTensor: ProtobufCCodable {
    static let protobufName = "inference.ModelInferResponse.InferOutputTensor"
    static func unpack(_ count: Int, _ bytes: UnsafePointer<UInt8>?) -> UnsafeMutablePointer<
        Inference__ModelInferResponse__InferOutputTensor
    >? {
        ProtobufCCodec.unpackNested(Self.self, count, bytes)
    }
    static func initialize(_ cMessage: UnsafeMutablePointer<Inference__ModelInferResponse__InferOutputTensor>) {
        inference__model_infer_response__infer_output_tensor__init(cMessage)
    }
    init(cMessage: UnsafePointer<Inference__ModelInferResponse__InferOutputTensor>) throws(MessageDecodingError) {
        let c = cMessage.pointee
        name = try ProtobufCCodec.string(c.name, field: "name", of: Self.self)
        datatype = try ProtobufCCodec.string(c.datatype, field: "datatype", of: Self.self)
        shape = ProtobufCCodec.array(c.n_shape, c.shape)
    }
    func fill(
        _ cMessage: UnsafeMutablePointer<Inference__ModelInferResponse__InferOutputTensor>, arena: inout ProtobufCArena
    ) {
        cMessage.pointee.name = arena.cString(name)
        cMessage.pointee.datatype = arena.cString(datatype)
        cMessage.pointee.n_shape = shape.count
        cMessage.pointee.shape = arena.array(shape)
    }
}
