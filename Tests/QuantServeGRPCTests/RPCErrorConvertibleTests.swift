import QuantServeGRPC
import Testing

@Suite("The status a handler's error ends its call with")
struct RPCErrorConvertibleTests {
    struct QuotaExceeded: RPCErrorConvertible {
        var rpcErrorCode: Status.Code { .resourceExhausted }
        var rpcErrorMessage: String { "the quota is used up" }
    }

    struct Unexpected: Error {}

    @Test func convertibleErrorsKeepTheirStatusAndMetadata() {
        #expect(
            RPCError(endingCallWith: QuotaExceeded())
                == RPCError(code: .resourceExhausted, message: "the quota is used up"))
        let error = RPCError(code: .aborted, message: "as is", metadata: ["k": "v"])
        #expect(RPCError(endingCallWith: error) == error)
    }

    @Test func cancellationIsCancelled() {
        #expect(RPCError(endingCallWith: CancellationError())?.code == .cancelled)
    }

    @Test func anyOtherErrorIsLeftToTheCallerAndTheGenericStatusSaysNothing() {
        #expect(RPCError(endingCallWith: Unexpected()) == nil)
        #expect(RPCError.unexpectedFailure == RPCError(code: .internal, message: "internal error"))
    }
}
