import ArgumentParser
import Foundation
import QuantServe
import QuantServeAPI
import QuantServeGRPC
import QuantServeGRPCHTTP2

/// `quantserve models list|load|serve|unload`: the operator's client for the ModelRegistry RPCs.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, load, promote, roll back and unload model versions on a running server.",
        subcommands: [List.self, Load.self, Serve.self, Unload.self])

    /// Where the server is and how to authenticate, shared by every subcommand.
    struct Connection: ParsableArguments {
        @Option(help: "The server, host:port.")
        var server = "127.0.0.1:50051"

        @Option(help: "File holding the admin token (default: $QUANTSERVE_ADMIN_TOKEN).")
        var adminTokenFile: String?

        @Option(
            help: "The admin token itself (visible to every user in /proc/<pid>/cmdline: prefer --admin-token-file).")
        var adminToken: String?

        @Option(help: "Seconds to wait for the server's answer.")
        var timeout: Double = 600

        @Option(
            name: .customLong("tls-ca"),
            help: "Connect over TLS, trusting the certificate authorities in this PEM file.")
        var tlsCertificateAuthorityFile: String?

        func call<Request: GRPCMessage, Response: GRPCMessage>(
            _ method: MethodDescriptor, _ request: Request, _ response: Response.Type
        ) async throws -> Response {
            let parts = server.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else {
                throw ValidationError("--server must have the form host:port, not \(server)")
            }
            let source = try AdminTokenSource(
                argument: adminToken, file: adminTokenFile,
                environment: ProcessInfo.processInfo.environment)
            for warning in source.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            var configuration = ClientConfiguration()
            configuration.tls = try tlsCertificateAuthorityFile.map { try ClientTLSConfiguration(trustRootsFile: $0) }
            let client = GRPCClient(host: String(parts[0]), port: port, configuration: configuration)
            try await client.connect()
            var metadata = Metadata()
            if let token = source.token {
                metadata.add("authorization", "Bearer \(token)")
            }
            let outcome: Result<Response, any Error>
            do {
                outcome = .success(
                    try await client.unary(
                        method, request: request, metadata: metadata,
                        timeout: Duration.milliseconds(Int64(timeout * 1000)),
                        responseType: response
                    ).message)
            } catch let error as RPCError {
                outcome = .failure(
                    ModelsCommandError(message: "\(method.method) failed: \(error.code): \(error.message)"))
            } catch {
                outcome = .failure(error)
            }
            await client.close()
            return try outcome.get()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every model, its versions and their states.")
        @OptionGroup var connection: Connection
        @Argument(help: "Only this model.") var name: String = ""

        func run() async throws {
            let response = try await connection.call(
                ModelRegistryMethods.listModels, ListModelsRequest(name: name), ListModelsResponse.self)
            print(ModelsTable.render(response.models))
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a version from the repository (or --path); --serve makes it serve once ready.")
        @OptionGroup var connection: Connection
        @Argument var name: String
        @Argument var version: UInt64
        @Option(help: "Load from this folder instead of <repository>/<name>/<version>.") var path: String = ""
        @Flag(help: "Make it the serving version once it is ready.") var serve = false

        func run() async throws {
            let response = try await connection.call(
                ModelRegistryMethods.loadModel,
                LoadModelRequest(name: name, version: version, path: path, serve: serve), LoadModelResponse.self)
            print(ModelsTable.render([response.model].compactMap { $0 }))
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a loaded version the serving one (promote or roll back).")
        @OptionGroup var connection: Connection
        @Argument var name: String
        @Argument var version: UInt64

        func run() async throws {
            let response = try await connection.call(
                ModelRegistryMethods.serveVersion, ServeVersionRequest(name: name, version: version),
                ServeVersionResponse.self)
            print(ModelsTable.render([response.model].compactMap { $0 }))
        }
    }

    struct Unload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop serving a version and free it once its in-flight requests end.")
        @OptionGroup var connection: Connection
        @Argument var name: String
        @Argument var version: UInt64

        func run() async throws {
            let response = try await connection.call(
                ModelRegistryMethods.unloadModel, UnloadModelRequest(name: name, version: version),
                UnloadModelResponse.self)
            print(ModelsTable.render([response.model].compactMap { $0 }))
        }
    }
}

/// A failed admin call, printed as the command's error.
struct ModelsCommandError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Renders model statuses as a plain-text table.
enum ModelsTable {
    static func render(_ models: [QuantServeAPI.ModelStatus]) -> String {
        var lines = ["MODEL\tVERSION\tSTATE\tMEMORY\tIN-FLIGHT\tERROR"]
        for model in models {
            for version in model.versions {
                let name = model.isDefault ? "\(model.name) (default)" : model.name
                let memory = String(format: "%.1f MiB", Double(version.memoryBytes) / 1_048_576)
                lines.append(
                    "\(name)\t\(version.version)\t\(stateName(version.state))\t\(memory)\t\(version.inFlight)\t\(version.error)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    static func stateName(_ state: QuantServeAPI.VersionState) -> String {
        switch state {
        case .unspecified: "unspecified"
        case .loading: "loading"
        case .ready: "ready"
        case .serving: "serving"
        case .failed: "failed"
        case .unloading: "unloading"
        case .unrecognized(let value): "state \(value)"
        }
    }
}
