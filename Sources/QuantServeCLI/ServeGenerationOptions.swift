import ArgumentParser
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

    /// The scheduler settings these options give.
    var configuration: GenerationConfiguration {
        GenerationConfiguration(
            stepTokenBudget: generationStepTokens, maxRunningSequences: maxRunningGenerations,
            maxWaitingRequests: maxWaitingGenerations, defaultMaxTokens: defaultMaxTokens)
    }

    func validate() throws {
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
