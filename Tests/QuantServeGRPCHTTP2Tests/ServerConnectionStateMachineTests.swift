import NIOCore
import QuantServeGRPC
import Testing

@testable import QuantServeGRPCHTTP2

/// The connection state machine driven synchronously, without sockets: every state and event.
@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
    typealias Machine = ServerConnectionStateMachine
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let calm = NGHTTP2Session.ErrorCode.enhanceYourCalm
    static let noError = NGHTTP2Session.ErrorCode.noError

    static func configuration(keepalive: Duration? = nil) -> Machine.Configuration {
        .init(
            handshakeTimeout: .seconds(10), idleTimeout: .seconds(300), keepaliveInterval: keepalive,
            keepaliveTimeout: .seconds(20), requestBodyTimeout: .seconds(30), stalledTimeout: .seconds(30),
            closeTimeout: .seconds(1), maxBufferedOutboundBytes: 1000,
            floodLimits: FloodLimits(ping: .init(burst: 3, perSecond: 1))
        )
    }

    static func at(_ seconds: Double) -> NIODeadline {
        start + .nanoseconds(Int64(seconds * 1e9))
    }

    /// A machine past its handshake with stream 1 open.
    static func active(keepalive: Duration? = nil) -> Machine {
        var machine = Machine(configuration: configuration(keepalive: keepalive), now: start)
        _ = machine.accepted(now: start, refusal: nil)
        machine.streamOpened(1, now: start)
        return machine
    }

    // MARK: Handshake

    @Test func aRefusedConnectionGetsGoAwayAndIsCutIfItDoesNotRead() {
        var machine = Machine(configuration: Self.configuration(), now: Self.start)
        let actions = machine.accepted(now: Self.start, refusal: .init(reason: "too many connections"))
        #expect(
            actions == [
                .sendGoAway(errorCode: Self.calm, reason: "too many connections"), .closeAfterFlush, .pauseReading,
            ])
        #expect(machine.state == .closing(deadline: Self.at(1)))
        #expect(machine.nextDeadline == Self.at(1))
        #expect(machine.tick(now: Self.at(0.5)) == [])
        #expect(
            machine.tick(now: Self.at(1)) == [
                .closeNow(reason: "the client did not take the last bytes within 1.0 seconds")
            ])
        #expect(machine.state == .closed)
    }

    @Test func aConnectionThatSendsNoRequestIsClosedAfterTheHandshakeTimeout() {
        var machine = Machine(configuration: Self.configuration(), now: Self.start)
        #expect(machine.accepted(now: Self.start, refusal: nil) == [])
        #expect(machine.state == .handshaking)
        #expect(machine.nextDeadline == Self.at(10))
        #expect(machine.tick(now: Self.at(9.9)) == [])
        let actions = machine.tick(now: Self.at(10))
        #expect(
            actions.first
                == .sendGoAway(errorCode: Self.noError, reason: "no request within 10.0 seconds of connecting"))
        #expect(actions.dropFirst() == [.closeAfterFlush, .pauseReading])
        #expect(machine.state == .closing(deadline: Self.at(11)))
    }

    @Test func theFirstHeadersEndTheHandshake() {
        var machine = Machine(configuration: Self.configuration(), now: Self.start)
        _ = machine.accepted(now: Self.start, refusal: nil)
        machine.streamOpened(1, now: Self.at(2))
        #expect(machine.state == .active)
        #expect(machine.tick(now: Self.at(10)) == [])
        #expect(machine.nextDeadline == Self.at(32))
    }

    // MARK: Streams

    @Test func aRequestWhoseBodyNeverComesEndsWithDeadlineExceeded() {
        var machine = Self.active()
        #expect(machine.nextDeadline == Self.at(30))
        let actions = machine.tick(now: Self.at(30))
        guard case .endStream(1, let status)? = actions.first else {
            Issue.record("expected endStream, got \(actions)")
            return
        }
        #expect(status.code == .deadlineExceeded)
        #expect(status.message.contains("did not arrive within 30.0 seconds"))
        #expect(machine.tick(now: Self.at(31)) == [])
    }

    @Test func aRequestThatArrivesStopsItsBodyTimer() {
        var machine = Self.active()
        machine.requestArrived(1)
        #expect(machine.nextDeadline == nil)
        #expect(machine.tick(now: Self.at(100)) == [])
    }

    @Test func aResponseTheClientDoesNotReadIsResetAfterTheStallTimeout() {
        var machine = Self.active()
        machine.requestArrived(1)
        machine.responseQueued(1, now: Self.at(1))
        machine.responseSent(1, now: Self.at(5), drained: false)
        #expect(machine.nextDeadline == Self.at(35))
        #expect(machine.tick(now: Self.at(34)) == [])
        #expect(
            machine.tick(now: Self.at(35)) == [
                .resetStream(1, reason: "the client read none of its response for 30.0 seconds")
            ])
    }

    @Test func aDrainedResponseStopsTheStallTimer() {
        var machine = Self.active()
        machine.requestArrived(1)
        machine.responseQueued(1, now: Self.at(1))
        machine.responseSent(1, now: Self.at(2), drained: true)
        #expect(machine.tick(now: Self.at(100)) == [])
    }

    @Test func closingTheLastStreamStartsTheIdleTimer() {
        var machine = Self.active()
        machine.requestArrived(1)
        #expect(machine.streamClosed(1, now: Self.at(5)) == [])
        #expect(machine.openStreamCount == 0)
        #expect(machine.nextDeadline == Self.at(305))
        let actions = machine.tick(now: Self.at(305))
        #expect(actions.first == .sendGoAway(errorCode: Self.noError, reason: "idle timeout"))
        #expect(actions.contains(.closeAfterFlush))
    }

    @Test func anUnknownStreamClosingChangesNothing() {
        var machine = Self.active()
        #expect(machine.streamClosed(7, now: Self.at(1)) == [])
        #expect(machine.openStreamCount == 1)
    }

    // MARK: Keepalive

    @Test func keepalivePingsAndAnAnswerKeepTheConnection() {
        var machine = Self.active(keepalive: .seconds(60))
        machine.requestArrived(1)
        #expect(machine.nextDeadline == Self.at(60))
        #expect(machine.tick(now: Self.at(60)) == [.sendPing])
        #expect(machine.nextDeadline == Self.at(80))
        machine.pingAcknowledged()
        #expect(machine.nextDeadline == Self.at(120))
        #expect(machine.tick(now: Self.at(120)) == [.sendPing])
    }

    @Test func anUnansweredKeepalivePingClosesTheConnection() {
        var machine = Self.active(keepalive: .seconds(60))
        machine.requestArrived(1)
        _ = machine.tick(now: Self.at(60))
        let actions = machine.tick(now: Self.at(80))
        #expect(actions.first == .sendGoAway(errorCode: Self.noError, reason: "keepalive PING unanswered"))
    }

    // MARK: Backpressure

    @Test func readingPausesWhileTheChannelIsNotWritable() {
        var machine = Self.active()
        machine.requestArrived(1)
        #expect(machine.writabilityChanged(false, now: Self.at(1)) == [.pauseReading])
        #expect(machine.writabilityChanged(false, now: Self.at(2)) == [])
        #expect(machine.writabilityChanged(true, now: Self.at(3)) == [.resumeReading])
        #expect(machine.writabilityChanged(true, now: Self.at(4)) == [])
    }

    @Test func aSocketUnwritableForTheStallTimeoutIsCut() {
        var machine = Self.active()
        machine.requestArrived(1)
        _ = machine.writabilityChanged(false, now: Self.at(1))
        #expect(machine.nextDeadline == Self.at(31))
        #expect(machine.tick(now: Self.at(31)) == [.closeNow(reason: "the client read nothing for 30.0 seconds")])
        #expect(machine.state == .closed)
        #expect(machine.nextDeadline == nil)
    }

    @Test func moreOutboundBytesThanTheCapCutTheConnection() {
        var machine = Self.active()
        #expect(machine.outboundBytesChanged(to: 1000) == [])
        #expect(
            machine.outboundBytesChanged(to: 1001) == [
                .closeNow(reason: "the client left more than 1000 response bytes unread")
            ])
        #expect(machine.state == .closed)
    }

    // MARK: Floods

    @Test func framesPastTheirRateAreAFlood() {
        var machine = Self.active()
        for _ in 0..<3 { #expect(machine.frameReceived(.ping, now: Self.at(1)) == []) }
        #expect(machine.frameReceived(.settings, now: Self.at(1)) == [])
        let actions = machine.frameReceived(.ping, now: Self.at(1))
        #expect(
            actions == [
                .sendGoAway(errorCode: Self.calm, reason: "too many PING frames"), .closeAfterFlush, .pauseReading,
            ])
        #expect(machine.frameReceived(.ping, now: Self.at(1)) == [])
    }

    @Test func framesWithinTheirRateAreNot() {
        var machine = Self.active()
        for second in 0..<100 {
            #expect(machine.frameReceived(.ping, now: Self.at(Double(second))) == [])
        }
    }

    @Test(arguments: [NGHTTP2Session.ControlFrame.settings, .resetStream, .priority, .emptyData])
    func everyCountedFrameKindHasALimit(frame: NGHTTP2Session.ControlFrame) {
        var machine = Self.active()
        var actions: [Machine.Action] = []
        for _ in 0..<10_000 where actions.isEmpty {
            actions = machine.frameReceived(frame, now: Self.at(1))
        }
        #expect(actions.first == .sendGoAway(errorCode: Self.calm, reason: "too many \(frame.name) frames"))
    }

    // MARK: Drain and close

    @Test func shutdownWithOpenStreamsDrainsUntilTheLastCloses() {
        var machine = Self.active()
        machine.requestArrived(1)
        let actions = machine.shutdownRequested(deadline: Self.at(10), now: Self.at(1))
        #expect(actions == [.sendGoAway(errorCode: Self.noError, reason: "server shutting down")])
        #expect(machine.state == .draining(deadline: Self.at(10)))
        #expect(machine.shutdownRequested(deadline: Self.at(10), now: Self.at(2)) == [])
        #expect(machine.streamClosed(1, now: Self.at(3)) == [.closeAfterFlush, .pauseReading])
        #expect(machine.state == .closing(deadline: Self.at(4)))
    }

    @Test func callsOutlivingTheGracePeriodEndUnavailable() {
        var machine = Self.active()
        machine.requestArrived(1)
        _ = machine.shutdownRequested(deadline: Self.at(10), now: Self.at(1))
        #expect(machine.nextDeadline == Self.at(10))
        let actions = machine.tick(now: Self.at(10))
        #expect(
            actions == [
                .endAllStreams(Status(code: .unavailable, message: "the server is shutting down")), .closeAfterFlush,
                .pauseReading,
            ])
        #expect(
            machine.tick(now: Self.at(11)).first
                == .closeNow(reason: "the client did not take the last bytes within 1.0 seconds"))
    }

    @Test func shutdownWithoutStreamsClosesAtOnce() {
        var idle = Self.active()
        idle.requestArrived(1)
        _ = idle.streamClosed(1, now: Self.at(1))
        #expect(
            idle.shutdownRequested(deadline: Self.at(10), now: Self.at(2)).first
                == .sendGoAway(errorCode: Self.noError, reason: "server shutting down"))
        #expect(idle.state == .closing(deadline: Self.at(3)))

        var handshaking = Machine(configuration: Self.configuration(), now: Self.start)
        _ = handshaking.accepted(now: Self.start, refusal: nil)
        #expect(handshaking.shutdownRequested(deadline: Self.at(10), now: Self.at(1)).contains(.closeAfterFlush))
    }

    @Test func theSessionEndingClosesAfterFlushing() {
        var machine = Self.active()
        #expect(machine.sessionFinished(now: Self.at(1)) == [.closeAfterFlush, .pauseReading])
        #expect(machine.sessionFinished(now: Self.at(1)) == [])
        #expect(!machine.acceptsInput)
    }

    @Test func aClosingConnectionIgnoresNewEvents() {
        var machine = Self.active()
        _ = machine.sessionFinished(now: Self.at(1))
        machine.streamOpened(3, now: Self.at(1))
        #expect(machine.openStreamCount == 1)
        #expect(machine.frameReceived(.ping, now: Self.at(1)) == [])
        #expect(machine.shutdownRequested(deadline: Self.at(5), now: Self.at(1)) == [])
        machine.channelClosed()
        #expect(machine.state == .closed)
        #expect(machine.openStreamCount == 0)
        #expect(machine.nextDeadline == nil)
        #expect(machine.tick(now: Self.at(100)) == [])
    }
}
