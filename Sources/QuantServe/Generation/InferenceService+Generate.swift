import QuantServeAPI
import QuantServeGRPC
import QuantServeTransformer

extension InferenceService {
    /// Registers `Generate`: a server-streaming call whose chunks carry the text and token ids
    /// of each step; the last one the finish reason and the usage.
    func registerGenerate(in router: inout RPCRouter) {
        router.registerServerStreaming(InferenceMethods.generate) {
            (request: GenerateRequest, writer: RPCResponseWriter<GenerateChunk>, context) in
            let accepted = ContinuousClock.now
            let model = request.model ?? ModelRef()
            let input: GenerationInput
            switch (request.messages.isEmpty, request.prompt.isEmpty) {
            case (true, true): throw GenerateRequestError.noInput
            case (false, false): throw GenerateRequestError.bothInputs
            case (false, true):
                input = .chat(request.messages.map { ChatTemplate.Message(role: $0.role, content: $0.content) })
            case (true, false): input = .prompt(request.prompt)
            }
            let sampling = SamplingParameters(
                temperature: request.temperature, topK: Int(request.topK), topP: request.topP,
                repetitionPenalty: request.repetitionPenalty, seed: request.seed)
            try await inference.generate(
                name: model.name, version: model.version, access: access(model, context), input: input,
                maxTokens: Int(request.maxTokens), sampling: sampling, stop: request.stop,
                deadline: context.deadline, accepted: accepted
            ) { chunk, name, version in
                try await writer.write(Self.message(chunk, model: ModelRef(name: name, version: version)))
            }
            return [:]
        }
    }

    /// The wire message of a chunk. U+0000 cannot travel in a protobuf-c string: a generated
    /// NUL byte is sent as U+FFFD.
    private static func message(_ chunk: GenerationChunk, model: ModelRef) -> GenerateChunk {
        var message = GenerateChunk(
            model: model, text: chunk.text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"),
            tokenIds: chunk.tokens)
        if let finish = chunk.finish {
            message.finishReason =
                switch finish.reason {
                case .stop: .stop
                case .length: .length
                case .cancelled: .cancelled
                }
            message.usage = GenerateUsage(
                promptTokens: UInt32(clamping: finish.promptTokens),
                generatedTokens: UInt32(clamping: finish.generatedTokens),
                timeToFirstTokenSeconds: finish.timeToFirstToken.map {
                    Double($0.components.seconds) + Double($0.components.attoseconds) * 1e-18
                } ?? 0)
        }
        return message
    }
}
