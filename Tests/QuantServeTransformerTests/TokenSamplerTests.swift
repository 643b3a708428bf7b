import QuantServeTransformer
import Testing

/// The sampler: greedy ties, the repetition penalty's sign rule, top-k and top-p truncation,
/// seeded repeatability and parameter validation.
struct TokenSamplerTests {
    @Test func greedyTakesTheLowestIdAmongTies() {
        var sampler = TokenSampler(parameters: SamplingParameters())
        #expect(sampler.next([0.5, 2, -1, 2, 1]) == 1)
        #expect(sampler.next([.nan, -.infinity, 3, 3]) == 2)
    }

    /// Positive logits are divided by the penalty, negative ones multiplied (llama.cpp, HF).
    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        // Token 0 (seen) at 3.0 → 1.5, below token 1 at 2.0.
        var positive = TokenSampler(parameters: SamplingParameters(repetitionPenalty: 2), prompt: [0])
        #expect(positive.next([3, 2]) == 1)
        // Token 0 (seen) at -1.0 → -2.0, below token 1 at -1.5.
        var negative = TokenSampler(parameters: SamplingParameters(repetitionPenalty: 2), prompt: [0])
        #expect(negative.next([-1, -1.5]) == 1)
        // The output counts as seen too: the next pick avoids it.
        var output = TokenSampler(parameters: SamplingParameters(repetitionPenalty: 4))
        #expect(output.next([3, 2]) == 0)
        #expect(output.next([3, 2]) == 1)
        // 1 and 0 are off.
        var off = TokenSampler(parameters: SamplingParameters(repetitionPenalty: 1), prompt: [0])
        #expect(off.next([3, 2]) == 0)
    }

    @Test func topKOneAndTinyTopPAreGreedy() {
        let logits: [Float] = (0..<500).map { Float(($0 * 7919) % 503) / 50 }
        let best = logits.indices.max { logits[$0] < logits[$1] }!
        for seed: UInt64 in 1...20 {
            var topK = TokenSampler(parameters: SamplingParameters(temperature: 2, topK: 1, seed: seed))
            #expect(topK.next(logits) == UInt32(best))
            var topP = TokenSampler(parameters: SamplingParameters(temperature: 2, topP: 1e-6, seed: seed))
            #expect(topP.next(logits) == UInt32(best))
        }
    }

    /// Top-k keeps exactly the k best; the draws cover them all and nothing else.
    @Test func topKDrawsOnlyAmongTheKBest() {
        let logits: [Float] = [0, 5, 1, 5, 4, 3, 0]
        var sampler = TokenSampler(parameters: SamplingParameters(temperature: 100, topK: 3, seed: 9))
        let drawn = Set((0..<400).map { _ in sampler.next(logits) })
        #expect(drawn == [1, 3, 4])
    }

    @Test func aSeedRepeatsAndAnotherDiffers() {
        let logits: [Float] = (0..<64).map { Float($0 % 5) }
        func draws(_ seed: UInt64) -> [UInt32] {
            var sampler = TokenSampler(parameters: SamplingParameters(temperature: 1.5, topP: 0.9, seed: seed))
            return (0..<50).map { _ in sampler.next(logits) }
        }
        #expect(draws(5) == draws(5))
        #expect(draws(5) != draws(6))
        #expect(TokenSampler(parameters: SamplingParameters(temperature: 1)).seed != 0, "seed 0 draws a fresh one")
    }

    @Test(arguments: [
        (SamplingParameters(temperature: -0.5), "temperature"),
        (SamplingParameters(temperature: .nan), "temperature"),
        (SamplingParameters(topP: 1.01), "top_p"),
        (SamplingParameters(topP: -0.1), "top_p"),
        (SamplingParameters(repetitionPenalty: -1), "repetition_penalty"),
        (SamplingParameters(topK: -1), "top_k"),
    ])
    func refusesOutOfRangeParameters(parameters: SamplingParameters, named: String) {
        #expect {
            try parameters.validate()
        } throws: { error in
            (error as? SamplingParameterError)?.description.contains(named) == true
        }
    }
}
