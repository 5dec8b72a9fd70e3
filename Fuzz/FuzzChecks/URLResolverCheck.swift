import LogbookCrawl

/// Only http(s) URLs come out as fetchable, with a lower-case host, no
/// fragment and an origin; normalising a normalised URL changes nothing; and
/// `BaseURL`, which joins plain paths without libcurl, gives what libcurl
/// gives, against the base as written and against it normalised.
enum URLResolverCheck {
    static func check(_ input: [UInt8]) throws {
        let text = String(decoding: input, as: UTF8.self)
        let (base, reference) =
            text.firstIndex(of: "\n").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) }
            ?? (text, "")
        func fail(_ message: String) -> PropertyViolation {
            PropertyViolation(
                target: .urlResolver,
                message: "\(message) (base \(base.debugDescription), reference \(reference.debugDescription))")
        }
        let resolved = URLResolver.resolve(reference, against: base)
        var page = BaseURL(base)
        let byPage = page.resolve(reference[...])
        guard byPage == resolved else { throw fail("BaseURL gives \(byPage), libcurl \(resolved)") }
        switch resolved {
        case .web(let url, let host, _):
            // Compared as bytes: "/" and a combining mark after it are one Character.
            guard url.utf8.starts(with: "http://".utf8) || url.utf8.starts(with: "https://".utf8) else {
                throw fail("fetchable but not http(s): \(url)")
            }
            guard !host.isEmpty, host == host.lowercased() else {
                throw fail("host \(host.debugDescription) of \(url)")
            }
            guard !url.utf8.contains(UInt8(ascii: "#")) else { throw fail("fragment left in \(url)") }
            guard URLResolver.origin(of: url) != nil else { throw fail("no origin for \(url)") }
            let again = URLResolver.resolve(url, against: url)
            guard again == .web(url: url, host: host, fragment: nil) else {
                throw fail("normalising \(url) again gives \(again)")
            }
            var normal = BaseURL(url)
            let joined = normal.resolve(reference[...])
            let byLibcurl = URLResolver.resolve(reference, against: url)
            guard joined == byLibcurl else { throw fail("BaseURL(\(url)) gives \(joined), libcurl \(byLibcurl)") }
        case .otherScheme(let scheme, _):
            guard scheme != "http", scheme != "https" else { throw fail("an http(s) URL not fetchable") }
        case .invalid:
            break
        }
    }
}
