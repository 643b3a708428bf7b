internal import QuantServeProto

/// The descriptors of every `.proto` the server may serve, with their imports: the serialized
/// `google.protobuf.FileDescriptorSet` that `protoc --descriptor_set_out --include_imports`
/// wrote, committed as a C array by scripts/generate-protos.sh.
public enum ServedDescriptorSet {
    /// The serialized `FileDescriptorSet`.
    public static var serializedBytes: [UInt8] {
        var count = 0
        let start = quantserve_served_descriptor_set(&count)
        return [UInt8](UnsafeBufferPointer(start: start, count: count))
    }
}
