import CrawlSchema
import Testing

@testable import LogbookStore

/// A crawl's settings read back from a run, including one an older logbook
/// recorded before some settings existed.
@Suite struct CrawlConfigTests {
    func run(_ config: String) -> RunInfo {
        RunInfo(
            id: 1, kind: .crawl, status: .interrupted, config: config, startedAt: "", finishedAt: nil,
            logbookVersion: "test", summary: nil, pid: nil, host: nil)
    }

    @Test func aStoredConfigReadsBackAsItWas() throws {
        var config = CrawlConfig(start: "http://h/")
        config.checkFragments = true
        config.limits.maxBytes = 7
        config.exclude = ["x"]
        config.accept = try StatusCodes(parsing: "200..299,403")
        config.remap = [URLRemap(pattern: "^https://site/(.*)", replacement: "http://staging/$1")]
        config.moreStarts = ["http://h/b"]
        config.origins = ["http://other:8080"]
        config.sitemaps = ["http://h/sitemap.xml"]
        config.urlsFrom = "-"
        config.maxURLs = 12
        let stored = try StartRun(kind: .crawl, settings: config).config
        #expect(try run(stored).crawlConfig() == config)
    }

    /// Settings missing from the stored JSON, at any depth, take their defaults.
    @Test func settingsTheRunDidNotRecordAreTheirDefaults() throws {
        let config = try run(#"{"start": "http://old/", "workers": 3, "limits": {"maxBytes": 5}}"#).crawlConfig()
        var expected = CrawlConfig(start: "http://old/")
        expected.workers = 3
        expected.limits.maxBytes = 5
        #expect(config == expected)
        #expect(config.moreStarts == nil && config.origins == nil && config.sitemaps == nil)
        #expect(config.urlsFrom == nil && config.maxURLs == nil)
        #expect(throws: (any Error).self) { try run(#"{"workers": 3}"#).crawlConfig() }
    }
}
