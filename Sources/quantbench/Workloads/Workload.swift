import QuantServeGRPC

/// What each benchmark call sends: one method and the serialized request of every call.
/// Requests are encoded once, up front, so that encoding is not part of what is measured
/// and the load loop does not allocate for them.
protocol Workload: Sendable {
    /// A short name for reports, e.g. `health`.
    var name: String { get }
    /// The method every call invokes.
    var method: MethodDescriptor { get }
    /// The serialized request of call number `callIndex` (numbered over the whole run).
    func request(callIndex: Int) -> [UInt8]
}
