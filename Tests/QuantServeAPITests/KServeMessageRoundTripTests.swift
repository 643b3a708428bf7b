import QuantServeAPI
import QuantServeGRPC
import Testing

/// Encodes and decodes every KServe v2 message QuantServe carries (nested messages, maps and
/// oneofs included) and expects the same value back.
@Suite("KServe message round trips")
struct KServeMessageRoundTripTests {
    static let tensor = KServe.TensorMetadata(name: "EMBEDDING", datatype: "FP32", shape: [-1, 384])
    static let duration = KServe.StatisticDuration(count: 3, ns: 1_234_567)

    static let cases: [RoundTripCase] = [
        RoundTripCase(KServe.ServerLiveResponse(live: true), empty: KServe.ServerLiveResponse()),
        RoundTripCase(KServe.ServerReadyResponse(ready: true), empty: KServe.ServerReadyResponse()),
        RoundTripCase(KServe.ModelReadyRequest(name: "minilm", version: "2"), empty: KServe.ModelReadyRequest()),
        RoundTripCase(KServe.ModelReadyResponse(ready: true), empty: KServe.ModelReadyResponse()),
        RoundTripCase(
            KServe.ServerMetadataResponse(name: "quantserve", version: "2", extensions: ["statistics", "parameters"]),
            empty: KServe.ServerMetadataResponse()),
        RoundTripCase(KServe.ModelMetadataRequest(name: "minilm", version: "1"), empty: KServe.ModelMetadataRequest()),
        RoundTripCase(
            KServe.ModelMetadataResponse(
                name: "minilm", versions: ["1", "2"], platform: "p",
                inputs: [KServe.TensorMetadata(name: "TEXT", datatype: "BYTES", shape: [-1, 1])],
                outputs: [tensor, KServe.TensorMetadata()]),
            empty: KServe.ModelMetadataResponse()),
        RoundTripCase(
            KServe.ModelInferRequest(
                modelName: "minilm", modelVersion: "3", id: "request-1",
                parameters: [
                    "top_k": .int64(-4), "truncate": .bool(true), "note": .string("é"), "ratio": .double(0.5),
                    "big": .uint64(.max),
                ],
                inputs: [
                    KServe.InferInputTensor(
                        name: "TEXT", datatype: "BYTES", shape: [2, 1],
                        contents: KServe.InferTensorContents(bytesContents: [[0, 255], []]))
                ],
                outputs: [
                    KServe.InferRequestedOutputTensor(name: "LABEL", parameters: ["classification": .int64(2)]),
                    KServe.InferRequestedOutputTensor(name: "SCORE"),
                ],
                rawInputContents: [[1, 0, 0, 0, 65], []]),
            empty: KServe.ModelInferRequest()),
        RoundTripCase(
            KServe.ModelInferResponse(
                modelName: "minilm", modelVersion: "3", id: "request-1",
                outputs: [KServe.InferOutputTensor(name: "SCORE", datatype: "FP32", shape: [2, 1])],
                rawOutputContents: [[0, 0, 128, 63, 0, 0, 0, 64]]),
            empty: KServe.ModelInferResponse()),
        RoundTripCase(KServe.ModelConfigRequest(name: "minilm", version: "1"), empty: KServe.ModelConfigRequest()),
        RoundTripCase(
            KServe.ModelConfigResponse(
                config: KServe.ModelConfig(
                    name: "minilm", platform: "p", backend: "b", maxBatchSize: 1024,
                    inputs: [KServe.ModelTensor(name: "TEXT", dataType: .string, dims: [1])],
                    outputs: [
                        KServe.ModelTensor(name: "EMBEDDING", dataType: .fp32, dims: [384]),
                        KServe.ModelTensor(name: "LABEL", dataType: .string, dims: [-1]),
                    ])),
            empty: KServe.ModelConfigResponse()),
        RoundTripCase(
            KServe.ModelStatisticsRequest(name: "minilm", version: "1"), empty: KServe.ModelStatisticsRequest()),
        RoundTripCase(
            KServe.ModelStatisticsResponse(modelStats: [
                KServe.ModelStatistics(
                    name: "minilm", version: "1", lastInference: 1_700_000_000_000, inferenceCount: 10,
                    executionCount: 4,
                    inferenceStats: KServe.InferStatistics(
                        success: duration, fail: KServe.StatisticDuration(count: 1, ns: 9),
                        queue: duration, computeInput: duration,
                        computeInfer: duration, computeOutput: duration)),
                KServe.ModelStatistics(name: "other"),
            ]), empty: KServe.ModelStatisticsResponse()),
        RoundTripCase(
            KServe.RepositoryIndexRequest(repositoryName: "r", ready: true), empty: KServe.RepositoryIndexRequest()),
        RoundTripCase(
            KServe.RepositoryIndexResponse(models: [
                KServe.ModelIndex(name: "a", version: "1", state: "READY", reason: ""),
                KServe.ModelIndex(name: "b", state: "UNAVAILABLE", reason: "unloaded"),
            ]),
            empty: KServe.RepositoryIndexResponse()),
        RoundTripCase(
            KServe.RepositoryModelLoadRequest(repositoryName: "r", modelName: "minilm", parameterNames: ["config"]),
            empty: KServe.RepositoryModelLoadRequest()),
        RoundTripCase(
            KServe.RepositoryModelUnloadRequest(modelName: "minilm", parameterNames: ["unload_dependents"]),
            empty: KServe.RepositoryModelUnloadRequest()),
    ]

    @Test("populated messages round-trip", arguments: cases)
    func populatedRoundTrip(_ testCase: RoundTripCase) throws {
        #expect(try testCase.populatedRoundTrips())
    }

    @Test(
        "empty messages encode to no bytes and decode from none",
        arguments: cases + [
            RoundTripCase(KServe.ServerLiveRequest(), empty: KServe.ServerLiveRequest()),
            RoundTripCase(KServe.ServerReadyRequest(), empty: KServe.ServerReadyRequest()),
            RoundTripCase(KServe.ServerMetadataRequest(), empty: KServe.ServerMetadataRequest()),
            RoundTripCase(KServe.RepositoryModelLoadResponse(), empty: KServe.RepositoryModelLoadResponse()),
            RoundTripCase(KServe.RepositoryModelUnloadResponse(), empty: KServe.RepositoryModelUnloadResponse()),
        ])
    func emptyRoundTrip(_ testCase: RoundTripCase) throws {
        #expect(try testCase.emptyEncodesToNothing())
    }

    /// Field numbers as Triton publishes them: `ModelInferRequest.model_name` = 1,
    /// `raw_input_contents` = 7; `ModelInferResponse.raw_output_contents` = 6.
    @Test func publishedFieldNumbers() {
        #expect(
            KServe.ModelInferRequest(modelName: "m", rawInputContents: [[7]]).serializedBytes() == [
                0x0A, 0x01, 0x6D, 0x3A, 0x01, 0x07,
            ])
        #expect(KServe.ModelInferResponse(rawOutputContents: [[9]]).serializedBytes() == [0x32, 0x01, 0x09])
        #expect(KServe.Methods.modelInfer.path == "/inference.GRPCInferenceService/ModelInfer")
    }
}
