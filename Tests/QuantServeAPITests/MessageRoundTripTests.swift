import QuantServeAPI
import QuantServeGRPC
import Testing

/// Encodes and decodes every message and expects the same value back.
@Suite("Message round trips")
struct MessageRoundTripTests {
    static let unicode = "モデル ü-é 🚀 \u{202E}rtl"

    static let model = ModelRef(name: "all-MiniLM-L6-v2", version: .max)

    static let versionStatus = ModelVersionStatus(
        version: 3, state: .failed, memoryBytes: 23_456_789, error: "sha256 mismatch: \(unicode)", inFlight: 12,
        path: "/models/minilm/3"
    )

    static let modelStatus = ModelStatus(
        name: "minilm", versions: [versionStatus, ModelVersionStatus(version: 2, state: .serving)], servingVersion: 2,
        isDefault: true
    )

    /// One populated value of every message, each paired with the value its memberwise defaults give.
    static let cases: [RoundTripCase] = [
        RoundTripCase(ModelRef(name: unicode, version: 42), empty: ModelRef()),
        RoundTripCase(
            EmbedRequest(model: model, texts: ["hello", "", unicode], truncate: true), empty: EmbedRequest()),
        RoundTripCase(
            Embedding(values: [0.5, -0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude], tokenCount: 9),
            empty: Embedding()),
        RoundTripCase(
            EmbedResponse(
                model: model, embeddings: [Embedding(values: [1, 2, 3], tokenCount: 3), Embedding()], dimensions: 3),
            empty: EmbedResponse()),
        RoundTripCase(ClassifyRequest(model: ModelRef(), texts: [unicode], topK: 5), empty: ClassifyRequest()),
        RoundTripCase(LabelScore(label: unicode, score: -0.125), empty: LabelScore()),
        RoundTripCase(
            Classification(labels: [LabelScore(label: "refund", score: 0.9), LabelScore()]), empty: Classification()),
        RoundTripCase(
            ClassifyResponse(
                model: model, results: [Classification(labels: [LabelScore(label: "a", score: 1)]), Classification()]),
            empty: ClassifyResponse()),
        RoundTripCase(TokenizeRequest(model: model, texts: ["one", "two words"]), empty: TokenizeRequest()),
        RoundTripCase(TokenIds(ids: [0, 101, 30521, .max]), empty: TokenIds()),
        RoundTripCase(
            TokenizeResponse(model: model, tokens: [TokenIds(ids: [101, 102]), TokenIds()]), empty: TokenizeResponse()),
        RoundTripCase(versionStatus, empty: ModelVersionStatus()),
        RoundTripCase(modelStatus, empty: ModelStatus()),
        RoundTripCase(ListModelsRequest(name: "minilm"), empty: ListModelsRequest()),
        RoundTripCase(
            ListModelsResponse(models: [modelStatus, ModelStatus(name: "other")]), empty: ListModelsResponse()),
        RoundTripCase(
            LoadModelRequest(name: "minilm", version: 3, path: "/tmp/\(unicode)", serve: true),
            empty: LoadModelRequest()),
        RoundTripCase(LoadModelResponse(model: modelStatus), empty: LoadModelResponse()),
        RoundTripCase(ServeVersionRequest(name: "minilm", version: 2), empty: ServeVersionRequest()),
        RoundTripCase(ServeVersionResponse(model: modelStatus), empty: ServeVersionResponse()),
        RoundTripCase(UnloadModelRequest(name: "minilm", version: 1), empty: UnloadModelRequest()),
        RoundTripCase(UnloadModelResponse(model: ModelStatus(name: "minilm")), empty: UnloadModelResponse()),
        RoundTripCase(HealthCheckRequest(service: "inference.v1.Inference/minilm"), empty: HealthCheckRequest()),
        RoundTripCase(HealthCheckResponse(status: .notServing), empty: HealthCheckResponse()),
        RoundTripCase(
            EchoRequest(message: unicode, delayMs: 10, failWithCode: 14, count: 3, payload: Array(0...255)),
            empty: EchoRequest()),
        RoundTripCase(EchoResponse(message: "pong", payload: [0, 0, 255], index: 7), empty: EchoResponse()),
    ]

