import QuantServeKernels

/// The embedded knowledge base of one version: every question variant's normalized embedding,
/// searched exhaustively for the entries closest to a text.
///
/// Search is exact, and fast on large bases: an int8 pass (the GEMM kernels, one int8 row per
/// question, per-row scale) scores every question with a proven error bound (Cauchy–Schwarz on the
/// exact rounding errors of the row and of the query), which selects the only questions that can
/// reach the top k; those are rescored in fp32. The result is the same
/// as scoring every question in fp32 (KnowledgeBaseIndexTests checks it against brute force).
public final class KnowledgeBaseIndex: Sendable {
    /// One entry and how close a text is to it.
    public struct Match: Sendable, Hashable {
        /// The entry's position in the knowledge base.
        public var entry: Int
        /// The question variant (index into the entry's questions) that matched best.
        public var question: Int
        /// Cosine similarity of the text to that question.
        public var score: Float
    }

    /// The entries.
    public let base: KnowledgeBase
    /// The score from which a best match is confident.
    public let threshold: Float
    /// The embedding length.
    public let dimensions: Int
    /// Per question row: its entry and its index among the entry's questions.
    private let rowEntry: [Int32]
    private let rowQuestion: [Int32]
    /// rows × dimensions normalized fp32 embeddings, for the exact rescoring.
    private let vectors: [Float]
    /// The same rows in int8, one scale per row.
    private let prefilter: Int8Linear
    /// Per row, the L2 norm of its int8 rounding error `‖e − ê‖₂` (exact, from the fp32 row).
    private let residualNorm: [Float]
    /// Per row, the L2 norm of its dequantized int8 embedding `‖ê‖₂`.
    private let quantizedNorm: [Float]

    /// An index over question embeddings already computed: `vectors` holds one normalized
    /// embedding per question of `base`, entry by entry, question by question.
    public convenience init(base: KnowledgeBase, threshold: Float, dimensions: Int, vectors: [Float]) {
        var rowEntry: [Int32] = []
        var rowQuestion: [Int32] = []
        for (entryIndex, entry) in base.entries.enumerated() {
            for questionIndex in entry.questions.indices {
                rowEntry.append(Int32(entryIndex))
                rowQuestion.append(Int32(questionIndex))
            }
        }
        precondition(vectors.count == rowEntry.count * dimensions, "one embedding per question")
        self.init(
            base: base, threshold: threshold, dimensions: dimensions, rowEntry: rowEntry,
            rowQuestion: rowQuestion, vectors: vectors)
    }

