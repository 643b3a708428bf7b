import Foundation
import Testing

@testable import QuantServe

/// Tokenization runs on its own threads and stops, between texts and inside a long one, once
/// the caller is gone or the deadline passed. Driven through `Inference` over a `CountingEngine` whose texts marked
/// `[hold]` wait at a gate, on a one-thread pool that runs nothing in place: tests wait for
/// events, never for time.
@Suite struct TokenizationPoolTests {
    struct Fixture {
        let engine: CountingEngine
        let gate: Gate
        let inference: Inference
        /// Texts the engine had tokenized and sequences it had computed once the version was loaded (its self-test).
        let tokenizedAtLoad: Int
        let computedAtLoad: Int
    }

    static func fixture(scheduler: SchedulerConfiguration = .init(), stopsInsideTexts: Bool = true) async throws
        -> Fixture
    {
        let gate = Gate()
        let engine = CountingEngine(tokenizeGate: gate, stopsInsideTexts: stopsInsideTexts)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tokenization-\(UUID())")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("m/1"), withIntermediateDirectories: true)
        let registry = ModelRegistry(
            repository: root, defaultModel: "m", schedulerConfiguration: scheduler,
            loader: { _ in engine }, servingChanged: { _, _ in })
        try await registry.load(name: "m", version: 1, serve: true)
        let inference = Inference(registry: registry, tokenization: TokenizationPool(threads: 1, inlineBytes: 0))
        return Fixture(
            engine: engine, gate: gate, inference: inference, tokenizedAtLoad: engine.tokenizedTexts,
            computedAtLoad: engine.computedSequences)
    }

    /// Cancels a request of three texts while its first, marked to wait, is being tokenized;
    /// returns the texts tokenized to the end.
    static func cancelDuringTheFirstText(_ fixture: Fixture) async throws -> Int {
        let request = Task {
            try await fixture.inference.embed(
                name: "", version: 0, texts: ["\(CountingEngine.holdMarker) one", "two", "three"],
                truncate: true, deadline: nil)
        }
        try await BatchSchedulerTests.waitUntil { fixture.engine.textsAtTheGate == 1 }
        request.cancel()
        fixture.gate.open()
        await #expect(throws: CancellationError.self) { _ = try await request.value }
        #expect(fixture.engine.computedSequences == fixture.computedAtLoad)
        return fixture.engine.tokenizedTexts - fixture.tokenizedAtLoad
    }

    @Test func cancellingARequestStopsTokenizationInsideALongText() async throws {
        #expect(try await Self.cancelDuringTheFirstText(try await Self.fixture()) == 0)
    }

    @Test func cancellingARequestStopsTokenizationBetweenTexts() async throws {
        // An engine that does not look inside a text: the request still stops before the next one.
        #expect(try await Self.cancelDuringTheFirstText(try await Self.fixture(stopsInsideTexts: false)) == 1)
    }

    @Test func aDeadlinePassingStopsTokenization() async throws {
        let fixture = try await Self.fixture()
        let (request, deadline) = try await BatchSchedulerTests.withDeadlineThatHolds(
            reached: { fixture.engine.textsAtTheGate == 1 }
        ) { deadline in
            Task {
                try await fixture.inference.embed(
                    name: "", version: 0, texts: ["\(CountingEngine.holdMarker) one", "two", "three"],
                    truncate: true, deadline: deadline)
            }
        }
        try await Task.sleep(until: deadline, clock: .continuous)  // the event this test is about: the deadline passes
        fixture.gate.open()
        await #expect(throws: SchedulerError.deadlineExpiredInTokenization(tokenizedTexts: 0)) {
            _ = try await request.value
        }
        #expect(fixture.engine.tokenizedTexts == fixture.tokenizedAtLoad)
    }

    @Test func aRequestWaitingForATokenizerThreadLeavesAtOnceWhenCancelled() async throws {
        let fixture = try await Self.fixture()
        let holding = Task {
            try await fixture.inference.tokenize(
                name: "", version: 0, texts: ["\(CountingEngine.holdMarker)"], deadline: nil)
        }
        try await BatchSchedulerTests.waitUntil { fixture.engine.textsAtTheGate == 1 }
        let waiting = Task {
            try await fixture.inference.tokenize(name: "", version: 0, texts: ["never"], deadline: nil)
        }
        waiting.cancel()
        // The pool's only thread is still held at the gate, yet the waiting request is answered.
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        fixture.gate.open()
        #expect(try await holding.value.ids.count == 1)
        #expect(fixture.engine.tokenizedTexts - fixture.tokenizedAtLoad == 1)
    }

    @Test func tokenizationStopsOnceARequestHoldsTooManyTokens() async throws {
        let fixture = try await Self.fixture(scheduler: .init(maxRequestTokens: 20))
        fixture.gate.open()
        let long = String(repeating: "x", count: 14)  // 16 tokens with [CLS] and [SEP]
        await #expect(throws: SchedulerError.requestTooLarge(tokens: 32, limit: 20)) {
            _ = try await fixture.inference.embed(
                name: "", version: 0, texts: [long, long, long], truncate: true, deadline: nil)
        }
        #expect(fixture.engine.tokenizedTexts - fixture.tokenizedAtLoad == 2)
    }
}
