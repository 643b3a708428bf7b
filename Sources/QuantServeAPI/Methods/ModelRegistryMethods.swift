import QuantServeGRPC

/// The methods of the admin service `inference.v1.ModelRegistry`.
public enum ModelRegistryMethods {
    /// The fully qualified service name.
    public static let service = "inference.v1.ModelRegistry"
    /// `ListModels`: `ListModelsRequest` → `ListModelsResponse`.
    public static let listModels = MethodDescriptor(service: service, method: "ListModels")
    /// `LoadModel`: `LoadModelRequest` → `LoadModelResponse`.
    public static let loadModel = MethodDescriptor(service: service, method: "LoadModel")
    /// `ServeVersion`: `ServeVersionRequest` → `ServeVersionResponse`.
    public static let serveVersion = MethodDescriptor(service: service, method: "ServeVersion")
    /// `UnloadModel`: `UnloadModelRequest` → `UnloadModelResponse`.
    public static let unloadModel = MethodDescriptor(service: service, method: "UnloadModel")
    /// Every method of the service.
    public static let all = [listModels, loadModel, serveVersion, unloadModel]
}
