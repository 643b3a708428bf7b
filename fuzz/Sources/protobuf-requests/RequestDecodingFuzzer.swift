// Fuzzes the decoding of every request message the server accepts (protobuf-c's unpack, then
// the copy into Swift values). Bytes that decode must survive a round trip: encoding the
// decoded message and decoding that again gives the same message.
//
// Input: [message selector] [protobuf bytes...]
import FuzzSupport
import QuantServeGRPC
import QuantServeAPI

/// Every message a client can send, in a fixed order (the selector byte picks one).
private let requestTypes: [any (GRPCMessage & Equatable).Type] = [
    EmbedRequest.self,
    ClassifyRequest.self,
    TokenizeRequest.self,
    ListModelsRequest.self,
    LoadModelRequest.self,
    ServeVersionRequest.self,
    UnloadModelRequest.self,
    HealthCheckRequest.self,
    EchoRequest.self,
]

private func checkRoundTrip<Message: GRPCMessage & Equatable>(_ type: Message.Type, _ bytes: [UInt8]) {
    guard let decoded = try? Message(serializedBytes: bytes) else { return }
    let encoded = decoded.serializedBytes()
    let again: Message
    do {
        again = try Message(serializedBytes: encoded)
    } catch {
        fuzzCheck(false, "\(Message.self) does not decode its own encoding: \(error)")
        return
    }
    fuzzCheck(again == decoded, "\(Message.self) changed in a round trip: \(decoded) became \(again)")
}

@main
enum RequestDecodingFuzzer {
    static func main() {
        LibFuzzer.run(fuzzRequestDecoding)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzRequestDecoding(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let type = requestTypes[Int(input.byte()) % requestTypes.count]
    checkRoundTrip(type, input.remainingBytes())
    return 0
}
