/// Which rate a sweep tries next, given what the steps so far found.
///
/// Linear (`step` set): start, start + step, ... up to `max`, until a step breaks the
/// objective. Otherwise doubling from `start` (the last step clamped to `max`) until a
/// step breaks it, then bisection between the highest rate met and the lowest rate broken
/// until they are within `precision` of each other. Rates of 10 calls/s and more are whole numbers.
struct SweepPlan: Sendable, Equatable {
    let start: Double
    let step: Double?
    let max: Double
    let precision: Double

    /// The next rate to try after `steps` (rate, met) in the order they ran; nil when the sweep is done.
    func nextRate(after steps: [(rate: Double, met: Bool)]) -> Double? {
        guard let last = steps.last else { return start }
        let highestMet = steps.filter(\.met).map(\.rate).max()
        let lowestBroken = steps.filter { !$0.met }.map(\.rate).min()
        if let step {
            guard last.met else { return nil }
            let next = Self.rounded(last.rate + step)
            return next <= max ? next : nil
        }
        guard let lowestBroken else {
            // Still doubling.
            guard last.rate < max else { return nil }
            return Swift.min(max, Self.rounded(last.rate * 2))
        }
        guard let highestMet, highestMet < lowestBroken else { return nil }
        guard (lowestBroken - highestMet) / highestMet > precision else { return nil }
        let middle = Self.rounded((highestMet + lowestBroken) / 2)
        return middle > highestMet && middle < lowestBroken ? middle : nil
    }

    private static func rounded(_ rate: Double) -> Double {
        rate >= 10 ? rate.rounded() : rate
    }
}
