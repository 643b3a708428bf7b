import ArgumentParser
import QuantServeGRPC

/// `quantserve serve --response-compression`: how responses are compressed for clients that
/// accept it (their `grpc-accept-encoding`); `none` sends every response uncompressed.
enum ResponseCompressionOption: String, CaseIterable, ExpressibleByArgument {
    case none
    case gzip
    case deflate

    /// The message encoding of responses.
    var encoding: MessageEncoding {
        switch self {
        case .none: .identity
        case .gzip: .gzip
        case .deflate: .deflate
        }
    }
}
