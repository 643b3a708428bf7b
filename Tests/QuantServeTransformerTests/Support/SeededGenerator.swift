import Foundation
import QuantServeSeededRandom

extension SeededGenerator {
    /// A normally distributed value (Box–Muller).
    mutating func normal(standardDeviation: Float) -> Float {
        let u1 = Float.random(in: Float.ulpOfOne..<1, using: &self)
        let u2 = Float.random(in: 0..<1, using: &self)
        return standardDeviation * (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}