    private init(
        base: KnowledgeBase, threshold: Float, dimensions: Int, rowEntry: [Int32], rowQuestion: [Int32],
        vectors: [Float]
    ) {
        let rows = rowEntry.count
        var weights = [Int8](repeating: 0, count: rows * dimensions)
        var scales = [Float](repeating: 0, count: rows)
        var residualNorm = [Float](repeating: 0, count: rows)
        var quantizedNorm = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let offset = row * dimensions
            var largest: Float = 0
            for k in 0..<dimensions { largest = max(largest, abs(vectors[offset + k])) }
            let scale = largest > 0 ? largest / 127 : 1
            var residual: Float = 0
            var norm: Float = 0
            for k in 0..<dimensions {
                let level = min(max((vectors[offset + k] / scale).rounded(.toNearestOrEven), -127), 127)
                weights[offset + k] = Int8(level)
                let dequantized = level * scale
                residual += (vectors[offset + k] - dequantized) * (vectors[offset + k] - dequantized)
                norm += dequantized * dequantized
            }
            scales[row] = scale
            residualNorm[row] = residual.squareRoot()
            quantizedNorm[row] = norm.squareRoot()
        }
        self.base = base
        self.threshold = threshold
        self.dimensions = dimensions
        self.rowEntry = rowEntry
        self.rowQuestion = rowQuestion
        self.vectors = vectors
        self.residualNorm = residualNorm
        self.quantizedNorm = quantizedNorm
        prefilter = Int8Linear(weights: weights, scales: scales, bias: nil, outFeatures: rows, inFeatures: dimensions)
    }

    /// Question rows (all variants of all entries).
    public var rowCount: Int { rowEntry.count }

    /// Bytes held by the embeddings (fp32 and int8) and the row tables.
    public var memoryBytes: Int { vectors.count * 4 + prefilter.memoryBytes + rowEntry.count * 16 }

    /// The `topK` entries closest to the normalized embedding `query`, best first (ties: the
    /// earlier entry first), each scored by its closest question.
    public func search(_ query: [Float], topK: Int) -> [Match] {
        precondition(query.count == dimensions, "query has \(query.count) dimensions, the index \(dimensions)")
        let rows = rowCount
        let wanted = min(max(1, topK), base.entries.count)
        var approximate = [Float](repeating: 0, count: rows)
        query.withUnsafeBufferPointer { input in
            approximate.withUnsafeMutableBufferPointer { output in
                prefilter.apply(input.baseAddress!, rows: 1, output: output.baseAddress!)
            }
        }
        // exact − approximate = q·(e − ê) + (q − q̂)·ê, so by Cauchy–Schwarz
        // |exact − approximate| ≤ ‖q‖₂·‖e − ê‖₂ + ‖q − q̂‖₂·‖ê‖₂, with q̂ the query exactly as the
        // kernel quantizes it (ActivationQuantization) and both row norms exact from the build;
        // widened by 10 % and an absolute 1e-5 for the fp32 arithmetic of the dequantization.
        let quantization = ActivationQuantization(rowMinimum: query.min() ?? 0, rowMaximum: query.max() ?? 0)
        var queryNorm: Float = 0
        var queryError: Float = 0
        for x in query {
            let dequantized = Float(quantization.quantize(x) - quantization.zeroPoint) * quantization.scale
            queryNorm += x * x
            queryError += (x - dequantized) * (x - dequantized)
        }
        let (queryLength, queryErrorLength) = (queryNorm.squareRoot(), queryError.squareRoot())
        // Each row's error bound, computed once; then the k-th best entry's lower bound: no entry
        // below it can reach the top k.
        var bound = [Float](repeating: 0, count: rows)
        var entryLower = [Float](repeating: -.infinity, count: base.entries.count)
        for row in 0..<rows {
            bound[row] = 1.1 * (queryLength * residualNorm[row] + queryErrorLength * quantizedNorm[row]) + 1e-5
            let entry = Int(rowEntry[row])
            entryLower[entry] = max(entryLower[entry], approximate[row] - bound[row])
        }
        let cutoff = Self.kthLargest(entryLower, wanted)
        return rank((0..<rows).lazy.filter { approximate[$0] + bound[$0] >= cutoff }, query: query, topK: wanted)
    }

    /// Every entry's best score in fp32, brute force: the reference `search` must equal.
    public func bruteForceSearch(_ query: [Float], topK: Int) -> [Match] {
        rank(0..<rowCount, query: query, topK: min(max(1, topK), base.entries.count))
    }

    /// The `topK` entries of `rows` scored exactly, each by its best row, best first (ties: the
    /// earlier entry first).
    private func rank(_ rows: some Sequence<Int>, query: [Float], topK: Int) -> [Match] {
        var best: [Int: Match] = [:]
        for row in rows {
            let score = exactScore(query, row: row)
            let entry = Int(rowEntry[row])
            if let current = best[entry], current.score >= score { continue }
            best[entry] = Match(entry: entry, question: Int(rowQuestion[row]), score: score)
        }
        let ranked = best.values.sorted { $0.score > $1.score || ($0.score == $1.score && $0.entry < $1.entry) }
        return Array(ranked.prefix(topK))
    }

    /// The fp32 dot product of `query` with row `row`, 16 lanes at a time.
    private func exactScore(_ query: [Float], row: Int) -> Float {
        query.withUnsafeBufferPointer { q in
            vectors.withUnsafeBufferPointer { v in
                let r = v.baseAddress! + row * dimensions
                var lanes = SIMD16<Float>()
                var k = 0
                while k + 16 <= dimensions {
                    lanes +=
                        UnsafeRawPointer(q.baseAddress! + k).loadUnaligned(as: SIMD16<Float>.self)
                        * UnsafeRawPointer(r + k).loadUnaligned(as: SIMD16<Float>.self)
                    k += 16
                }
                var sum = lanes.sum()
                while k < dimensions {
                    sum += q[k] * r[k]
                    k += 1
                }
                return sum
            }
        }
    }

    /// The `k`-th largest of `values` (-infinity when there are fewer), in one pass keeping the
    /// best k in ascending order.
    private static func kthLargest(_ values: [Float], _ k: Int) -> Float {
        guard k >= 1, k <= values.count else { return -.infinity }
        var best = [Float](repeating: -.infinity, count: k)
        for value in values where value > best[0] {
            var index = 0
            while index + 1 < k && best[index + 1] < value {
                best[index] = best[index + 1]
                index += 1
            }
            best[index] = value
        }
        return best[0]
    }
}
