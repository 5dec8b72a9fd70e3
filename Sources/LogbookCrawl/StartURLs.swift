public import CrawlSchema

/// A crawl ready to start (`Crawl.prepare`): its settings, with the start
/// URLs normalised and the site's origins; the credentials, which are never
/// recorded; and every start URL, in order.
public struct PreparedCrawl: Sendable {
    /// What `runs.config` records (a caller may add to it, e.g. `reuse`).
    public var config: CrawlConfig
    public let credentials: Credentials?
    public let seeds: [SeedCrawl.Seed]
    /// What a user is told of how the start URLs were read, e.g. sitemap
    /// locations left out for being on another origin than their sitemap's.
    public let notes: [String]
}

/// A start URL read from a list (`--urls-from`), and where: "FILE line N".
public struct ListedURL: Hashable, Sendable {
    public let url: String
    public let source: String

    public init(url: String, source: String) {
        self.url = url
        self.source = source
    }

    /// How messages name the list `--urls-from` read: its path, or
    /// "standard input" for "-".
    public static func name(of urlsFrom: String) -> String { urlsFrom == "-" ? "standard input" : urlsFrom }
}

/// The start URLs of a crawl as `prepare` reads them: each normalised and
/// checked, a bad one refused with where it came from.
struct StartURLs {
    /// Start URLs a crawl takes at most: about 100 MB of them, held until the run starts.
    static let limit = 1_000_000

    let maxURLLength: Int
    private(set) var seeds: [SeedCrawl.Seed] = []
    /// The origins of `seeds`, each once, in the order first seen.
    private(set) var origins: [String] = []
    private var knownOrigins: Set<String> = []

    init(maxURLLength: Int) {
        self.maxURLLength = maxURLLength
    }

    /// Adds `url`, read from `source` (nil: the command line), and returns it
    /// normalised. `shown` is how a message shows it.
    mutating func add(_ url: String, from source: String? = nil, shown: String? = nil) throws -> String {
        let seed = try Self.checked(url, from: source, shown: shown, maxURLLength: maxURLLength)
        guard seeds.count < Self.limit else {
            throw CrawlError(.options, "\(source.map { "\($0): " } ?? "")more than \(Self.limit) start URLs")
        }
        seeds.append(seed)
        if let origin = URLResolver.origin(of: seed.url), knownOrigins.insert(origin).inserted {
            origins.append(origin)
        }
        return seed.url
    }

    /// `url` normalised, or why it cannot be a start URL (or a sitemap's).
    static func checked(
        _ url: String, from source: String?, shown: String? = nil, maxURLLength: Int
    ) throws -> SeedCrawl.Seed {
        let place = source.map { "\($0): " } ?? ""
        // libcurl reads a URL up to its first NUL, and a CR or LF would break a request line.
        if url.unicodeScalars.contains(where: isControl) {
            let shown = shown.map(escapingControls) ?? Credentials.redacting(escapingControls(url))
            throw CrawlError(.options, "\(place)\(shown) is not a valid URL: it holds a control character")
        }
        let shown = shown ?? Credentials.redacting(url)
        guard URLResolver.removingCredentials(from: url).credentials == nil else {
            throw CrawlError(
                .options,
                """
                \(place)\(shown) holds credentials, which only the first URL argument may hold: give them \
                there or as LOGBOOK_CREDENTIALS=user:password (sent to the first start URL's origin)
                """)
        }
        switch URLResolver.resolve(url, against: url) {
        case .web(let normalised, let host, _):
            if normalised.utf8.count > maxURLLength {
                throw CrawlError(
                    .options,
                    """
                    \(place)the start URL is \(normalised.utf8.count) bytes long, longer than --max-url-length \
                    \(maxURLLength)
                    """)
            }
            return SeedCrawl.Seed(url: normalised, host: host)
        case .otherScheme:
            throw CrawlError(.options, "\(place)\(shown) is not an http or https URL")
        case .invalid:
            throw CrawlError(.options, "\(place)\(shown) is not a valid URL: \(URLResolver.problem(with: url))")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }

    /// `text` with each control character written as Swift writes it
    /// (`\0`, `\n`, `\u{1B}`), so a message shows where it is and cannot
    /// move the terminal's cursor.
    static func escapingControls(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.flatMap { isControl($0) ? Array($0.escaped(asASCII: true).unicodeScalars) : [$0] }))
    }
}
