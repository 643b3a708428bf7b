import QuantServeSeededRandom
extension Array where Element == Float {
    /// `count` floats uniform in `range`.
    static func random(count: Int, in range: ClosedRange<Float>, using generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }
}

extension Array where Element == Int8 {
    /// `count` int8 values over the whole range -128...127.
    static func random(count: Int, using generator: inout SeededGenerator) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }
    }
}

/// The largest absolute difference between two equally long arrays.
func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
