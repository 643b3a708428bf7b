import Foundation
import QuantServe
import QuantServeTransformer
import Synchronization
import Testing

/// The continuous-batching scheduler over `ScriptedDecoder` (a deterministic test double with a
/// real KV block ledger), for the decoder-independent checks that need exact scripted text;
/// `GenerateServiceTests` runs Generate through the real llama decoder (the tiny random llama).
struct GenerationSchedulerTests {
    struct Outcome {
        var text = ""
        var tokens: [UInt32] = []
        var chunks = 0
        var finish: GenerationFinish?
    }

    static func collect(_ stream: AsyncThrowingStream<GenerationChunk, any Error>) async throws -> Outcome {
        var outcome = Outcome()
        for try await chunk in stream {
            outcome.text += chunk.text
            outcome.tokens += chunk.tokens
            outcome.chunks += 1
            outcome.finish = chunk.finish
        }
        return outcome
    }

    static func request(_ prompt: String, maxTokens: Int, sampling: SamplingParameters = .init(), stop: [String] = [])
        -> GenerationRequest
    {
        GenerationRequest(
            prompt: ScriptedDecoder.tokenizer.encode(prompt), maxTokens: maxTokens, sampling: sampling,
            stopStrings: stop)
    }

    /// The script's greedy text after a prompt ending in `last`, `count` bytes long.
    static func script(after last: Character, count: Int) -> String {
        let bytes = ScriptedDecoder.script
        let start = bytes.firstIndex(of: UInt8(ascii: last.unicodeScalars.first!)).map { $0 + 1 } ?? 0
        return String(decoding: bytes[start..<min(start + count, bytes.count)], as: UTF8.self)
    }

