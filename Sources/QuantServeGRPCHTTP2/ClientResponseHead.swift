import QuantServeGRPC

/// The fields of one response HEADERS block (headers or trailers) as they arrive.
struct ClientResponseHead {
    var httpStatus: Int?
    var contentType: String?
    var grpcStatus: String?
    var grpcMessage: String?
    var encoding: String?
    var metadata = Metadata()

    /// Records one field.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let nameText = String(decoding: name, as: UTF8.self)
        let valueText = String(decoding: value, as: UTF8.self)
        switch nameText {
        case ":status": httpStatus = Int(valueText)
        case "content-type": contentType = valueText
        case "grpc-status": grpcStatus = valueText
        case "grpc-message": grpcMessage = valueText
        case "grpc-encoding": encoding = valueText
        default: metadata.addHeaderField(name: nameText, value: valueText)
        }
    }

    /// The call's status from a block that ends the stream (trailers or trailers-only).
    var status: Status {
        if let grpcStatus {
            guard let number = Int(grpcStatus), let code = Status.Code(rawValue: number) else {
                return Status(code: .unknown, message: "the server sent an unknown grpc-status '\(grpcStatus)'")
            }
            return Status(code: code, message: grpcMessage.map(GRPCStatusMessageEncoding.decode) ?? "")
        }
        if let httpStatus, httpStatus != 200 { return Self.status(forHTTPStatus: httpStatus) }
        return Status(code: .internal, message: "the server ended the call without a grpc-status")
    }

    /// The error when a headers block does not open a gRPC response, nil when it does.
    var headersError: RPCError? {
        guard let httpStatus else {
            return RPCError(code: .internal, message: "the response has no :status")
        }
        guard httpStatus == 200 else {
            let status = Self.status(forHTTPStatus: httpStatus)
            return RPCError(code: status.code, message: status.message)
        }
        guard let contentType, contentType.hasPrefix("application/grpc") else {
            return RPCError(code: .internal, message: "the response content-type '\(contentType ?? "")' is not gRPC")
        }
        if let encoding, MessageEncoding(headerValue: encoding) == nil {
            return RPCError(
                code: .internal,
                message:
                    "the server compressed its response with grpc-encoding '\(encoding)', which this client does not read"
            )
        }
        return nil
    }

    /// The encoding of the response's compressed messages (checked by `headersError`).
    var messageEncoding: MessageEncoding {
        encoding.flatMap(MessageEncoding.init(headerValue:)) ?? .identity
    }

    /// gRPC's mapping of HTTP statuses for responses that carry no grpc-status.
    static func status(forHTTPStatus httpStatus: Int) -> Status {
        let code: Status.Code =
            switch httpStatus {
            case 400: .internal
            case 401: .unauthenticated
            case 403: .permissionDenied
            case 404: .unimplemented
            case 429, 502, 503, 504: .unavailable
            default: .unknown
            }
        return Status(code: code, message: "the server answered HTTP \(httpStatus)")
    }
}
