/// Holds back generated text that might be the start of a stop string, so a stop string is
/// never emitted, not even in part: text passes once it can no longer begin one.
struct StopStringMatcher: Sendable {
    private let stops: [[UInt8]]
    private var held: [UInt8] = []

    init(stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Adds `text` (whole characters); returns what may be emitted, and whether a stop
    /// string was found (then the text before it is all that is returned).
    mutating func feed(_ text: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (text, false) }
        held += text.utf8
        if let cut = firstMatch() {
            defer { held = [] }
            return (String(decoding: held[..<cut], as: UTF8.self), true)
        }
        // The longest end of `held` that begins some stop string stays held. A stop string
        // starts on a character boundary, so the cut is one too.
        var keep = 0
        for stop in stops {
            for length in stride(from: min(stop.count - 1, held.count), to: keep, by: -1)
            where held[(held.count - length)...].elementsEqual(stop[..<length]) {
                keep = length
                break
            }
        }
        let emit = String(decoding: held[..<(held.count - keep)], as: UTF8.self)
        held.removeFirst(held.count - keep)
        return (emit, false)
    }

    /// The text still held (at the end of the generation).
    mutating func flush() -> String {
        defer { held = [] }
        return String(decoding: held, as: UTF8.self)
    }

    /// Where the earliest stop string begins in `held`.
    private func firstMatch() -> Int? {
        var earliest: Int?
        for stop in stops where stop.count <= held.count {
            for start in 0...(held.count - stop.count) where earliest.map({ start < $0 }) ?? true {
                if held[start..<start + stop.count].elementsEqual(stop) {
                    earliest = start
                    break
                }
            }
        }
        return earliest
    }
}
