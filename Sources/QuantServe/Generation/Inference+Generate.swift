import QuantServeGRPC
import QuantServeTransformer

/// What a Generate call continues: a chat (rendered with the model's chat template) or a raw prompt.
public enum GenerationInput: Sendable {
    case chat([ChatTemplate.Message])
    case prompt(String)
}

/// A Generate request refused before it reached the scheduler (INVALID_ARGUMENT).
public enum GenerateRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case noInput
    case bothInputs
    case unknownRole(index: Int, role: String)
    case noChatTemplate(name: String, version: UInt64)
    case template(String)
    case sampling(String)
    case emptyStopString(index: Int)
    case stopStringTooLong(index: Int, bytes: Int, limit: Int)
    case maxTokensTooLarge(requested: Int, context: Int)

    public var description: String {
        switch self {
        case .noInput: "the request holds neither messages nor a prompt: send exactly one of them"
        case .bothInputs: "the request holds both messages and a prompt: send exactly one of them"
        case .unknownRole(let index, let role):
            "messages[\(index)] has the role \(ClientText.quoted(role)); use system, user or assistant"
        case .noChatTemplate(let name, let version):
            "model '\(name)' version \(version) has no chat template: send a raw prompt instead of messages"
        case .template(let reason): reason
        case .sampling(let reason): reason
        case .emptyStopString(let index): "stop[\(index)] is empty"
        case .stopStringTooLong(let index, let bytes, let limit):
            "stop[\(index)] has \(bytes) bytes, more than \(limit)"
        case .maxTokensTooLarge(let requested, let context):
            "max_tokens \(requested) is more than the model's context of \(context) tokens"
        }
    }
}

extension Inference {
    /// The longest stop string accepted, in UTF-8 bytes.
    public static let maxStopStringBytes = 1024

    /// Streams the continuation of `input` by the decoder version `name`/`version` resolves to:
    /// `send` gets each chunk with the exact version generating. The version is held until the
    /// generation ends, so an unload or a swap never cuts it. `maxTokens` 0 is the server's
    /// default, cut to what the context leaves after the prompt.
    public func generate(
        name: String, version: UInt64, access: VersionAccess = .servingOnly, input: GenerationInput,
        maxTokens: Int, sampling: SamplingParameters, stop: [String],
        deadline: ContinuousClock.Instant?, accepted: ContinuousClock.Instant,
        send: (GenerationChunk, _ name: String, _ version: UInt64) async throws -> Void
    ) async throws {
        do {
            try sampling.validate()
        } catch {
            throw GenerateRequestError.sampling(error.description)
        }
        for (index, text) in stop.enumerated() {
            guard !text.isEmpty else { throw GenerateRequestError.emptyStopString(index: index) }
            guard text.utf8.count <= Self.maxStopStringBytes else {
                throw GenerateRequestError.stopStringTooLong(
                    index: index, bytes: text.utf8.count, limit: Self.maxStopStringBytes)
            }
        }
        let loaded = try registry.acquire(name: name, version: version, access: access)
        defer { registry.release(loaded) }
        let generator = try loaded.generator
        let model = generator.model
        let context = model.decoder.contextLength
        guard maxTokens <= context else {
            throw GenerateRequestError.maxTokensTooLarge(requested: maxTokens, context: context)
        }
        let text = try promptText(input, model: model, name: loaded.name, version: loaded.version)
        let tokenizer = model.tokenizer
        let prompt = try await tokenization.run(bytes: text.utf8.count, deadline: deadline) { stop in
            try stop.check(tokenizedTexts: 0)
            return tokenizer.encode(text)
        }
        let tokens =
            maxTokens > 0 ? maxTokens : min(generator.configuration.defaultMaxTokens, max(context - prompt.count, 1))
        let request = GenerationRequest(
            prompt: prompt, maxTokens: tokens, sampling: sampling, stopStrings: stop,
            deadline: deadline, accepted: accepted)
        for try await chunk in try generator.submit(request) {
            try await send(chunk, loaded.name, loaded.version)
        }
        try Task.checkCancellation()
    }

    private func promptText(_ input: GenerationInput, model: GenerativeModel, name: String, version: UInt64) throws
        -> String
    {
        switch input {
        case .prompt(let prompt):
            return prompt
        case .chat(let messages):
            for (index, message) in messages.enumerated() where !ChatTemplate.roles.contains(message.role) {
                throw GenerateRequestError.unknownRole(index: index, role: message.role)
            }
            guard let template = model.chatTemplate else {
                throw GenerateRequestError.noChatTemplate(name: name, version: version)
            }
            do {
                return try template.render(messages)
            } catch {
                throw GenerateRequestError.template(error.description)
            }
        }
    }
}
