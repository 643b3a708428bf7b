import QuantServeAPI
import QuantServeGRPC

/// `ModelInfer`: input `TEXT` to Embed or Classify through `Inference` (the batcher and
/// admission every protocol shares), outputs in `raw_output_contents`.
extension KServeService {
    func infer(_ request: KServe.ModelInferRequest, _ context: ServerContext) async throws -> KServe.ModelInferResponse
    {
        let start = ContinuousClock.now
        let version = try Self.versionNumber(request.modelVersion)
        do {
            let input = try KServeInferInput(request)
            return try await infer(input, request: request, version: version, context: context, start: start)
        } catch {
            recordFailure(name: request.modelName, version: version, after: start.duration(to: .now))
            throw error
        }
    }

    private func infer(
        _ input: KServeInferInput, request: KServe.ModelInferRequest, version: UInt64,
        context: ServerContext, start: ContinuousClock.Instant
    ) async throws -> KServe.ModelInferResponse {
        let access: VersionAccess = version != 0 && authorization.permits(context) ? .anyReady : .servingOnly
        var response = KServe.ModelInferResponse(id: request.id)
        let timings: RequestTimings
        let outputStart: ContinuousClock.Instant
        switch input.task {
        case .embed:
            let result = try await inference.embed(
                name: request.modelName, version: version, access: access, texts: input.texts,
                truncate: input.truncate, deadline: context.deadline)
            outputStart = .now
            response.modelName = result.name
            response.modelVersion = String(result.version)
            response.outputs = [
                KServe.InferOutputTensor(
                    name: KServeModelSignature.embeddingOutput, datatype: KServeModelSignature.fp32Type,
                    shape: [Int64(result.vectors.count), Int64(result.dimensions)])
            ]
            response.rawOutputContents = [KServeRawBytes.encode(floats: result.vectors.joined())]
            timings = result.timings
        case .classify(let outputs):
            let result = try await inference.classify(
                name: request.modelName, version: version, access: access, texts: input.texts,
                topK: input.topK, deadline: context.deadline)
            outputStart = .now
            response.modelName = result.name
            response.modelVersion = String(result.version)
            let shape = [Int64(result.results.count), Int64(result.results.first?.count ?? 0)]
            for output in outputs {
                if output == KServeModelSignature.labelOutput {
                    response.outputs.append(
                        KServe.InferOutputTensor(name: output, datatype: KServeModelSignature.bytesType, shape: shape))
                    response.rawOutputContents.append(
                        KServeRawBytes.encode(strings: result.results.flatMap { $0.map(\.label) }))
                } else {
                    response.outputs.append(
                        KServe.InferOutputTensor(name: output, datatype: KServeModelSignature.fp32Type, shape: shape))
                    response.rawOutputContents.append(
                        KServeRawBytes.encode(floats: result.results.flatMap { $0.map(\.score) }))
                }
            }
            timings = result.timings
        }
        let end = ContinuousClock.now
        let served = UInt64(response.modelVersion) ?? version
        statistics.recordSuccess(
            name: response.modelName, version: served, texts: input.texts.count,
            durations: KServeStatistics.Durations(
                total: Self.nanoseconds(start.duration(to: end)), queue: UInt64(timings.queueMicroseconds) * 1000,
                tokenize: UInt64(timings.tokenizeMicroseconds) * 1000,
                compute: UInt64(timings.computeMicroseconds) * 1000,
                output: Self.nanoseconds(outputStart.duration(to: end))))
        return response
    }

    /// Counts a failed request against the version it named (or the serving one), when the model is known.
    private func recordFailure(name: String, version: UInt64, after duration: Duration) {
        guard let model = registry.list(name: name.isEmpty ? registry.defaultModel : name).first,
            let number = version != 0 ? version : model.servingVersion,
            model.versions.contains(where: { $0.version == number })
        else { return }
        statistics.recordFailure(name: model.name, version: number, nanoseconds: Self.nanoseconds(duration))
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
    }
}
