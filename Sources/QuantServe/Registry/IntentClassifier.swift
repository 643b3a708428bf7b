import Foundation
import Transformer

/// Classifies an embedding into intents by cosine similarity to each intent's centroid
/// (the normalized mean of its example phrases' embeddings).
public struct IntentClassifier: Sendable {
    /// One intent as an intents file lists it.
    public struct Intent: Sendable, Codable, Hashable {
        public var label: String
        public var examples: [String]

        public init(label: String, examples: [String]) {
            self.label = label
            self.examples = examples
        }
    }

    /// An intents file, as `quantserve quantize --intents` reads it.
    public struct File: Sendable, Codable, Hashable {
        public var intents: [Intent]
    }

    /// A label and its similarity score.
    public struct Score: Sendable, Hashable {
        public var label: String
        public var score: Float
    }

    public let labels: [String]
    private let centroids: [[Float]]

    /// Embeds every example with `engine` (behind the model's default input prefix, as Classify
    /// embeds texts) and builds the centroids.
    public init(intents: [Intent], engine: any EmbeddingEngine) throws {
        guard !intents.isEmpty else { throw IntentError.empty }
        let prefix = try engine.inputPrefix(for: "")
        var labels: [String] = []
        var centroids: [[Float]] = []
        for intent in intents {
            guard !intent.examples.isEmpty else { throw IntentError.noExamples(label: intent.label) }
            guard !labels.contains(intent.label) else { throw IntentError.duplicate(label: intent.label) }
            let sequences = try intent.examples.map { try engine.tokenize(prefix + $0, truncate: true) }
            let rows = try engine.embedRows(PackedBatch(sequences))
            var centroid = [Float](repeating: 0, count: engine.dimensions)
            for row in stride(from: 0, to: rows.count, by: engine.dimensions) {
                for index in centroid.indices { centroid[index] += rows[row + index] }
            }
            let norm = centroid.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { throw IntentError.degenerate(label: intent.label) }
            labels.append(intent.label)
            centroids.append(centroid.map { $0 / norm })
        }
        self.labels = labels
        self.centroids = centroids
    }

    /// The `topK` best intents of a normalized embedding, best first.
    public func classify(_ embedding: [Float], topK: Int) -> [Score] {
        var scores = [Score]()
        scores.reserveCapacity(labels.count)
        for (label, centroid) in zip(labels, centroids) {
            var dot: Float = 0
            for index in centroid.indices { dot += centroid[index] * embedding[index] }
            scores.append(Score(label: label, score: dot))
        }
        scores.sort { $0.score > $1.score || ($0.score == $1.score && $0.label < $1.label) }
        return Array(scores.prefix(max(1, topK)))
    }

    /// Bytes held by the centroids.
    public var memoryBytes: Int { centroids.reduce(0) { $0 + 4 * $1.count } }
}

/// Why an intents file could not be used.
public enum IntentError: Error, Sendable, CustomStringConvertible {
    case empty
    case noExamples(label: String)
    case duplicate(label: String)
    case degenerate(label: String)

    public var description: String {
        switch self {
        case .empty: "the intents file lists no intents"
        case .noExamples(let label): "intent \(label) has no example phrases"
        case .duplicate(let label): "intent \(label) is listed twice"
        case .degenerate(let label): "the examples of intent \(label) embed to a zero centroid"
        }
    }
}
