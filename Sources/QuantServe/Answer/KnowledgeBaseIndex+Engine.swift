import QuantServeTransformer

extension KnowledgeBaseIndex {
    /// Embeds every question of `source` with `engine` (as the version loads).
    public convenience init(source: KnowledgeBaseSource, engine: any EmbeddingEngine) throws {
        let vectors = try engine.embedForLoad(source.base.entries.flatMap(\.questions))
        self.init(base: source.base, threshold: source.threshold, dimensions: engine.dimensions, vectors: vectors)
    }
}
