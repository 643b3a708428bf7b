/// The four linear layers of a BERT encoder layer.
public enum LinearRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Query, key and value projections fused into one (output 3 × hidden).
    case attentionQKV = "attention.qkv"
    /// The attention output projection.
    case attentionOutput = "attention.output"
    /// The feed-forward up projection (hidden → intermediate).
    case ffnUp = "ffn.up"
    /// The feed-forward down projection (intermediate → hidden).
    case ffnDown = "ffn.down"

    /// `(outFeatures, inFeatures)` of this layer for a configuration.
    public func dimensions(_ config: BertConfig) -> (out: Int, in: Int) {
        switch self {
        case .attentionQKV: (3 * config.hidden, config.hidden)
        case .attentionOutput: (config.hidden, config.hidden)
        case .ffnUp: (config.intermediate, config.hidden)
        case .ffnDown: (config.hidden, config.intermediate)
        }
    }

    /// Orders roles as they run within a layer.
    public static func < (lhs: LinearRole, rhs: LinearRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
