internal import CLibXML2
internal import Glibc

/// A reference found in a page, as written there (not yet resolved).
public struct ExtractedLink: Hashable, Sendable {
    public let element: String
    public let attribute: String
    public let value: String
    /// The line of the element in the page, from 1.
    public let line: Int
}

/// What a page holds for a link checker.
public struct ExtractedPage: Hashable, Sendable {
    public let links: [ExtractedLink]
    /// `<base href>`, which relative links resolve against.
    public let base: String?
    /// Every `id` and `a[name]`: the targets `#fragment` links may name.
    public let anchors: Set<String>
}

/// Finds links in HTML with libxml2's HTML parser (as a stream of start
/// tags: no tree is built), which recovers from broken markup, in the
/// encoding a browser would use (`HTMLEncoding`: byte order mark, the
/// Content-Type header's charset, `<meta>`, then UTF-8 or windows-1252).
/// It never touches the network.
///
/// This module does not import Foundation: Debian's libxml2 headers pull in
/// an ICU that clashes with Foundation's own.
public enum LinkExtractor: Sendable {
    /// The attributes that hold links, by element.
    static let linkAttributes: [String: [StaticString]] = [
        "a": ["href"], "area": ["href"], "link": ["href"],
        "img": ["src", "srcset"], "source": ["src", "srcset"],
        "script": ["src"], "iframe": ["src"], "frame": ["src"], "video": ["src"], "audio": ["src"],
        "embed": ["src"], "track": ["src"], "object": ["data"],
    ]

    /// libxml2's one-time set-up, before any parser (HTML or, for
    /// `SitemapParser`, XML) runs on any thread.
    static let ready: Bool = {
        xmlInitParser()
        return true
    }()

    /// - Parameter contentType: the HTTP Content-Type header, whose charset
    ///   is used when the page has no byte order mark.
    public static func extract(_ html: [UInt8], contentType: String? = nil) -> ExtractedPage {
        _ = ready
        guard !html.isEmpty, let context = htmlNewParserCtxt() else {
            return ExtractedPage(links: [], base: nil, anchors: [])
        }
        defer { htmlFreeParserCtxt(context) }
        // Only start tags matter: with every other callback removed the
        // parser builds no tree, so a page costs one pass and little memory.
        if let sax = context.pointee.sax {
            sax.pointee = htmlSAXHandler()
            sax.pointee.startElement = { context, name, attributes in
                guard let context, let name else { return }
                let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
                let collector = Unmanaged<Collector>.fromOpaque(parser.pointee._private).takeUnretainedValue()
                let input = parser.pointee.input?.pointee
                collector.element(
                    name, attributes,
                    at: TagPosition(
                        line: Int(input?.line ?? 0), start: input?.base,
                        end: input?.cur))
            }
        }
        let collector = Collector()
        context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
        // The encoding is decided here, so libxml2 must not switch on a <meta> of its own.
        let encoding = HTMLEncoding(sniffing: html, contentType: contentType)
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        let input = preprocessed(html[encoding.bomLength...], encoding: encoding) ?? html[encoding.bomLength...]
        let document = withExtendedLifetime(collector) {
            input.withUnsafeBufferPointer { bytes in
                bytes.baseAddress.flatMap { start in
                    start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        htmlCtxtReadMemory(context, $0, Int32(clamping: bytes.count), nil, encoding.name, options)
                    }
                }
            }
        }
        if let document { xmlFreeDoc(document) }
        return ExtractedPage(links: collector.links, base: collector.base, anchors: collector.anchors)
    }

    /// The page as the HTML standard's input preprocessing leaves it, where
    /// libxml2 does otherwise: a CR alone is a line break (libxml2 counts
    /// LFs only, so every link of a CR-only page was on line 1), and in
    /// UTF-8 a NUL is U+FFFD (libxml2 stops at the first NUL: a value cut
    /// there was a false dead link, and the links after it were lost). Nil
    /// when there is nothing to change, the usual case, or for UTF-16,
    /// whose ASCII characters hold zero bytes. CR is 0x0D in every other
    /// encoding a page may declare, and never part of a multi-byte character.
    static func preprocessed(_ bytes: ArraySlice<UInt8>, encoding: HTMLEncoding) -> ArraySlice<UInt8>? {
        guard !encoding.name.hasPrefix("UTF-16") else { return nil }
        let utf8 = encoding.name == "UTF-8"
        let mayChange = bytes.withUnsafeBufferPointer { all in
            all.baseAddress.map { memchr($0, 13, all.count) != nil || (utf8 && memchr($0, 0, all.count) != nil) }
                ?? false
        }
        guard mayChange else { return nil }
        func changes(_ offset: Int) -> Bool {
            let byte = bytes[offset]
            return (byte == 0 && utf8) || (byte == 13 && (offset + 1 == bytes.endIndex || bytes[offset + 1] != 10))
        }
        guard let first = bytes.indices.first(where: changes) else { return nil }
        var result = Array(bytes[..<first])
        result.reserveCapacity(bytes.count + 16)
        for offset in first..<bytes.endIndex {
            switch bytes[offset] {
            case 0 where utf8: result += [0xEF, 0xBF, 0xBD]
            case 13 where changes(offset): result.append(10)
            case let byte: result.append(byte)
            }
        }
        return result[...]
    }

    /// The URL of a refresh, as the HTML standard reads its content: a time,
    /// then `;` or `,`, then the URL, after `url=` when that is written:
    /// `5; url=next.html` and `0; next.html` both give next.html.
    static func refreshURL(_ content: String) -> String? {
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        var rest = Substring(content).drop(while: isSpace)
        let time = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
        guard !time.isEmpty else { return nil }
        rest = rest.dropFirst(time.count).drop(while: isSpace)
        if rest.first == ";" || rest.first == "," { rest = rest.dropFirst().drop(while: isSpace) }
        // As the standard has it, `url` then `=` is skipped letter by letter:
        // where one is missing the URL starts there (`0; url.html` is `.html`).
        let matched = zip(rest.prefix(3).lowercased(), "url").prefix(while: { $0 == $1 }).count
        rest = rest.dropFirst(matched)
        if matched == 3 {
            rest = rest.drop(while: isSpace)
            if rest.first == "=" { rest = rest.dropFirst().drop(while: isSpace) }
        }
        if let quote = rest.first, quote == "'" || quote == "\"" {
            rest = rest.dropFirst().prefix(while: { $0 != quote })
        }
        return rest.isEmpty ? nil : String(rest)
    }
}

