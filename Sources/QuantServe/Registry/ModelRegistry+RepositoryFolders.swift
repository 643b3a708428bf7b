import Foundation

/// What the repository folder holds: `<name>/<version>/` folders, a version complete once its
/// completion marker (`RepositoryWatcher.completionMarker`) is written.
extension ModelRegistry {
    /// The names of the repository's model folders that are valid model names, sorted.
    public func repositoryModelNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repository.path)) ?? []
        return names.sorted().filter { (try? Self.validate(name: $0)) != nil }
    }

    /// The complete versions of `name` in the repository, ascending.
    public func completeVersions(of name: String) -> [UInt64] {
        let files = FileManager.default
        let folder = repository.appendingPathComponent(name)
        let entries = (try? files.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.compactMap(UInt64.init).filter { version in
            version > 0 && files.fileExists(atPath: folder.appendingPathComponent("\(version)/\(RepositoryWatcher.completionMarker)").path)
        }.sorted()
    }
}
