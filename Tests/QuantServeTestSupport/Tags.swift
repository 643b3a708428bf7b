import Testing

/// Tags that say what a suite needs besides the process it runs in. Suites without them are
/// unit suites: in-process, fast, no network, no child processes.
extension Tag {
    /// Talks to a real server over loopback TCP.
    @Tag public static var loopback: Self
    /// Runs a child process (Python oracles and clients, h2load, Chromium, quantserve).
    @Tag public static var subprocess: Self
}
