import QuantServeGRPC

/// The methods of `inference.v1.Inference`.
public enum InferenceMethods {
    /// The fully qualified service name.
    public static let service = "inference.v1.Inference"
    /// `Embed`: `EmbedRequest` → `EmbedResponse`.
    public static let embed = MethodDescriptor(service: service, method: "Embed")
    /// `Classify`: `ClassifyRequest` → `ClassifyResponse`.
    public static let classify = MethodDescriptor(service: service, method: "Classify")
    /// `Tokenize`: `TokenizeRequest` → `TokenizeResponse`.
    public static let tokenize = MethodDescriptor(service: service, method: "Tokenize")
    /// `Answer`: `AnswerRequest` → `AnswerResponse`.
    public static let answer = MethodDescriptor(service: service, method: "Answer")
    /// `Generate`: `GenerateRequest` → a stream of `GenerateChunk`.
    public static let generate = MethodDescriptor(service: service, method: "Generate")
    /// Every method of the service.
    public static let all = [embed, classify, tokenize, answer, generate]
}
