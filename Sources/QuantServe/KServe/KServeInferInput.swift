import QuantServeAPI
import QuantServeGRPC

/// What a `ModelInferRequest` asks for, checked before anything is computed: the texts of
/// input `TEXT`, whether it wants the embeddings or the classifications, and the request
/// parameters `top_k` (integer, default 1) and `truncate` (bool, default false: a text longer
/// than the model's maximum sequence is refused, as in Embed; Classify always truncates).
/// Every refusal is INVALID_ARGUMENT with a message naming what is wrong.
struct KServeInferInput: Sendable {
    /// What the requested outputs choose.
    enum Task: Sendable, Equatable {
        case embed
        /// Classify; the outputs in the order the client asked for them (LABEL, SCORE or both).
        case classify(outputs: [String])
    }

    let texts: [String]
    let task: Task
    let topK: Int
    let truncate: Bool

    init(_ request: KServe.ModelInferRequest) throws {
        task = try Self.task(request.outputs)
        topK = try Self.topK(request.parameters)
        switch request.parameters["truncate"] {
        case nil: truncate = false
        case .bool(let value): truncate = value
        default: throw Self.invalid("parameter truncate must be a bool")
        }
        texts = try Self.texts(request)
    }

    private static func task(_ outputs: [KServe.InferRequestedOutputTensor]) throws -> Task {
        let known = [
            KServeModelSignature.embeddingOutput, KServeModelSignature.labelOutput, KServeModelSignature.scoreOutput,
        ]
        var names: [String] = []
        for output in outputs {
            guard known.contains(output.name) else {
                throw invalid(
                    "unknown output \(ClientText.quoted(output.name)): the outputs are EMBEDDING, and LABEL and SCORE for models that classify"
                )
            }
            guard output.parameters["classification"] == nil else {
                throw invalid(
                    "output \(output.name) asks for Triton's classification extension, which QuantServe does not offer: "
                        + "request outputs LABEL and SCORE, with the request parameter top_k")
            }
            guard !names.contains(output.name) else { throw invalid("output \(output.name) is requested twice") }
            names.append(output.name)
        }
        if names.isEmpty || names == [KServeModelSignature.embeddingOutput] { return .embed }
        guard !names.contains(KServeModelSignature.embeddingOutput) else {
            throw invalid("request either EMBEDDING or LABEL/SCORE, not both in one request")
        }
        return .classify(outputs: names)
    }

    private static func topK(_ parameters: [String: KServe.InferParameter]) throws -> Int {
        guard let parameter = parameters["top_k"] else { return 1 }
        let value: Int64
        switch parameter {
        case .int64(let number): value = number
        case .uint64(let number): value = Int64(clamping: number)
        default: throw invalid("parameter top_k must be an integer")
        }
        guard value >= 1 else { throw invalid("parameter top_k must be at least 1, not \(value)") }
        return Int(clamping: value)
    }

    private static func texts(_ request: KServe.ModelInferRequest) throws -> [String] {
        guard let input = request.inputs.first(where: { $0.name == KServeModelSignature.textInput }) else {
            throw invalid("the request has no input TEXT (BYTES, shape [batch, 1]) holding the texts")
        }
        if let other = request.inputs.first(where: { $0.name != KServeModelSignature.textInput }) {
            throw invalid("unknown input \(ClientText.quoted(other.name)): the model's only input is TEXT")
        }
        guard request.inputs.count == 1 else { throw invalid("input TEXT is given \(request.inputs.count) times") }
        guard input.datatype == KServeModelSignature.bytesType else {
            throw invalid("input TEXT has datatype \(ClientText.quoted(input.datatype)); it must be BYTES")
        }
        guard input.shape.count == 2, input.shape[1] == 1, input.shape[0] >= 1 else {
            throw invalid("input TEXT has shape \(input.shape); it must be [batch, 1] with batch at least 1")
        }
        guard input.shape[0] <= Int64(KServeModelSignature.maxBatchSize) else {
            throw invalid(
                "input TEXT holds \(input.shape[0]) texts, more than the limit of \(KServeModelSignature.maxBatchSize)")
        }
        let count = Int(input.shape[0])
        let elements: [ArraySlice<UInt8>]
        if !request.rawInputContents.isEmpty {
            guard input.contents == nil else {
                throw invalid("input TEXT has both contents and raw_input_contents; send one of them")
            }
            guard request.rawInputContents.count == 1 else {
                throw invalid("raw_input_contents has \(request.rawInputContents.count) entries for 1 input")
            }
            elements = try KServeRawBytes.elements(of: request.rawInputContents[0], expected: count)
        } else {
            let contents = input.contents?.bytesContents ?? []
            guard contents.count == count else {
                throw invalid(
                    "input TEXT has shape \(input.shape) (\(count) texts) but bytes_contents holds \(contents.count)")
            }
            elements = contents.map { $0[...] }
        }
        return try elements.enumerated().map { index, bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw invalid("TEXT element \(index) is not valid UTF-8")
            }
            return text
        }
    }

    static func invalid(_ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message)
    }
}
