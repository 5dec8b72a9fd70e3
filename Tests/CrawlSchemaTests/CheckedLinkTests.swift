import LogbookStore
import Testing

@testable import CrawlSchema

/// `forEachCheckedLink`: every link of a run with its URL's outcome, the
/// dead ones and broken fragments being exactly the run's findings.
extension RecordedCrawlTests {
    @Test func everyLinkComesByPageWithItsOutcome() throws {
        let crawl = try record()
        var links: [CheckedLink] = []
        try crawl.forEachCheckedLink(checkFragments: true) { links.append($0) }
        #expect(
            links.map { "\($0.page ?? "-") \($0.line ?? 0) \($0.target) \($0.outcome?.description ?? "queued")" }
                == [
                    "- 0 http://h/ ok 200", "http://h/ 1 http://h/a ok 200", "http://h/ 2 http://h/a#missing ok 200",
                    "http://h/ 3 http://other/gone dead 404",
                    "http://h/ 4 mailto:x skipped (mailto: links are not checked)",
                ])
        #expect(links.map(\.isBrokenFragment) == [false, false, true, false, false])

        for checkFragments in [true, false] {
            var fromLinks: [CrawlFinding] = []
            try crawl.forEachCheckedLink(checkFragments: checkFragments) { link in
                if let finding = link.finding { fromLinks.append(finding) }
            }
            var findings: [CrawlFinding] = []
            try crawl.forEachFinding(checkFragments: checkFragments) { findings.append($0) }
            #expect(Set(fromLinks) == Set(findings), "checkFragments: \(checkFragments)")
            #expect(fromLinks.count == findings.count && findings.count == (checkFragments ? 2 : 1))
        }
    }
}
