import QuantServeKernels

/// The gain and bias of one LayerNorm.
struct LayerNormWeights: Sendable {
    let gamma: WeightBuffer
    let beta: WeightBuffer

    var memoryBytes: Int { gamma.memoryBytes + beta.memoryBytes }
}

/// The weights of one encoder layer.
struct BertLayerWeights: Sendable {
    let qkv: LinearLayer
    let attentionOutput: LinearLayer
    let attentionNorm: LayerNormWeights
    let ffnUp: LinearLayer
    let ffnDown: LinearLayer
    let ffnNorm: LayerNormWeights

    var memoryBytes: Int {
        qkv.memoryBytes + attentionOutput.memoryBytes + attentionNorm.memoryBytes + ffnUp.memoryBytes
            + ffnDown.memoryBytes + ffnNorm.memoryBytes
    }
}

/// All weights of a BERT encoder, loaded from a QuantServe `model.safetensors` and checked
/// against the configuration: every tensor present with its dtype and shape, no extra tensor,
/// every value finite, every scale positive.
struct BertWeights: Sendable {
    let wordEmbeddings: EmbeddingTable
    let positionEmbeddings: WeightBuffer
    let tokenTypeEmbedding: WeightBuffer
    let embeddingNorm: LayerNormWeights
    let layers: [BertLayerWeights]

    /// `int8WordEmbeddings`: the word embeddings are I8 rows with an F32 `.scale` per row
    /// (`ModelManifest.Quantization.wordEmbeddings`), else F32. `outlierChannels`: the int8
    /// layers of its roles have fp32 outlier channels.
    init(
        file: SafetensorsFile, config: BertConfig, floatLayers: Set<LinearRole>, smoothed: Bool, path: KernelPath,
        int8WordEmbeddings: Bool = false, outlierChannels: ModelManifest.OutlierChannelSelection? = nil
    ) throws {
        let reader = TensorReader(file: file)
        let hidden = config.hidden
        wordEmbeddings =
            int8WordEmbeddings
            ? .int8(try reader.int8Rows(BertTensorName.wordEmbeddings, rows: config.vocab, columns: hidden))
            : .float(WeightBuffer(try reader.floats(BertTensorName.wordEmbeddings, [config.vocab, hidden])))
        positionEmbeddings = WeightBuffer(
            try reader.floats(BertTensorName.positionEmbeddings, [config.maxPosition, hidden]))
        tokenTypeEmbedding = WeightBuffer(try reader.floats(BertTensorName.tokenTypeEmbedding, [hidden]))
        embeddingNorm = try reader.layerNorm(BertTensorName.embeddingNorm, hidden)
        layers = try (0..<config.layers).map { index in
            func linear(_ role: LinearRole) throws -> LinearLayer {
                try reader.linear(
                    BertTensorName.linear(layer: index, role), dimensions: role.dimensions(config),
                    float: floatLayers.contains(role), smoothed: smoothed,
                    outliers: outlierChannels.flatMap { $0.roles.contains(role) ? $0.count : nil }, path: path)
            }
            return BertLayerWeights(
                qkv: try linear(.attentionQKV),
                attentionOutput: try linear(.attentionOutput),
                attentionNorm: try reader.layerNorm(BertTensorName.attentionNorm(layer: index), hidden),
                ffnUp: try linear(.ffnUp),
                ffnDown: try linear(.ffnDown),
                ffnNorm: try reader.layerNorm(BertTensorName.ffnNorm(layer: index), hidden))
        }
        if let extra = Set(file.tensorNames).subtracting(reader.used).sorted().first {
            throw ModelError.unexpectedTensor(extra)
        }
    }

    var memoryBytes: Int {
        wordEmbeddings.memoryBytes + positionEmbeddings.memoryBytes + tokenTypeEmbedding.memoryBytes
            + embeddingNorm.memoryBytes + layers.reduce(0) { $0 + $1.memoryBytes }
    }
}

/// Reads tensors with the dtype and shape the configuration requires, and remembers which it read.
private final class TensorReader {
    let file: SafetensorsFile
    private(set) var used: Set<String> = []

    init(file: SafetensorsFile) {
        self.file = file
    }

