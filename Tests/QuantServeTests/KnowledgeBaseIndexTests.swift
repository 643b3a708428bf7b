import QuantServe
import QuantServeSeededRandom
import QuantServeTransformer
import Testing

/// The int8-prefiltered knowledge-base search returns exactly what scoring every question in
/// fp32 returns, on random and on near-duplicate embeddings.
@Suite struct KnowledgeBaseIndexTests {
    static func normalized(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    /// `entries` entries of 1...4 questions; with `clusters` > 0 every vector is one of a few
    /// centres plus small noise, so many scores lie within the int8 error of each other.
    static func index(entries: Int, dimensions: Int, clusters: Int, seed: UInt64) throws -> KnowledgeBaseIndex {
        var random = SeededGenerator(seed: seed)
        let centres = (0..<max(clusters, 1)).map { _ in
            (0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) }
        }
        var base: [KnowledgeBase.Entry] = []
        var vectors: [Float] = []
        for entry in 0..<entries {
            let questions = Int.random(in: 1...4, using: &random)
            base.append(
                KnowledgeBase.Entry(
                    id: "e\(entry)", language: "en", questions: (0..<questions).map { "q\(entry).\($0)" },
                    answer: "a\(entry)"))
            for _ in 0..<questions {
                let raw =
                    clusters > 0
                    ? centres[Int.random(in: 0..<clusters, using: &random)].map {
                        $0 + 0.01 * Float.random(in: -1...1, using: &random)
                    }
                    : (0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) }
                vectors += normalized(raw)
            }
        }
        return KnowledgeBaseIndex(
            base: try KnowledgeBase(entries: base), threshold: 0.8, dimensions: dimensions, vectors: vectors)
    }

    @Test(arguments: [(0, UInt64(1)), (3, UInt64(2)), (1, UInt64(3))])
    func searchEqualsBruteForce(clusters: Int, seed: UInt64) throws {
        let dimensions = 48
        let index = try Self.index(entries: 700, dimensions: dimensions, clusters: clusters, seed: seed)
        var random = SeededGenerator(seed: seed &+ 100)
        for query in 0..<60 {
            let vector = Self.normalized((0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) })
            for topK in [1, 3, 10] {
                let fast = index.search(vector, topK: topK)
                let reference = index.bruteForceSearch(vector, topK: topK)
                #expect(fast == reference, "query \(query), top \(topK)")
                #expect(fast.count == topK)
            }
        }
    }

    @Test func anEmbeddingEqualToAQuestionFindsItsEntry() throws {
        let index = try Self.index(entries: 50, dimensions: 32, clusters: 0, seed: 9)
        // Entry 0's first question, rebuilt from the same random stream (one unused centre, the
        // entry's question count, then the vector): its own embedding scores 1.
        var random = SeededGenerator(seed: 9)
        _ = (0..<32).map { _ in Float.random(in: -1...1, using: &random) }
        _ = Int.random(in: 1...4, using: &random)
        let question = Self.normalized((0..<32).map { _ in Float.random(in: -1...1, using: &random) })
        let best = try #require(index.search(question, topK: 1).first)
        #expect(best.entry == 0 && best.question == 0)
        #expect(abs(best.score - 1) < 1e-5)
        #expect(index.search(question, topK: 500).count == 50, "top k is capped at the number of entries")
    }

    @Test func invalidKnowledgeBasesAreRefusedWithTheReason() {
        func reason(_ entries: [KnowledgeBase.Entry]) -> String {
            do {
                _ = try KnowledgeBase(entries: entries)
                return "accepted"
            } catch { return "\(error)" }
        }
        let good = KnowledgeBase.Entry(id: "a", language: "en", questions: ["q"], answer: "x")
        #expect(reason([]).contains("no entries"))
        #expect(reason([good, good]).contains("used by an earlier entry"))
        #expect(
            reason([KnowledgeBase.Entry(id: "b", language: "en", questions: [], answer: "x")]).contains("0 questions"))
        #expect(
            reason([KnowledgeBase.Entry(id: "b", language: "en", questions: [" "], answer: "x")]).contains(
                "question is empty"))
        #expect(
            reason([KnowledgeBase.Entry(id: "b", language: "en", questions: ["q"], answer: "")]).contains(
                "answer is empty"))
        #expect(
            reason([KnowledgeBase.Entry(id: "", language: "en", questions: ["q"], answer: "x")]).contains("id is empty")
        )
        #expect(throws: ModelError.self) { try KnowledgeBase(bytes: Array(#"{"entries": 3}"#.utf8)) }
    }
}
