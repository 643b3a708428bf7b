import Foundation
import Testing

@testable import QuantServe

/// /proc/self/stat and statm as the metrics endpoint reads them.
@Suite struct ProcessStatisticsTests {
    @Test func parsesAfterACommandNameWithSpacesAndParentheses() throws {
        // Fields 3... of stat after "(name)": state, ppid, ..., utime (14) = 250, stime (15) = 150.
        let stat = "4242 (quant serve) (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 9 0 1000 1234567 890"
        let statistics = try #require(
            ProcessStatistics.parse(
                stat: stat, statm: "5000 1200 300 10 0 900 0\n",
                pageBytes: 4096, ticksPerSecond: 100))
        #expect(statistics == ProcessStatistics(residentBytes: 1200 * 4096, cpuSeconds: 4.0))
    }

    @Test func refusesTruncatedFiles() {
        #expect(
            ProcessStatistics.parse(
                stat: "4242 (quantserve) S 1 2", statm: "5000 1200", pageBytes: 4096, ticksPerSecond: 100) == nil)
        #expect(
            ProcessStatistics.parse(stat: "4242 quantserve S", statm: "5000", pageBytes: 4096, ticksPerSecond: 100)
                == nil)
    }

    @Test func readsThisProcess() throws {
        let statistics = try #require(ProcessStatistics.current())
        #expect(statistics.residentBytes > 1 << 20)
        #expect(statistics.cpuSeconds > 0)
    }
}
