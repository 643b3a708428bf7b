import Foundation

/// The parts of tokenizer.json every tokenizer kind reads the same way.
extension TokenizerJSONFile {
    /// The file parsed from `data`; a malformed file throws `TokenizerError.invalidConfiguration`.
    static func parse(_ data: Data) throws(TokenizerError) -> TokenizerJSONFile {
        do {
            return try JSONDecoder().decode(TokenizerJSONFile.self, from: data)
        } catch {
            throw .invalidConfiguration("tokenizer.json does not parse: \(error)")
        }
    }

    /// The `added_tokens`, with the defaults of `tokenizers` for options left out, and with the
    /// ids `tokenizers` gives them: the ids in the file are not used; a token spelled like a
    /// model token (`modelId`) takes its id, a repeated spelling its first id, and any other the
    /// next id after the model's `modelSize` ids and the added tokens before it.
    func tokensAddedToVocabulary(modelSize: Int, modelId: (String) -> UInt32?) -> [AddedToken] {
        var ids: [String: UInt32] = [:]
        var nextId = UInt32(clamping: modelSize)
        return (addedTokens ?? []).map { entry in
            let id: UInt32
            if let known = ids[entry.content] ?? modelId(entry.content) {
                id = known
            } else {
                id = nextId
            }
            ids[entry.content] = id
            nextId = max(nextId, id + 1)
            return AddedToken(
                content: entry.content,
                id: id,
                isSingleWord: entry.singleWord ?? false,
                stripsLeft: entry.lstrip ?? false,
                stripsRight: entry.rstrip ?? false,
                // Special tokens default to matching the raw text, as in `tokenizers`.
                isNormalized: entry.normalized ?? !(entry.special ?? false)
            )
        }
    }

    /// The ids of the special tokens before and after the text in the single-sequence template
    /// of the post-processor (`[CLS]`/`[SEP]` for BERT, `<s>`/`</s>` for RoBERTa and XLM-R).
    func templateTokenIds() throws(TokenizerError) -> (first: UInt32, last: UInt32) {
        let section = postProcessor
        switch section?.type {
        case "BertProcessing", "RobertaProcessing":
            guard let first = section?.cls, let last = section?.sep else {
                throw .invalidConfiguration("\(section?.type ?? "") lacks cls or sep")
            }
            return (first.id, last.id)
        case "TemplateProcessing":
            guard let template = section?.single, template.count == 3,
                let first = template[0].specialToken?.id, template[1].sequence?.id == "A",
                let last = template[2].specialToken?.id
            else {
                throw .unsupportedConfiguration(
                    "only the single-sequence template <special> $A <special> is implemented")
            }
            func id(of token: String) throws(TokenizerError) -> UInt32 {
                guard let ids = section?.specialTokens?[token]?.ids, ids.count == 1 else {
                    throw .invalidConfiguration("the template's special token \(token) needs exactly one id")
                }
                return ids[0]
            }
            return try (id(of: first), id(of: last))
        case let type:
            throw .unsupportedConfiguration(
                "post_processor \(type ?? "null"); only TemplateProcessing, BertProcessing and RobertaProcessing are implemented"
            )
        }
    }
}
