import Testing

@testable import quantbench

/// `CallRecording` with spans that run backwards: an open-loop call goes out up to
/// `OpenLoop.shortestSleep` before its scheduled time, which once trapped on a negative span.
@Suite struct CallRecordingTests {
    @Test func callSentJustBeforeItsScheduledTimeRecordsZeroSendLag() {
        let start = ContinuousClock.now
        var recording = CallRecording(measurementStart: start, measurementStartSince1970: 0)
        let due = start + .milliseconds(5)
        recording.record(
            .succeeded, intended: due, sent: due - .microseconds(30), finish: due + .milliseconds(2),
            waitedForStream: false)
        #expect(recording.sent == 1)
        #expect(recording.succeeded == 1)
        #expect(recording.sendLag.totalCount == 1)
        #expect(recording.sendLag.max == 0)
        #expect(recording.latencies.max >= 1_999_000)
    }
}
