/// How a generation picks each next token from the decoder's logits: greedy at temperature 0,
/// otherwise sampled after the repetition penalty, the temperature, top-k and top-p.
public struct SamplingParameters: Sendable, Hashable {
    /// 0 is greedy decoding; otherwise the logits are divided by it before sampling.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP`; 0 or 1 keeps all.
    public var topP: Float
    /// Above 1, tokens already in the prompt or the output become less likely (positive logits
    /// divided by it, negative ones multiplied); 0 or 1 is off.
    public var repetitionPenalty: Float
    /// Seeds the random draws; 0 draws a fresh seed.
    public var seed: UInt64

    /// Parameters with these values (the defaults: greedy, no penalty).
    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 0, repetitionPenalty: Float = 0, seed: UInt64 = 0)
    {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }

    /// Whether the next token is the most likely one (temperature 0).
    public var isGreedy: Bool { temperature == 0 }

    /// The penalty in effect: 0 and 1 both mean none.
    var effectivePenalty: Float { repetitionPenalty == 0 ? 1 : repetitionPenalty }

    /// Throws when a value is outside its range (NaN included).
    public func validate() throws(SamplingParameterError) {
        guard temperature.isFinite, temperature >= 0 else { throw .temperature(temperature) }
        guard topP.isFinite, topP >= 0, topP <= 1 else { throw .topP(topP) }
        guard repetitionPenalty.isFinite, repetitionPenalty >= 0 else { throw .repetitionPenalty(repetitionPenalty) }
        guard topK >= 0 else { throw .topK(topK) }
    }
}

/// A sampling parameter outside its range.
public enum SamplingParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    case temperature(Float)
    case topP(Float)
    case topK(Int)
    case repetitionPenalty(Float)

    public var description: String {
        switch self {
        case .temperature(let value): "temperature must be a finite number ≥ 0 (0 is greedy), not \(value)"
        case .topP(let value): "top_p must be between 0 and 1 (0 or 1 turns it off), not \(value)"
        case .topK(let value): "top_k must be ≥ 0 (0 turns it off), not \(value)"
        case .repetitionPenalty(let value):
            "repetition_penalty must be a finite number ≥ 0 (0 or 1 turns it off), not \(value)"
        }
    }
}
