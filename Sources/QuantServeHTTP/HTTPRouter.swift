import Foundation

/// The route table of an `HTTPServer`: exact `(method, path)` pairs, each with an async handler.
///
/// To add a route, register it before the server starts:
/// ```swift
/// var router = HTTPRouter()
/// router.add("GET", "/metrics") { request in
///     HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: Data(exposition.utf8))
/// }
/// let server = HTTPServer(router: router, configuration: .init(host: "127.0.0.1", port: 9090), logger: logger)
/// try await server.start()
/// ```
/// The path is compared exactly, without the query. A path that has routes but not for the
/// request's method gets 405 with `allow`; any other path gets 404. A handler that throws
/// gets 500 (the error is logged, not sent). Set `refusalResponse` to answer these in an
/// API's own error shape.
public struct HTTPRouter: Sendable {
    /// Answers one request; runs in a task of its own, off the event loop.
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private struct Route: Hashable {
        var method: String
        var path: String
    }

    private var handlers: [Route: Handler] = [:]

    /// How the server words the answers it gives without a handler (400, 404, 405, 408, 413,
    /// 431, 500, 503), from a status and a message: plain text unless an API wants its own
    /// error shape.
    public var refusalResponse: @Sendable (_ status: Int, _ message: String) -> HTTPResponse = {
        HTTPResponse.text($0, $1)
    }

    public init() {}

    /// Routes `method` requests for `path` to `handler`, replacing a handler already there.
    public mutating func add(_ method: String, _ path: String, handler: @escaping Handler) {
        handlers[Route(method: method.uppercased(), path: path)] = handler
    }

    /// The `(method, path)` pairs served, sorted by path.
    public var routes: [(method: String, path: String)] {
        handlers.keys.sorted { ($0.path, $0.method) < ($1.path, $1.method) }.map { (method: $0.method, path: $0.path) }
    }

    /// The handler of `request`, or the 404/405 answer when there is none.
    func resolve(_ request: HTTPRequest) -> Result<Handler, HTTPResponseError> {
        if let handler = handlers[Route(method: request.method, path: request.path)] {
            return .success(handler)
        }
        let allowed = handlers.keys.filter { $0.path == request.path }.map(\.method).sorted()
        if allowed.isEmpty {
            return .failure(HTTPResponseError(response: refusalResponse(404, "no route for \(request.path)")))
        }
        var response = refusalResponse(
            405, "\(request.path) accepts \(allowed.joined(separator: ", ")), not \(request.method)")
        response.headers.append(("allow", allowed.joined(separator: ", ")))
        return .failure(HTTPResponseError(response: response))
    }
}

/// A response the server sends instead of calling a handler.
struct HTTPResponseError: Error {
    var response: HTTPResponse
}
