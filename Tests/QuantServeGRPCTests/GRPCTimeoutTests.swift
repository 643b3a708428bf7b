import QuantServeGRPC
import Testing

@Suite("grpc-timeout")
struct GRPCTimeoutTests {
    @Test(arguments: [
        ("1n", Duration.nanoseconds(1)),
        ("250u", .microseconds(250)),
        ("100m", .milliseconds(100)),
        ("30S", .seconds(30)),
        ("2M", .seconds(120)),
        ("1H", .seconds(3600)),
        ("99999999H", .seconds(99_999_999 * 3600)),
        ("0m", .zero),
        ("00000007S", .seconds(7)),
    ])
    func parsesEveryUnit(value: String, expected: Duration) throws {
        let timeout = try #require(GRPCTimeout(decoding: value))
        #expect(timeout.duration == expected)
        #expect(timeout.wireEncoding == value)
    }

    @Test(arguments: ["", "S", "10", "123456789S", "1s", "1h", "-1S", "1.5S", " 1S", "1S ", "1 S", "1x", "１S", "+1S"])
    func rejectsMalformedValues(value: String) {
        #expect(GRPCTimeout(decoding: value) == nil)
    }

    @Test func encodesInTheFinestUnitThatFits() {
        #expect(GRPCTimeout(.nanoseconds(5)).wireEncoding == "5n")
        #expect(GRPCTimeout(.milliseconds(250)).wireEncoding == "250000u")
        #expect(GRPCTimeout(.seconds(30)).wireEncoding == "30000000u")
        #expect(GRPCTimeout(.seconds(3000)).wireEncoding == "3000000m")
        #expect(GRPCTimeout(.seconds(200_000)).wireEncoding == "200000S")
        #expect(GRPCTimeout(.seconds(200_000_000)).wireEncoding == "3333334M")
        #expect(GRPCTimeout(.seconds(-3)).wireEncoding == "0n")
    }

    @Test func encodingRoundsUpAndRoundTrips() throws {
        // 100,000,000.5 ms does not fit in nanoseconds or microseconds with 8 digits.
        let duration = Duration.nanoseconds(123_456_789_123)
        let timeout = GRPCTimeout(duration)
        #expect(timeout.duration >= duration)
        #expect(timeout.wireEncoding == "123457m")
        let decoded = try #require(GRPCTimeout(decoding: timeout.wireEncoding))
        #expect(decoded.duration == timeout.duration)
    }
}
