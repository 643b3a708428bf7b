import QuantServeAPI
import QuantServeGRPC

/// `inference.v1.Inference/Tokenize` of corpus texts.
struct TokenizeWorkload: Workload {
    let name = "tokenize"
    let method = InferenceMethods.tokenize
    private let serialized: [[UInt8]]

    /// Tokenizes `requests` with `model`'s tokenizer.
    init(requests: TextRequests, model: String) {
        serialized = requests.batches.map {
            TokenizeRequest(model: ModelRef(name: model), texts: $0).serializedBytes()
        }
    }

    func request(callIndex: Int) -> [UInt8] { serialized[callIndex % serialized.count] }
}
