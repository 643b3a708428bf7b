/// A seeded SplitMix64 generator, so every random test input is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
