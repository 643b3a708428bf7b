import Foundation

/// A version's FAQ knowledge base (`knowledge-base.json`): entries with an id, a language tag,
/// the question variants customers ask and the answer to give. Answer embeds every question
/// variant at load and returns the entries whose variants are closest to a text.
public struct KnowledgeBase: Codable, Sendable, Equatable {
    /// The file's name inside a version folder.
    public static let fileName = "knowledge-base.json"
    /// The most entries one knowledge base may hold.
    public static let maximumEntries = 1_000_000
    /// The most question variants of one entry.
    public static let maximumQuestionsPerEntry = 64
    /// The most UTF-8 bytes of an id or a language tag.
    public static let maximumTagBytes = 128
    /// The most UTF-8 bytes of a question or an answer.
    public static let maximumTextBytes = 16 << 10

    /// One question-and-answer entry.
    public struct Entry: Codable, Sendable, Equatable {
        /// A stable identifier, unique in the file.
        public var id: String
        /// The language tag of the entry ("en", "zh", ...).
        public var language: String
        /// Phrasings of the question this entry answers (at least one).
        public var questions: [String]
        /// The answer text.
        public var answer: String

        /// An entry.
        public init(id: String, language: String, questions: [String], answer: String) {
            self.id = id
            self.language = language
            self.questions = questions
            self.answer = answer
        }
    }

    /// The entries, in file order.
    public var entries: [Entry]

    /// A knowledge base of `entries`; throws unless they are valid.
    public init(entries: [Entry]) throws {
        self.entries = entries
        try validate()
    }

    /// Parses and validates the file's bytes.
    public init(bytes: [UInt8]) throws {
        let decoded: KnowledgeBase
        do {
            decoded = try JSONDecoder().decode(KnowledgeBase.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ModelError.invalidKnowledgeBase("not a knowledge base file: \(Self.describe(error))")
        }
        try decoded.validate()
        self = decoded
    }

    /// The number of question variants over all entries.
    public var questionCount: Int { entries.reduce(0) { $0 + $1.questions.count } }

    /// Throws `ModelError.invalidKnowledgeBase` naming the first problem.
    public func validate() throws {
        guard !entries.isEmpty else { throw ModelError.invalidKnowledgeBase("it has no entries") }
        guard entries.count <= Self.maximumEntries else {
            throw ModelError.invalidKnowledgeBase("it has \(entries.count) entries, more than \(Self.maximumEntries)")
        }
        var ids = Set<String>()
        for (index, entry) in entries.enumerated() {
            func fail(_ reason: String) -> ModelError {
                .invalidKnowledgeBase("entry \(index) ('\(entry.id.prefix(Self.maximumTagBytes))'): \(reason)")
            }
            guard !entry.id.isEmpty, entry.id.utf8.count <= Self.maximumTagBytes else {
                throw fail("the id is empty or longer than \(Self.maximumTagBytes) bytes")
            }
            guard ids.insert(entry.id).inserted else { throw fail("the id is used by an earlier entry") }
            guard entry.language.utf8.count <= Self.maximumTagBytes else {
                throw fail("the language tag is longer than \(Self.maximumTagBytes) bytes")
            }
            guard (1...Self.maximumQuestionsPerEntry).contains(entry.questions.count) else {
                throw fail("it has \(entry.questions.count) questions, not 1...\(Self.maximumQuestionsPerEntry)")
            }
            for text in entry.questions + [entry.answer] where text.utf8.count > Self.maximumTextBytes {
                throw fail("a question or the answer is longer than \(Self.maximumTextBytes) bytes")
            }
            guard entry.questions.allSatisfy({ !$0.allSatisfy(\.isWhitespace) }) else {
                throw fail("a question is empty")
            }
            guard !entry.answer.allSatisfy(\.isWhitespace) else { throw fail("the answer is empty") }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            "missing '\(key.stringValue)' at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default:
            "\(error)"
        }
    }
}

/// A knowledge base as a version ships it: the entries and the score from which a best match is
/// confident.
public struct KnowledgeBaseSource: Sendable {
    public var base: KnowledgeBase
    public var threshold: Float

    public init(base: KnowledgeBase, threshold: Float) {
        self.base = base
        self.threshold = threshold
    }
}