    @Test func greedyStreamsTheScriptAndStopsAtEndOfTurn() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        defer { scheduler.stop() }
        let outcome = try await Self.collect(try scheduler.submit(Self.request("hi", maxTokens: 100)))
        #expect(outcome.text == "jklmé€nopqrstuvwxyz")
        #expect(outcome.finish?.reason == .stop)
        #expect(outcome.finish?.promptTokens == 2)
        #expect(outcome.finish?.generatedTokens == outcome.tokens.count + 1)  // the end-of-turn token is not sent
        #expect(outcome.finish?.timeToFirstToken != nil)
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
    }

    @Test func maxTokensFinishesWithLength() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        defer { scheduler.stop() }
        let outcome = try await Self.collect(try scheduler.submit(Self.request("a", maxTokens: 3)))
        #expect(outcome.text == "bcd")
        #expect(outcome.finish?.reason == .length)
        #expect(outcome.finish?.generatedTokens == 3)
    }

    /// Stop strings never reach the client, even in part, and the text before them does, also
    /// when the stop string begins inside a multi-byte character's tokens.
    @Test(arguments: [("a", ["fgh"], "bcde"), ("k", ["€n"], "lmé"), ("k", ["zz", "mé€"], "l"), ("w", ["xyz!"], "xyz")])
    func stopStrings(prompt: String, stop: [String], expected: String) async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        defer { scheduler.stop() }
        let outcome = try await Self.collect(try scheduler.submit(Self.request(prompt, maxTokens: 100, stop: stop)))
        #expect(outcome.text == expected)
        #expect(outcome.finish?.reason == .stop)
    }

    @Test func seededSamplingRepeats() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        defer { scheduler.stop() }
        func run(seed: UInt64) async throws -> [UInt32] {
            let sampling = SamplingParameters(temperature: 5, topK: 100, topP: 0.95, repetitionPenalty: 1.3, seed: seed)
            return try await Self.collect(try scheduler.submit(Self.request("#a", maxTokens: 24, sampling: sampling)))
                .tokens
        }
        let first = try await run(seed: 42)
        #expect(try await run(seed: 42) == first)
        #expect(try await run(seed: 43) != first)
        #expect(first != Array(ScriptedDecoder.tokenizer.encode(Self.script(after: "a", count: 24))))
    }

    /// Sequences join a running batch at the next step and leave it when they finish; each
    /// one's tokens are those it makes alone.
    @Test func sequencesJoinAndLeaveARunningBatch() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(
            model: decoder.model(), configuration: .init(stepTokenBudget: 8, maxRunningSequences: 4), name: "test")
        defer { scheduler.stop() }
        decoder.gate.hold(afterSteps: 2)
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        let long = try scheduler.submit(Self.request("#", maxTokens: 40))
        _ = await blocked.next()
        // The long stream is decoding; a long prompt joins (prefilled in chunks of what the
        // budget leaves) and a short one joins and leaves.
        let prompt = String(repeating: "x", count: 30) + "q"
        let joining = try scheduler.submit(Self.request(prompt, maxTokens: 5))
        let short = try scheduler.submit(Self.request("e", maxTokens: 2))
        decoder.gate.release()
        let longOutcome = try await Self.collect(long)
        let joinedOutcome = try await Self.collect(joining)
        let shortOutcome = try await Self.collect(short)
        #expect(longOutcome.tokens.count == 40)
        #expect(longOutcome.text.hasPrefix("abcdefghijklmé€nopqrstuvwxyzabc"))
        #expect(joinedOutcome.text == "rstuv")
        #expect(shortOutcome.text == "fg")
        let steps = decoder.stepEntryCounts
        #expect(steps.contains(3), "all three in one step")
        #expect(steps.last == 1, "the long one alone at the end")
        #expect(decoder.stepTokenCounts.allSatisfy { $0 <= 8 }, "the token budget holds")
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
    }

    /// With few KV blocks, requests wait (or running ones are preempted and resumed) and all
    /// complete with the tokens they make alone; the ledger is never overdrawn.
    @Test func kvExhaustionWaitsThenCompletes() async throws {
        let decoder = ScriptedDecoder(kvBlockTokens: 4, kvBlockCount: 8)  // 32 tokens in all
        let scheduler = try GenerationScheduler(
            model: decoder.model(), configuration: .init(stepTokenBudget: 16, maxRunningSequences: 4), name: "test")
        defer { scheduler.stop() }
        let prompts = ["0123456a", "0123456e", "0123456i", "0123456n"]
        let streams = try prompts.map { try scheduler.submit(Self.request($0, maxTokens: 12)) }
        for (prompt, stream) in zip(prompts, streams) {
            let outcome = try await Self.collect(stream)
            #expect(outcome.text == Self.script(after: prompt.last!, count: 12) || outcome.finish?.reason == .stop)
            #expect(outcome.text == Self.script(after: prompt.last!, count: outcome.tokens.count))
        }
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
    }

    @Test func refusesWhatCanNeverFitAndAFullQueue() async throws {
        let decoder = ScriptedDecoder(contextLength: 64, kvBlockTokens: 4, kvBlockCount: 8)
        let scheduler = try GenerationScheduler(
            model: decoder.model(), configuration: .init(maxWaitingRequests: 1), name: "test")
        defer { scheduler.stop() }
        #expect(throws: GenerationError.neverFits(tokens: 70, limit: 64, what: "context")) {
            _ = try scheduler.submit(Self.request("abcdefghij", maxTokens: 60))
        }
        #expect(throws: GenerationError.neverFits(tokens: 40, limit: 32, what: "KV cache")) {
            _ = try scheduler.submit(Self.request("abcdefghij", maxTokens: 30))
        }
        decoder.gate.hold()
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        let running = try scheduler.submit(Self.request("a", maxTokens: 4))
        _ = await blocked.next()  // admitted and in its first step
        let waiting = try scheduler.submit(Self.request("b", maxTokens: 4))
        #expect(throws: GenerationError.queueFull(limit: 1)) {
            _ = try scheduler.submit(Self.request("c", maxTokens: 4))
        }
        decoder.gate.release()
        #expect(try await Self.collect(running).text == "bcde")
        #expect(try await Self.collect(waiting).text == "cdef")
    }

    /// A stream whose consumer goes away frees its blocks at the next step.
    @Test func cancelledStreamFreesItsBlocks() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        defer { scheduler.stop() }
        decoder.gate.hold(afterSteps: 3)
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        var closed = decoder.closed.makeAsyncIterator()
        let consumer = Task {
            for try await _ in try scheduler.submit(Self.request("#", maxTokens: 200)) {}
        }
        _ = await blocked.next()
        consumer.cancel()
        _ = await consumer.result
        decoder.gate.release()
        _ = await closed.next()
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
        #expect(decoder.openSequences == 0)
        #expect(decoder.stepEntryCounts.count < 10, "stopped long before max_tokens")
    }

    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(by duration: Duration) { instant.withLock { $0 = $0.advanced(by: duration) } }
    }

    @Test func passedDeadlineEndsTheStream() async throws {
        let decoder = ScriptedDecoder()
        let clock = ManualClock()
        let scheduler = try GenerationScheduler(
            model: decoder.model(), configuration: .init(), name: "test", now: { clock.now })
        defer { scheduler.stop() }
        decoder.gate.hold(afterSteps: 1)
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        var request = Self.request("#", maxTokens: 200)
        request.deadline = clock.now + .seconds(1)
        let stream = try scheduler.submit(request)
        _ = await blocked.next()  // generating, and its deadline not passed: its second step waits
        clock.advance(by: .seconds(2))
        decoder.gate.release()
        await #expect(throws: GenerationError.deadlineExceeded(generatedTokens: 2)) {
            _ = try await Self.collect(stream)
        }
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
        #expect(decoder.stepEntryCounts.count == 2, "ended at the first step after the deadline")
    }

    @Test func stopEndsEveryGenerationWithCancelled() async throws {
        let decoder = ScriptedDecoder()
        let scheduler = try GenerationScheduler(model: decoder.model(), configuration: .init(), name: "test")
        decoder.gate.hold(afterSteps: 1)
        var blocked = decoder.gate.blocked.makeAsyncIterator()
        let stream = try scheduler.submit(Self.request("#", maxTokens: 200))
        _ = await blocked.next()
        scheduler.stop()
        decoder.gate.release()
        let outcome = try await Self.collect(stream)
        #expect(outcome.finish?.reason == .cancelled)
        #expect(decoder.freeKVBlocks == decoder.kvBlockCount)
    }
}
