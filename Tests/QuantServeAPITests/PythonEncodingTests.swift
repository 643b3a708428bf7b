import Foundation
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import Testing

/// Compares QuantServeAPI's encodings with Python protobuf's (Tests/Python/interop_encodings.py)
/// for the same messages, and decodes Python's bytes.
@Suite("Encodings match Python protobuf", .tags(.subprocess))
struct PythonEncodingTests {
    static let model = ModelRef(name: "minilm", version: 7)

    /// The messages of interop_encodings.py, built the same way.
    static let cases: [String: EncodingCase] = [
        "health_request_empty": EncodingCase(HealthCheckRequest()),
        "health_request_unicode": EncodingCase(HealthCheckRequest(service: "モデル/ü-é 🚀")),
        "health_response_not_serving": EncodingCase(HealthCheckResponse(status: .notServing)),
        "embed_request": EncodingCase(EmbedRequest(model: model, texts: ["hello", "", "naïve café"], truncate: true)),
        "embed_request_control_chars": EncodingCase(
            EmbedRequest(
                texts: ["\u{0}\u{1}\u{2} control chars ...", "a\u{0}b", "\u{0}"],
                truncate: true)),
        "tokenize_request_after_model": EncodingCase(TokenizeRequest(model: ModelRef(name: "m"), texts: ["x\u{0}"])),
        "embed_response": EncodingCase(
            EmbedResponse(
                model: ModelRef(name: "minilm", version: .max),
                embeddings: [Embedding(values: [0.5, -1.25, 0.0009765625, 1_048_576], tokenCount: 4), Embedding()],
                dimensions: 4
            )),
        "classify_response": EncodingCase(
            ClassifyResponse(
                model: ModelRef(name: "intents", version: 1),
                results: [
                    Classification(labels: [
                        LabelScore(label: "refund", score: 0.875), LabelScore(label: "greeting", score: -0.25),
                    ])
                ]
            )),
        "tokenize_response": EncodingCase(
            TokenizeResponse(tokens: [TokenIds(ids: [101, 7592, 2088, 102, .max]), TokenIds()])),
        "list_models_response": EncodingCase(
            ListModelsResponse(models: [
                ModelStatus(
                    name: "minilm",
                    versions: [
                        ModelVersionStatus(
                            version: 2, state: .serving, memoryBytes: 23_000_000, inFlight: 3, path: "/models/minilm/2"),
                        ModelVersionStatus(version: 3, state: .failed, error: "bad checksum"),
                    ],
                    servingVersion: 2,
                    isDefault: true
                )
            ])),
        "load_model_request": EncodingCase(LoadModelRequest(name: "minilm", version: 3, path: "/tmp/m", serve: true)),
        "echo_request": EncodingCase(
            EchoRequest(message: "ping", delayMs: 250, failWithCode: 14, count: 3, payload: Array(0...255))),
        "echo_response": EncodingCase(EchoResponse(message: "pong", payload: [0x00, 0xFF], index: 9)),
    ]

    @Test func encodingsAreByteIdenticalAndDecodeBack() throws {
        let python = try Prerequisite.python.require()
        let process = Process()
        process.executableURL = python
        process.arguments = [Repository.pythonScript("interop_encodings.py").path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        var seen: Set<String> = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            let name = String(fields[0])
            let pythonBytes = try #require(Self.bytes(hex: fields.count > 1 ? fields[1] : ""), "bad hex for \(name)")
            let testCase = try #require(Self.cases[name], "Python printed an unknown case \(name)")
            #expect(testCase.encoded == pythonBytes, "\(name): Swift and Python encodings differ")
            #expect(try testCase.decodesBack(pythonBytes), "\(name): Python's bytes decode to another value")
            seen.insert(name)
        }
        #expect(seen == Set(Self.cases.keys))
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// A message's Swift encoding and a check that some bytes decode to the same message.
struct EncodingCase: Sendable {
    let encoded: [UInt8]
    let decodesBack: @Sendable ([UInt8]) throws -> Bool

    init<Message: GRPCMessage & Equatable>(_ message: Message) {
        encoded = message.serializedBytes()
        decodesBack = { try Message(serializedBytes: $0) == message }
    }
}
