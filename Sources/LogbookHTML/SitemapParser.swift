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

/// Reads sitemaps with libxml2's XML parser as a stream of SAX events (no
/// tree is built, so memory holds the locations, not the document).
/// Elements are matched by local name, whatever their namespace. The
/// network is never touched and no entity is loaded or substituted.
public enum SitemapParser: Sendable {
    public static func parse(_ xml: [UInt8]) throws(SitemapSyntaxError) -> Sitemap {
        _ = LinkExtractor.ready
        guard !xml.isEmpty else { throw SitemapSyntaxError(description: "it is empty") }
        guard let context = xmlNewParserCtxt() else {
            throw SitemapSyntaxError(description: "libxml2 cannot read it (out of memory)")
        }
        defer { xmlFreeParserCtxt(context) }
        let collector = SitemapCollector()
        if let sax = context.pointee.sax {
            sax.pointee = xmlSAXHandler()
            sax.pointee.initialized = XML_SAX2_MAGIC
            sax.pointee.startElementNs = { context, name, _, _, _, _, _, _, _ in
                guard let name else { return }
                SitemapCollector.of(context)?.start(String(cString: name))
            }
            sax.pointee.endElementNs = { context, _, _, _ in SitemapCollector.of(context)?.end() }
            sax.pointee.characters = { context, text, count in SitemapCollector.of(context)?.text(text, count) }
            sax.pointee.cdataBlock = { context, text, count in SitemapCollector.of(context)?.text(text, count) }
            sax.pointee.serror = { context, error in
                guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue,
                    let collector = SitemapCollector.of(context), collector.problem == nil
                else { return }
                let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
                collector.problem = "line \(error.pointee.line): \(message.trimmingTrailingSpace)"
            }
        }
        context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = withExtendedLifetime(collector) {
            xml.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    xmlCtxtReadMemory(context, $0.baseAddress, Int32(clamping: $0.count), nil, nil, options)
                }
            }
        }
        if let document { xmlFreeDoc(document) }
        if let problem = collector.problem ?? (context.pointee.wellFormed == 0 ? "malformed XML" : nil) {
            throw SitemapSyntaxError(description: problem)
        }
        switch collector.root {
        case "urlset": return .pages(collector.locations)
        case "sitemapindex": return .index(collector.locations)
        case let other:
            throw SitemapSyntaxError(
                description: other.map { "the root element is <\($0)>, not <urlset> or <sitemapindex>" }
                    ?? "there is no root element")
        }
    }
}

/// Gathers the text of `<loc>` elements two levels below the root.
private final class SitemapCollector {
    var root: String?
    var locations: [String] = []
    /// The first error libxml2 reported.
    var problem: String?
    private var depth = 0
    /// Inside a `<loc>`: its text so far.
    private var location: [UInt8]?

    /// The collector of the parser whose context libxml2 passes to a callback
    /// (its user data, which is the parser context).
    static func of(_ context: UnsafeMutableRawPointer?) -> SitemapCollector? {
        guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self), let owner = parser.pointee._private
        else { return nil }
        return Unmanaged<SitemapCollector>.fromOpaque(owner).takeUnretainedValue()
    }

    func start(_ name: String) {
        if depth == 0 { root = name }
        if depth == 2, name == "loc" { location = [] }
        depth += 1
    }

    func end() {
        depth -= 1
        guard depth == 2, let text = location else { return }
        location = nil
        let trimmed = String(decoding: text, as: UTF8.self).trimmingTrailingSpace.drop(while: \.isWhitespace)
        if !trimmed.isEmpty { locations.append(String(trimmed)) }
    }

    func text(_ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
        guard location != nil, let bytes else { return }
        location! += UnsafeBufferPointer(start: bytes, count: Int(count))
    }
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
