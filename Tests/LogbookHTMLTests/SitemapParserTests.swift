import LogbookHTML
import Testing

/// Sitemaps and sitemap indexes read as sitemaps.org 0.9 writes them, and
/// what is not one refused with libxml2's words and the line.
@Suite struct SitemapParserTests {
    func parse(_ xml: String) throws -> Sitemap { try SitemapParser.parse(Array(xml.utf8)) }

    @Test func aURLSetListsItsLocationsInOrder() throws {
        let sitemap = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>https://example.org/</loc><lastmod>2026-01-01</lastmod></url>
              <url>
                <loc>
                  https://example.org/a?x=1&amp;y=2
                </loc>
              </url>
              <url><loc><![CDATA[https://example.org/b]]></loc></url>
              <url><loc></loc></url>
            </urlset>
            """)
        #expect(sitemap == .pages(["https://example.org/", "https://example.org/a?x=1&y=2", "https://example.org/b"]))
    }

    @Test func anIndexListsItsSitemaps() throws {
        let sitemap = try parse(
            """
            <sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sm:sitemap><sm:loc>https://example.org/one.xml</sm:loc></sm:sitemap>
              <sm:sitemap><sm:loc>https://example.org/two.xml.gz</sm:loc></sm:sitemap>
            </sm:sitemapindex>
            """)
        #expect(sitemap == .index(["https://example.org/one.xml", "https://example.org/two.xml.gz"]))
    }

    @Test(arguments: [
        ("<urlset>\n<url><loc>https://example.org/</loc></url>\n", "line 3"),
        ("<urlset><url><loc>a</url></urlset>", "line 1"),
        ("", "it is empty"),
        ("<html><body><a href=\"/\">x</a></body></html>", "the root element is <html>, not <urlset> or <sitemapindex>"),
    ])
    func whatIsNotASitemapIsRefusedSayingWhy(xml: String, message: String) {
        #expect {
            try parse(xml)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
