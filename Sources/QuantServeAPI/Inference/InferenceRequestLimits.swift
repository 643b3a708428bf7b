/// Bounds on inference requests that are checked while they are decoded.
public enum InferenceRequestLimits {
    /// The most texts one Embed, Classify or Tokenize request may carry. Decoding a request
    /// with more throws `RPCError` RESOURCE_EXHAUSTED, counted on the wire bytes before any
    /// text is copied.
    public static let maxTexts = 1024
}
