import Foundation

/// One axis of an `SVGChart`: how data values become positions, where the ticks go and
/// what they say. Every factory returns a non-empty, finite domain whatever the data, so
/// that no coordinate in the SVG is ever NaN or infinite.
struct ChartAxis: Sendable, Equatable {
    /// How a data value is placed along the axis.
    enum Scale: Sendable, Equatable {
        /// Position proportional to the value.
        case linear
        /// A percentile (0...100) placed by its number of nines, log10(1 / (1 - p/100)):
        /// 90 is one nine, 99 two, 99.9 three, so the tail gets as much room as the body.
        case nines
    }

    /// A labelled mark on the axis, at a value in scaled units.
    struct Tick: Sendable, Equatable {
        var position: Double
        var label: String
    }

    /// The most nines the percentile axis shows; percentile 100 is drawn there.
    static let maximumNines = 6
    /// Data values are clamped to this magnitude so that tick arithmetic stays finite.
    static let largestPlottable = 1e300

    var title: String
    var scale: Scale
    /// The visible range, in scaled units (nines for `.nines`), with `lower < upper`.
    var lower: Double
    var upper: Double
    var ticks: [Tick]

    /// The value's position in scaled units, finite for any input (NaN counts as 0).
    func scaled(_ value: Double) -> Double {
        let finite = value.isNaN ? 0 : min(max(value, -Self.largestPlottable), Self.largestPlottable)
        switch scale {
        case .linear:
            return finite
        case .nines:
            let tail = 1 - min(max(finite, 0), 100) / 100
            return -log10(max(tail, pow(10, -Double(Self.maximumNines))))
        }
    }

    /// Where the value falls between the axis ends: 0 at `lower`, 1 at `upper`, clamped to 0...1.
    func fraction(_ value: Double) -> Double {
        let position = (scaled(value) - lower) / (upper - lower)
        return position.isFinite ? min(max(position, 0), 1) : 0
    }
}

extension ChartAxis {
    /// A linear axis from 0 to a round number at or above `maximum`, for latencies and counts.
    static func linear(upTo maximum: Double, title: String) -> ChartAxis {
        linear(from: 0, to: maximum, title: title, tickCount: 5, minimumStep: 0)
    }

    /// A linear axis of whole seconds covering `lower...upper`, ticked at round whole seconds.
    static func seconds(from lower: Double, to upper: Double, title: String) -> ChartAxis {
        linear(from: lower, to: upper, title: title, tickCount: 10, minimumStep: 1, roundsEnds: false)
    }

    /// A percentile axis from 0 nines to at least `minimumNines` (at most `maximumNines`), far
    /// enough to hold `highestPercentile`, ticked at each nine: 0, 90, 99, 99.9, ...
    static func nines(reaching highestPercentile: Double, minimumNines: Int = 3, title: String) -> ChartAxis {
        var axis = ChartAxis(title: title, scale: .nines, lower: 0, upper: 1, ticks: [])
        let needed = Int(ceil(axis.scaled(highestPercentile) - 1e-9))
        let upper = min(max(needed, minimumNines, 1), maximumNines)
        axis.upper = Double(upper)
        axis.ticks = (0...upper).map { nines in
            let label =
                switch nines {
                case 0: "0"
                case 1: "90"
                default: "99" + (nines > 2 ? "." + String(repeating: "9", count: nines - 2) : "")
                }
            return Tick(position: Double(nines), label: label)
        }
        return axis
    }

    private static func linear(
        from requestedLower: Double, to requestedUpper: Double, title: String,
        tickCount: Int, minimumStep: Double, roundsEnds: Bool = true
    ) -> ChartAxis {
        let clamp = { (value: Double) in value.isFinite ? min(max(value, -largestPlottable), largestPlottable) : 0 }
        let lower = clamp(requestedLower)
        var upper = max(clamp(requestedUpper), lower)
        if upper - lower <= 0 || !(upper - lower).isFinite {
            upper = lower + max(minimumStep, lower == 0 ? 1 : abs(lower) * 0.1)
        }
        let step = max(niceStep(spanning: upper - lower, tickCount: tickCount), minimumStep)
        if roundsEnds {
            let rounded = (upper / step).rounded(.up) * step
            if rounded.isFinite { upper = rounded }
        }
        let first = (lower / step).rounded(.up)
        let count = min(Int(((upper / step) - first + 1e-9).rounded(.down)), 20)
        let ticks = (0...max(count, 0)).map { index in
            let value = (first + Double(index)) * step
            return Tick(position: value, label: format(value, step: step))
        }
        return ChartAxis(title: title, scale: .linear, lower: lower, upper: upper, ticks: ticks)
    }

    /// A round step (1, 2 or 5 times a power of ten) giving about `tickCount` ticks over `span`.
    static func niceStep(spanning span: Double, tickCount: Int) -> Double {
        let rough = span / Double(tickCount)
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(rough)))
        let nice: Double =
            switch rough / magnitude {
            case ...1: 1
            case ...2: 2
            case ...5: 5
            default: 10
            }
        return nice * magnitude
    }

    /// A tick label with as many decimals as the step needs; huge and tiny steps in exponent form.
    static func format(_ value: Double, step: Double) -> String {
        if abs(value) >= 1e7 || step < 1e-6 { return String(format: "%.3g", value) }
        let decimals = step >= 1 ? 0 : min(Int((-log10(step) - 1e-9).rounded(.up)), 9)
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
