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

    /// Options; the default quantizes every linear layer with smoothing alpha 0.5 and records no intents.
    public init(floatLayers: Set<LinearRole> = [], smoothingAlpha: Double? = 0.5, intents: [ModelManifest.Intent] = [],
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.floatLayers = floatLayers
        self.smoothingAlpha = smoothingAlpha
        self.intents = intents
        self.threads = threads
    }
}
