public import LogbookStore

extension RunInfo {
    /// A crawl's settings; a setting added since the run was made reads as
    /// its default (a run made before `--check-fragments` existed did not
    /// check fragments). The start URL has no default.
    public func crawlConfig() throws -> CrawlConfig {
        let config = try settings(as: CrawlConfig.self, filling: CrawlConfig(start: ""))
        guard !config.start.isEmpty else {
            throw SettingsError(runID: id, type: "CrawlConfig", reason: "it records no start URL")
        }
        return config
    }
}
