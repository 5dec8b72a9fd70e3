import ArgumentParser
import CrawlSchema
import Foundation
import LogbookCrawl

/// Where a crawl starts besides its URL arguments: sitemaps and a list.
struct StartOptions: ParsableArguments {
    @Option(help: "A sitemap or sitemap index (gzip too) whose URLs are start URLs (repeatable).") var sitemap:
        [String] = []
    @Option(
        help: ArgumentHelp(
            "A file of start URLs, one a line (# starts a comment); - reads standard input.", valueName: "file"))
    var urlsFrom: String?

    func apply(to config: inout CrawlConfig) {
        config.sitemaps = sitemap.isEmpty ? nil : sitemap
        config.urlsFrom = urlsFrom
    }

    /// The start URLs `--urls-from` lists, each with its file and line;
    /// blank lines and lines starting with # are left out.
    func listed() throws -> [ListedURL] {
        guard let urlsFrom else { return [] }
        let name = ListedURL.name(of: urlsFrom)
        let descriptor = urlsFrom == "-" ? STDIN_FILENO : open(urlsFrom, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(name, String(cString: strerror(errno))) }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: urlsFrom != "-")
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw UsageError("--urls-from \(name) is a folder")
        }
        let bytes: Data
        do { bytes = try file.readToEnd() ?? Data() } catch { throw unreadable(name, error.localizedDescription) }
        var listed: [ListedURL] = []
        // A CRLF is one Character, and a line break.
        let lines = String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false) { $0.isNewline }
        for (index, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            listed.append(ListedURL(url: text, source: "--urls-from \(name) line \(index + 1)"))
        }
        return listed
    }

    private func unreadable(_ name: String, _ reason: String) -> UsageError {
        UsageError("--urls-from \(name) cannot be read: \(reason)")
    }
}
