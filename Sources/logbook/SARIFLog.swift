import CrawlSchema
import LogbookStore

/// Findings as a SARIF 2.1.0 log (OASIS; what GitHub code scanning and
/// GitLab's security reports read): one run of the tool `logbook` with the
/// rules `dead-link` and `broken-fragment`, and one result per finding,
/// located at the page that links (`artifactLocation.uri`: the page's URL,
/// or its file in a crawl of a build folder, `PageLocations`, as a URI)
/// and the link's line there (`region.startLine`). A dead start URL, which
/// no page links to, is located at itself, without a region.
///
/// Written as the findings are visited, so a million results take the
/// memory one does; the document is a fixed head, the results, a fixed tail.
enum SARIFLog {
    static func write(
        _ findings: Findings, locating locate: @escaping (String) -> PageLocation, to output: BufferedOutput
    ) throws {
        let rules = CrawlFinding.Kind.allCases.map { kind in
            """
            {"id": \(kind.ruleID.jsonQuoted), "name": \(kind.ruleName.jsonQuoted), \
            "shortDescription": {"text": \(kind.ruleDescription.jsonQuoted)}, \
            "defaultConfiguration": {"level": "error"}}
            """
        }
        try output.write(
            """
            {
              "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {
                    "driver": {
                      "name": "logbook",
                      "version": \(LogbookVersion.current.jsonQuoted),
                      "rules": [
                        \(rules.joined(separator: ",\n            "))
                      ]
                    }
                  },
                  "results": [
            """)
        var separator = "\n"
        try findings { finding in
            try output.write(separator + "        " + result(finding, at: locate(finding.foundOn ?? finding.url).uri))
            separator = ",\n"
        }
        try output.write(separator == "\n" ? "]\n    }\n  ]\n}\n" : "\n      ]\n    }\n  ]\n}\n")
    }

    /// One result, on one line.
    private static func result(_ finding: CrawlFinding, at location: String) -> String {
        let region = finding.line.flatMap { $0 >= 1 ? ", \"region\": {\"startLine\": \($0)}" : nil } ?? ""
        let message = "\(finding.url): \(finding.why)"
        return """
            {"ruleId": \(finding.kind.ruleID.jsonQuoted), \
            "ruleIndex": \(CrawlFinding.Kind.allCases.firstIndex(of: finding.kind)!), "level": "error", \
            "message": {"text": \(message.jsonQuoted)}, \
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": \
            \(location.jsonQuoted)}\(region)}}]}
            """
    }
}

extension CrawlFinding.Kind {
    /// A SARIF rule's name and description.
    fileprivate var ruleName: String {
        switch self {
        case .deadLink: "DeadLink"
        case .brokenFragment: "BrokenFragment"
        }
    }

    fileprivate var ruleDescription: String {
        switch self {
        case .deadLink: "A link to a URL that is missing or could not be fetched."
        case .brokenFragment: "A link to a #fragment that its page has no id or a[name] for."
        }
    }
}