    @Test("populated messages round-trip", arguments: cases)
    func populatedRoundTrip(_ testCase: RoundTripCase) throws {
        #expect(try testCase.populatedRoundTrips())
    }

    @Test("empty messages encode to no bytes and decode from none", arguments: cases)
    func emptyRoundTrip(_ testCase: RoundTripCase) throws {
        #expect(try testCase.emptyEncodesToNothing())
    }

    @Test func unrecognizedEnumValuesSurviveARoundTrip() throws {
        let health = HealthCheckResponse(status: .unrecognized(77))
        #expect(try HealthCheckResponse(serializedBytes: health.serializedBytes()) == health)
        let version = ModelVersionStatus(version: 1, state: .unrecognized(-3))
        #expect(try ModelVersionStatus(serializedBytes: version.serializedBytes()) == version)
        #expect(VersionState(rawValue: 3) == .serving)
        #expect(HealthCheckResponse.ServingStatus(rawValue: 3) == .serviceUnknown)
    }

    @Test func knownEncodings() {
        #expect(HealthCheckRequest(service: "a").serializedBytes() == [0x0A, 0x01, 0x61])
        #expect(HealthCheckResponse(status: .serving).serializedBytes() == [0x08, 0x01])
        // Packed floats: tag 1 (length-delimited), 8 bytes, little-endian IEEE 754.
        #expect(
            Embedding(values: [1, -2]).serializedBytes() == [
                0x0A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,
            ])
        // A present but empty sub-message is encoded; an absent one is not.
        #expect(EmbedRequest(model: ModelRef()).serializedBytes() == [0x0A, 0x00])
        #expect(EmbedRequest(model: nil).serializedBytes() == [])
    }

    @Test func largeRepeatedFieldsRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<1_000_000).map { _ in Float.random(in: -1...1, using: &generator) }
        let embedding = Embedding(values: values, tokenCount: 512)
        #expect(try Embedding(serializedBytes: embedding.serializedBytes()) == embedding)

        let batch = EmbedResponse(
            model: Self.model,
            embeddings: (0..<2_000).map { row in
                Embedding(values: Array(values[(row * 384)..<((row + 1) * 384)]), tokenCount: UInt32(row))
            },
            dimensions: 384
        )
        let encodedBatch = batch.serializedBytes()
        #expect(encodedBatch.count > 2_000 * 384 * 4)
        #expect(try EmbedResponse(serializedBytes: encodedBatch) == batch)

        // As many texts as a request may hold, each one long.
        let texts = TokenizeRequest(
            texts: (0..<InferenceRequestLimits.maxTexts).map {
                "text number \($0) \(Self.unicode) " + String(repeating: "word ", count: 200)
            })
        #expect(try TokenizeRequest(serializedBytes: texts.serializedBytes()) == texts)

        let ids = TokenIds(ids: (0..<200_000).map { UInt32($0) &* 2_654_435_761 })
        #expect(try TokenIds(serializedBytes: ids.serializedBytes()) == ids)

        let payload = EchoRequest(payload: (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(try EchoRequest(serializedBytes: payload.serializedBytes()) == payload)
    }
}

/// A message of some type, its empty value, and checks that run with its concrete type.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let populatedRoundTrips: @Sendable () throws -> Bool
    let emptyEncodesToNothing: @Sendable () throws -> Bool

    init<Message: GRPCMessage & Equatable>(_ populated: Message, empty: Message) {
        testDescription = String(describing: Message.self)
        populatedRoundTrips = {
            let encoded = populated.serializedBytes()
            let decoded = try Message(serializedBytes: encoded)
            return !encoded.isEmpty && decoded == populated
        }
        emptyEncodesToNothing = {
            let decoded = try Message(serializedBytes: [])
            return empty.serializedBytes().isEmpty && decoded == empty
        }
    }
}
