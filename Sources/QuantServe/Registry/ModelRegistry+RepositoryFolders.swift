import Foundation
import Logging

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
            version > 0
                && files.fileExists(
                    atPath: folder.appendingPathComponent("\(version)/\(RepositoryWatcher.completionMarker)").path)
        }.sorted()
    }

    /// One pass over the repository, model folder by model folder (by name): loads the versions
    /// `pick` chooses among the folder's complete versions (ascending), each made the serving one
    /// when it is newer than the version serving then. Logs every load; returns those that loaded.
    @discardableResult
    func loadFromRepository(logger: Logger, pick: (_ name: String, _ complete: [UInt64]) -> [UInt64]) async
        -> [(name: String, version: UInt64)]
    {
        var loaded: [(name: String, version: UInt64)] = []
        for name in repositoryModelNames() {
            for version in pick(name, completeVersions(of: name)) {
                let serving = list(name: name).first?.servingVersion ?? 0
                do {
                    try await load(name: name, version: version, serve: version > serving)
                    logger.info(
                        "loaded a model version from the repository",
                        metadata: ["model": "\(name)", "version": "\(version)", "serving": "\(version > serving)"])
                    loaded.append((name, version))
                } catch {
                    logger.error(
                        "a model version in the repository failed to load; the repository watcher, when on, tries it again once its files change",
                        metadata: ["model": "\(name)", "version": "\(version)", "error": "\(error)"])
                }
            }
        }
        return loaded
    }
}
