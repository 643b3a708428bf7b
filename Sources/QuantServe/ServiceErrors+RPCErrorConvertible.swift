import QuantServeGRPC

// The gRPC status of each error the service's handlers throw. Handlers throw these errors as
// they are; the server turns them into the call's status where it runs the handler.

extension RegistryError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code {
        switch self {
        case .unknownModel, .unknownVersion, .missingDirectory: .notFound
        case .noServingVersion: .unavailable
        case .notReady: .failedPrecondition
        case .alreadyLoaded: .alreadyExists
        case .loadFailed, .invalidName: .invalidArgument
        case .outsideRepository, .notServing: .permissionDenied
        }
    }

    public var rpcErrorMessage: String { description }
}

extension SchedulerError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code {
        switch self {
        case .queueFull, .requestTooLarge: .resourceExhausted
        case .deadlineUnreachable, .deadlineExpiredInQueue, .deadlineExpiredInTokenization: .deadlineExceeded
        case .stopped: .unavailable
        case .engineFailed: .internal
        }
    }

    public var rpcErrorMessage: String { description }
}

extension InferenceError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code {
        switch self {
        case .noTexts, .badText, .unknownInputType, .unknownHead: .invalidArgument
        case .tooManyTexts: .resourceExhausted
        case .noIntents, .noKnowledgeBase, .notAnEncoder, .notADecoder: .failedPrecondition
        }
    }

    public var rpcErrorMessage: String { description }
}

extension GenerationError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code {
        switch self {
        case .queueFull, .neverFits: .resourceExhausted
        case .deadlineExceeded: .deadlineExceeded
        case .decoderFailed, .invalidConfiguration: .internal
        }
    }

    public var rpcErrorMessage: String { description }
}

extension GenerateRequestError: RPCErrorConvertible {
    public var rpcErrorCode: Status.Code { .invalidArgument }
    public var rpcErrorMessage: String { description }
}
