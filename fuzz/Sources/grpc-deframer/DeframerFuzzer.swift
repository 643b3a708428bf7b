// Fuzzes GRPCMessageDeframer: a stream of length-prefixed messages, cut into reads at places
// the input chooses, against a size limit the input chooses. The deframer must give exactly
// what a one-pass reading of the stream gives (the same messages, then the same error), and
// report the end of the stream inside a message as an error.
//
// Input: [limit selector] [split seed] [stream bytes...]
import FuzzSupport
@testable import QuantServeGRPC

/// What one pass over the whole stream gives: the messages in order, then either the error
/// code that stops it or whether the stream ends inside a message.
private struct ReferenceReading {
    var messages: [[UInt8]] = []
    var errorCode: Status.Code?
    var endsInsideMessage = false

    init(_ stream: [UInt8], maxMessageBytes: Int) {
        var offset = 0
        while offset < stream.count {
            guard stream.count - offset >= 5 else {
                endsInsideMessage = true
                return
            }
            let flag = stream[offset]
            let length = stream[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
            if flag != 0 {
                errorCode = .internal
                return
            }
            if length > maxMessageBytes {
                errorCode = .resourceExhausted
                return
            }
            guard stream.count - offset - 5 >= length else {
                endsInsideMessage = true
                return
            }
            messages.append(Array(stream[(offset + 5)..<(offset + 5 + length)]))
            offset += 5 + length
        }
    }
}

@main
enum DeframerFuzzer {
    static func main() {
        LibFuzzer.run(fuzzDeframer)
    }
}

/// One fuzz input, as libFuzzer passes it.
private func fuzzDeframer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let limitSelector = input.byte()
    // Small limits reach the RESOURCE_EXHAUSTED path with short inputs; 255 is gRPC's 4 MiB default.
    let maxMessageBytes = limitSelector == 255 ? 4 * 1024 * 1024 : Int(limitSelector)
    let seed = input.byte()
    let stream = input.remainingBytes()
    let expected = ReferenceReading(stream, maxMessageBytes: maxMessageBytes)

    var deframer = GRPCMessageDeframer(maxMessageBytes: maxMessageBytes)
    var messages: [[UInt8]] = []
    var errorCode: Status.Code?
    for chunk in Splitter(stream, seed: seed, maxChunk: 1 + Int(seed % 16)) where errorCode == nil {
        do {
            try chunk.withUnsafeBytes { bytes in
                try deframer.process(bytes) { messages.append($0.bytes) }
            }
        } catch let error as RPCError {
            errorCode = error.code
        } catch {
            fuzzCheck(false, "the deframer threw \(error), not an RPCError")
        }
    }
    fuzzCheck(messages == expected.messages, "messages \(messages.map(\.count)) differ from \(expected.messages.map(\.count))")
    fuzzCheck(errorCode == expected.errorCode, "error \(String(describing: errorCode)), expected \(String(describing: expected.errorCode))")

    if errorCode != nil {
        // A failed deframer keeps failing.
        var stillFailing = false
        do { try [UInt8]([0, 0, 0, 0, 0]).withUnsafeBytes { try deframer.process($0) { _ in } } } catch { stillFailing = true }
        fuzzCheck(stillFailing, "the deframer accepted bytes after failing")
    } else {
        fuzzCheck(deframer.isAtMessageBoundary == !expected.endsInsideMessage, "isAtMessageBoundary is wrong")
        var finishCode: Status.Code?
        do { try deframer.finish() } catch { finishCode = error.code }
        fuzzCheck(finishCode == (expected.endsInsideMessage ? .internal : nil), "finish gave \(String(describing: finishCode))")
    }
    return 0
}
