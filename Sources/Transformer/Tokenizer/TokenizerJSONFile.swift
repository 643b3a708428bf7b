/// The parts of a Hugging Face tokenizer.json that a BERT WordPiece tokenizer reads.
struct TokenizerJSONFile: Decodable {
    /// An entry of `added_tokens`.
    struct AddedTokenEntry: Decodable {
        var id: UInt32
        var content: String
        var singleWord: Bool?
        var lstrip: Bool?
        var rstrip: Bool?
        var normalized: Bool?
        var special: Bool?

        private enum CodingKeys: String, CodingKey {
            case id, content, lstrip, rstrip, normalized, special
            case singleWord = "single_word"
        }
    }

    /// The `normalizer` section.
    struct Normalizer: Decodable {
        var type: String
        var cleanText: Bool?
        var handleChineseChars: Bool?
        var stripAccents: Bool?
        var lowercase: Bool?

        private enum CodingKeys: String, CodingKey {
            case type, lowercase
            case cleanText = "clean_text"
            case handleChineseChars = "handle_chinese_chars"
            case stripAccents = "strip_accents"
        }
    }

    /// A section that is identified by its `type` alone.
    struct TypedSection: Decodable {
        var type: String
    }

    /// The `post_processor` section: `TemplateProcessing` or `BertProcessing`.
    struct PostProcessor: Decodable {
        var type: String
        var single: [TemplatePiece]?
        var specialTokens: [String: TemplateSpecialToken]?
        var cls: TokenAndId?
        var sep: TokenAndId?

        private enum CodingKeys: String, CodingKey {
            case type, single, cls, sep
            case specialTokens = "special_tokens"
        }
    }

    /// One element of a `TemplateProcessing` template.
    struct TemplatePiece: Decodable {
        /// The `id` of a `SpecialToken` element (such as `[CLS]`).
        struct SpecialToken: Decodable {
            var id: String
        }

        /// The `id` of a `Sequence` element (`A` or `B`).
        struct Sequence: Decodable {
            var id: String
        }

        var specialToken: SpecialToken?
        var sequence: Sequence?

        private enum CodingKeys: String, CodingKey {
            case specialToken = "SpecialToken"
            case sequence = "Sequence"
        }
    }

    /// An entry of a template's `special_tokens`.
    struct TemplateSpecialToken: Decodable {
        var ids: [UInt32]
    }

    /// `["[CLS]", 101]`, as `BertProcessing` writes its tokens.
    struct TokenAndId: Decodable {
        var token: String
        var id: UInt32

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            token = try container.decode(String.self)
            id = try container.decode(UInt32.self)
        }
    }

    /// The `model` section.
    struct Model: Decodable {
        var type: String
        var unknownToken: String?
        var continuingSubwordPrefix: String?
        var maximumInputCharactersPerWord: Int?
        var vocabulary: [String: UInt32]?

        private enum CodingKeys: String, CodingKey {
            case type
            case unknownToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maximumInputCharactersPerWord = "max_input_chars_per_word"
            case vocabulary = "vocab"
        }
    }

    var addedTokens: [AddedTokenEntry]?
    var normalizer: Normalizer?
    var preTokenizer: TypedSection?
    var postProcessor: PostProcessor?
    var model: Model

    private enum CodingKeys: String, CodingKey {
        case normalizer, model
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
    }
}
