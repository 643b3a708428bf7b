import Foundation
import QuantServeKernels
import QuantServeTestSupport
import Testing

@testable import QuantServeTransformer

@Suite("Model folders: quantizer output, manifest and load-time checks")
struct ModelFolderTests {
    let pool = ComputePool(threads: 2)

    /// Rewrites the folder's model.safetensors through `transform` over (name, dtype, shape, bytes)
    /// and updates the manifest's checksum, so only the tensor checks can catch the change.
    private func rewriteWeights(
        _ folder: TinyModelFolder,
        _ transform: (inout [(name: String, dtype: TensorDType, shape: [Int], bytes: [UInt8])]) throws -> Void
    ) throws {
        let url = folder.model.appendingPathComponent(ModelManifest.weightsFileName)
        let file = try SafetensorsFile(url: url)
        var entries = try file.tensors.map {
            (name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: try file.bytes($0.name))
        }
        try transform(&entries)
        var writer = SafetensorsWriter()
        for entry in entries { try writer.add(entry.name, dtype: entry.dtype, shape: entry.shape, bytes: entry.bytes) }
        try writer.write(to: url)
        try updateChecksum(folder)
    }

    private func updateChecksum(_ folder: TinyModelFolder) throws {
        var manifest = try ModelManifest.load(from: folder.model)
        manifest.files[ModelManifest.weightsFileName] = try FileDigest.sha256(
            of: folder.model.appendingPathComponent(ModelManifest.weightsFileName))
        try manifest.write(to: folder.model)
    }

    private func load(_ folder: TinyModelFolder) throws -> BertEncoder {
        try BertEncoder(modelDirectory: folder.model, pool: pool)
    }

