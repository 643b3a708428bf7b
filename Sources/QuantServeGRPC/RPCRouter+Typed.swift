/// Typed registration: the four call shapes over one `RPCHandler`.
extension RPCRouter {
    /// One request, one response.
    public mutating func registerUnary<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: @escaping @Sendable (Request, ServerContext) async throws -> ServerResponse<Response>
    ) {
        register(method) { requests, writer, context in
            let message = try await Self.single(requests.decoding(Request.self), method: method)
            let answer = try await handler(message, context)
            try await writer.writeHeaders(answer.headers)
            try await writer.encoding(Response.self).write(answer.message)
            return answer.trailers
        }
    }

    /// One request, a stream of responses.
    public mutating func registerServerStreaming<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: @escaping @Sendable (Request, RPCResponseWriter<Response>, ServerContext) async throws -> Metadata
    ) {
        register(method) { requests, writer, context in
            let message = try await Self.single(requests.decoding(Request.self), method: method)
            return try await handler(message, writer.encoding(Response.self), context)
        }
    }

    /// A stream of requests, one response.
    public mutating func registerClientStreaming<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler: @escaping @Sendable (RPCRequestStream<Request>, ServerContext) async throws -> ServerResponse<Response>
    ) {
        register(method) { requests, writer, context in
            let answer = try await handler(requests.decoding(Request.self), context)
            try await writer.writeHeaders(answer.headers)
            try await writer.encoding(Response.self).write(answer.message)
            return answer.trailers
        }
    }

    /// Streams both ways.
    public mutating func registerBidirectionalStreaming<Request: GRPCMessage, Response: GRPCMessage>(
        _ method: MethodDescriptor,
        request: Request.Type = Request.self,
        response: Response.Type = Response.self,
        handler:
            @escaping @Sendable (RPCRequestStream<Request>, RPCResponseWriter<Response>, ServerContext) async throws ->
            Metadata
    ) {
        register(method) { requests, writer, context in
            try await handler(requests.decoding(Request.self), writer.encoding(Response.self), context)
        }
    }

    /// The one message of a unary or server-streaming request; anything else is the client's bug.
    private static func single<Request>(_ requests: RPCRequestStream<Request>, method: MethodDescriptor) async throws
        -> Request
    {
        var iterator = requests.makeAsyncIterator()
        guard let first = try await iterator.next() else {
            throw RPCError(code: .internal, message: "\(method) expects one request message and the client sent none")
        }
        guard try await iterator.next() == nil else {
            throw RPCError(code: .internal, message: "\(method) expects one request message and the client sent more")
        }
        return first
    }
}
