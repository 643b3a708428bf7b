import Testing

@testable import quantbench

/// `host:port` parsing of the command's target argument.
@Suite struct TargetAddressTests {
    @Test func splitsHostAndPort() {
        #expect(QuantBench.split("127.0.0.1:50051")! == ("127.0.0.1", 50051))
        #expect(QuantBench.split("localhost:1")! == ("localhost", 1))
    }

    @Test func unwrapsBracketedIPv6() {
        #expect(QuantBench.split("[::1]:8080")! == ("::1", 8080))
    }

    @Test(arguments: ["", "127.0.0.1", ":50051", "host:0", "host:65536", "host:port", "[]:80"])
    func refusesMalformedTargets(_ target: String) {
        #expect(QuantBench.split(target) == nil)
    }
}
