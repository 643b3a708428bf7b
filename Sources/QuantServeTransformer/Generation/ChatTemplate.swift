/// A model's own chat template (`tokenizer.chat_template` in its GGUF metadata, Jinja) with the
/// special tokens it refers to: renders a chat as the prompt text the model was trained on.
public struct ChatTemplate: Sendable {
    /// One turn of a chat.
    public struct Message: Sendable, Hashable {
        public var role: String
        public var content: String
        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }
    }

    /// The roles a chat may use.
    public static let roles: Set<String> = ["system", "user", "assistant"]

    public let template: JinjaTemplate
    /// The text of the beginning- and end-of-sequence tokens (`bos_token`, `eos_token`).
    public let beginToken: String
    public let endToken: String

    /// A template from its Jinja source; throws `JinjaError` for a construct outside the subset.
    public init(source: String, beginToken: String, endToken: String) throws(JinjaError) {
        template = try JinjaTemplate(source: source)
        self.beginToken = beginToken
        self.endToken = endToken
    }

    /// The template of a GGUF file: `tokenizer.chat_template` with the tokens that
    /// `tokenizer.ggml.bos_token_id` and `tokenizer.ggml.eos_token_id` name.
    public init(gguf: GGUFFile) throws {
        let tokens = try gguf.strings("tokenizer.ggml.tokens")
        func token(_ key: String) throws -> String {
            let id = try gguf.value(key).integer ?? -1
            guard tokens.indices.contains(id) else {
                throw GGUFError.malformed(
                    path: gguf.path, field: key, reason: "token id \(id) is not in the vocabulary")
            }
            return tokens[id]
        }
        try self.init(
            source: gguf.string("tokenizer.chat_template"),
            beginToken: token("tokenizer.ggml.bos_token_id"), endToken: token("tokenizer.ggml.eos_token_id"))
    }

    /// The prompt text for `messages`, ending with the assistant's turn opened when
    /// `addGenerationPrompt` is set, as Hugging Face's `apply_chat_template` renders it.
    public func render(_ messages: [Message], addGenerationPrompt: Bool = true) throws(JinjaError) -> String {
        let list = messages.map { JinjaValue.dict(["role": .string($0.role), "content": .string($0.content)]) }
        return try template.render([
            "messages": .list(list), "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(beginToken), "eos_token": .string(endToken),
        ])
    }
}
