import Foundation
import QuantServeTransformer

/// Classifies an embedding into the labels of one label set (a classification head such as
/// "intents" or "sentiment") by cosine similarity to each label's centroid: the normalized mean
/// of its example phrases' embeddings.
public struct LabelClassifier: Sendable {
    /// A label and its similarity score.
    public struct Score: Sendable, Hashable {
        public var label: String
        public var score: Float
    }

    /// The label set's name.
    public let name: String
    public let labels: [String]
    private let centroids: [[Float]]

    /// Embeds every example of `labelSet` with `engine` and builds the centroids.
    public init(labelSet: ModelManifest.LabelSet, engine: any EmbeddingEngine) throws {
        guard !labelSet.labels.isEmpty else { throw LabelSetError.empty(head: labelSet.name) }
        var labels: [String] = []
        var centroids: [[Float]] = []
        for label in labelSet.labels {
            guard !label.examples.isEmpty else {
                throw LabelSetError.noExamples(head: labelSet.name, label: label.label)
            }
            guard !labels.contains(label.label) else {
                throw LabelSetError.duplicate(head: labelSet.name, label: label.label)
            }
            let rows = try engine.embedForLoad(label.examples)
            var centroid = [Float](repeating: 0, count: engine.dimensions)
            for row in stride(from: 0, to: rows.count, by: engine.dimensions) {
                for index in centroid.indices { centroid[index] += rows[row + index] }
            }
            let norm = centroid.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { throw LabelSetError.degenerate(head: labelSet.name, label: label.label) }
            labels.append(label.label)
            centroids.append(centroid.map { $0 / norm })
        }
        name = labelSet.name
        self.labels = labels
        self.centroids = centroids
    }

    /// The `topK` best labels of a normalized embedding, best first.
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

/// Why a label set could not be used.
public enum LabelSetError: Error, Sendable, CustomStringConvertible {
    case empty(head: String)
    case noExamples(head: String, label: String)
    case duplicate(head: String, label: String)
    case degenerate(head: String, label: String)

    public var description: String {
        switch self {
        case .empty(let head): "label set '\(head)' lists no labels"
        case .noExamples(let head, let label): "label '\(label)' of label set '\(head)' has no example phrases"
        case .duplicate(let head, let label): "label '\(label)' is listed twice in label set '\(head)'"
        case .degenerate(let head, let label):
            "the examples of label '\(label)' in label set '\(head)' embed to a zero centroid"
        }
    }
}
