import QuantServeGRPC

/// The KServe v2 / Triton gRPC protocol (`inference.GRPCInferenceService` of Triton's
/// `grpc_service.proto`): its methods, and the namespace of its Swift messages.
public enum KServe {
    /// The fully qualified service name.
    public static let service = "inference.GRPCInferenceService"

    /// The methods of `inference.GRPCInferenceService`.
    public enum Methods {
        public static let serverLive = method("ServerLive")
        public static let serverReady = method("ServerReady")
        public static let modelReady = method("ModelReady")
        public static let serverMetadata = method("ServerMetadata")
        public static let modelMetadata = method("ModelMetadata")
        public static let modelInfer = method("ModelInfer")
        public static let modelConfig = method("ModelConfig")
        public static let modelStatistics = method("ModelStatistics")
        public static let repositoryIndex = method("RepositoryIndex")
        public static let repositoryModelLoad = method("RepositoryModelLoad")
        public static let repositoryModelUnload = method("RepositoryModelUnload")
        /// The methods QuantServe answers.
        public static let implemented = [
            serverLive, serverReady, modelReady, serverMetadata, modelMetadata, modelInfer,
            modelConfig, modelStatistics, repositoryIndex, repositoryModelLoad, repositoryModelUnload,
        ]
        /// The rest of the published service (streaming inference, shared memory, trace and log
        /// settings): QuantServe answers them UNIMPLEMENTED.
        public static let unimplemented = [
            "ModelStreamInfer", "SystemSharedMemoryStatus", "SystemSharedMemoryRegister",
            "SystemSharedMemoryUnregister",
            "CudaSharedMemoryStatus", "CudaSharedMemoryRegister", "CudaSharedMemoryUnregister", "TraceSetting",
            "LogSettings",
        ].map(method)

        private static func method(_ name: String) -> MethodDescriptor {
            MethodDescriptor(service: KServe.service, method: name)
        }
    }
}
