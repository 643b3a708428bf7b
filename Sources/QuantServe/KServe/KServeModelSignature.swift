import QuantServeAPI

/// The tensors a model version shows over KServe v2: input `TEXT` (BYTES, one text per row),
/// output `EMBEDDING` (FP32, one row of `dimensions` per text) and, when the version ships
/// intents, outputs `LABEL` (BYTES) and `SCORE` (FP32), `top_k` of each per text.
struct KServeModelSignature: Sendable {
    static let textInput = "TEXT"
    static let embeddingOutput = "EMBEDDING"
    static let labelOutput = "LABEL"
    static let scoreOutput = "SCORE"
    static let bytesType = "BYTES"
    static let fp32Type = "FP32"
    /// The platform and backend name QuantServe's models report.
    static let platform = "quantserve_int8_bert"
    /// The most texts (rows) of one request: the batch dimension's limit.
    static let maxBatchSize = Inference.maxTextsPerRequest

    let dimensions: Int
    let classifies: Bool

    /// The signature of an encoder version; `InferenceError.notAnEncoder` for a decoder.
    init(_ loaded: LoadedVersion) throws {
        dimensions = try loaded.engine.dimensions
        classifies = !loaded.classifiers.isEmpty
    }

    /// Every output's name.
    var outputNames: [String] {
        classifies ? [Self.embeddingOutput, Self.labelOutput, Self.scoreOutput] : [Self.embeddingOutput]
    }

    /// The tensors as `ModelMetadata` shows them: shapes with the batch dimension (-1).
    var metadataInputs: [KServe.TensorMetadata] {
        [KServe.TensorMetadata(name: Self.textInput, datatype: Self.bytesType, shape: [-1, 1])]
    }

    var metadataOutputs: [KServe.TensorMetadata] {
        var outputs = [
            KServe.TensorMetadata(name: Self.embeddingOutput, datatype: Self.fp32Type, shape: [-1, Int64(dimensions)])
        ]
        if classifies {
            outputs.append(KServe.TensorMetadata(name: Self.labelOutput, datatype: Self.bytesType, shape: [-1, -1]))
            outputs.append(KServe.TensorMetadata(name: Self.scoreOutput, datatype: Self.fp32Type, shape: [-1, -1]))
        }
        return outputs
    }

    /// The configuration `ModelConfig` returns: `max_batch_size` above 0, so dims leave out the batch dimension.
    func config(name: String) -> KServe.ModelConfig {
        var outputs = [KServe.ModelTensor(name: Self.embeddingOutput, dataType: .fp32, dims: [Int64(dimensions)])]
        if classifies {
            outputs.append(KServe.ModelTensor(name: Self.labelOutput, dataType: .string, dims: [-1]))
            outputs.append(KServe.ModelTensor(name: Self.scoreOutput, dataType: .fp32, dims: [-1]))
        }
        return KServe.ModelConfig(
            name: name, platform: Self.platform, backend: Self.platform, maxBatchSize: Int32(Self.maxBatchSize),
            inputs: [KServe.ModelTensor(name: Self.textInput, dataType: .string, dims: [1])], outputs: outputs)
    }
}
