extension HealthCheckResponse {
    /// Whether a service can take calls (`grpc.health.v1.HealthCheckResponse.ServingStatus`).
    public enum ServingStatus: Sendable, Hashable, RawRepresentable {
        /// The status is not known.
        case unknown
        /// The service takes calls.
        case serving
        /// The service exists but does not take calls now.
        case notServing
        /// No such service; sent only by `Watch`.
        case serviceUnknown
        /// A value this build does not know, kept as sent.
        case unrecognized(Int32)

        /// The status with this wire number.
        public init(rawValue: Int32) {
            switch rawValue {
            case 0: self = .unknown
            case 1: self = .serving
            case 2: self = .notServing
            case 3: self = .serviceUnknown
            default: self = .unrecognized(rawValue)
            }
        }

        /// The status's wire number.
        public var rawValue: Int32 {
            switch self {
            case .unknown: 0
            case .serving: 1
            case .notServing: 2
            case .serviceUnknown: 3
            case .unrecognized(let value): value
            }
        }
    }
}
