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

/// Finds links in HTML with libxml2's HTML parser, which recovers from
/// broken markup and decodes any encoding the page declares (or `encoding`,
/// from the HTTP header, when given). It never touches the network.
///
/// This module does not import Foundation: Debian's libxml2 headers pull in
/// an ICU that clashes with Foundation's own.
public enum LinkExtractor: Sendable {
    /// The attributes that hold links, by element.
    static let linkAttributes: [String: [String]] = [
        "a": ["href"], "area": ["href"], "link": ["href"],
        "img": ["src", "srcset"], "source": ["src", "srcset"],
        "script": ["src"], "iframe": ["src"], "frame": ["src"], "video": ["src"], "audio": ["src"],
        "embed": ["src"], "track": ["src"], "object": ["data"],
    ]

    private static let ready: Bool = {
        xmlInitParser()
        return true
    }()

    public static func extract(_ html: [UInt8], encoding: String? = nil) -> ExtractedPage {
        _ = ready
        var links: [ExtractedLink] = []
        var base: String?
        var anchors: Set<String> = []
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOIMPLIED.rawValue)
        let document = html.withUnsafeBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                htmlReadMemory($0, Int32(clamping: bytes.count), nil, encoding, options)
            }
        }
        guard let document else { return ExtractedPage(links: [], base: nil, anchors: []) }
        defer { xmlFreeDoc(document) }

        var stack: [xmlNodePtr] = []
        var child = document.pointee.children
        while let node = child {
            stack.append(node)
            child = node.pointee.next
        }
        stack.reverse()
        while let node = stack.popLast() {
            if node.pointee.type == XML_ELEMENT_NODE {
                let name = string(node.pointee.name)
                let line = Int(xmlGetLineNo(node))
                let attributes = attributes(of: node)
                if let id = attributes["id"] { anchors.insert(id) }
                if name == "a", let anchor = attributes["name"] { anchors.insert(anchor) }
                if name == "base", base == nil, let href = attributes["href"] { base = href }
                for attribute in linkAttributes[name] ?? [] {
                    guard let value = attributes[attribute] else { continue }
                    for url in attribute == "srcset" ? candidates(inSrcset: value) : [value] {
                        links.append(ExtractedLink(element: name, attribute: attribute, value: url, line: line))
                    }
                }
                if name == "meta", attributes["http-equiv"]?.lowercased() == "refresh",
                   let content = attributes["content"], let url = refreshURL(content) {
                    links.append(ExtractedLink(element: "meta", attribute: "content", value: url, line: line))
                }
            }
            var children: [xmlNodePtr] = []
            var next = node.pointee.children
            while let current = next {
                children.append(current)
                next = current.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return ExtractedPage(links: links, base: base, anchors: anchors)
    }

    /// The URLs of a `srcset`: "a.png 1x, b.png 2x" gives a.png and b.png.
    static func candidates(inSrcset value: String) -> [String] {
        value.split(separator: ",").compactMap { candidate in
            candidate.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init)
        }
    }

    /// The URL of a refresh: `5; url=next.html` gives next.html.
    static func refreshURL(_ content: String) -> String? {
        guard let semicolon = content.firstIndex(where: { $0 == ";" || $0 == "," }) else { return nil }
        var rest = content[content.index(after: semicolon)...].drop(while: { $0 == " " })
        guard rest.lowercased().hasPrefix("url") else { return nil }
        rest = rest.dropFirst(3).drop(while: { $0 == " " })
        guard rest.first == "=" else { return nil }
        let url = rest.dropFirst().drop(while: { $0 == " " })
        let quote = url.first
        let unquoted = quote == "'" || quote == "\"" ? url.dropFirst().prefix(while: { $0 != quote }) : url[...]
        return unquoted.isEmpty ? nil : String(unquoted)
    }

    private static func attributes(of node: xmlNodePtr) -> [String: String] {
        var values: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = string(current.pointee.name)
            var value = ""
            var text = current.pointee.children
            while let part = text {
                if let content = part.pointee.content { value += string(content) }
                text = part.pointee.next
            }
            if values[name] == nil { values[name] = value }
            attribute = current.pointee.next
        }
        return values
    }

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text)
    }
}
