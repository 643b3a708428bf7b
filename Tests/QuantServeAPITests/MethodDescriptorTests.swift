import QuantServeAPI
import QuantServeGRPC
import Testing

/// The RPC paths must be exactly those of the .proto files.
@Suite("Method descriptors")
struct MethodDescriptorTests {
    @Test func pathsMatchTheProtoFiles() {
        #expect(
            InferenceMethods.all.map(\.path) == [
                "/inference.v1.Inference/Embed", "/inference.v1.Inference/Classify", "/inference.v1.Inference/Tokenize",
                "/inference.v1.Inference/Answer", "/inference.v1.Inference/Generate",
            ])
        #expect(
            ModelRegistryMethods.all.map(\.path) == [
                "/inference.v1.ModelRegistry/ListModels", "/inference.v1.ModelRegistry/LoadModel",
                "/inference.v1.ModelRegistry/ServeVersion", "/inference.v1.ModelRegistry/UnloadModel",
            ])
        #expect(HealthMethods.all.map(\.path) == ["/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"])
        #expect(
            EchoMethods.all.map(\.path) == [
                "/testing.v1.Echo/Get", "/testing.v1.Echo/Expand", "/testing.v1.Echo/Collect",
                "/testing.v1.Echo/Update",
            ])
    }
}
