import QuantServeAPI
import QuantServeGRPC

/// `inference.v1.Inference`: Embed, Classify, Tokenize, Answer and Generate over gRPC. Each response names the
/// exact version that served and carries the server-side timings as response headers.
/// A READY version that is not serving answers only admin-authorized calls (canary checks).
public struct InferenceService: RPCService {
    /// Response header names of the server-side timings, in microseconds.
    public enum TimingHeader {
        public static let queue = "x-queue-time-us"
        public static let tokenize = "x-tokenize-time-us"
        public static let compute = "x-compute-time-us"
        public static let batch = "x-batch-sequences"
    }

    public let inference: Inference
    /// Decides which calls may use a READY version that is not serving.
    public let authorization: AdminAuthorization

    public init(inference: Inference, authorization: AdminAuthorization) {
        self.inference = inference
        self.authorization = authorization
    }

    /// `.anyReady` for admin-authorized calls that name a version, `.servingOnly` for the rest.
    func access(_ model: ModelRef, _ context: ServerContext) -> VersionAccess {
        model.version != 0 && authorization.permits(context) ? .anyReady : .servingOnly
    }

    public func register(in router: inout RPCRouter) {
        router.registerUnary(InferenceMethods.embed) {
            (request: EmbedRequest, context) -> ServerResponse<EmbedResponse> in
            let model = request.model ?? ModelRef()
            let result = try await inference.embed(
                name: model.name, version: model.version, access: access(model, context), texts: request.texts,
                truncate: request.truncate, inputType: request.inputType, deadline: context.deadline)
            let embeddings = zip(result.vectors, result.tokenCounts).map { vector, count in
                Embedding(values: vector, tokenCount: UInt32(count))
            }
            return ServerResponse(
                EmbedResponse(
                    model: ModelRef(name: result.name, version: result.version),
                    embeddings: embeddings, dimensions: UInt32(result.dimensions)),
                headers: Self.headers(result.timings))
        }
        router.registerUnary(InferenceMethods.classify) {
            (request: ClassifyRequest, context) -> ServerResponse<ClassifyResponse> in
            let model = request.model ?? ModelRef()
            let result = try await inference.classify(
                name: model.name, version: model.version, access: access(model, context), texts: request.texts,
                topK: Int(request.topK), head: request.head, deadline: context.deadline)
            let results = result.results.map { scores in
                Classification(labels: scores.map { LabelScore(label: $0.label, score: $0.score) })
            }
            return ServerResponse(
                ClassifyResponse(
                    model: ModelRef(name: result.name, version: result.version), results: results, head: result.head),
                headers: Self.headers(result.timings))
        }
        router.registerUnary(InferenceMethods.answer) {
            (request: AnswerRequest, context) -> ServerResponse<AnswerResponse> in
            let model = request.model ?? ModelRef()
            let result = try await inference.answer(
                name: model.name, version: model.version, access: access(model, context), texts: request.texts,
                topK: Int(request.topK), deadline: context.deadline)
            let entries = result.index.base.entries
            let results = result.results.map { matches in
                AnswerResult(
                    matches: matches.map { match in
                        let entry = entries[match.entry]
                        return AnswerMatch(
                            id: entry.id, score: match.score, answer: entry.answer,
                            question: entry.questions[match.question], language: entry.language)
                    }, confident: (matches.first?.score ?? -.infinity) >= result.index.threshold)
            }
            return ServerResponse(
                AnswerResponse(
                    model: ModelRef(name: result.name, version: result.version), results: results,
                    threshold: result.index.threshold),
                headers: Self.headers(result.timings))
        }
        router.registerUnary(InferenceMethods.tokenize) {
            (request: TokenizeRequest, context) -> ServerResponse<TokenizeResponse> in
            let model = request.model ?? ModelRef()
            let result = try await inference.tokenize(
                name: model.name, version: model.version, access: access(model, context),
                texts: request.texts, deadline: context.deadline)
            return ServerResponse(
                TokenizeResponse(
                    model: ModelRef(name: result.name, version: result.version),
                    tokens: result.ids.map { TokenIds(ids: $0) }))
        }
        registerGenerate(in: &router)
    }

    private static func headers(_ timings: RequestTimings) -> Metadata {
        var metadata = Metadata()
        metadata.add(TimingHeader.queue, String(timings.queueMicroseconds))
        metadata.add(TimingHeader.tokenize, String(timings.tokenizeMicroseconds))
        metadata.add(TimingHeader.compute, String(timings.computeMicroseconds))
        metadata.add(TimingHeader.batch, String(timings.batchSequences))
        return metadata
    }
}
