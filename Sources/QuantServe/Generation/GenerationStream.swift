import QuantServeTransformer

/// One generation as the scheduler takes it: the prompt's tokens and how to continue it.
public struct GenerationRequest: Sendable {
    public var prompt: [UInt32]
    /// Most tokens to generate (at least 1).
    public var maxTokens: Int
    public var sampling: SamplingParameters
    /// Text at which generation stops (not emitted).
    public var stopStrings: [String]
    public var deadline: ContinuousClock.Instant?
    /// When the server accepted the call (time to first token counts from here).
    public var accepted: ContinuousClock.Instant

    public init(
        prompt: [UInt32], maxTokens: Int, sampling: SamplingParameters = .init(), stopStrings: [String] = [],
        deadline: ContinuousClock.Instant? = nil, accepted: ContinuousClock.Instant = .now
    ) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.deadline = deadline
        self.accepted = accepted
    }
}

/// What one scheduler step adds to a generation; the last one carries how it finished.
public struct GenerationChunk: Sendable, Equatable {
    /// Text added (whole UTF-8 characters, never part of a stop string).
    public var text: String
    /// Tokens added (the end-of-turn token is not sent).
    public var tokens: [UInt32]
    /// Set on the last chunk.
    public var finish: GenerationFinish?
}

/// How a generation ended.
public struct GenerationFinish: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The model's end-of-turn token or a stop string.
        case stop
        /// `max_tokens` reached.
        case length
        /// The server stopped it (its scheduler stopped).
        case cancelled
    }

    public var reason: Reason
    public var promptTokens: Int
    /// Tokens the model generated, the end-of-turn token included.
    public var generatedTokens: Int
    /// From acceptance to the first generated token (nil when none was).
    public var timeToFirstToken: Duration?
}
