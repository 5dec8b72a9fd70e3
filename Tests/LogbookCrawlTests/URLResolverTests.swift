import LogbookCrawl
import Testing

@Suite struct URLResolverTests {
    @Test(arguments: [
        ("b.html", "http://h/a/b.html", nil as String?),
        ("../c.html#x", "http://h/c.html", "x"),
        ("//other.example/p", "http://other.example/p", nil),
        ("HTTP://H.EXAMPLE:80/Up", "http://h.example/Up", nil),
        ("https://h:443/", "https://h/", nil),
        ("www.example.com", "http://h/a/www.example.com", nil),
        ("  spaced.html  ", "http://h/a/spaced.html", nil),
        ("café.html", "http://h/a/caf%C3%A9.html", nil),
        ("?q=1", "http://h/a/index.html?q=1", nil),
        ("#top", "http://h/a/index.html", "top"),
        ("", "http://h/a/index.html", nil),
    ])
    func resolvesAndNormalises(reference: String, expected: String, fragment: String?) {
        #expect(
            URLResolver.resolve(reference, against: "http://h/a/index.html")
                == .web(
                    url: expected, host: URL(expected).host, fragment: fragment))
    }

    @Test(arguments: ["mailto:a@b", "tel:+1", "javascript:void(0)", "data:,x", "ftp://h/f", "file:///etc/passwd"])
    func otherSchemesAreNotFetched(reference: String) {
        guard case .otherScheme = URLResolver.resolve(reference, against: "http://h/") else {
            Issue.record("\(reference) should be another scheme")
            return
        }
    }
}

/// Just enough of a URL to name its host in the expectations above.
private struct URL {
    let host: String
    init(_ text: String) { host = String(text.split(separator: "/")[1].split(separator: ":")[0]).lowercased() }
}