    @Test func quantizerWritesACompleteFolder() throws {
        let folder = try TinyModelFolder()
        let manifest = try ModelManifest.load(from: folder.model)
        #expect(manifest.architecture == "bert")
        #expect(
            manifest.config
                == BertConfig(
                    hidden: 32, layers: 2, heads: 4, intermediate: 64,
                    vocab: TinyBert.vocabulary.count, maxPosition: 300, layerNormEps: 1e-12))
        #expect(manifest.pooling == .mean && manifest.normalize && manifest.maxSequence == 256)
        #expect(manifest.tokenizer == ModelManifest.TokenizerFile(file: "vocab.txt", lowercase: true))
        #expect(manifest.quantization.floatLayers.isEmpty)
        #expect(
            manifest.quantization.smoothing
                == ModelManifest.Smoothing(alpha: 0.5, calibrationSentences: CalibrationText.sentences.count))
        #expect(manifest.taskHead.heads.isEmpty && manifest.knowledgeBase == nil)
        #expect(Set(manifest.files.keys) == ["model.safetensors", "vocab.txt"])
        for (name, digest) in manifest.files {
            #expect(try FileDigest.sha256(of: folder.model.appendingPathComponent(name)) == digest)
        }
        let json = try String(contentsOf: folder.model.appendingPathComponent(ModelManifest.fileName), encoding: .utf8)
        #expect(json.contains("\"task_head\""))

        let file = try SafetensorsFile(url: folder.model.appendingPathComponent(ModelManifest.weightsFileName))
        #expect(
            try file.info("layers.0.attention.qkv.weight", dtypes: [.int8], shape: [96, 32]).elementCount == 96 * 32)
        #expect(try file.info("layers.1.ffn.down.scale", dtypes: [.float32], shape: [32]).elementCount == 32)
        #expect(manifest.quantization.wordEmbeddings == ModelManifest.Quantization.int8RowsFormat)
        #expect(
            try file.info("embeddings.word", dtypes: [.int8], shape: [TinyBert.vocabulary.count, 32]).shape.count == 2)
        #expect(
            try file.info("embeddings.word.scale", dtypes: [.float32], shape: [TinyBert.vocabulary.count]).shape.count
                == 1)

        let encoder = try load(folder)
        #expect(encoder.dimensions == 32)
        #expect(encoder.maxSequenceLength == 256)
        #expect(encoder.memoryBytes > TinyBert.vocabulary.count * 32)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.root.appendingPathComponent("models/tiny").path)
                == ["1"])
    }

    @Test(arguments: [nil, 0.5])
    func quantizedWeightsReconstructTheSource(smoothingAlpha: Double?) throws {
        let folder = try TinyModelFolder(options: QuantizationOptions(smoothingAlpha: smoothingAlpha))
        let manifest = try ModelManifest.load(from: folder.model)
        #expect(manifest.quantization.smoothing?.alpha == smoothingAlpha)
        let source = try SafetensorsFile(url: folder.huggingFace.appendingPathComponent("model.safetensors"))
        let quantized = try SafetensorsFile(url: folder.model.appendingPathComponent(ModelManifest.weightsFileName))
        let key = try source.floats("encoder.layer.1.attention.self.key.weight")
        let qkv = try quantized.int8s("layers.1.attention.qkv.weight")
        let scales = try quantized.floats("layers.1.attention.qkv.scale")
        let multipliers =
            smoothingAlpha == nil
            ? [Float](repeating: 1, count: 32) : try quantized.floats("layers.1.attention.qkv.smooth")
        #expect(smoothingAlpha != nil || !quantized.tensorNames.contains("layers.1.attention.qkv.smooth"))
        #expect(multipliers.allSatisfy { $0 > 0 && $0.isFinite })
        // The 2 outlier channels: zeros in the int8 matrix, their exact columns beside it.
        let outliers = try quantized.integers("layers.1.attention.qkv.outliers")
        let outlierWeights = try quantized.floats("layers.1.attention.qkv.outlier_weight")
        #expect(outliers.count == 2 && outlierWeights.count == 2 * 96)
        for row in 0..<32 {
            let fused = 32 + row
            let stored = (0..<32).map { Float(qkv[fused * 32 + $0]) }
            #expect(stored.contains { abs($0) == 127 }, "row \(fused) does not use the full int8 range")
            for column in 0..<32 {
                if let index = outliers.firstIndex(of: column) {
                    #expect(stored[column] == 0)
                    #expect(outlierWeights[index * 96 + fused] == key[row * 32 + column])
                    continue
                }
                let reconstructed = stored[column] * scales[fused] * multipliers[column]
                let bound = scales[fused] / 2 * multipliers[column] * 1.0001
                #expect(abs(reconstructed - key[row * 32 + column]) <= bound)
            }
        }
        #expect(
            try quantized.floats("embeddings.token_type")
                == Array(try source.floats("embeddings.token_type_embeddings.weight")[0..<32]))
    }

    @Test func theFirstTaskHeadFormatReadsAsTheIntentsHead() throws {
        let folder = try TinyModelFolder()
        let url = folder.model.appendingPathComponent(ModelManifest.fileName)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        json["task_head"] = ["intents": [["label": "greeting", "examples": ["hello", "hi"]]]]
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let manifest = try ModelManifest.load(from: folder.model)
        #expect(
            manifest.taskHead.heads == [
                ModelManifest.LabelSet(
                    name: "intents", labels: [ModelManifest.Intent(label: "greeting", examples: ["hello", "hi"])])
            ])
    }

    @Test func aKnowledgeBaseIsVerifiedWithTheOtherFiles() throws {
        let folder = try TinyModelFolder()
        var manifest = try ModelManifest.load(from: folder.model)
        let base = try KnowledgeBase(entries: [
            KnowledgeBase.Entry(id: "a", language: "en", questions: ["q"], answer: "x")
        ])
        let kbURL = folder.model.appendingPathComponent(KnowledgeBase.fileName)
        try JSONEncoder().encode(base).write(to: kbURL)
        manifest.knowledgeBase = ModelManifest.KnowledgeBaseReference(threshold: 0.8)
        #expect(
            throws: ModelError.invalidManifest("files lists no checksum for the knowledge base knowledge-base.json")
        ) {
            try manifest.validate()
        }
        manifest.files[KnowledgeBase.fileName] = try FileDigest.sha256(of: kbURL)
        try manifest.write(to: folder.model)
        #expect(
            try KnowledgeBase(bytes: VerifiedModelFolder(directory: folder.model).bytes(of: KnowledgeBase.fileName))
                == base)
        try Data("{}".utf8).write(to: kbURL)
        #expect(throws: ModelError.self) { try VerifiedModelFolder(directory: folder.model) }
    }

    @Test func refusesAnExistingDestination() throws {
        let folder = try TinyModelFolder()
        #expect(throws: ModelError.destinationExists(folder.model.path)) {
            try ModelQuantizer.quantize(from: folder.huggingFace, to: folder.model)
        }
    }

    @Test func detectsAChecksumMismatch() throws {
        let folder = try TinyModelFolder()
        let url = folder.model.appendingPathComponent(ModelManifest.weightsFileName)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: url)
        let error = try #require(throws: ModelError.self) { try load(folder) }
        guard case .checksumMismatch(file: "model.safetensors", _, _) = error else {
            Issue.record("expected a checksum mismatch, got \(error)")
            return
        }
        #expect(error.description.contains("model.safetensors"))
    }

    @Test func detectsAMissingTensor() throws {
        let folder = try TinyModelFolder()
        try rewriteWeights(folder) { entries in entries.removeAll { $0.name == "layers.1.ffn.up.scale" } }
        #expect(throws: SafetensorsError.missingTensor("layers.1.ffn.up.scale")) { try load(folder) }
        let unsmoothed = try TinyModelFolder()
        try rewriteWeights(unsmoothed) { entries in entries.removeAll { $0.name == "layers.0.ffn.down.smooth" } }
        #expect(throws: SafetensorsError.missingTensor("layers.0.ffn.down.smooth")) { try load(unsmoothed) }
    }

    @Test func detectsAnUnexpectedTensor() throws {
        let folder = try TinyModelFolder()
        try rewriteWeights(folder) { entries in
            entries.append((name: "layers.2.ffn.up.bias", dtype: .float32, shape: [1], bytes: [0, 0, 0, 0]))
        }
        #expect(throws: ModelError.unexpectedTensor("layers.2.ffn.up.bias")) { try load(folder) }
    }

    @Test func detectsAWrongShape() throws {
        let folder = try TinyModelFolder()
        try rewriteWeights(folder) { entries in
            let index = entries.firstIndex { $0.name == "layers.0.attention.output.weight" }!
            entries[index].shape = [16, 64]
        }
        #expect(
            throws: SafetensorsError.wrongShape(
                tensor: "layers.0.attention.output.weight", expected: [32, 32],
                actual: [16, 64])
        ) { try load(folder) }
    }

    @Test func detectsAWrongDType() throws {
        let folder = try TinyModelFolder()
        try rewriteWeights(folder) { entries in
            let index = entries.firstIndex { $0.name == "layers.0.ffn.down.weight" }!
            entries[index].dtype = .uint8
        }
        #expect(
            throws: SafetensorsError.wrongDType(tensor: "layers.0.ffn.down.weight", expected: [.int8], actual: .uint8)
        ) {
            try load(folder)
        }
        let other = try TinyModelFolder()
        try rewriteWeights(other) { entries in
            let index = entries.firstIndex { $0.name == "embeddings.norm.weight" }!
            entries[index].dtype = .int32
        }
        #expect(
            throws: SafetensorsError.wrongDType(tensor: "embeddings.norm.weight", expected: [.float32], actual: .int32)
        ) {
            try load(other)
        }
    }

    @Test func detectsBadValues() throws {
        let folder = try TinyModelFolder()
        try rewriteWeights(folder) { entries in
            let index = entries.firstIndex { $0.name == "layers.1.attention.norm.bias" }!
            entries[index].bytes.replaceSubrange(
                4..<8, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init))
        }
        #expect(
            throws: ModelError.invalidTensorValue(tensor: "layers.1.attention.norm.bias", reason: "element 1 is nan")
        ) {
            try load(folder)
        }
        let zeroScale = try TinyModelFolder()
        try rewriteWeights(zeroScale) { entries in
            let index = entries.firstIndex { $0.name == "layers.0.ffn.up.scale" }!
            entries[index].bytes.replaceSubrange(0..<4, with: [0, 0, 0, 0])
        }
        #expect(
            throws: ModelError.invalidTensorValue(
                tensor: "layers.0.ffn.up.scale", reason: "scale 0 is 0.0, not positive")
        ) {
            try load(zeroScale)
        }
    }

    @Test func detectsATruncatedWeightsFile() throws {
        let folder = try TinyModelFolder()
        let url = folder.model.appendingPathComponent(ModelManifest.weightsFileName)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 100).write(to: url)
        try updateChecksum(folder)
        let error = try #require(throws: SafetensorsError.self) { try load(folder) }
        guard case .dataOutOfBounds = error else {
            Issue.record("expected dataOutOfBounds, got \(error)")
            return
        }
    }

    @Test func detectsManifestProblems() throws {
        let folder = try TinyModelFolder()
        let manifestURL = folder.model.appendingPathComponent(ModelManifest.fileName)
        let original = try ModelManifest.load(from: folder.model)

        var manifest = original
        manifest.architecture = "llama"
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.unsupportedArchitecture("llama")) { try load(folder) }

        #expect(original.formatVersion == 2)
        #expect(
            original.quantization.outlierChannels
                == ModelManifest.OutlierChannelSelection(count: 2, roles: QuantizationOptions.outlierRoles))
        manifest = original
        manifest.formatVersion = 1
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.invalidManifest("outlier_channels needs format_version 2, not 1")) {
            try load(folder)
        }

        manifest = original
        manifest.formatVersion = 3
        try manifest.write(to: folder.model)
        #expect(
            throws: ModelError.invalidManifest("format_version 3, expected 1 or 2 (a newer quantserve wrote it?)")
        ) { try load(folder) }

        manifest = original
        manifest.quantization.outlierChannels = nil
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.unexpectedTensor("layers.0.attention.output.outlier_weight")) { try load(folder) }

        manifest = original
        manifest.maxSequence = 301
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.self) { try load(folder) }

        manifest = original
        manifest.config.heads = 5
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.invalidConfig("hidden 32 is not a multiple of heads 5")) { try load(folder) }

        manifest = original
        manifest.config.intermediate = 48
        try manifest.write(to: folder.model)
        #expect(throws: SafetensorsError.wrongShape(tensor: "layers.0.ffn.up.bias", expected: [48], actual: [64])) {
            try load(folder)
        }

        manifest = original
        manifest.files["model.safetensors"] = nil
        try manifest.write(to: folder.model)
        #expect(throws: ModelError.invalidManifest("files lists no checksum for model.safetensors")) {
            try load(folder)
        }

        manifest = original
        manifest.files["notes.txt"] = String(repeating: "0", count: 64)
        try manifest.write(to: folder.model)
        #expect(throws: FileReadError.missing(path: folder.model.appendingPathComponent("notes.txt").path)) {
            try load(folder)
        }

        try Data("{\"format_version\": 1}".utf8).write(to: manifestURL)
        #expect(throws: ModelError.invalidManifest("\(manifestURL.path): missing field 'architecture'")) {
            try load(folder)
        }

        try FileManager.default.removeItem(at: manifestURL)
        #expect(throws: FileReadError.missing(path: manifestURL.path)) { try load(folder) }
    }

    @Test func refusesUnsupportedSources() throws {
        let root = try TemporaryDirectory(prefix: "transformer-tests").url
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("hf")
        try TinyBert().write(to: source)
        let config = source.appendingPathComponent("config.json")
        let original = try Data(contentsOf: config)

        func quantize() throws { try ModelQuantizer.quantize(from: source, to: root.appendingPathComponent("out")) }
        func editConfig(_ key: String, _ value: Any) throws {
            var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            object[key] = value
            try JSONSerialization.data(withJSONObject: object).write(to: config)
        }

        try editConfig("hidden_act", "gelu_new")
        #expect(
            throws: ModelError.invalidSource("config.json: hidden_act 'gelu_new' is not supported (only exact 'gelu')")
        ) {
            try quantize()
        }
        try editConfig("model_type", "roberta")
        #expect(throws: ModelError.unsupportedArchitecture("roberta")) { try quantize() }
        try editConfig("intermediate_size", 65)
        #expect(
            throws: SafetensorsError.wrongShape(
                tensor: "encoder.layer.0.intermediate.dense.weight", expected: [65, 32],
                actual: [64, 32])
        ) {
            try quantize()
        }
        try original.write(to: config)
        try Data(#"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#.utf8)
            .write(to: source.appendingPathComponent("1_Pooling/config.json"))
        #expect(
            throws: ModelError.invalidSource(
                "1_Pooling/config.json selects [\"pooling_mode_cls_token\"]; only mean pooling is supported")
        ) {
            try quantize()
        }
        try FileManager.default.removeItem(at: config)
        #expect(throws: ModelError.missingFile(config.path)) { try quantize() }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}

