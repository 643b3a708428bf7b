import Foundation

/// The project's Python venv (`<repository>/.venv`), made by scripts/bootstrap.sh.
enum ProjectPython {
    /// The repository's root folder, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's interpreter, or nil when there is no venv.
    static var executable: URL? {
        let python = repositoryRoot.appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: python.path) ? python : nil
    }
}
