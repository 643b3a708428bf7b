/// The outcome of an RPC as gRPC reports it: a code and a human-readable message.
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// A gRPC status code. A struct rather than an enum so that codes can grow without
    /// breaking anyone's `switch`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Wrapped: Int, Sendable, CaseIterable {
            case ok = 0
            case cancelled, unknown, invalidArgument, deadlineExceeded, notFound,
                alreadyExists, permissionDenied, resourceExhausted, failedPrecondition, aborted,
                outOfRange, unimplemented, `internal`, unavailable, dataLoss, unauthenticated
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The code's number on the wire (`grpc-status`).
        public var rawValue: Int { wrapped.rawValue }

        /// The code for a `grpc-status` number, or nil when the number is not a known code.
        public init?(rawValue: Int) {
            guard let wrapped = Wrapped(rawValue: rawValue) else { return nil }
            self.wrapped = wrapped
        }

        /// Every known code, in numeric order.
        public static var allCases: [Code] { Wrapped.allCases.map(Code.init) }

        /// The canonical upper-case name, e.g. `RESOURCE_EXHAUSTED`.
        public var description: String {
            switch wrapped {
            case .ok: "OK"
            case .cancelled: "CANCELLED"
            case .unknown: "UNKNOWN"
            case .invalidArgument: "INVALID_ARGUMENT"
            case .deadlineExceeded: "DEADLINE_EXCEEDED"
            case .notFound: "NOT_FOUND"
            case .alreadyExists: "ALREADY_EXISTS"
            case .permissionDenied: "PERMISSION_DENIED"
            case .resourceExhausted: "RESOURCE_EXHAUSTED"
            case .failedPrecondition: "FAILED_PRECONDITION"
            case .aborted: "ABORTED"
            case .outOfRange: "OUT_OF_RANGE"
            case .unimplemented: "UNIMPLEMENTED"
            case .internal: "INTERNAL"
            case .unavailable: "UNAVAILABLE"
            case .dataLoss: "DATA_LOSS"
            case .unauthenticated: "UNAUTHENTICATED"
            }
        }

        public static let ok = Code(.ok)
        public static let cancelled = Code(.cancelled)
        public static let unknown = Code(.unknown)
        public static let invalidArgument = Code(.invalidArgument)
        public static let deadlineExceeded = Code(.deadlineExceeded)
        public static let notFound = Code(.notFound)
        public static let alreadyExists = Code(.alreadyExists)
        public static let permissionDenied = Code(.permissionDenied)
        public static let resourceExhausted = Code(.resourceExhausted)
        public static let failedPrecondition = Code(.failedPrecondition)
        public static let aborted = Code(.aborted)
        public static let outOfRange = Code(.outOfRange)
        public static let unimplemented = Code(.unimplemented)
        public static let `internal` = Code(.internal)
        public static let unavailable = Code(.unavailable)
        public static let dataLoss = Code(.dataLoss)
        public static let unauthenticated = Code(.unauthenticated)
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The status of a successful call.
    public static let ok = Status(code: .ok)

    public var description: String {
        message.isEmpty ? code.description : "\(code): \(message)"
    }
}
