public import Foundation

/// One complete HTTP/1.1 request as a route handler sees it: the head and the whole body,
/// which the server has already bounded by `HTTPServerConfiguration.maxRequestBodyBytes`.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. "GET" or "POST".
    public var method: String
    /// The path of the request target, without its query (e.g. "/v1/embeddings").
    public var path: String
    /// What follows "?" in the request target, if anything did.
    public var query: String?
    /// Header fields in arrival order; look one up with `header(_:)`.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// The client's IP address, when known.
    public var remoteAddress: String?

    public init(
        method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [],
        body: Data = Data(), remoteAddress: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The value of the first header field named `name` (compared without case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The answer a route handler gives. The server adds `content-length` and `connection`.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200 or 404.
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `body`, labelled `contentType`.
    public init(status: Int, contentType: String, body: Data) {
        self.init(status: status, headers: [("content-type", contentType)], body: body)
    }

    /// A plain-text response holding `message` and a line break; how the server itself
    /// answers requests no route handler sees (404, 405, 413, ...) unless told otherwise.
    public static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Data((message + "\n").utf8))
    }
}
