import ArgumentParser
import Foundation
import QuantServeSeededRandom

/// How an open loop spaces its calls.
enum Arrivals: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Exactly 1/rate apart.
    case constant
    /// Exponentially distributed gaps with mean 1/rate (a Poisson process), drawn from the seed.
    case poisson
}

/// The send times of an open loop, as offsets from its start: call k is due at
/// `offset(ofCall: k)`. Constant arrivals compute each offset directly (no accumulated
/// rounding); Poisson arrivals add seeded exponential gaps.
struct ArrivalSchedule: Sendable {
    private let rate: Double
    private let arrivals: Arrivals
    private var generator: SeededGenerator
    private var poissonOffset = 0.0

    /// The schedule of `rate` calls per second spaced by `arrivals`, random gaps drawn from `seed`.
    init(rate: Double, arrivals: Arrivals, seed: UInt64) {
        self.rate = rate
        self.arrivals = arrivals
        generator = SeededGenerator(seed: seed)
    }

    /// The next call's offset from the start, in seconds; call it once per call, in order.
    mutating func nextOffset(callIndex: Int) -> Double {
        switch arrivals {
        case .constant:
            return Double(callIndex) / rate
        case .poisson:
            let offset = poissonOffset
            // 1 - U is in (0, 1], so the logarithm is finite.
            poissonOffset += -log(1 - Double.random(in: 0..<1, using: &generator)) / rate
            return offset
        }
    }
}
