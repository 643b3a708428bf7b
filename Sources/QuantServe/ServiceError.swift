import QuantServeGRPC

/// The one place where the service's errors become gRPC statuses.
enum ServiceError {
    /// `error` as the `RPCError` a client should see.
    static func rpcError(_ error: any Error) -> any Error {
        switch error {
        case let error as RPCError:
            return error
        case is CancellationError:
            return error
        case let error as RegistryError:
            return RPCError(code: code(for: error), message: error.description)
        case let error as SchedulerError:
            return RPCError(code: code(for: error), message: error.description)
        case let error as InferenceError:
            return RPCError(code: code(for: error), message: error.description)
        case let error as GenerationError:
            return RPCError(code: code(for: error), message: error.description)
        case let error as GenerateRequestError:
            return RPCError(code: .invalidArgument, message: error.description)
        default:
            return RPCError(code: .internal, message: "internal error: \(error)")
        }
    }

    static func code(for error: RegistryError) -> Status.Code {
        switch error {
        case .unknownModel, .unknownVersion, .missingDirectory: .notFound
        case .noServingVersion: .unavailable
        case .notReady: .failedPrecondition
        case .alreadyLoaded: .alreadyExists
        case .loadFailed, .invalidName: .invalidArgument
        case .outsideRepository, .notServing: .permissionDenied
        }
    }

    static func code(for error: SchedulerError) -> Status.Code {
        switch error {
        case .queueFull, .requestTooLarge: .resourceExhausted
        case .deadlineUnreachable, .deadlineExpiredInQueue, .deadlineExpiredInTokenization: .deadlineExceeded
        case .stopped: .unavailable
        case .engineFailed: .internal
        }
    }

    static func code(for error: InferenceError) -> Status.Code {
        switch error {
        case .noTexts, .badText, .unknownInputType: .invalidArgument
        case .tooManyTexts: .resourceExhausted
        case .noIntents, .noKnowledgeBase, .notAnEncoder, .notADecoder: .failedPrecondition
        case .unknownHead: .invalidArgument
        }
    }

    static func code(for error: GenerationError) -> Status.Code {
        switch error {
        case .queueFull, .neverFits: .resourceExhausted
        case .deadlineExceeded: .deadlineExceeded
        case .decoderFailed, .invalidConfiguration: .internal
        }
    }

    /// Runs `body`, converting whatever it throws.
    static func converting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw rpcError(error)
        }
    }
}
