import Foundation
import QuantServeKernels

/// Turns a Hugging Face BERT sentence-transformer folder into a QuantServe model version folder:
/// `model.safetensors` (int8 weights per output channel symmetric with F32 scales; F32
/// embeddings, norms and biases; query/key/value fused; optional smoothing multipliers), the
/// tokenizer file copied, and `quantserve.json` with the configuration and every file's SHA-256.
public enum ModelQuantizer {
    /// Quantizes the model in `source` into `destination`, which must not exist yet. The folder is
    /// built beside it and moved into place at the end, so it never appears half-written.
    @discardableResult
    public static func quantize(
        from source: URL, to destination: URL,
        options: QuantizationOptions = QuantizationOptions()
    ) throws -> ModelManifest {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination.path) else {
            throw ModelError.destinationExists(destination.path)
        }
        let model = try HuggingFaceBert(folder: source)
        let parent = destination.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        defer { try? manager.removeItem(at: staging) }

        var smoothing: ModelManifest.Smoothing?
        var activationMaxima: [LinearSite: [Float]] = [:]
        guard (0...min(64, model.config.hidden)).contains(options.outlierChannels) else {
            throw ModelError.invalidSource(
                "\(options.outlierChannels) outlier channels per layer is outside 0...\(min(64, model.config.hidden))")
        }
        let outlierRoles = QuantizationOptions.outlierRoles.filter { !options.floatLayers.contains($0) }
        let outliers =
            options.outlierChannels > 0 && !outlierRoles.isEmpty
            ? ModelManifest.OutlierChannelSelection(count: options.outlierChannels, roles: outlierRoles) : nil
        if let alpha = options.smoothingAlpha, options.floatLayers.count < LinearRole.allCases.count {
            guard (0...1).contains(alpha) else {
                throw ModelError.invalidSource("smoothing alpha \(alpha) is outside 0...1")
            }
            smoothing = ModelManifest.Smoothing(alpha: alpha, calibrationSentences: CalibrationText.sentences.count)
        }
        if smoothing != nil || outliers != nil {
            activationMaxima = try calibrate(model, workingDirectory: staging, threads: options.threads)
        }
        try weights(
            of: model, floatLayers: options.floatLayers, smoothingAlpha: smoothing?.alpha,
            activationMaxima: activationMaxima, int8WordEmbeddings: options.int8WordEmbeddings, outliers: outliers
        )
        .write(to: staging.appendingPathComponent(ModelManifest.weightsFileName))
        try manager.copyItem(at: model.tokenizerURL, to: staging.appendingPathComponent(model.tokenizer.file))
        var fileNames = [ModelManifest.weightsFileName, model.tokenizer.file]
        var knowledgeBase: ModelManifest.KnowledgeBaseReference?
        if let source = options.knowledgeBase {
            let bytes = try RegularFile.bytes(
                of: source.file, limit: VerifiedModelFolder.maximumOtherFileBytes, symlinks: .follow)
            _ = try KnowledgeBase(bytes: bytes)
            try Data(bytes).write(to: staging.appendingPathComponent(KnowledgeBase.fileName))
            knowledgeBase = ModelManifest.KnowledgeBaseReference(
                file: KnowledgeBase.fileName, threshold: source.threshold)
            fileNames.append(KnowledgeBase.fileName)
        }
        var files: [String: String] = [:]
        for name in fileNames {
            files[name] = try FileDigest.sha256(of: staging.appendingPathComponent(name))
        }
        let manifest = ModelManifest(
            config: model.config, maxSequence: model.maxSequence,
            quantization: .int8(
                floatLayers: Array(options.floatLayers), smoothing: smoothing,
                int8WordEmbeddings: options.int8WordEmbeddings, outlierChannels: outliers),
            tokenizer: model.tokenizer, taskHead: ModelManifest.TaskHead(heads: options.heads),
            knowledgeBase: knowledgeBase,
            files: files, source: source.standardizedFileURL.path, normalize: model.normalize,
            inputPrefixes: model.inputPrefixes,
            defaultInputType: model.defaultInputType)
        try manifest.validate()
        try manifest.write(to: staging)
        try manager.moveItem(at: staging, to: destination)
        return manifest
    }

    /// Runs the calibration sentences through the model in full precision and returns the largest
    /// magnitude of every input channel of every linear layer.
    static func calibrate(_ model: HuggingFaceBert, workingDirectory: URL, threads: Int) throws -> [LinearSite: [Float]]
    {
        let fullPrecision = Set(LinearRole.allCases)
        let weightsURL = workingDirectory.appendingPathComponent("calibration.safetensors")
        try weights(of: model, floatLayers: fullPrecision, smoothingAlpha: nil, activationMaxima: [:]).write(
            to: weightsURL)
        defer { try? FileManager.default.removeItem(at: weightsURL) }
        let weights = try BertWeights(
            file: SafetensorsFile(url: weightsURL), config: model.config, floatLayers: fullPrecision,
            smoothed: false, path: .selected)
        let manifest = ModelManifest(
            config: model.config, maxSequence: model.maxSequence,
            quantization: .int8(floatLayers: Array(fullPrecision), smoothing: nil),
            tokenizer: model.tokenizer, normalize: model.normalize)
        let tokenizer = try ModelTokenizer(manifest: manifest, directory: model.folder).tokenizer
        let encoder = BertEncoder(
            manifest: manifest, weights: weights, tokenizer: tokenizer, pool: ComputePool(threads: threads))
        let sequences = try CalibrationText.sentences.map { try encoder.tokenize($0, truncate: true) }
        let recorder = ActivationRangeRecorder()
        try encoder.observeActivations(sequences, recorder: recorder)
        return recorder.maxima
    }

    /// The QuantServe tensors of `model`; int8 layers are smoothed when `smoothingAlpha` is given
    /// and get fp32 outlier channels as `outliers` says. The word embeddings are int8 rows with a
    /// scale each when `int8WordEmbeddings` is set.
    static func weights(
        of model: HuggingFaceBert, floatLayers: Set<LinearRole>, smoothingAlpha: Double?,
        activationMaxima: [LinearSite: [Float]], int8WordEmbeddings: Bool = false,
        outliers: ModelManifest.OutlierChannelSelection? = nil
    ) throws -> SafetensorsWriter {
        let config = model.config
        let hidden = config.hidden
        var writer = SafetensorsWriter(metadata: ["format": "quantserve-bert"])
        let wordEmbeddings = try model.floats("embeddings.word_embeddings.weight", shape: [config.vocab, hidden])
        if int8WordEmbeddings {
            let quantized = WeightQuantization(weights: wordEmbeddings, rows: config.vocab, columns: hidden)
            try writer.add(BertTensorName.wordEmbeddings, int8s: quantized.values, shape: [config.vocab, hidden])
            try writer.add(BertTensorName.wordEmbeddings + ".scale", floats: quantized.scales, shape: [config.vocab])
        } else {
            try writer.add(BertTensorName.wordEmbeddings, floats: wordEmbeddings, shape: [config.vocab, hidden])
        }
        try writer.add(
            BertTensorName.positionEmbeddings,
            floats: try model.floats("embeddings.position_embeddings.weight", shape: [config.maxPosition, hidden]),
            shape: [config.maxPosition, hidden])
        let typeName = "embeddings.token_type_embeddings.weight"
        let typeShape = try model.weights.info(model.tensorPrefix + typeName).shape
        guard typeShape.count == 2, typeShape[0] >= 1, typeShape[1] == hidden else {
            throw SafetensorsError.wrongShape(
                tensor: model.tensorPrefix + typeName, expected: [2, hidden], actual: typeShape)
        }
        let tokenTypes = try model.floats(typeName, shape: typeShape)
        try writer.add(BertTensorName.tokenTypeEmbedding, floats: Array(tokenTypes[0..<hidden]), shape: [hidden])
        try addLayerNorm(&writer, BertTensorName.embeddingNorm, from: model, "embeddings.LayerNorm", width: hidden)

        for layer in 0..<config.layers {
            let source = "encoder.layer.\(layer)."
            let attention = ["query", "key", "value"].map { source + "attention.self.\($0)" }
            let sources: [(LinearRole, [String])] = [
                (.attentionQKV, attention),
                (.attentionOutput, [source + "attention.output.dense"]),
                (.ffnUp, [source + "intermediate.dense"]),
                (.ffnDown, [source + "output.dense"]),
            ]
            for (role, parts) in sources {
                let (outFeatures, inFeatures) = role.dimensions(config)
                let partRows = outFeatures / parts.count
                var weights: [Float] = []
                var bias: [Float] = []
                for part in parts {
                    weights += try model.floats(part + ".weight", shape: [partRows, inFeatures])
                    bias += try model.floats(part + ".bias", shape: [partRows])
                }
                let prefix = BertTensorName.linear(layer: layer, role)
                if floatLayers.contains(role) {
                    try writer.add(prefix + ".weight", floats: weights, shape: [outFeatures, inFeatures])
                } else {
                    let maxima = activationMaxima[LinearSite(layer: layer, role: role)]
                    let original = weights
                    var multipliers: [Float]?
                    if let alpha = smoothingAlpha {
                        guard let maxima else {
                            throw ModelError.invalidSource("no calibration statistics for \(prefix)")
                        }
                        let factors = SmoothingFactors(
                            activationMaxima: maxima, weights: weights, rows: outFeatures, alpha: alpha)
                        weights = factors.smoothing(weights, rows: outFeatures)
                        multipliers = factors.inputMultipliers
                        try writer.add(prefix + ".smooth", floats: factors.inputMultipliers, shape: [inFeatures])
                    }
                    if let outliers, outliers.roles.contains(role) {
                        guard let maxima else {
                            throw ModelError.invalidSource("no calibration statistics for \(prefix)")
                        }
                        let selection = OutlierSelection(
                            count: outliers.count, activationMaxima: maxima, inputMultipliers: multipliers)
                        weights = selection.zeroingColumns(of: weights, rows: outFeatures, columns: inFeatures)
                        try writer.add(
                            prefix + ".outliers", dtype: .int32, shape: [outliers.count], bytes: selection.channelBytes)
                        try writer.add(
                            prefix + ".outlier_weight",
                            floats: selection.columns(of: original, rows: outFeatures, columns: inFeatures),
                            shape: [outliers.count, outFeatures])
                    }
                    let quantized = WeightQuantization(weights: weights, rows: outFeatures, columns: inFeatures)
                    try writer.add(prefix + ".weight", int8s: quantized.values, shape: [outFeatures, inFeatures])
                    try writer.add(prefix + ".scale", floats: quantized.scales, shape: [outFeatures])
                }
                try writer.add(prefix + ".bias", floats: bias, shape: [outFeatures])
            }
            try addLayerNorm(
                &writer, BertTensorName.attentionNorm(layer: layer), from: model,
                source + "attention.output.LayerNorm", width: hidden)
            try addLayerNorm(
                &writer, BertTensorName.ffnNorm(layer: layer), from: model, source + "output.LayerNorm",
                width: hidden)
        }
        return writer
    }

    private static func addLayerNorm(
        _ writer: inout SafetensorsWriter, _ name: String, from model: HuggingFaceBert,
        _ source: String, width: Int
    ) throws {
        try writer.add(name + ".weight", floats: try model.floats(source + ".weight", shape: [width]), shape: [width])
        try writer.add(name + ".bias", floats: try model.floats(source + ".bias", shape: [width]), shape: [width])
    }
}