/// Every file of a model folder is read once, as a regular file under a size limit, and parsed
/// from the very bytes that were hashed: a symlink to a device, a FIFO, an oversized manifest, a
/// file swapped after verification or changed while read can fail a load, never the process.
@Suite("Model files: read once, regular files only, verified bytes are the parsed bytes")
struct ModelFileReadingTests {
    let pool = ComputePool(threads: 2)

    @Test func aManifestLinkedToDevZeroIsRefused() throws {
        let folder = try TinyModelFolder()
        let manifest = folder.model.appendingPathComponent(ModelManifest.fileName)
        try FileManager.default.removeItem(at: manifest)
        try FileManager.default.createSymbolicLink(atPath: manifest.path, withDestinationPath: "/dev/zero")
        #expect(throws: FileReadError.notRegularFile(path: manifest.path, kind: "a symbolic link")) {
            try BertEncoder(modelDirectory: folder.model, pool: pool)
        }
        // Followed or not, a device is never read.
        #expect(throws: FileReadError.notRegularFile(path: "/dev/zero", kind: "a character device")) {
            try RegularFile.bytes(of: URL(fileURLWithPath: "/dev/zero"), limit: 1 << 20, symlinks: .follow)
        }
    }

    @Test func aSymbolicLinkToARegularFileInsideTheFolderIsRefusedToo() throws {
        let folder = try TinyModelFolder()
        let vocabulary = folder.model.appendingPathComponent("vocab.txt")
        let moved = folder.model.appendingPathComponent("vocab-real.txt")
        try FileManager.default.moveItem(at: vocabulary, to: moved)
        try FileManager.default.createSymbolicLink(atPath: vocabulary.path, withDestinationPath: moved.path)
        #expect(throws: FileReadError.notRegularFile(path: vocabulary.path, kind: "a symbolic link")) {
            try BertEncoder(modelDirectory: folder.model, pool: pool)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOInPlaceOfTheTokenizerIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TinyModelFolder()
        let vocabulary = folder.model.appendingPathComponent("vocab.txt")
        try FileManager.default.removeItem(at: vocabulary)
        #expect(mkfifo(vocabulary.path, 0o600) == 0)
        #expect(throws: FileReadError.notRegularFile(path: vocabulary.path, kind: "a FIFO")) {
            try BertEncoder(modelDirectory: folder.model, pool: pool)
        }
        #expect(throws: FileReadError.notRegularFile(path: vocabulary.path, kind: "a FIFO")) {
            try RegularFile.bytes(of: vocabulary, limit: 1 << 20, symlinks: .follow)
        }
    }

    @Test func anOversizedManifestIsRefusedBeforeItIsRead() throws {
        let folder = try TinyModelFolder()
        let manifest = folder.model.appendingPathComponent(ModelManifest.fileName)
        let handle = try FileHandle(forWritingTo: manifest)
        try handle.truncate(atOffset: UInt64(VerifiedModelFolder.maximumManifestBytes + 1))
        try handle.close()
        #expect(
            throws: FileReadError.tooLarge(
                path: manifest.path, size: VerifiedModelFolder.maximumManifestBytes + 1,
                limit: VerifiedModelFolder.maximumManifestBytes)
        ) {
            try BertEncoder(modelDirectory: folder.model, pool: pool)
        }
    }

    /// The weights are hashed and parsed from one read: replacing the file after verification
    /// (the moment a second read used to happen) changes nothing in the loaded model.
    @Test func weightsSwappedAfterVerificationAreNeverParsed() throws {
        let original = try TinyModelFolder()
        let other = try TinyModelFolder(TinyBert(seed: 99))
        let sequences = TinyBert.sequences(lengths: [5, 9], vocabularySize: original.tiny.vocabularySize, seed: 3)
        let expected = try BertEncoder(modelDirectory: original.model, pool: pool).embed(sequences)
        let swapped = try BertEncoder(modelDirectory: other.model, pool: pool).embed(sequences)
        #expect(expected != swapped)

        let verified = try VerifiedModelFolder(directory: original.model)
        let weights = original.model.appendingPathComponent(ModelManifest.weightsFileName)
        try FileManager.default.removeItem(at: weights)
        try FileManager.default.copyItem(
            at: other.model.appendingPathComponent(ModelManifest.weightsFileName), to: weights)

        #expect(try BertEncoder(folder: verified, pool: pool).embed(sequences) == expected)
        #expect(throws: ModelError.self, "the file on disk no longer matches the manifest") {
            try BertEncoder(modelDirectory: original.model, pool: pool)
        }
    }

    /// A file truncated while it is being read (which used to fault the mapping with SIGBUS)
    /// fails the read with a clear reason.
    @Test func aFileTruncatedAfterItIsOpenedFailsTheRead() throws {
        let url = try Self.fileWithOldTimestamps(bytes: 1 << 20)
        let file = try RegularFile(url: url, symlinks: .refuse)
        #expect(truncate(url.path, 1 << 19) == 0)
        #expect(
            throws: FileReadError.changedWhileReading(
                path: url.path, reason: "it shrank from 1048576 to 524288 bytes while being read")
        ) {
            try file.readAll(limit: 1 << 30)
        }
    }

    @Test func aFileGrownOrRewrittenAfterItIsOpenedFailsTheRead() throws {
        let grown = try Self.fileWithOldTimestamps(bytes: 4096)
        let growing = try RegularFile(url: grown, symlinks: .refuse)
        let appender = try FileHandle(forWritingTo: grown)
        try appender.seekToEnd()
        try appender.write(contentsOf: Data([1, 2, 3]))
        try appender.close()
        #expect(
            throws: FileReadError.changedWhileReading(
                path: grown.path, reason: "it grew beyond 4096 bytes while being read")
        ) {
            try growing.readAll(limit: 1 << 30)
        }

        let rewritten = try Self.fileWithOldTimestamps(bytes: 4096)
        let file = try RegularFile(url: rewritten, symlinks: .refuse)
        let writer = try FileHandle(forWritingTo: rewritten)
        try writer.write(contentsOf: Data(repeating: 7, count: 16))
        try writer.close()
        #expect(
            throws: FileReadError.changedWhileReading(path: rewritten.path, reason: "it was modified while being read")
        ) {
            try file.readAll(limit: 1 << 30)
        }
    }

    @Test func aFileReplacedByARenameAfterItIsOpenedIsReadAsOpened() throws {
        let url = try Self.fileWithOldTimestamps(bytes: 4096)
        let file = try RegularFile(url: url, symlinks: .refuse)
        let replacement = url.deletingLastPathComponent().appendingPathComponent("replacement")
        try Data(repeating: 9, count: 100).write(to: replacement)
        #expect(rename(replacement.path, url.path) == 0)
        #expect(try file.readAll(limit: 1 << 30) == [UInt8](repeating: 1, count: 4096))
        #expect(throws: FileReadError.tooLarge(path: url.path, size: 100, limit: 99)) {
            try RegularFile.bytes(of: url, limit: 99, symlinks: .refuse)
        }
    }

    /// A file of `bytes` ones whose times lie an hour in the past, so that any later change is
    /// visible in its modification time whatever the file system's timestamp granularity.
    static func fileWithOldTimestamps(bytes: Int) throws -> URL {
        let url = try TemporaryDirectory(prefix: "transformer-tests").url.appendingPathComponent("file")
        try Data(repeating: 1, count: bytes).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: url.path)
        return url
    }
}
