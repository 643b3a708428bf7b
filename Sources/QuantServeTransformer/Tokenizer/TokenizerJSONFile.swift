/// The parts of a Hugging Face tokenizer.json that the WordPiece and Unigram tokenizers read.
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

    /// The `normalizer` section, or one step of a `Sequence` normalizer.
    struct Normalizer: Decodable {
        /// The `pattern` of a `Replace` normalizer: a literal string or a regular expression.
        struct Pattern: Decodable {
            var string: String?
            var regex: String?

            private enum CodingKeys: String, CodingKey {
                case string = "String"
                case regex = "Regex"
            }
        }

        var type: String
        var cleanText: Bool?
        var handleChineseChars: Bool?
        var stripAccents: Bool?
        var lowercase: Bool?
        /// The steps of a `Sequence`.
        var normalizers: [Normalizer]?
        /// The base64 rules of a `Precompiled` normalizer (SentencePiece's charsmap).
        var precompiledCharsmap: String?
        /// What a `Replace` normalizer looks for and what it writes instead.
        var pattern: Pattern?
        var content: String?

        private enum CodingKeys: String, CodingKey {
            case type, lowercase, normalizers, pattern, content
            case cleanText = "clean_text"
            case handleChineseChars = "handle_chinese_chars"
            case stripAccents = "strip_accents"
            case precompiledCharsmap = "precompiled_charsmap"
        }
    }

    /// The `pre_tokenizer` section; the fields after `type` are those of `Metaspace`.
    struct PreTokenizer: Decodable {
        var type: String
        var replacement: String?
        /// "always", "first" or "never" (newer files).
        var prependScheme: String?
        /// true for "always", false for "never" (older files).
        var addPrefixSpace: Bool?
        var split: Bool?

        private enum CodingKeys: String, CodingKey {
            case type, replacement, split
            case prependScheme = "prepend_scheme"
            case addPrefixSpace = "add_prefix_space"
        }
    }

    /// The `post_processor` section: `TemplateProcessing`, `BertProcessing` or `RobertaProcessing`.
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

    /// `["▁the", -3.5]`: a piece of a `Unigram` vocabulary with its log probability.
    struct ScoredPiece: Decodable {
        var piece: String
        var score: Double

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            piece = try container.decode(String.self)
            score = try container.decode(Double.self)
        }
    }

    /// The `model` section: a `WordPiece` vocabulary maps spellings to ids, a `Unigram` one lists
    /// scored pieces in id order.
    struct Model: Decodable {
        var type: String
        var unknownToken: String?
        var continuingSubwordPrefix: String?
        var maximumInputCharactersPerWord: Int?
        var vocabulary: [String: UInt32]?
        var scoredPieces: [ScoredPiece]?
        var unknownId: Int?
        var byteFallback: Bool?

        private enum CodingKeys: String, CodingKey {
            case type
            case unknownToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maximumInputCharactersPerWord = "max_input_chars_per_word"
            case vocabulary = "vocab"
            case unknownId = "unk_id"
            case byteFallback = "byte_fallback"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decode(String.self, forKey: .type)
            unknownToken = try container.decodeIfPresent(String.self, forKey: .unknownToken)
            continuingSubwordPrefix = try container.decodeIfPresent(String.self, forKey: .continuingSubwordPrefix)
            maximumInputCharactersPerWord = try container.decodeIfPresent(
                Int.self, forKey: .maximumInputCharactersPerWord)
            unknownId = try container.decodeIfPresent(Int.self, forKey: .unknownId)
            byteFallback = try container.decodeIfPresent(Bool.self, forKey: .byteFallback)
            if type == "Unigram" {
                scoredPieces = try container.decodeIfPresent([ScoredPiece].self, forKey: .vocabulary)
            } else {
                vocabulary = try container.decodeIfPresent([String: UInt32].self, forKey: .vocabulary)
            }
        }
    }

    var addedTokens: [AddedTokenEntry]?
    var normalizer: Normalizer?
    var preTokenizer: PreTokenizer?
    var postProcessor: PostProcessor?
    var model: Model

    private enum CodingKeys: String, CodingKey {
        case normalizer, model
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
    }
}
