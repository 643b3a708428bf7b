import QuantServeTransformer

/// The inference a version must pass before it may serve: a known text embeds to a finite,
/// unit-length vector of the model's dimensions, the same alone and within a batch.
enum SelfTest {
    static let text = "QuantServe self-test: where is my order #12345?"

    static func run(_ engine: any EmbeddingEngine) throws {
        let ids = try engine.tokenize(text, truncate: true)
        let short = try engine.tokenize("hi", truncate: true)
        let vector = try engine.embedRows(PackedBatch([ids]))
        let batched = try engine.embedRows(PackedBatch([short, ids]))
        guard vector.count == engine.dimensions, batched.count == 2 * engine.dimensions else {
            throw SelfTestError("the model returned the wrong number or size of embeddings")
        }
        guard vector.allSatisfy(\.isFinite) else { throw SelfTestError("the embedding holds non-finite values") }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard abs(norm - 1) < 1e-3 else { throw SelfTestError("the embedding's norm is \(norm), not 1") }
        guard batched[engine.dimensions...].elementsEqual(vector) else {
            throw SelfTestError("the embedding depends on the rest of its batch")
        }
    }
}

/// A failed self-test, with what was wrong.
struct SelfTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "self-test failed: " + description }
}