/// Where libxml2 is when it reports a start tag: at its closing `>`, with
/// the text before it in its buffer (converted to UTF-8).
private struct TagPosition {
    /// The line of the `>`; a tag over several lines starts higher.
    let line: Int
    let start: UnsafePointer<xmlChar>?
    let end: UnsafePointer<xmlChar>?

    /// The line of the attribute `attribute` of the tag `name` that ends
    /// here: `line` less the line breaks between the attribute and the `>`.
    /// The tag's text is found back from the end, by its `<name`; where it
    /// is not in the buffer any more, the line is `line`.
    func line(of attribute: StaticString, inTag name: UnsafePointer<xmlChar>) -> Int {
        guard let start, let end, end > start else { return line }
        let text = UnsafeBufferPointer(start: start, count: end - start)
        let nameLength = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        func opensTag(at index: Int) -> Bool {
            guard text[index] == UInt8(ascii: "<"), text.count - index > nameLength else { return false }
            return (0..<nameLength).allSatisfy { offset in lowercase(text[index + 1 + offset]) == name[offset] }
        }
        // Back at most 64 KiB: a longer tag (a data: URL) keeps the line of its `>`.
        let lowest = max(0, text.count - Self.longestTagSearched)
        guard let open = stride(from: text.count - 1, through: lowest, by: -1).first(where: opensTag),
            let offset = Self.attribute(attribute, in: text[(open + 1 + nameLength)...])
        else { return line }
        return line - text[offset...].count(where: { $0 == UInt8(ascii: "\n") })
    }

    private static let longestTagSearched = 1 << 16

    /// Where the attribute `attribute` starts in a tag's text after its
    /// name, read as HTML tokenises attributes (so a value holding
    /// ` href=` is not taken for one).
    private static func attribute(_ attribute: StaticString, in tag: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        let wanted = UnsafeBufferPointer(start: attribute.utf8Start, count: attribute.utf8CodeUnitCount)
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
        }
        var index = tag.startIndex
        while index < tag.endIndex {
            while index < tag.endIndex, isSpace(tag[index]) || tag[index] == UInt8(ascii: "/") { index += 1 }
            let nameStart = index
            while index < tag.endIndex, !isSpace(tag[index]), tag[index] != UInt8(ascii: "="),
                tag[index] != UInt8(ascii: "/") || index == nameStart
            { index += 1 }
            let name = tag[nameStart..<index]
            if name.count == wanted.count, zip(name, wanted).allSatisfy({ lowercase($0) == $1 }) { return nameStart }
            while index < tag.endIndex, isSpace(tag[index]) { index += 1 }
            guard index < tag.endIndex, tag[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < tag.endIndex, isSpace(tag[index]) { index += 1 }
            if index < tag.endIndex, let quote = Optional(tag[index]),
                quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
            {
                index += 1
                while index < tag.endIndex, tag[index] != quote { index += 1 }
                index += 1
            } else {
                while index < tag.endIndex, !isSpace(tag[index]) { index += 1 }
            }
        }
        return nil
    }
}

private func lowercase(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}

/// Gathers links from the parser's start tags.
private final class Collector {
    var links: [ExtractedLink] = []
    var base: String?
    var anchors: Set<String> = []

    func element(
        _ rawName: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
        at position: TagPosition
    ) {
        /// The value of the first attribute called `name`, or nil.
        func attribute(_ name: StaticString) -> String? {
            guard var pair = attributes else { return nil }
            while let key = pair.pointee {
                let value = pair.successor().pointee
                if strcmp(
                    UnsafeRawPointer(key).assumingMemoryBound(to: CChar.self),
                    UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
                {
                    return value.map { String(cString: $0) } ?? ""
                }
                pair += 2
            }
            return nil
        }

        // Strings are made only for what is kept: most elements hold no link.
        if let id = attribute("id") { anchors.insert(id) }
        let name = String(cString: rawName)
        let wanted = LinkExtractor.linkAttributes[name]
        guard wanted != nil || name == "base" || name == "meta" || name == "a" else { return }
        if name == "a", let anchor = attribute("name") { anchors.insert(anchor) }
        if name == "base", base == nil, let href = attribute("href") { base = href }
        for attributeName in wanted ?? [] {
            guard let value = attribute(attributeName) else { continue }
            let attributeText = attributeName.description
            let line = position.line(of: attributeName, inTag: rawName)
            func add(_ url: String) {
                links.append(ExtractedLink(element: name, attribute: attributeText, value: url, line: line))
            }
            // Most attributes hold one URL: no array for it.
            if attributeText == "srcset" { LinkExtractor.candidates(inSrcset: value).forEach(add) } else { add(value) }
        }
        if name == "meta", attribute("http-equiv")?.lowercased() == "refresh",
            let content = attribute("content"), let url = LinkExtractor.refreshURL(content)
        {
            links.append(
                ExtractedLink(
                    element: "meta", attribute: "content", value: url,
                    line: position.line(of: "content", inTag: rawName)))
        }
    }
}
