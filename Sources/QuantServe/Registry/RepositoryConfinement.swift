import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a caller-given folder (`LoadModel.path`) may be: inside the model repository, once
/// symbolic links and `..` are resolved (`realpath`), unless the server was started with
/// `--allow-model-path-outside-repository`; so an admin caller cannot make the server read an
/// arbitrary folder. Version folders found by name (`<repository>/<name>/<version>`) are the
/// operator's own and may be symbolic links to anywhere.
struct RepositoryConfinement: Sendable {
    let repository: URL
    let allowsOutside: Bool

    /// The resolved folder `candidate` names; throws `missingDirectory` when it does not exist or
    /// is not a folder, and, when `callerGiven`, `outsideRepository` when it lies outside the repository.
    func resolve(_ candidate: URL, callerGiven: Bool) throws -> URL {
        guard let resolved = Self.realPath(candidate.path) else {
            throw RegistryError.missingDirectory(path: candidate.path)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RegistryError.missingDirectory(path: candidate.path)
        }
        if callerGiven && !allowsOutside {
            guard let root = Self.realPath(repository.path) else {
                throw RegistryError.missingDirectory(path: repository.path)
            }
            let inside = resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/")
            guard inside else {
                throw RegistryError.outsideRepository(path: candidate.path, resolved: resolved, repository: root)
            }
        }
        return URL(fileURLWithPath: resolved, isDirectory: true)
    }

    /// `path` with every symbolic link, `.` and `..` resolved, or nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
