import Foundation
import QuantServeHTTP

/// An error in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, with the
/// HTTP status it is sent with. The one place where the service's errors become HTTP answers.
struct OpenAIError: Error, Equatable {
    var status: Int
    var message: String
    var type: String
    var param: String?
    var code: String?

    static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> OpenAIError {
        OpenAIError(status: 400, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// `error`, thrown by `Inference` or the registry, as the answer a client should see.
    init(_ error: any Error) {
        switch error {
        case let error as OpenAIError:
            self = error
        case let error as RegistryError:
            self = Self.converting(error)
        case let error as SchedulerError:
            self = Self.converting(error)
        case let error as InferenceError:
            self = Self.converting(error)
        case is CancellationError:
            self = OpenAIError(
                status: 503, message: "the request was cancelled", type: "server_error", code: "cancelled")
        default:
            self = OpenAIError(status: 500, message: "internal error: \(error)", type: "server_error")
        }
    }

    init(status: Int, message: String, type: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    private static func converting(_ error: RegistryError) -> OpenAIError {
        switch error {
        case .unknownModel, .unknownVersion, .invalidName:
            .init(
                status: 404, message: error.description, type: "invalid_request_error", param: "model",
                code: "model_not_found")
        case .noServingVersion, .notReady, .notServing:
            .init(
                status: 503, message: error.description, type: "server_error", param: "model", code: "model_not_serving"
            )
        case .alreadyLoaded, .missingDirectory, .loadFailed, .outsideRepository:
            .init(status: 500, message: error.description, type: "server_error")
        }
    }

    private static func converting(_ error: SchedulerError) -> OpenAIError {
        switch error {
        case .queueFull:
            .init(status: 429, message: error.description, type: "rate_limit_error", code: "rate_limit_exceeded")
        case .requestTooLarge:
            .init(
                status: 413, message: error.description, type: "invalid_request_error", param: "input",
                code: "request_too_large")
        case .deadlineUnreachable, .deadlineExpiredInQueue, .deadlineExpiredInTokenization:
            .init(status: 504, message: error.description, type: "timeout", code: "timeout")
        case .stopped:
            .init(status: 503, message: error.description, type: "server_error", code: "model_not_serving")
        case .engineFailed:
            .init(status: 500, message: error.description, type: "server_error")
        }
    }

    private static func converting(_ error: InferenceError) -> OpenAIError {
        switch error {
        case .noTexts, .badText:
            .invalidRequest(error.description, param: "input")
        case .unknownInputType:
            .invalidRequest(error.description, param: "input_type")
        case .tooManyTexts:
            .init(
                status: 413, message: error.description, type: "invalid_request_error", param: "input",
                code: "too_many_inputs")
        case .notAnEncoder, .notADecoder:
            .invalidRequest(error.description, param: "model")
        case .noIntents, .unknownHead, .noKnowledgeBase:  // Classify and Answer only, never Embed
            .init(status: 500, message: error.description, type: "server_error")
        }
    }

    /// The error as an HTTP response with a JSON body.
    var response: HTTPResponse {
        var body = JSONText()
        body.object { error in
            error.key("error")
            error.object { fields in
                fields.key("message")
                fields.string(message)
                fields.key("type")
                fields.string(type)
                fields.key("param")
                fields.optionalString(param)
                fields.key("code")
                fields.optionalString(code)
            }
        }
        return HTTPResponse(status: status, contentType: "application/json", body: body.data)
    }
}
