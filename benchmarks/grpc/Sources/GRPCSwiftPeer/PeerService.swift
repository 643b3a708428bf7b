import QuantServeGRPC
import GRPCProtobuf

/// Health Check (always SERVING) and Echo Get, registered the way generated grpc-swift-2
/// service code registers unary methods.
struct PeerService: RegistrableRPCService {
    static let check = MethodDescriptor(fullyQualifiedService: "grpc.health.v1.Health", method: "Check")
    static let get = MethodDescriptor(fullyQualifiedService: "testing.v1.Echo", method: "Get")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Self.check,
            deserializer: ProtobufDeserializer<HealthCheckRequest>(),
            serializer: ProtobufSerializer<HealthCheckResponse>()
        ) { request, context in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: try await self.check(request: single, context: context))
        }
        router.registerHandler(
            forMethod: Self.get,
            deserializer: ProtobufDeserializer<EchoRequest>(),
            serializer: ProtobufSerializer<EchoResponse>()
        ) { request, context in
            let single = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: try await self.get(request: single, context: context))
        }
    }

    func check(request: ServerRequest<HealthCheckRequest>, context: ServerContext) async throws -> ServerResponse<HealthCheckResponse> {
        var response = HealthCheckResponse()
        response.status = 1
        return ServerResponse(message: response)
    }

    func get(request: ServerRequest<EchoRequest>, context: ServerContext) async throws -> ServerResponse<EchoResponse> {
        var response = EchoResponse()
        response.message = request.message.message
        response.payload = request.message.payload
        return ServerResponse(message: response)
    }
}
