import QuantServeKernels

/// The weights of a llama decoder built for the int8 engine from a GGUF file: every linear layer
/// dequantized as ggml does (Q4_0, Q4_1, Q8_0, F16, F32), then quantized to symmetric int8 with one
/// scale per output channel. Per block: the query, key and value projections fused into one GEMM
/// (`qkv`), the output projection, gate and up fused into one GEMM (`gateUp`), and down. The token
/// embedding is int8 rows with a scale each; the output head is `output.weight` when the file has
/// one, else the (tied) embedding as an int8 GEMM over the vocabulary. RMSNorm weights stay fp32.
///
/// The queries and keys keep the GGUF's row order: llama.cpp's converter permutes them so that
/// RoPE rotates adjacent pairs (x[2i], x[2i+1]), its NORM rope, which `PagedAttention` applies.
public final class LlamaModel: Sendable {
    /// The model's shape.
    public let configuration: LlamaConfiguration
    /// The kernel path the int8 weights are packed for.
    public let path: KernelPath
    let embedding: Int8Rows
    let blocks: [LlamaBlock]
    let outputNorm: [Float]
    let outputHead: Int8Linear
    /// The blocks' linear layers kept as the file's 4-bit Q4_1 blocks, for decode steps of a few
    /// tokens (`LlamaDecoder.fourBitMaximumTokens`); nil unless asked for and every one is Q4_1.
    let fourBitBlocks: [LlamaFourBitBlock]?

    /// One decoder block's linear layers as 4-bit Q4_1 blocks (fused as in `LlamaBlock`).
    struct LlamaFourBitBlock: Sendable {
        let qkv: Q4BlockLinear
        let attentionOutput: Q4BlockLinear
        let gateUp: Q4BlockLinear
        let down: Q4BlockLinear
    }

    /// One decoder block's weights.
    struct LlamaBlock: Sendable {
        let attentionNorm: [Float]
        let qkv: Int8Linear
        let attentionOutput: Int8Linear
        let ffnNorm: [Float]
        let gateUp: Int8Linear
        let down: Int8Linear
    }

    /// Builds the model from a validated GGUF file; throws when a tensor is missing or misshapen.
    /// With `fourBitDecode`, when every block's linear layers are Q4_1 in the file, they are also
    /// kept as 4-bit blocks for small decode steps (`Q4BlockLinear`; 0.625 bytes per weight more).
    public init(gguf file: GGUFFile, path: KernelPath = .selected, fourBitDecode: Bool = false) throws {
        let configuration = try LlamaConfiguration(gguf: file)
        try Self.checkTensors(of: file, configuration)
        self.configuration = configuration
        self.path = path
        let hidden = configuration.hidden
        let kvWidth = configuration.kvHeads * configuration.headDimension
        let source = file.path

        /// A tensor's values (its shape was checked by `checkTensors`).
        func floats(_ name: String) throws -> [Float] {
            let values = try file.floats(name)
            guard values.allSatisfy(\.isFinite) else {
                throw LlamaError.invalidTensor(path: source, tensor: name, reason: "holds a value that is not finite")
            }
            return values
        }
        /// The linear layers `names` (each `[inFeatures, rows]` in ggml order) stacked into one.
        func linear(_ parts: [(String, Int)], inFeatures: Int) throws -> Int8Linear {
            var weights: [Float] = []
            for (name, _) in parts { weights += try floats(name) }
            let outFeatures = parts.reduce(0) { $0 + $1.1 }
            let quantized = WeightQuantization(weights: weights, rows: outFeatures, columns: inFeatures)
            return Int8Linear(
                weights: quantized.values, scales: quantized.scales, bias: nil,
                outFeatures: outFeatures, inFeatures: inFeatures, path: path)
        }

        var blocks: [LlamaBlock] = []
        for index in 0..<configuration.layers {
            let prefix = "blk.\(index)."
            blocks.append(
                LlamaBlock(
                    attentionNorm: try floats(prefix + "attn_norm.weight"),
                    qkv: try linear(
                        [
                            (prefix + "attn_q.weight", hidden), (prefix + "attn_k.weight", kvWidth),
                            (prefix + "attn_v.weight", kvWidth),
                        ], inFeatures: hidden),
                    attentionOutput: try linear([(prefix + "attn_output.weight", hidden)], inFeatures: hidden),
                    ffnNorm: try floats(prefix + "ffn_norm.weight"),
                    gateUp: try linear(
                        [
                            (prefix + "ffn_gate.weight", configuration.intermediate),
                            (prefix + "ffn_up.weight", configuration.intermediate),
                        ], inFeatures: hidden),
                    down: try linear([(prefix + "ffn_down.weight", hidden)], inFeatures: configuration.intermediate)))
        }
        self.blocks = blocks
        fourBitBlocks = fourBitDecode ? try Self.fourBitBlocks(of: file, configuration, path: path) : nil
        outputNorm = try floats("output_norm.weight")

        let vocabulary = configuration.vocabularySize
        let table = WeightQuantization(
            weights: try floats("token_embd.weight"),
            rows: vocabulary, columns: hidden)
        embedding = Int8Rows(values: table.values, scales: table.scales)
        if file.tensors.contains(where: { $0.name == "output.weight" }) {
            outputHead = try linear([("output.weight", vocabulary)], inFeatures: hidden)
        } else {
            outputHead = Int8Linear(
                weights: table.values, scales: table.scales, bias: nil, outFeatures: vocabulary,
                inFeatures: hidden, path: path)
        }
    }

