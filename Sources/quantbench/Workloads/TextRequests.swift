import QuantServeSeededRandom

/// The texts of each request of a text workload (embed, classify, tokenize): `poolSize`
/// requests of `textsPerRequest` texts, each text drawn at random from the corpus with a
/// seeded generator, so that a seed always gives the same requests in the same order.
/// Call `k` sends request `k % poolSize`.
struct TextRequests: Sendable {
    /// How many distinct requests a run cycles through. They are encoded once, up front, so
    /// that the load loop neither encodes nor allocates for them.
    static let poolSize = 1024

    /// Each request's texts, in call order.
    let batches: [[String]]

    /// Draws `poolSize` requests of `textsPerRequest` texts from `corpus` with `seed`.
    init(corpus: Corpus, textsPerRequest: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        batches = (0..<Self.poolSize).map { _ in
            (0..<textsPerRequest).map { _ in corpus.texts[Int.random(in: 0..<corpus.texts.count, using: &generator)] }
        }
    }
}
