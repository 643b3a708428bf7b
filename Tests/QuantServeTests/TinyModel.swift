import Foundation
import QuantServeSeededRandom
import QuantServeTransformer

/// Builds tiny random BERT models (hidden 32, 2 layers) the way a user would bring a model:
/// a Hugging Face folder (config.json, fp32 model.safetensors, vocab.txt) quantized by
/// `ModelQuantizer` into a repository version folder. Different seeds give different weights.
enum TinyModel {
    static let hidden = 32
    static let layers = 2
    static let heads = 4
    static let intermediate = 64
    static let maxPosition = 64
    static let words = [
        "where", "is", "my", "order", "refund", "please", "cancel", "password", "reset", "hello",
        "world", "the", "a", "parcel", "late", "money", "back", "login", "help", "agent",
    ]
    static var vocabulary: [String] {
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
            + "abcdefghijklmnopqrstuvwxyz0123456789.,!?#'".map(String.init)
            + "abcdefghijklmnopqrstuvwxyz".map { "##\($0)" }
    }

    /// Intents for Classify on tiny models (meaningless weights, but a real head).
    static let intents = [
        ModelManifest.Intent(label: "order_status", examples: ["where is my order", "where is my parcel"]),
        ModelManifest.Intent(label: "refund_request", examples: ["refund please", "money back please"]),
        ModelManifest.Intent(label: "password_reset", examples: ["password reset", "help login"]),
    ]

    /// A second classification head, as a version names it.
    static let sentiment = ModelManifest.LabelSet(
        name: "sentiment",
        labels: [
            ModelManifest.Intent(label: "positive", examples: ["hello world", "help please"]),
            ModelManifest.Intent(label: "negative", examples: ["late parcel", "the money back"]),
        ])

    /// Writes version `version` of model `name` into `repository` with weights from `seed`, the
    /// "intents" and "sentiment" heads, and `knowledgeBase` (with `answerThreshold`) when given.
    @discardableResult
    static func write(
        name: String, version: UInt64, seed: UInt64, into repository: URL,
        knowledgeBase: KnowledgeBase? = nil, answerThreshold: Float = 0.9
    ) throws -> URL {
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-hf-\(UUID())")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: source) }
        let config: [String: Any] = [
            "model_type": "bert", "hidden_act": "gelu", "hidden_size": hidden, "num_hidden_layers": layers,
            "num_attention_heads": heads, "intermediate_size": intermediate, "vocab_size": vocabulary.count,
            "max_position_embeddings": maxPosition, "layer_norm_eps": 1e-12, "type_vocab_size": 2,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: source.appendingPathComponent("config.json"))
        try (vocabulary.joined(separator: "\n") + "\n").write(
            to: source.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)

        var random = SeededGenerator(seed: seed)
        var writer = SafetensorsWriter()
        func add(_ name: String, _ shape: [Int], scale: Float = 0.2, offset: Float = 0) throws {
            let count = shape.reduce(1, *)
            try writer.add(
                name, floats: (0..<count).map { _ in offset + scale * Float.random(in: -1...1, using: &random) },
                shape: shape)
        }
        try add("embeddings.word_embeddings.weight", [vocabulary.count, hidden], scale: 1)
        try add("embeddings.position_embeddings.weight", [maxPosition, hidden])
        try add("embeddings.token_type_embeddings.weight", [2, hidden])
        try add("embeddings.LayerNorm.weight", [hidden], scale: 0.1, offset: 1)
        try add("embeddings.LayerNorm.bias", [hidden], scale: 0.1)
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            for part in [
                "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
            ] {
                try add(prefix + part + ".weight", [hidden, hidden])
                try add(prefix + part + ".bias", [hidden], scale: 0.05)
            }
            try add(prefix + "intermediate.dense.weight", [intermediate, hidden])
            try add(prefix + "intermediate.dense.bias", [intermediate], scale: 0.05)
            try add(prefix + "output.dense.weight", [hidden, intermediate])
            try add(prefix + "output.dense.bias", [hidden], scale: 0.05)
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                try add(prefix + norm + ".weight", [hidden], scale: 0.1, offset: 1)
                try add(prefix + norm + ".bias", [hidden], scale: 0.1)
            }
        }
        try writer.write(to: source.appendingPathComponent("model.safetensors"))
        let destination = repository.appendingPathComponent(name).appendingPathComponent(String(version))
        var options = QuantizationOptions(heads: [ModelManifest.LabelSet(name: "intents", labels: intents), sentiment])
        if let knowledgeBase {
            let file = source.appendingPathComponent("faq.json")
            try JSONEncoder().encode(knowledgeBase).write(to: file)
            options.knowledgeBase = (file, answerThreshold)
        }
        try ModelQuantizer.quantize(from: source, to: destination, options: options)
        return destination
    }
}