    func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
        _ = try file.info(name, dtypes: [.float32], shape: shape)
        used.insert(name)
        let values = try file.floats(name)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.invalidTensorValue(tensor: name, reason: "element \(bad) is \(values[bad])")
        }
        return values
    }

    func layerNorm(_ prefix: String, _ width: Int) throws -> LayerNormWeights {
        LayerNormWeights(
            gamma: WeightBuffer(try floats(prefix + ".weight", [width])),
            beta: WeightBuffer(try floats(prefix + ".bias", [width])))
    }

    /// I8 `name` `[rows, columns]` (symmetric: no -128) with positive F32 `name.scale` `[rows]`.
    func int8Rows(_ name: String, rows: Int, columns: Int) throws -> Int8Rows {
        _ = try file.info(name, dtypes: [.int8], shape: [rows, columns])
        used.insert(name)
        let values = try file.int8s(name)
        if let bad = values.firstIndex(of: -128) {
            throw ModelError.invalidTensorValue(
                tensor: name, reason: "element \(bad) is -128, outside the symmetric range")
        }
        let scaleName = name + ".scale"
        let scales = try floats(scaleName, [rows])
        if let bad = scales.firstIndex(where: { !($0 > 0) }) {
            throw ModelError.invalidTensorValue(
                tensor: scaleName, reason: "scale \(bad) is \(scales[bad]), not positive")
        }
        return Int8Rows(values: values, scales: scales)
    }

    /// `outliers`: the number of fp32 outlier channels of the layer when int8 (nil: none).
    func linear(
        _ prefix: String, dimensions: (out: Int, in: Int), float: Bool, smoothed: Bool, outliers count: Int?,
        path: KernelPath
    ) throws -> LinearLayer {
        let bias = try floats(prefix + ".bias", [dimensions.out])
        let weightName = prefix + ".weight"
        if float {
            let weights = try floats(weightName, [dimensions.out, dimensions.in])
            return LinearLayer(
                kernel: .float(
                    FloatLinear(
                        weights: weights, bias: bias, outFeatures: dimensions.out,
                        inFeatures: dimensions.in)),
                inputMultiplier: nil)
        }
        var multiplier: WeightBuffer?
        if smoothed {
            let smoothName = prefix + ".smooth"
            let values = try floats(smoothName, [dimensions.in])
            if let bad = values.firstIndex(where: { !($0 > 0) }) {
                throw ModelError.invalidTensorValue(
                    tensor: smoothName, reason: "multiplier \(bad) is \(values[bad]), not positive")
            }
            multiplier = WeightBuffer(values)
        }
        let outliers = try count.map { try outlierChannels(prefix, count: $0, dimensions: dimensions) }
        if let outliers {
            multiplier = WeightBuffer(outliers.zeroing(multiplier?.values, inFeatures: dimensions.in))
        }
        _ = try file.info(weightName, dtypes: [.int8], shape: [dimensions.out, dimensions.in])
        used.insert(weightName)
        let weights = try file.int8s(weightName)
        let scaleName = prefix + ".scale"
        let scales = try floats(scaleName, [dimensions.out])
        if let bad = scales.firstIndex(where: { !($0 > 0) }) {
            throw ModelError.invalidTensorValue(
                tensor: scaleName, reason: "scale \(bad) is \(scales[bad]), not positive")
        }
        if let bad = weights.firstIndex(of: -128) {
            throw ModelError.invalidTensorValue(
                tensor: weightName, reason: "element \(bad) is -128, outside the symmetric range")
        }
        return LinearLayer(
            kernel: .int8(
                Int8Linear(
                    weights: weights, scales: scales, bias: bias, outFeatures: dimensions.out,
                    inFeatures: dimensions.in, outliers: outliers, path: path)),
            inputMultiplier: multiplier)
    }

    /// I32 `prefix.outliers` `[count]` (distinct input channels, ascending) and F32
    /// `prefix.outlier_weight` `[count, out]`.
    private func outlierChannels(_ prefix: String, count: Int, dimensions: (out: Int, in: Int)) throws
        -> OutlierChannels
    {
        let name = prefix + ".outliers"
        _ = try file.info(name, dtypes: [.int32], shape: [count])
        used.insert(name)
        let channels = try file.integers(name)
        for (index, channel) in channels.enumerated()
        where !(0..<dimensions.in).contains(channel) || (index > 0 && channel <= channels[index - 1]) {
            throw ModelError.invalidTensorValue(
                tensor: name,
                reason: "channel \(index) is \(channel): channels must ascend within 0..<\(dimensions.in)")
        }
        let weights = try floats(prefix + ".outlier_weight", [count, dimensions.out])
        return OutlierChannels(channels: channels, weights: weights, outFeatures: dimensions.out)
    }
}
