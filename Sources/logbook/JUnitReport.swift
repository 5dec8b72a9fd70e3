import CrawlSchema
import LogbookCrawl
import LogbookStore

/// Checked links as a JUnit XML report, for CI test-report views (GitLab's
/// test report, Jenkins' JUnit plugin, GitHub test-reporter actions).
///
/// A referring page is a `<testsuite>` (named by its URL) and each link on it
/// a `<testcase>` (named by the link, `classname` the page, with `file` and
/// `line` attributes): a dead link is a `<failure type="dead-link">` (or
/// `broken-fragment`) naming the page and line; a link not checked (skipped,
/// excluded, disallowed by robots.txt, a redirect not followed, or not yet
/// fetched in an interrupted run) is `<skipped>`; the rest pass. URLs no page
/// links to (the start URL) form the suite "(the start URL)"; a case of no
/// page has its suite's name as `classname` (a diff's "fixed since run A").
///
/// Why a suite per page and not a test per URL: these views group failures
/// by suite and class, and the page is where a dead link is fixed, so that
/// is what a reader should see grouped (as `text` and `github` group them);
/// a URL linked from 300 pages is 300 failures, one per edit to make. A
/// test's identity, page and link, stays the same from build to build, so
/// Jenkins' "failing since" and GitLab's "new failures" track a link. A test
/// per URL would put all its pages in one failure message, which those views
/// show collapsed and cannot link to.
///
/// Written as the links are read: one page's cases are held (a suite's
/// counts are attributes on its opening tag), never the run's.
struct JUnitReport {
    /// A test: a link, on a page.
    struct TestCase {
        enum Result {
            case passed
            case skipped(String)
            case failed(CrawlFinding)
        }

        let name: String
        let page: String?
        let line: Int?
        let result: Result

        /// A finding as a failed test.
        init(_ finding: CrawlFinding) {
            self.init(name: finding.url, page: finding.foundOn, line: finding.line, result: .failed(finding))
        }

        init(name: String, page: String?, line: Int?, result: Result) {
            self.name = name
            self.page = page
            self.line = line
            self.result = result
        }
    }

    private let output: BufferedOutput
    /// A test's `file`: its page's location (`PageLocations`).
    private let locate: (String) -> PageLocation

    /// Starts the document; `name` names the whole report.
    init(
        named name: String, locating locate: @escaping (String) -> PageLocation = PageLocation.url,
        to output: BufferedOutput
    ) throws {
        self.output = output
        self.locate = locate
        try output.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"\(name.xmlEscaped)\">\n")
    }

    /// One suite and its cases; a suite with no case is left out.
    func suite(_ name: String, _ cases: [TestCase]) throws {
        guard !cases.isEmpty else { return }
        var failures = 0, skipped = 0
        for test in cases {
            switch test.result {
            case .passed: break
            case .skipped: skipped += 1
            case .failed: failures += 1
            }
        }
        try output.write(
            "  <testsuite name=\"\(name.xmlEscaped)\" tests=\"\(cases.count)\" failures=\"\(failures)\" "
                + "errors=\"0\" skipped=\"\(skipped)\">\n")
        for test in cases {
            let classname = test.page ?? name
            var tag = "    <testcase name=\"\(test.name.xmlEscaped)\" classname=\"\(classname.xmlEscaped)\""
            if let page = test.page { tag += " file=\"\(locate(page).text.xmlEscaped)\"" }
            if let line = test.line { tag += " line=\"\(line)\"" }
            switch test.result {
            case .passed:
                try output.write(tag + "/>\n")
            case .skipped(let why):
                try output.write(tag + ">\n      <skipped message=\"\(why.xmlEscaped)\"/>\n    </testcase>\n")
            case .failed(let finding):
                let place = "\(finding.foundOn ?? Self.noPage)\(finding.line.map { " line \($0)" } ?? "")"
                let text = "\(place) links to \(finding.url): \(finding.why)"
                try output.write(
                    tag + ">\n      <failure type=\"\(finding.kind.ruleID)\" message=\"\(finding.why.xmlEscaped)\">"
                        + "\(text.xmlEscaped)</failure>\n    </testcase>\n")
            }
        }
        try output.write("  </testsuite>\n")
    }

    func finish() throws { try output.write("</testsuites>\n") }

    /// The suite of URLs no page links to.
    static let noPage = "(the start URL)"

    /// Every link of a crawl, a suite per page (`RecordedCrawl.forEachCheckedLink`).
    static func crawl(
        _ summary: CrawlSummary, from connection: Connection, locating locate: @escaping (String) -> PageLocation,
        to output: BufferedOutput
    ) throws {
        let report = try JUnitReport(named: "logbook crawl of run \(summary.runID)", locating: locate, to: output)
        // The page of the suite being gathered: .none before the first link,
        // .some(nil) for URLs no page links to.
        var page: String?? = .none
        var cases: [TestCase] = []
        try RecordedCrawl(connection, run: summary.runID).forEachCheckedLink(
            checkFragments: summary.checkFragments
        ) { link in
            if page != .some(link.page) {
                if let page { try report.suite(page ?? noPage, cases) }
                (page, cases) = (link.page, [])
            }
            cases.append(TestCase(link))
        }
        if let page { try report.suite(page ?? noPage, cases) }
        try report.finish()
    }
}

extension JUnitReport.TestCase {
    /// A link as a test: failed when it is a finding, skipped when its URL
    /// was not checked.
    init(_ link: CheckedLink) {
        let result: Result =
            if let finding = link.finding { .failed(finding) } else if let outcome = link.outcome {
                switch outcome.outcome {
                case .ok: .passed
                case .redirect: .skipped("redirect not followed")
                default: .skipped("not checked: \(outcome.outcome.rawValue)")
                }
            } else { .skipped("not checked yet: the run was interrupted") }
        self.init(name: link.target, page: link.page, line: link.line, result: result)
    }
}

extension String {
    /// Text as XML 1.0 writes it in an attribute or element: markup
    /// characters and line breaks and tabs as references (kept as they are by
    /// a parser's attribute normalisation), and characters XML 1.0 cannot hold
    /// at all (other control characters, U+FFFE, U+FFFF) as U+FFFD.
    var xmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
