import Foundation
import Testing

@testable import QuantServe

@Suite("OpenAI request decoding and error mapping")
struct OpenAIRequestTests {
    private func decode(_ json: String) throws(OpenAIError) -> EmbeddingsRequest {
        try EmbeddingsRequest.decode(Data(json.utf8))
    }

    private func refusal(_ json: String) -> OpenAIError? {
        do {
            _ = try decode(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func stringAndListInputsDecode() throws {
        #expect(try decode(#"{"model":"m","input":"hi","user":"u"}"#) == EmbeddingsRequest(texts: ["hi"], model: "m"))
        #expect(
            try decode(#"{"model":"m","input":["a","b"],"encoding_format":"base64","dimensions":384}"#)
                == EmbeddingsRequest(texts: ["a", "b"], model: "m", encodingFormat: .base64, dimensions: 384))
    }

    @Test func badBodiesGet400WithTheParameterNamed() {
        #expect(refusal(#"{"model":"m","input":[1,2]}"#)?.message.contains("token-array") == true)
        #expect(refusal(#"{"model":"m","input":[[1],[2]]}"#)?.param == "input")
        #expect(refusal(#"{"model":"m"}"#)?.param == "input")
        #expect(refusal(#"{"input":"x"}"#)?.param == "model")
        #expect(refusal(#"{"model":"m","input":{"a":1}}"#)?.param == "input")
        #expect(refusal(#"{"model":"m","input":"x","encoding_format":"int8"}"#)?.param == "encoding_format")
        #expect(refusal(#"{"model":"m","input":"#)?.status == 400)
        #expect(refusal(String(repeating: "[", count: 1_000_000))?.message.contains("nested deeper") == true)
    }

    @Test func nestingIsCountedOutsideStringsOnly() {
        #expect(JSONNesting.depth(of: Data(#"{"a":"[[[[{{{{\"]]"}"#.utf8), stoppingAfter: 3) == 1)
        #expect(JSONNesting.depth(of: Data(#"{"a":[[1],[2]]}"#.utf8), stoppingAfter: 3) == 3)
        #expect(JSONNesting.depth(of: Data("[[[[[[".utf8), stoppingAfter: 3) == 4)
    }

    @Test func errorsMapToOpenAIStatuses() {
        #expect(OpenAIError(RegistryError.unknownModel("x")).status == 404)
        #expect(OpenAIError(RegistryError.unknownModel("x")).code == "model_not_found")
        #expect(OpenAIError(RegistryError.noServingVersion("x")).status == 503)
        #expect(OpenAIError(SchedulerError.queueFull(.requests(limit: 1))).status == 429)
        #expect(OpenAIError(SchedulerError.deadlineExpiredInQueue(waitedMicroseconds: 1)).status == 504)
        #expect(OpenAIError(SchedulerError.requestTooLarge(tokens: 9, limit: 8)).status == 413)
        #expect(OpenAIError(InferenceError.tooManyTexts(count: 2000, limit: 1024)).status == 413)
        #expect(OpenAIError(InferenceError.badText(index: 0, reason: "too long")).status == 400)
    }

    @Test func errorBodyHasOpenAIsShape() throws {
        let response = OpenAIError.invalidRequest("bad \"quote\"\n", param: "input").response
        #expect(response.status == 400)
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["message"] as? String == "bad \"quote\"\n")
        #expect(error["type"] as? String == "invalid_request_error")
        #expect(error["param"] as? String == "input")
        #expect(error["code"] is NSNull)
    }

    @Test func floatsAndBase64ReadBackExactly() throws {
        let values: [Float] = [0.1, -1e-7, 3.4028235e38, 1.1754944e-38, -0.0, 0.33333334]
        var text = JSONText()
        text.array { array in for value in values { array.float(value) } }
        let decoded = try JSONDecoder().decode([Float].self, from: text.data)
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))

        let bytes = try #require(Data(base64Encoded: OpenAIEndpoints.base64([1, -2.5])))
        #expect(Array(bytes) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0])
    }
}
