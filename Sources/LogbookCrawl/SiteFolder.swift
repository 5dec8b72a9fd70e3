import Foundation
import LogbookStore

/// A site's build folder, read in place of its server
/// (`crawl ./public --base-url https://example.org/`): a URL under the base
/// URL names a file under the folder, answered as a static server would
/// answer it, so a folder crawl and a crawl of the deployed site record the
/// same URLs and `diff` cleanly.
///
/// `/a/` reads `a/index.html` (or `index.htm`); `/a`, a folder, is a
/// redirect to `/a/`, as nginx answers; `/a` with no such file or folder
/// reads `a.html` when there is one (GitHub Pages' and Netlify's pretty
/// URLs). The query is ignored. No URL names a file outside the folder:
/// `..` in any spelling is "not found". Symbolic links in the folder are
/// followed, as nginx follows them: they are the folder's (Debian's Python
/// docs link their jquery.js to /usr/share/javascript), not a page's.
public struct SiteFolder: Sendable {
    let root: String
    /// The site's URL that the folder is served at, ending in "/".
    let base: String

    public init(_ path: String, base: String) {
        root = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.base = base
    }

    /// What a static server would answer for `url`, which starts with `base`.
    func read(_ url: String, maxBytes: Int) -> FetchResult {
        let started = ContinuousClock.now
        var result = answer(url, maxBytes: maxBytes)
        result.elapsedMilliseconds = (ContinuousClock.now - started).inSeconds * 1000
        return result
    }

    /// The file a static server would answer `url` with: where a CI report
    /// locates a finding on a page (`logbook crawl FOLDER`'s annotations).
    /// Nil when there is none.
    public func file(for url: String) -> String? {
        if case .file(let file, _, _) = locate(url) { file } else { nil }
    }

    /// Where `url` leads in the folder: a file (reached through a redirect
    /// to `finalURL` when it names a folder without its slash), or nowhere.
    private enum Located {
        case file(String, finalURL: String, redirects: [String])
        case missing
    }

    private func locate(_ url: String) -> Located {
        let withoutQuery = url.prefix { $0 != "?" }
        let query = url[withoutQuery.endIndex...]
        guard withoutQuery.hasPrefix(base) || withoutQuery + "/" == base else {
            return .missing
        }
        guard let relative = String(withoutQuery.dropFirst(base.count)).removingPercentEncoding,
            !relative.contains("\0"),
            !relative.split(separator: "/", omittingEmptySubsequences: false).contains(where: {
                $0 == ".." || $0 == "."
            })
        else {
            return .missing
        }
        let file = relative.isEmpty ? root : root + "/" + relative
        switch kind(of: file) {
        case .folder:
            let redirected = !relative.isEmpty && !relative.hasSuffix("/")
            let finalURL = redirected ? String(withoutQuery) + "/" + query : url
            guard
                let index = ["index.html", "index.htm"].map({ file + "/" + $0 }).first(where: { kind(of: $0) == .file })
            else {
                return .missing
            }
            return .file(index, finalURL: finalURL, redirects: redirected ? [finalURL] : [])
        case .file:
            return .file(file, finalURL: url, redirects: [])
        case .none:
            guard !relative.isEmpty, !relative.hasSuffix("/"), kind(of: file + ".html") == .file else {
                return .missing
            }
            return .file(file + ".html", finalURL: url, redirects: [])
        }
    }

    private func answer(_ url: String, maxBytes: Int) -> FetchResult {
        let (file, finalURL, redirects): (String, String, [String])
        switch locate(url) {
        case .missing: return missing(url)
        case .file(let found, let address, let chain): (file, finalURL, redirects) = (found, address, chain)
        }
        var result = FetchResult(status: 200, finalURL: finalURL, redirects: redirects)
        result.contentType = Self.contentType(of: file)
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        result.bytes = size
        if size > maxBytes {
            result.failure = .tooLarge
            result.error = "\(file) is larger than \(maxBytes) bytes"
        } else if CrawlWorker.isHTML(result.contentType) {
            guard let data = FileManager.default.contents(atPath: file) else {
                return missing(url, status: 403)
            }
            result.body = Array(data)
        }
        return result
    }

    private enum Kind { case file, folder }

    private func kind(of path: String) -> Kind? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        return isFolder.boolValue ? .folder : .file
    }

    /// What a server answers for a file it has not (404) or may not read
    /// (403): the status alone, as from the deployed site, so the two crawls
    /// `diff` cleanly.
    private func missing(_ url: String, status: Int = 404) -> FetchResult {
        FetchResult(status: status, finalURL: url)
    }

    /// The Content-Type a static server sends for the file's extension.
    static func contentType(of file: String) -> String {
        let types = [
            "html": "text/html", "htm": "text/html", "xhtml": "application/xhtml+xml", "css": "text/css",
            "js": "text/javascript", "mjs": "text/javascript", "json": "application/json", "xml": "application/xml",
            "txt": "text/plain", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
            "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
            "pdf": "application/pdf", "woff": "font/woff", "woff2": "font/woff2", "wasm": "application/wasm",
        ]
        let ext = URL(filePath: file).pathExtension.lowercased()
        return types[ext] ?? "application/octet-stream"
    }
}
