import Foundation
public import QuantServeSeededRandom

/// Seeded test data: the same values on every run and every machine.
extension SeededGenerator {
    /// A normally distributed value (Box–Muller).
    public mutating func normal(standardDeviation: Float) -> Float {
        let u1 = Float.random(in: Float.ulpOfOne..<1, using: &self)
        let u2 = Float.random(in: 0..<1, using: &self)
        return standardDeviation * (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}

extension Array where Element == Float {
    /// `count` floats uniform in `range`.
    public static func random(count: Int, in range: ClosedRange<Float>, using generator: inout SeededGenerator)
        -> [Float]
    {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }
}

extension Array where Element == Int8 {
    /// `count` int8 values over the whole range -128...127.
    public static func random(count: Int, using generator: inout SeededGenerator) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }
    }
}

/// The largest absolute difference between two equally long arrays.
public func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Cosine similarity of two vectors, in double precision.
public func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0
    var normA = 0.0
    var normB = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        normA += Double(x) * Double(x)
        normB += Double(y) * Double(y)
    }
    return dot / (normA.squareRoot() * normB.squareRoot())
}
