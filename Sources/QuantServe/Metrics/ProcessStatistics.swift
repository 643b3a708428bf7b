import Foundation

/// The process' resident memory and CPU time, read from Linux's /proc/self at the moment asked.
struct ProcessStatistics: Sendable, Equatable {
    /// Resident set size (statm's second field, in pages, times the page size).
    var residentBytes: Int
    /// User plus system CPU time (stat's utime and stime, in clock ticks).
    var cpuSeconds: Double

    /// The statistics now, or nil when /proc cannot be read (not Linux).
    static func current() -> ProcessStatistics? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        else { return nil }
        return parse(
            stat: stat, statm: statm, pageBytes: Int(sysconf(Int32(_SC_PAGESIZE))),
            ticksPerSecond: Int(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Parses the two files' text. The command name in stat (field 2) is in parentheses and may
    /// hold spaces and parentheses itself, so fields are counted from the last ')'.
    static func parse(stat: String, statm: String, pageBytes: Int, ticksPerSecond: Int) -> ProcessStatistics? {
        let pages = statm.split(separator: " ")
        guard pages.count >= 2, let residentPages = Int(pages[1]),
            let close = stat.lastIndex(of: ")"), ticksPerSecond > 0
        else { return nil }
        // After ')': field 3 (state) is index 0, so utime (field 14) is 11 and stime (15) is 12.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return ProcessStatistics(
            residentBytes: residentPages * pageBytes,
            cpuSeconds: Double(user + system) / Double(ticksPerSecond))
    }
}
