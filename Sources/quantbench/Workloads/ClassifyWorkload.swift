import QuantServeAPI
import QuantServeGRPC

/// `inference.v1.Inference/Classify` of corpus texts.
struct ClassifyWorkload: Workload {
    let name = "classify"
    let method = InferenceMethods.classify
    private let serialized: [[UInt8]]

    /// Classifies `requests` with `model`, asking for the best `topK` labels of each text.
    init(requests: TextRequests, model: String, topK: UInt32) {
        serialized = requests.batches.map {
            ClassifyRequest(model: ModelRef(name: model), texts: $0, topK: topK).serializedBytes()
        }
    }

    func request(callIndex: Int) -> [UInt8] { serialized[callIndex % serialized.count] }
}
