import QuantServeAPI
import QuantServeGRPC

/// gRPC server reflection, `grpc.reflection.v1.ServerReflection` and
/// `grpc.reflection.v1alpha.ServerReflection`: tools such as grpcurl list the services and
/// learn their messages from the server itself, without the `.proto` files.
///
/// Each request on a `ServerReflectionInfo` stream gets one response, in order:
/// - `list_services`: the services registered beside this one, and reflection's own two;
/// - `file_by_filename`, `file_containing_symbol`: the file's serialized
///   `FileDescriptorProto`, then those of every file it imports (each file once);
/// - `file_containing_extension`, `all_extension_numbers_of_type`: from the extensions the
///   served files declare;
/// - anything unknown or not found: an `error_response` (NOT_FOUND, INVALID_ARGUMENT or
///   UNIMPLEMENTED) with a message naming what was asked; the stream stays open.
///
/// The descriptors come from `ServedDescriptorSet` (scripts/generate-protos.sh), indexed once.
public struct ServerReflectionService: RPCService {
    /// The longest name (file, symbol, type or host) a request may carry, in UTF-8 bytes;
    /// a longer one is refused with INVALID_ARGUMENT and not echoed back.
    public static let maxNameBytes = 1024

    private let index: DescriptorIndex

    /// Reflection over `services` and itself, described by `descriptorSet` (a serialized
    /// `FileDescriptorSet`). Throws when a service's `.proto` is missing from the set.
    public init(describing services: [any RPCService], descriptorSet: [UInt8] = ServedDescriptorSet.serializedBytes)
        throws
    {
        let served =
            RPCRouter(services: services).methods.map(\.service)
            + ReflectionMethods.all.map(\.service)
        index = try DescriptorIndex(descriptorSet: descriptorSet, services: served)
    }

    /// Registers `ServerReflectionInfo` of v1 and of v1alpha.
    public func register(in router: inout RPCRouter) {
        let index = index
        for method in ReflectionMethods.all {
            router.registerBidirectionalStreaming(
                method, request: ServerReflectionRequest.self,
                response: ServerReflectionResponse.self
            ) { requests, writer, _ in
                for try await request in requests {
                    try await writer.write(Self.response(to: request, from: index))
                }
                return [:]
            }
        }
    }

    /// The answer to one request.
    static func response(to request: ServerReflectionRequest, from index: DescriptorIndex) -> ServerReflectionResponse {
        if let overlong = request.names.first(where: { $0.utf8.count > maxNameBytes }) {
            return ServerReflectionResponse(
                originalRequest: nil,
                answer: .error(
                    code: .invalidArgument,
                    message:
                        "a name of \(overlong.utf8.count) bytes, over the limit of \(maxNameBytes) bytes, starting \(ClientText.quoted(overlong))"
                ))
        }
        return ServerReflectionResponse(
            validHost: request.host, originalRequest: request, answer: answer(to: request.query, from: index))
    }

    private static func answer(to query: ServerReflectionRequest.Query?, from index: DescriptorIndex)
        -> ServerReflectionResponse.Answer
    {
        switch query {
        case .listServices:
            return .services(index.services)
        case .fileByFilename(let name):
            guard let files = index.descriptorsWithDependencies(of: name) else {
                return .error(code: .notFound, message: "no served .proto file is named \(ClientText.quoted(name))")
            }
            return .fileDescriptors(files)
        case .fileContainingSymbol(let symbol):
            guard let file = index.symbols[symbol], let files = index.descriptorsWithDependencies(of: file) else {
                return .error(
                    code: .notFound, message: "no served .proto file defines the symbol \(ClientText.quoted(symbol))")
            }
            return .fileDescriptors(files)
        case .fileContainingExtension(let containingType, let number):
            guard let file = index.extensions[containingType]?[number],
                let files = index.descriptorsWithDependencies(of: file)
            else {
                return .error(
                    code: .notFound,
                    message:
                        "no served .proto file declares extension \(number) of \(ClientText.quoted(containingType))")
            }
            return .fileDescriptors(files)
        case .allExtensionNumbersOfType(let type):
            guard index.symbols[type] != nil else {
                return .error(
                    code: .notFound, message: "no served .proto file defines the type \(ClientText.quoted(type))")
            }
            return .extensionNumbers(baseTypeName: type, numbers: (index.extensions[type] ?? [:]).keys.sorted())
        case nil:
            return .error(
                code: .unimplemented,
                message: "the request asks nothing this server knows (an empty or newer message_request)")
        }
    }
}

extension ServerReflectionRequest {
    /// Every client-chosen name the request carries.
    fileprivate var names: [String] {
        switch query {
        case .fileByFilename(let name), .fileContainingSymbol(let name), .allExtensionNumbersOfType(let name),
            .listServices(let name):
            [host, name]
        case .fileContainingExtension(let containingType, _):
            [host, containingType]
        case nil:
            [host]
        }
    }
}
