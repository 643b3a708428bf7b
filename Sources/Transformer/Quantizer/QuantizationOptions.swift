/// Choices the quantizer leaves to its caller.
public struct QuantizationOptions: Sendable, Equatable {
    /// Linear layers to keep in F32 instead of int8 (all four roles: a full-precision model).
    public var floatLayers: Set<LinearRole>
    /// Intents with example phrases to record in the manifest's task head.
    public var intents: [ModelManifest.Intent]

    /// Options; the default quantizes every linear layer and records no intents.
    public init(floatLayers: Set<LinearRole> = [], intents: [ModelManifest.Intent] = []) {
        self.floatLayers = floatLayers
        self.intents = intents
    }
}
