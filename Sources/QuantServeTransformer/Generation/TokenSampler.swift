import Foundation
import QuantServeSeededRandom

/// Picks a generation's next tokens from the decoder's logits under `SamplingParameters`, with
/// a random generator of its own: the same parameters, seed and logits give the same tokens.
///
/// Order (that of llama.cpp and Hugging Face): repetition penalty over every token seen so far
/// (prompt and output), then greedy argmax at temperature 0 (ties go to the lowest id);
/// otherwise temperature, top-k, softmax, top-p, and one draw.
public struct TokenSampler: Sendable {
    public let parameters: SamplingParameters
    /// The seed actually used (a fresh one when the parameters' seed is 0).
    public let seed: UInt64
    private var random: SeededGenerator
    /// Tokens of the prompt and the output so far, for the repetition penalty.
    private var seen: Set<UInt32> = []

    /// A sampler for `parameters` (which must be valid), remembering `prompt` for the penalty.
    public init(parameters: SamplingParameters, prompt: [UInt32] = []) {
        self.parameters = parameters
        seed = parameters.seed != 0 ? parameters.seed : UInt64.random(in: 1...UInt64.max)
        random = SeededGenerator(seed: seed)
        if parameters.effectivePenalty != 1 { seen = Set(prompt) }
    }

    /// The next token after `logits` (one per vocabulary entry); remembers it for the penalty.
    public mutating func next(_ logits: [Float]) -> UInt32 {
        var logits = logits
        let penalty = parameters.effectivePenalty
        if penalty != 1 {
            for token in seen where Int(token) < logits.count {
                let value = logits[Int(token)]
                logits[Int(token)] = value > 0 ? value / penalty : value * penalty
            }
        }
        let token = parameters.isGreedy ? Self.argmax(logits) : draw(logits)
        if penalty != 1 { seen.insert(token) }
        return token
    }

    /// The index of the largest logit; the lowest index among equal ones (NaN never wins).
    static func argmax(_ logits: [Float]) -> UInt32 {
        var best = 0
        var bestValue = -Float.infinity
        for (index, value) in logits.enumerated() where value > bestValue {
            best = index
            bestValue = value
        }
        return UInt32(best)
    }

    /// A token drawn from the tempered, truncated distribution.
    private mutating func draw(_ logits: [Float]) -> UInt32 {
        // Candidates by descending logit, ties by ascending id: a total order, so the draw
        // depends only on the logits and the seed.
        var candidates = logits.indices.filter { logits[$0] > -.infinity }
        guard !candidates.isEmpty else { return Self.argmax(logits) }
        let byLikelihood: (Int, Int) -> Bool = { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        if parameters.topK > 0 && parameters.topK < candidates.count {
            candidates = Self.best(parameters.topK, of: candidates, by: byLikelihood)
        } else {
            candidates.sort(by: byLikelihood)
        }
        let inverseTemperature = 1 / parameters.temperature
        let top = logits[candidates[0]]
        var weights = candidates.map { exp(Double((logits[$0] - top) * inverseTemperature)) }
        var total = weights.reduce(0, +)
        if parameters.topP > 0 && parameters.topP < 1 {
            let target = Double(parameters.topP) * total
            var cumulative = 0.0
            var kept = 0
            while kept < weights.count {
                cumulative += weights[kept]
                kept += 1
                if cumulative >= target { break }
            }
            weights.removeSubrange(kept...)
            total = cumulative
        }
        var point = Double(random.next() >> 11) * 0x1p-53 * total
        for (index, weight) in weights.enumerated() {
            point -= weight
            if point < 0 { return UInt32(candidates[index]) }
        }
        return UInt32(candidates[weights.count - 1])
    }

    /// The `count` first of `candidates` under `order`, sorted: a sorted window of the best so
    /// far, which each better candidate enters by binary search.
    private static func best(_ count: Int, of candidates: [Int], by order: (Int, Int) -> Bool) -> [Int] {
        var kept = Array(candidates.prefix(count)).sorted(by: order)
        for candidate in candidates.dropFirst(count) where order(candidate, kept[count - 1]) {
            var low = 0
            var high = count - 1
            while low < high {
                let middle = (low + high) / 2
                if order(candidate, kept[middle]) { high = middle } else { low = middle + 1 }
            }
            kept.removeLast()
            kept.insert(candidate, at: low)
        }
        return kept
    }
}
