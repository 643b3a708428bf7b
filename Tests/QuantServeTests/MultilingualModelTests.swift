import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2
import QuantServeTestSupport
import Testing

/// Tests on the real multilingual model (models/multilingual/1, made by
/// scripts/fetch-multilingual-model.sh, which scripts/test.sh runs first): Chinese and English
/// intents, sentiment and FAQ answers on held-out phrasings, and two models served at once.
@Suite(.serialized, .tags(.loopback))
struct MultilingualModelTests {
    init() throws { _ = try MultilingualModel.prerequisite.require() }

    struct LabelledText: Decodable {
        let text: String
        let label: String
        let language: String?
    }
    struct AnswerCase: Decodable {
        let text: String
        let id: String
    }

    static func cases<T: Decodable>(_ file: String, as type: [T].Type = [T].self) throws -> [T] {
        try JSONDecoder().decode(
            [T].self, from: Data(contentsOf: Repository.root.appendingPathComponent("Tests/Data/\(file)")))
    }

    /// Top-1 accuracy of `head` over `cases` through Classify on `client`.
    static func accuracy(_ cases: [LabelledText], head: String, client: GRPCClient) async throws -> (
        correct: Int, total: Int
    ) {
        let response = try await client.unary(
            InferenceMethods.classify,
            request: ClassifyRequest(
                model: ModelRef(name: "multilingual"), texts: cases.map(\.text), topK: 1, head: head),
            responseType: ClassifyResponse.self
        ).message
        #expect(response.head == head)
        let correct = zip(cases, response.results).filter { $0.1.labels.first?.label == $0.0.label }.count
        return (correct, cases.count)
    }

    @Test(.timeLimit(.minutes(5)))
    func classifiesHeldOutChineseAndEnglishIntentsAndSentiment() async throws {
        let server = try await ModelTestServer.start(
            repository: try MultilingualModel.repository(), defaultModel: "multilingual")
        await server.models.loadRepository()
        let client = try await server.client()
        let chinese = try Self.cases("held-out-intents-zh.json", as: [LabelledText].self)
        let english = try Self.cases("held-out-intents.json", as: [LabelledText].self)
        #expect(
            Set(chinese.map(\.label)).count == 15 && Set(english.map(\.label)).count == 15, "every intent is covered")
        let zh = try await Self.accuracy(chinese, head: "intents", client: client)
        let en = try await Self.accuracy(english, head: "intents", client: client)
        print("multilingual held-out intents top-1: zh \(zh.correct)/\(zh.total), en \(en.correct)/\(en.total)")
        #expect(Double(zh.correct) / Double(zh.total) >= 0.85, "Chinese intents \(zh.correct)/\(zh.total)")
        #expect(Double(en.correct) / Double(en.total) >= 0.85, "English intents \(en.correct)/\(en.total)")

        let sentiment = try Self.cases("held-out-sentiment.json", as: [LabelledText].self)
        for language in ["en", "zh"] {
            let subset = sentiment.filter { $0.language == language }
            let result = try await Self.accuracy(subset, head: "sentiment", client: client)
            print("multilingual held-out sentiment top-1 (\(language)): \(result.correct)/\(result.total)")
            #expect(
                Double(result.correct) / Double(result.total) >= 0.80,
                "\(language) sentiment \(result.correct)/\(result.total)")
        }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)))
    func answersHeldOutQuestionsFromTheKnowledgeBase() async throws {
        let server = try await ModelTestServer.start(
            repository: try MultilingualModel.repository(), defaultModel: "multilingual")
        await server.models.loadRepository()
        let client = try await server.client()
        let cases = try Self.cases("held-out-answers.json", as: [AnswerCase].self)
        let offTopic = [
            "What is the capital of France?", "明天北京会下雨吗？", "Write me a poem about the sea", "量子计算机是怎么工作的",
            "How do I bake sourdough bread?", "今天股市怎么样", "Who won the football match yesterday?", "推荐一部好看的电影",
            "What's 17 times 23?", "我想学习弹钢琴", "Tell me a joke", "火星上有水吗",
        ]
        let response = try await client.unary(
            InferenceMethods.answer,
            request: AnswerRequest(model: ModelRef(name: "multilingual"), texts: cases.map(\.text) + offTopic, topK: 3),
            responseType: AnswerResponse.self
        ).message
        let answered = Array(response.results.prefix(cases.count))
        let correct = zip(cases, answered).filter { $0.1.matches.first?.id == $0.0.id }.count
        let confidentCorrect = zip(cases, answered).filter { $0.1.confident && $0.1.matches.first?.id == $0.0.id }.count
        let confidentOffTopic = response.results.suffix(offTopic.count).filter(\.confident).count
        print(
            "multilingual held-out answers top-1: \(correct)/\(cases.count), confident and right \(confidentCorrect), "
                + "off-topic confident \(confidentOffTopic)/\(offTopic.count), threshold \(response.threshold)")
        #expect(Double(correct) / Double(cases.count) >= 0.85, "answers \(correct)/\(cases.count)")
        #expect(confidentOffTopic == 0, "an off-topic question was answered confidently")
        #expect(answered.allSatisfy { $0.matches.count == 3 })
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)))
    func servesMiniLMAndTheMultilingualModelAtOnce() async throws {
        _ = try DefaultModel.prerequisite.require()
        let repository = try MultilingualModel.repository()
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent("minilm"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: repository.appendingPathComponent("minilm/1"), withDestinationURL: DefaultModel.folder)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "minilm")
        await server.models.loadRepository()
        let client = try await server.client()
        let text = "我的 order 还没有 ship"
        let english = try await client.embed([text])
        let multilingual = try await client.embed([text], model: ModelRef(name: "multilingual"))
        #expect(english.model?.name == "minilm" && multilingual.model?.name == "multilingual")
        #expect(english.dimensions == 384 && multilingual.dimensions == 384)
        #expect(english.embeddings[0].values != multilingual.embeddings[0].values)
        let models = try await client.admin(
            ModelRegistryMethods.listModels, ListModelsRequest(), ListModelsResponse.self)
        let memory = Dictionary(
            uniqueKeysWithValues: models.models.map { ($0.name, $0.versions.first?.memoryBytes ?? 0) })
        print("resident bytes by model: \(memory)")
        #expect(memory["minilm", default: 0] > 0 && memory["multilingual", default: 0] > memory["minilm", default: 0])
        await client.close()
        await server.stop()
    }
}

/// Where the multilingual model is.
enum MultilingualModel {
    static let folder = Repository.root.appendingPathComponent("models/multilingual/1")
    /// The gate of every test that needs it (see `Prerequisite`).
    static let prerequisite = Prerequisite.file(
        "the multilingual model (models/multilingual/1/quantserve.json)",
        at: "models/multilingual/1/quantserve.json", remedy: "run scripts/fetch-multilingual-model.sh")

    /// A temporary repository whose multilingual/1 links to the model.
    static func repository() throws -> URL {
        let root = try ModelTestServer.temporaryRepository()
        let model = root.appendingPathComponent("multilingual")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: model.appendingPathComponent("1"), withDestinationURL: folder)
        return root
    }
}
