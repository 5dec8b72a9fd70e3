import Testing

@testable import LogbookCrawl

/// `BaseURL` joins plain paths itself; whatever it does, it must give what
/// libcurl gives through `URLResolver.resolve`.
@Suite struct BaseURLTests {
    /// Bases in normal form (which plain paths are joined to) and not.
    static let bases = [
        "http://h/", "http://h/a/b.html", "http://h/a/b/", "http://h/a/b.html?x=1/2", "http://h/?q/r",
        "https://u:p@h.example:8443/a/b?q", "http://[::1]:8080/x/y", "http://[fe80::1%25eth0]/a/b",
        "http://127.0.0.1:18100/s0/p1.html", "http://h/a%20b/c%C3%A9", "http://xn--caf-dma.example/a",
        "http://é.example/a/b", "http://h", "http://h?q/r", "HTTP://H:80/A/./B/../c", "http://h/a/b#/x/y",
        "http://h/a/b.html#f", "http://0x7f.1/a/", "http://h/a/%2e%2e/b", "http://h/a b/c", "mailto:x@y", "not a url",
        "",
        // Found by the url-resolver fuzz target: a % before the joined path, and "//" in the base's path.
        "http://h/a%/b", "http://h/%/", "http://h/a%2/b", "http://h/a%C3%/b", "http://h//", "http://h//a//b",
        "http://h/a//",
    ]

    /// Pieces that references are made of: plain path parts, and everything
    /// libcurl treats specially.
    static let pieces = [
        "", "a", "B.html", "s0", "-_~", ".", "..", "...", ".a", "a.", "/", "//", "./", "../", "%2e", "%2E%2e",
        "%41", "%c3%a9", "%", " ", "\t", "é", "e\u{301}", "?", "?q=1", "#", "#f", "//host", "//h:81/x",
        "http:", "HTTP://H:80/", "https://h/", "mailto:a@b", "a:b", "[::1]", ":8080", "@", "\\", ";", "=", "+",
    ]
    static let pathPieces = ["a", "b.html", "/", ".", "..", "./", "../", "//", "..."]

    static var references: [String] {
        var references = pieces.flatMap { first in pieces.map { first + $0 } }
        for a in pathPieces {
            for b in pathPieces {
                for c in pathPieces { references.append(a + b + c) }
            }
        }
        return references + ["  /a.html\n", "/a/b/c/d/e.html", "/" + String(repeating: "a", count: 5000)]
    }

    @Test(arguments: bases)
    func joiningAPlainPathGivesWhatLibcurlGives(base: String) {
        var resolver = BaseURL(base)
        for reference in Self.references {
            let resolved = resolver.resolve(reference[...])
            let expected = URLResolver.resolve(reference, against: base)
            #expect(resolved == expected, "\(reference.debugDescription) against \(base.debugDescription)")
        }
    }

    /// Every base "http://h" + up to three base pieces, against plain paths
    /// and a few others.
    @Test func generatedBasesGiveWhatLibcurlGives() {
        let basePieces = ["/", "//", "a", ".", "..", "%", "%2", "%2e", "?", "?q/", "#", "#/x/"]
        var bases = [""]
        for _ in 1...3 { bases += bases.flatMap { base in basePieces.map { base + $0 } } }
        let references = [
            "a", "b.html", "/", "/a/b", "a/", "...", "-_~/x", "", "./a", "../a", "?q", "#f", "//h2/a", "%41",
        ]
        for base in Set(bases).map({ "http://h" + $0 }) {
            var resolver = BaseURL(base)
            for reference in references {
                let resolved = resolver.resolve(reference[...])
                let expected = URLResolver.resolve(reference, against: base)
                #expect(resolved == expected, "\(reference.debugDescription) against \(base.debugDescription)")
            }
        }
    }

    @Test func plainPathsAreJoinedToANormalBase() {
        #expect(BaseURL("http://127.0.0.1:18100/s0/p1.html").join != nil)
        #expect(BaseURL("https://u:p@h.example:8443/a/b?q").join != nil)
        #expect(BaseURL("http://h/a/b.html#f").join == nil)  // libcurl joins a relative path to the fragment
        #expect(BaseURL("HTTP://H:80/A/").join == nil)
        for path in ["/s0/p2.html", "p2.html", "a/b/", "/", "...", ".a/b", "-_~"] {
            #expect(BaseURL.isPlainPath(path[...]), "\(path)")
        }
        for path in [".", "..", "./a", "a/../b", "a/.", "//h/a", "a//b", "a:b", "a?q", "a#f", "%41", "a b", "é"] {
            #expect(!BaseURL.isPlainPath(path[...]), "\(path)")
        }
    }
}
