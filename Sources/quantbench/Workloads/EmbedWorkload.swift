import QuantServeAPI
import QuantServeGRPC

/// `inference.v1.Inference/Embed` of corpus texts.
struct EmbedWorkload: Workload {
    let name = "embed"
    let method = InferenceMethods.embed
    private let serialized: [[UInt8]]

    /// Embeds `requests` with `model`; `truncate` asks the server to cut texts longer than the model's maximum.
    init(requests: TextRequests, model: String, truncate: Bool) {
        serialized = requests.batches.map {
            EmbedRequest(model: ModelRef(name: model), texts: $0, truncate: truncate).serializedBytes()
        }
    }

    func request(callIndex: Int) -> [UInt8] { serialized[callIndex % serialized.count] }
}
