internal import CLibXML2
internal import Glibc

/// What a sitemap lists (sitemaps.org 0.9): pages (`<urlset><url><loc>`),
/// or further sitemaps (`<sitemapindex><sitemap><loc>`), as written there.
public enum Sitemap: Hashable, Sendable {
    case pages([String])
    case index([String])
}

/// Why bytes are not a sitemap: libxml2's words and the line, or the root
/// element that is neither `urlset` nor `sitemapindex`.
public struct SitemapSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
}

/// Reads sitemaps with libxml2's XML reader (a stream of nodes: no tree is
/// built, so memory holds the locations, not the document). Elements are
/// matched by local name, whatever their namespace. The network is never
/// touched and no entity is loaded or substituted.
public enum SitemapParser: Sendable {
    public static func parse(_ xml: [UInt8]) throws(SitemapSyntaxError) -> Sitemap {
        let problems = Problems()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let reader = xml.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                xmlReaderForMemory($0.baseAddress, Int32(clamping: $0.count), nil, nil, options)
            }
        }
        guard let reader else { throw SitemapSyntaxError(description: "libxml2 cannot read it (out of memory)") }
        defer { xmlFreeTextReader(reader) }
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                let problems = Unmanaged<Problems>.fromOpaque(context).takeUnretainedValue()
                let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
                problems.first = problems.first ?? "line \(error.pointee.line): \(message.trimmingTrailingSpace)"
            }, Unmanaged.passUnretained(problems).toOpaque())

        var root: String?
        var locations: [String] = []
        var location: [UInt8]?  // inside a <loc>: its text so far
        // The document is read in the buffer's lifetime, which `xml` outlives.
        let result: Int32 = withExtendedLifetime(problems) {
            while true {
                let step = xmlTextReaderRead(reader)
                guard step == 1 else { return step }
                let type = xmlTextReaderNodeType(reader)
                let depth = xmlTextReaderDepth(reader)
                switch type {
                case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                    let name = xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
                    if depth == 0 { root = name }
                    if depth == 2, name == "loc" {
                        location = []
                        if xmlTextReaderIsEmptyElement(reader) == 1 { finish(&location, into: &locations) }
                    }
                case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue):
                    if location != nil, let text = xmlTextReaderConstValue(reader) {
                        location! += UnsafeBufferPointer(start: text, count: strlen(text))
                    }
                case Int32(XML_READER_TYPE_END_ELEMENT.rawValue) where depth == 2:
                    finish(&location, into: &locations)
                default:
                    break
                }
            }
        }
        if result != 0 || problems.first != nil {
            throw SitemapSyntaxError(description: problems.first ?? "malformed XML")
        }
        switch root {
        case "urlset": return .pages(locations)
        case "sitemapindex": return .index(locations)
        case let other:
            throw SitemapSyntaxError(
                description: "the root element is <\(other ?? "")>, not <urlset> or <sitemapindex>")
        }
    }

    /// Ends the `<loc>` being read, keeping its text without surrounding whitespace.
    private static func finish(_ location: inout [UInt8]?, into locations: inout [String]) {
        guard let text = location else { return }
        location = nil
        let trimmed = String(decoding: text, as: UTF8.self).trimmingTrailingSpace.trimmingLeadingSpace
        if !trimmed.isEmpty { locations.append(trimmed) }
    }
}

/// The first error libxml2 reported while reading, kept for the message.
private final class Problems {
    var first: String?
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }

    fileprivate var trimmingLeadingSpace: String { String(drop(while: \.isWhitespace)) }
}
