import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeTestSupport
import QuantServeTransformer
import Testing

/// Answer (FAQ retrieval) and Classify's named heads through a real server on loopback.
@Suite(.tags(.loopback)) struct AnswerAndHeadsTests {
    static func knowledgeBase(answerSuffix: String) throws -> KnowledgeBase {
        try KnowledgeBase(entries: [
            KnowledgeBase.Entry(
                id: "track", language: "en", questions: ["where is my order", "where is my parcel"],
                answer: "Open My orders to track it \(answerSuffix)"),
            KnowledgeBase.Entry(
                id: "refund", language: "en", questions: ["refund please", "money back please"],
                answer: "Refunds take 2 days \(answerSuffix)"),
            KnowledgeBase.Entry(
                id: "password", language: "zh", questions: ["password reset"],
                answer: "点击忘记密码 \(answerSuffix)"),
        ])
    }

    @Test(.timeLimit(.minutes(2)))
    func answersFromTheServingVersionsKnowledgeBase() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(
            name: "tiny", version: 1, seed: 1, into: repository,
            knowledgeBase: Self.knowledgeBase(answerSuffix: "(v1)"), answerThreshold: 0.9999)
        try TinyModel.write(
            name: "tiny", version: 2, seed: 2, into: repository,
            knowledgeBase: Self.knowledgeBase(answerSuffix: "(v2)"), answerThreshold: 0.9999)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        await server.models.loadRepository()
        let client = try await server.client()

        let request = AnswerRequest(texts: ["money back please", "where is my parcel", "hello world cancel"], topK: 3)
        let response = try await client.unary(
            InferenceMethods.answer, request: request, responseType: AnswerResponse.self
        ).message
        #expect(response.model?.version == 2)
        #expect(response.threshold == 0.9999)
        #expect(response.results.count == 3)
        let refund = try #require(response.results[0].matches.first)
        #expect(
            refund.id == "refund" && refund.question == "money back please"
                && refund.answer == "Refunds take 2 days (v2)")
        #expect(refund.score > 0.9999 && response.results[0].confident)
        #expect(response.results[0].matches.count == 3)
        #expect(
            zip(response.results[0].matches, response.results[0].matches.dropFirst()).allSatisfy {
                $0.score >= $1.score
            })
        #expect(
            response.results[1].matches.first?.id == "track"
                && response.results[1].matches.first?.question == "where is my parcel")
        #expect(!response.results[2].confident, "a text unlike every question is not confident")

        // Roll back to version 1 (loadRepository loaded only the newest): its own knowledge base answers.
        _ = try await client.admin(
            ModelRegistryMethods.loadModel, LoadModelRequest(name: "tiny", version: 1, serve: true),
            LoadModelResponse.self)
        let rolledBack = try await client.unary(
            InferenceMethods.answer, request: AnswerRequest(texts: ["password reset"]),
            responseType: AnswerResponse.self
        ).message
        #expect(rolledBack.model?.version == 1)
        #expect(rolledBack.results.first?.matches.map(\.answer) == ["点击忘记密码 (v1)"])
        #expect(rolledBack.results.first?.matches.first?.language == "zh")
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aVersionWithoutAKnowledgeBaseRefusesAnswer() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        await server.models.loadRepository()
        let client = try await server.client()
        do {
            _ = try await client.unary(
                InferenceMethods.answer, request: AnswerRequest(texts: ["hello"]), responseType: AnswerResponse.self)
            Issue.record("Answer succeeded without a knowledge base")
        } catch let error as RPCError {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("has no knowledge base"))
        }
        await client.close()
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func classifyUsesTheNamedHead() async throws {
        let repository = try ModelTestServer.temporaryRepository()
        try TinyModel.write(name: "tiny", version: 1, seed: 1, into: repository)
        let server = try await ModelTestServer.start(repository: repository, defaultModel: "tiny")
        await server.models.loadRepository()
        let client = try await server.client()

        func classify(_ head: String) async throws -> ClassifyResponse {
            try await client.unary(
                InferenceMethods.classify, request: ClassifyRequest(texts: ["late parcel"], topK: 5, head: head),
                responseType: ClassifyResponse.self
            ).message
        }
        let first = try await classify("")
        #expect(first.head == "intents")
        #expect(Set(first.results[0].labels.map(\.label)) == Set(TinyModel.intents.map(\.label)))
        let sentiment = try await classify("sentiment")
        #expect(sentiment.head == "sentiment")
        #expect(Set(sentiment.results[0].labels.map(\.label)) == ["positive", "negative"])
        do {
            _ = try await classify("emotion\n")
            Issue.record("an unknown head was accepted")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(#""emotion\n""#) && error.message.contains("intents, sentiment"))
        }
        await client.close()
        await server.stop()
    }
}
