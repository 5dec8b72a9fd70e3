import LogbookHTML

/// Any bytes give links without crashing, each on a line counted from 1 and
/// named by the element and attribute it came from.
enum LinkExtractorCheck {
    static func check(_ input: [UInt8]) throws {
        let page = LinkExtractor.extract(input)
        for link in page.links where link.line < 1 || link.element.isEmpty || link.attribute.isEmpty {
            throw PropertyViolation(target: .linkExtractor, message: "malformed link \(link)")
        }
    }
}
