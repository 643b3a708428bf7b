import Foundation
import QuantServeTransformer

/// Where `quantserve serve` takes the admin token from, in order: `--admin-token-file PATH`
/// (one line, surrounding whitespace trimmed), the environment variable `QUANTSERVE_ADMIN_TOKEN`,
/// or `--admin-token`, which still works but earns a warning: a command line is readable by every
/// user of the machine in `/proc/<pid>/cmdline` and `ps`.
public struct AdminTokenSource: Sendable {
    /// The environment variable holding the token.
    public static let environmentVariable = "QUANTSERVE_ADMIN_TOKEN"
    /// The largest token file read.
    public static let maximumFileBytes = 4096

    /// The token, or nil when none was given (admin calls from loopback peers only).
    public let token: String?
    /// What the operator should hear at start-up (a token in argv, a file other users can read).
    public let warnings: [String]

    /// Picks the token from the flag `argument`, the token `file` and the `environment`.
    public init(argument: String?, file: String?, environment: [String: String]) throws {
        var warnings: [String] = []
        let fromEnvironment = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        if argument != nil && file != nil {
            throw AdminTokenError.conflictingSources
        }
        if (argument != nil || file != nil) && fromEnvironment != nil {
            warnings.append("both \(Self.environmentVariable) and an --admin-token flag are set; the flag wins")
        }
        let token: String?
        if let file {
            let url = URL(fileURLWithPath: file)
            let bytes = try RegularFile.bytes(of: url, limit: Self.maximumFileBytes, symlinks: .follow)
            guard let text = String(bytes: bytes, encoding: .utf8) else {
                throw AdminTokenError.invalid("\(file) is not UTF-8")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let permissions =
                (try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)[
                    .posixPermissions] as? Int) ?? 0
            if permissions & 0o077 != 0 {
                warnings.append(
                    "the admin token file \(file) can be read by other users (mode \(String(permissions, radix: 8))); chmod 600 it"
                )
            }
        } else if let argument {
            token = argument
            warnings.append(
                "--admin-token puts the token on the command line, where every user of this machine can read it "
                    + "(/proc/<pid>/cmdline, ps); use --admin-token-file PATH or \(Self.environmentVariable) instead")
        } else {
            token = fromEnvironment
        }
        if let token {
            guard !token.isEmpty else { throw AdminTokenError.invalid("the admin token is empty") }
            guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw AdminTokenError.invalid("the admin token may hold only printable ASCII without spaces")
            }
        }
        self.token = token
        self.warnings = warnings
    }
}

/// Why the admin token could not be taken from its source.
public enum AdminTokenError: Error, Equatable, CustomStringConvertible {
    /// Both `--admin-token` and `--admin-token-file` were given.
    case conflictingSources
    /// The token (or its file) cannot be used.
    case invalid(String)

    public var description: String {
        switch self {
        case .conflictingSources: "give either --admin-token-file or --admin-token, not both"
        case .invalid(let reason): reason
        }
    }
}
