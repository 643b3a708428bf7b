import Foundation

/// Choices the quantizer leaves to its caller.
public struct QuantizationOptions: Sendable, Equatable {
    /// Linear layers to keep in F32 instead of int8 (all four roles: a full-precision model).
    public var floatLayers: Set<LinearRole>
    /// The SmoothQuant migration strength for int8 layers, or nil for no smoothing.
    public var smoothingAlpha: Double?
    /// Intents with example phrases to record in the manifest's task head.
    public var intents: [ModelManifest.Intent]
    /// Threads used to run the calibration sentences.
    public var threads: Int
    /// Whether word embeddings are stored as int8 rows with a scale per row (else F32).
    public var int8WordEmbeddings: Bool

    /// Options; the default quantizes every linear layer with smoothing alpha 0.5 and the word
    /// embeddings to int8 rows, and records no intents. `int8WordEmbeddings` nil: int8 rows
    /// unless every linear layer stays F32 (a full-precision model).
    public init(floatLayers: Set<LinearRole> = [], smoothingAlpha: Double? = 0.5, intents: [ModelManifest.Intent] = [],
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, int8WordEmbeddings: Bool? = nil) {
        self.int8WordEmbeddings = int8WordEmbeddings ?? (floatLayers.count < LinearRole.allCases.count)
        self.floatLayers = floatLayers
        self.smoothingAlpha = smoothingAlpha
        self.intents = intents
        self.threads = threads
    }
}
