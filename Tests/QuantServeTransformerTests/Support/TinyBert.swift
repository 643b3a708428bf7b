import Foundation
import QuantServeSeededRandom
import QuantServeTestSupport

@testable import QuantServeTransformer

/// A small random BERT written as a Hugging Face folder (config.json, model.safetensors, vocab.txt,
/// sentence-transformers pooling files), for tests that need a model but not a trained one.
struct TinyBert {
    var hidden = 32
    var layers = 2
    var heads = 4
    var intermediate = 64
    var maxPosition = 300
    var seed: UInt64 = 7

    /// Lowercase letters, digits, their `##` continuations, some words and punctuation.
    static let vocabulary: [String] = {
        let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789").map(String.init)
        let words = [
            "the", "a", "my", "order", "refund", "cancel", "please", "where", "is", "i", "want", "to",
            "help", "account", "password", "reset", "thanks", "hello", "card", "charged", "twice",
        ]
        let punctuation = Array(".,!?'\"-:;()$%&*/@#").map(String.init)
        return specials + characters + characters.map { "##" + $0 } + words + punctuation
    }()

    var vocabularySize: Int { Self.vocabulary.count }

    /// Writes the folder into `directory` (created if needed).
    func write(to directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("1_Pooling"),
            withIntermediateDirectories: true)
        let config: [String: Any] = [
            "model_type": "bert", "hidden_act": "gelu", "hidden_size": hidden, "num_hidden_layers": layers,
            "num_attention_heads": heads, "intermediate_size": intermediate, "vocab_size": vocabularySize,
            "max_position_embeddings": maxPosition, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
        try Data(#"{"max_seq_length": 256, "do_lower_case": false}"#.utf8)
            .write(to: directory.appendingPathComponent("sentence_bert_config.json"))
        try Data(
            #"{"word_embedding_dimension": 32, "pooling_mode_mean_tokens": true, "pooling_mode_cls_token": false}"#.utf8
        )
        .write(to: directory.appendingPathComponent("1_Pooling/config.json"))
        try Self.vocabulary.joined(separator: "\n").appending("\n")
            .write(to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        try tensors().write(to: directory.appendingPathComponent("model.safetensors"))
    }

    /// The Hugging Face tensors, with random values.
    func tensors() throws -> SafetensorsWriter {
        var random = SeededGenerator(seed: seed)
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        func add(_ name: String, _ shape: [Int], scale: Float, mean: Float = 0) throws {
            let values = (0..<shape.reduce(1, *)).map { _ in mean + random.normal(standardDeviation: scale) }
            try writer.add(name, floats: values, shape: shape)
        }
        try add("embeddings.word_embeddings.weight", [vocabularySize, hidden], scale: 0.5)
        try add("embeddings.position_embeddings.weight", [maxPosition, hidden], scale: 0.2)
        try add("embeddings.token_type_embeddings.weight", [2, hidden], scale: 0.2)
        try add("embeddings.LayerNorm.weight", [hidden], scale: 0.1, mean: 1)
        try add("embeddings.LayerNorm.bias", [hidden], scale: 0.1)
        try writer.add(
            "embeddings.position_ids", dtype: .int64, shape: [1, maxPosition],
            bytes: (0..<maxPosition).flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })
        let linearScale = 1 / Float(hidden).squareRoot()
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            for part in ["query", "key", "value"] {
                try add(prefix + "attention.self.\(part).weight", [hidden, hidden], scale: linearScale)
                try add(prefix + "attention.self.\(part).bias", [hidden], scale: 0.05)
            }
            try add(prefix + "attention.output.dense.weight", [hidden, hidden], scale: linearScale)
            try add(prefix + "attention.output.dense.bias", [hidden], scale: 0.05)
            try add(prefix + "attention.output.LayerNorm.weight", [hidden], scale: 0.1, mean: 1)
            try add(prefix + "attention.output.LayerNorm.bias", [hidden], scale: 0.1)
            try add(prefix + "intermediate.dense.weight", [intermediate, hidden], scale: linearScale)
            try add(prefix + "intermediate.dense.bias", [intermediate], scale: 0.05)
            try add(
                prefix + "output.dense.weight", [hidden, intermediate], scale: 1 / Float(intermediate).squareRoot())
            try add(prefix + "output.dense.bias", [hidden], scale: 0.05)
            try add(prefix + "output.LayerNorm.weight", [hidden], scale: 0.1, mean: 1)
            try add(prefix + "output.LayerNorm.bias", [hidden], scale: 0.1)
        }
        try add("pooler.dense.weight", [hidden, hidden], scale: linearScale)
        return writer
    }

    /// Random token sequences with [CLS] first and [SEP] last, of the given lengths.
    static func sequences(lengths: [Int], vocabularySize: Int, seed: UInt64) -> [[UInt32]] {
        var random = SeededGenerator(seed: seed)
        return lengths.map { length in
            [2] + (0..<max(0, length - 2)).map { _ in UInt32.random(in: 5..<UInt32(vocabularySize), using: &random) }
                + [3]
        }
    }
}

/// A tiny model quantized into a temporary model folder; removes everything when released.
final class TinyModelFolder {
    let root: URL
    let huggingFace: URL
    let model: URL
    let tiny: TinyBert

    init(_ tiny: TinyBert = TinyBert(), options: QuantizationOptions = QuantizationOptions()) throws {
        self.tiny = tiny
        root = try TemporaryDirectory(prefix: "transformer-tests").url
        huggingFace = root.appendingPathComponent("hf")
        model = root.appendingPathComponent("models/tiny/1")
        try tiny.write(to: huggingFace)
        try ModelQuantizer.quantize(from: huggingFace, to: model, options: options)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}
