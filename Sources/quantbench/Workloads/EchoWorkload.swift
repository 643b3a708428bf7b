import QuantServeAPI
import QuantServeGRPC

/// `testing.v1.Echo/Get` with a fixed payload: measures the transport with a chosen message size.
struct EchoWorkload: Workload {
    let name = "echo"
    let method = EchoMethods.get
    private let serialized: [UInt8]

    /// Echoes `payloadBytes` bytes per call.
    init(payloadBytes: Int) {
        serialized = EchoRequest(payload: [UInt8](repeating: 0x5A, count: payloadBytes)).serializedBytes()
    }

    func request(callIndex: Int) -> [UInt8] { serialized }
}
