import ArgumentParser
import Foundation
import QuantServe

/// `quantserve serve` options of decoder versions' continuous batching (Generate).
struct ServeGenerationOptions: ParsableArguments {
    @Option(
        help:
            "Generate: tokens per decoder step, the running streams' decode tokens first, then prefill chunks of new prompts."
    )
    var generationStepTokens = GenerationConfiguration().stepTokenBudget

    @Option(help: "Generate: streams decoding at once per decoder version (at most --generation-step-tokens).")
    var maxRunningGenerations = GenerationConfiguration().maxRunningSequences

    @Option(help: "Generate: requests waiting for KV memory per decoder version; beyond, RESOURCE_EXHAUSTED at once.")
    var maxWaitingGenerations = GenerationConfiguration().maxWaitingRequests

    @Option(
        help: "Generate: max_tokens of a request that leaves it 0 (cut to what the context leaves after the prompt).")
    var defaultMaxTokens = GenerationConfiguration().defaultMaxTokens

    @Option(
        name: .customLong("generation-kv-cache-mib"),
        help:
            "Generate: MiB of KV cache per decoder version, allocated at load (SmolLM2-135M: 23,040 bytes per token; the default holds 16 streams of 2,048 tokens). A version whose context does not fit once fails to load."
    )
    var generationKVCacheMib = GenerationConfiguration().kvCacheBytes >> 20

    @Flag(
        inversion: .prefixedNo,
        help:
            "Generate: quantize the decoder's down-projection input (SwiGLU's output, the largest outliers) to 16 bits instead of 8: closer to float, little decode cost."
    )
    var generationPreciseDownProjection = true

    @Flag(
        inversion: .prefixedNo,
        help:
            "Generate: a Q4_1 model also keeps its 4-bit weights (66 MB more for SmolLM2) for decode steps of up to 4 tokens: faster for a few streams, ggml's own arithmetic."
    )
    var generationFourBitDecode = true

    /// The scheduler settings these options give.
    var configuration: GenerationConfiguration {
        var configuration = GenerationConfiguration(
            stepTokenBudget: generationStepTokens, maxRunningSequences: maxRunningGenerations,
            maxWaitingRequests: maxWaitingGenerations, defaultMaxTokens: defaultMaxTokens)
        configuration.kvCacheBytes = generationKVCacheMib << 20
        configuration.preciseDownProjection = generationPreciseDownProjection
        configuration.fourBitDecode = generationFourBitDecode
        return configuration
    }

    func validate() throws {
        let memoryMib = Int(clamping: ProcessInfo.processInfo.physicalMemory >> 20)
        guard (1...memoryMib).contains(generationKVCacheMib) else {
            throw ValidationError(
                "--generation-kv-cache-mib must be between 1 and this machine's memory (\(memoryMib) MiB), not \(generationKVCacheMib)"
            )
        }
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
