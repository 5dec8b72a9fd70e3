import ArgumentParser
import CrawlSchema

/// What counts as ok and where requests go: `--accept` and `--remap`, as
/// lychee spells them. Each value is checked as it is parsed, so a bad one
/// is bad usage naming the flag and the part that is wrong.
struct CrawlRuleOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Final statuses counted as ok, e.g. 200..299,403,429 (inclusive ranges; repeatable); \
            any other is dead, except a 3xx without a usable Location (default: 200..299).
            """, valueName: "codes"),
        transform: StatusCodes.init(parsing:))
    var accept: [StatusCodes] = []
    @Option(
        help: ArgumentHelp(
            """
            Request URLs matching REGEX at REPLACEMENT ($1 for a group) instead, e.g. \
            'https://example\\.org/(.*) http://127.0.0.1:8080/$1'; URLs are recorded as found \
            (repeatable; the first rule that matches is used).
            """, valueName: "regex replacement"),
        transform: URLRemap.init(parsing:))
    var remap: [URLRemap] = []

    func apply(to config: inout CrawlConfig) {
        if !accept.isEmpty { config.accept = StatusCodes(union: accept) }
        config.remap = remap
    }
}
