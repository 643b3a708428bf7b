// Fuzzes the server side of a connection: the bytes a client sends, after the HTTP/2 client
// preface, go through the real ServerConnectionHandler (its preface sniffer, nghttp2 session
// and callbacks, gRPC deframing, calls, deadlines and keepalive) on an in-memory channel. A
// call to /fuzz.Echo/Update starts a real handler task that answers each request message; any
// other path gets the server's refusals. Time then moves 20 s on (deadlines, keepalive PING
// and its timeout) and the connection closes. Nothing may crash, hang or leak.
//
// Input: [mode: bit 0 = send the client preface first, bits 1-7 = how reads are cut (0: one read)]
//        [client bytes...]
import FuzzSupport
import QuantServeGRPC
@testable import QuantServeGRPCHTTP2
import Logging
import NIOCore
import NIOEmbedded

private let clientPreface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

/// One bidirectional-streaming method that echoes every request message.
private let router: RPCRouter = {
    var router = RPCRouter()
    router.register(MethodDescriptor(service: "fuzz.Echo", method: "Update")) { requests, responses, _ in
        for try await message in requests {
            try await responses.write(message)
        }
        return ["x-fuzz-echoed": "yes"]
    }
    return router
}()

/// Small limits, so that short inputs reach them; keepalive on, so that time moving on reaches it.
private let configuration = ServerConfiguration(
    maxReceiveMessageBytes: 4096,
    maxSendMessageBytes: 4096,
    maxConcurrentStreams: 8,
    maxHeaderListBytes: 4096,
    initialStreamWindow: 65_535,
    connectionWindow: 1 << 20,
    keepaliveInterval: .seconds(10),
    keepaliveTimeout: .seconds(5)
)

private let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

private let peer = try! SocketAddress(ipAddress: "127.0.0.1", port: 50051)

/// The server's log throttles, shared by every connection as `GRPCServer` shares them.
private let connectionLog = SharedLogThrottle(burst: 50, perSecond: 5)
private let failureLog = SharedLogThrottle(burst: 100, perSecond: 20)

/// Feeds `reads` to a fresh server connection, then lets time pass and closes it. The reads go
/// in one hop onto the channel's loop (each hop is a thread switch, the bulk of the cost).
private func serve(_ reads: [[UInt8]]) async {
    let channel = NIOAsyncTestingChannel()
    try? await channel.testingEventLoop.executeInContext {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ServerConnectionHandler(router: router, configuration: configuration, logger: logger,
                                                        refusal: nil, connectionLog: connectionLog,
                                                        failureLog: failureLog))
        channel.connect(to: peer, promise: nil)
        for read in reads where channel.isActive {
            pipeline.fireChannelRead(NIOAny(ByteBuffer(bytes: read)))
            pipeline.fireChannelReadComplete()
        }
    }
    await channel.testingEventLoop.advanceTime(by: .seconds(20))
    // What the server wrote is dropped with the channel.
    _ = try? await channel.finish(acceptAlreadyClosed: true)
}

@main
enum HTTP2ServerFuzzer {
    static func main() {
        LibFuzzer.run(fuzzHTTP2Server)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzHTTP2Server(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.byte()
    let bytes = (mode & 1 == 1 ? clientPreface : []) + input.remainingBytes()
    let cut = Int(mode >> 1)
    let reads = cut == 0 ? [bytes] : Splitter(bytes, seed: mode, maxChunk: cut * 8).map(Array.init)
    runToCompletion { await serve(reads) }
    return 0
}