    /// The blocks' linear layers as 4-bit Q4_1 blocks, or nil when one of them is not Q4_1.
    private static func fourBitBlocks(
        of file: GGUFFile, _ configuration: LlamaConfiguration, path: KernelPath
    ) throws -> [LlamaFourBitBlock]? {
        let kernel = Q4BlockLinear.Kernel(path)
        /// The tensors `names` (each `[inFeatures, rows]`), rows stacked into one 4-bit layer.
        func linear(_ names: [String]) throws -> Q4BlockLinear? {
            var bytes: [UInt8] = []
            var rows = 0
            var inFeatures = 0
            for name in names {
                let info = try file.tensor(name)
                guard info.type == .q4_1 else { return nil }
                inFeatures = info.dimensions[0]
                rows += info.dimensions[1]
                bytes += try file.bytes(name)
            }
            return bytes.withUnsafeBytes {
                Q4BlockLinear(q4_1: $0, outFeatures: rows, inFeatures: inFeatures, kernel: kernel)
            }
        }
        var blocks: [LlamaFourBitBlock] = []
        for index in 0..<configuration.layers {
            let p = "blk.\(index)."
            guard let qkv = try linear([p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight"]),
                let attentionOutput = try linear([p + "attn_output.weight"]),
                let gateUp = try linear([p + "ffn_gate.weight", p + "ffn_up.weight"]),
                let down = try linear([p + "ffn_down.weight"])
            else { return nil }
            blocks.append(LlamaFourBitBlock(qkv: qkv, attentionOutput: attentionOutput, gateUp: gateUp, down: down))
        }
        return blocks
    }

    /// Every tensor a llama of `configuration` reads, with its shape in ggml order
    /// (`[inFeatures, outFeatures]` for a linear layer); `output.weight` is optional (tied head).
    static func expectedTensors(_ configuration: LlamaConfiguration) -> [(name: String, dimensions: [Int])] {
        let h = configuration.hidden
        let kv = configuration.kvHeads * configuration.headDimension
        let f = configuration.intermediate
        var tensors: [(String, [Int])] = [
            ("token_embd.weight", [h, configuration.vocabularySize]), ("output_norm.weight", [h]),
        ]
        for index in 0..<configuration.layers {
            let p = "blk.\(index)."
            tensors += [
                (p + "attn_norm.weight", [h]), (p + "attn_q.weight", [h, h]), (p + "attn_k.weight", [h, kv]),
                (p + "attn_v.weight", [h, kv]), (p + "attn_output.weight", [h, h]), (p + "ffn_norm.weight", [h]),
                (p + "ffn_gate.weight", [h, f]), (p + "ffn_up.weight", [h, f]), (p + "ffn_down.weight", [f, h]),
            ]
        }
        return tensors
    }

    /// Throws unless `file` holds every tensor of `configuration` with its shape (and, if it has
    /// one, an output head of the embedding's shape): the check an import makes without building.
    public static func checkTensors(of file: GGUFFile, _ configuration: LlamaConfiguration) throws {
        var expected = expectedTensors(configuration)
        if file.tensors.contains(where: { $0.name == "output.weight" }) {
            expected.append(("output.weight", [configuration.hidden, configuration.vocabularySize]))
        }
        for (name, dimensions) in expected {
            let info: GGUFTensorInfo
            do { info = try file.tensor(name) } catch {
                throw LlamaError.invalidTensor(path: file.path, tensor: name, reason: "is missing")
            }
            guard info.dimensions == dimensions else {
                throw LlamaError.invalidTensor(
                    path: file.path, tensor: name,
                    reason: "has shape \(info.dimensions), expected \(dimensions) (ggml order)")
            }
        }
    }

    /// Bytes of int8 weights one decode step reads for one token: every block's linear layers and
    /// the output head (the embedding row is negligible).
    public var int8WeightBytesPerToken: Int {
        let perBlock =
            blocks.first.map { block in
                [block.qkv, block.attentionOutput, block.gateUp, block.down].reduce(0) {
                    $0 + $1.outFeatures * $1.inFeatures
                }
            } ?? 0
        return perBlock * blocks.count + outputHead.outFeatures * outputHead.inFeatures
    }

    /// Bytes held by the packed weights, the embedding and the norms.
    public var memoryBytes: Int {
        let linears = blocks.reduce(0) { sum, block in
            sum + block.qkv.memoryBytes + block.attentionOutput.memoryBytes + block.gateUp.memoryBytes
                + block.down.memoryBytes
        }
        let fourBit = (fourBitBlocks ?? []).reduce(0) { sum, block in
            sum + block.qkv.memoryBytes + block.attentionOutput.memoryBytes + block.gateUp.memoryBytes
                + block.down.memoryBytes
        }
        return linears + fourBit + outputHead.memoryBytes + embedding.count + embedding.scales.memoryBytes
            + 4 * configuration.hidden * (2 * blocks.count + 1)
    }
}
