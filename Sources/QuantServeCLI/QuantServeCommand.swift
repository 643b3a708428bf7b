import ArgumentParser

/// The `quantserve` command: one subcommand per task; adding one is a line in `subcommands`.
@main
struct QuantServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantserve",
        abstract: "A gRPC inference server for int8 quantized Transformer models.",
        subcommands: [
            ServeCommand.self,
            ModelsCommand.self,
            QuantizeCommand.self,
            EmbedCommand.self,
            TokenizeCommand.self,
            ImportCommand.self,
        ]
    )
}
