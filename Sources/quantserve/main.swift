import ArgumentParser

/// `quantserve`: the server and the operator's tools.
struct QuantServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantserve",
        abstract: "An inference server for int8 quantized Transformer models.",
        subcommands: [QuantizeCommand.self, EmbedCommand.self, TokenizeCommand.self])
}

QuantServeCommand.main()
