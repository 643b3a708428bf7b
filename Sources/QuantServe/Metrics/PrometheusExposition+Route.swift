import Foundation
public import QuantServeHTTP

extension PrometheusExposition {

    /// Routes `GET /metrics` to the text exposition; the registry's values are rendered per scrape.
    public func addRoute(to router: inout HTTPRouter) {
        router.add("GET", Self.path) { [self] _ in
            HTTPResponse(status: 200, contentType: Self.contentType, body: Data(render()))
        }
    }
}
