/// The wire form of a call's deadline, the `grpc-timeout` header: one to eight ASCII digits
/// followed by a unit, `H` (hours), `M` (minutes), `S` (seconds), `m` (milliseconds),
/// `u` (microseconds) or `n` (nanoseconds). The public API speaks `Duration`.
package struct GRPCTimeout: Sendable, Hashable, CustomStringConvertible {
    /// The largest amount the header can carry in any unit: eight digits.
    package static let maxAmount: Int64 = 99_999_999

    /// The time the caller allows the call.
    package let duration: Duration
    /// The header value, e.g. `250m`.
    package let wireEncoding: String

    /// Parses a `grpc-timeout` value; nil unless it is 1–8 digits followed by a known unit.
    package init?(decoding value: some StringProtocol) {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 2, utf8.count <= 9, let unitByte = utf8.last, let unit = Unit(byte: unitByte) else {
            return nil
        }
        var amount: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        self.duration = unit.duration(amount)
        self.wireEncoding = String(value)
    }

    /// Encodes `duration` in the finest unit whose amount fits in eight digits, rounding up so
    /// that the peer never sees a shorter deadline than the caller asked for. Negative
    /// durations encode as zero.
    package init(_ duration: Duration) {
        let nanoseconds = Self.nanoseconds(of: duration)
        for unit in Unit.finestFirst {
            let amount = (nanoseconds + unit.nanoseconds - 1) / unit.nanoseconds
            if amount <= Self.maxAmount {
                self.duration = unit.duration(amount)
                self.wireEncoding = "\(amount)\(unit.symbol)"
                return
            }
        }
        self.duration = Unit.hours.duration(Self.maxAmount)
        self.wireEncoding = "\(Self.maxAmount)H"
    }

    /// The header value.
    package var description: String { wireEncoding }

    /// Whole nanoseconds in `duration`, clamped to 0...Int64.max.
    private static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (secondsPart, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflowAgain) = secondsPart.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowAgain ? .max : total
    }

    /// The units of `grpc-timeout`.
    private enum Unit: CaseIterable {
        case nanoseconds, microseconds, milliseconds, seconds, minutes, hours

        static let finestFirst: [Unit] = [.nanoseconds, .microseconds, .milliseconds, .seconds, .minutes, .hours]

        init?(byte: UInt8) {
            switch byte {
            case UInt8(ascii: "n"): self = .nanoseconds
            case UInt8(ascii: "u"): self = .microseconds
            case UInt8(ascii: "m"): self = .milliseconds
            case UInt8(ascii: "S"): self = .seconds
            case UInt8(ascii: "M"): self = .minutes
            case UInt8(ascii: "H"): self = .hours
            default: return nil
            }
        }

        var symbol: Character {
            switch self {
            case .nanoseconds: "n"
            case .microseconds: "u"
            case .milliseconds: "m"
            case .seconds: "S"
            case .minutes: "M"
            case .hours: "H"
            }
        }

        var nanoseconds: Int64 {
            switch self {
            case .nanoseconds: 1
            case .microseconds: 1_000
            case .milliseconds: 1_000_000
            case .seconds: 1_000_000_000
            case .minutes: 60_000_000_000
            case .hours: 3_600_000_000_000
            }
        }

        func duration(_ amount: Int64) -> Duration {
            switch self {
            case .nanoseconds: .nanoseconds(amount)
            case .microseconds: .microseconds(amount)
            case .milliseconds: .milliseconds(amount)
            case .seconds: .seconds(amount)
            case .minutes: .seconds(amount * 60)
            case .hours: .seconds(amount * 3600)
            }
        }
    }
}
