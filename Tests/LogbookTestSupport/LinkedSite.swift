import LogbookStore

/// 600 pages that link to each other, every fifth to a dead page too, each
/// answered after `delay`: a crawl of a few seconds, to be killed part-way.
/// Every hundredth links to a host under `.invalid` too, unless `offSite`
/// is false (a crawl in a network namespace resolves no names, and sends
/// no query to a real network). Served on `address`.
public func linkedSite(
    delay: Duration = .milliseconds(15), address: String = "127.0.0.1", offSite: Bool = true
) throws -> TestHTTPServer {
    try TestHTTPServer(address: address) { _, path in
        guard path.hasPrefix("/p/"), let page = Int(path.dropFirst(3)) else {
            return path == "/" ? .html("<a href=\"/p/0\">start</a>") : .html("missing", status: 404)
        }
        var links = [(page * 7 + 1) % 600, (page * 13 + 5) % 600, (page + 1) % 600].map {
            "<a href=\"/p/\($0)\">\($0)</a>"
        }
        if page % 5 == 0 { links.append("<a href=\"/d/\(page % 50)\">dead</a>") }
        if offSite, page % 100 == 0 { links.append("<a href=\"http://x\(page).invalid/\">away</a>") }
        var response = TestResponse.html(links.joined(separator: "\n"))
        response.delay = delay
        return response
    }
}

/// Whether run 1 is recorded completed: a crawl killed between committing
/// that and exiting finished first, and has nothing left to resume.
public func crawlCompleted(in path: String) throws -> Bool {
    try Connection(path: path, mode: .readOnly).runs().first?.status == .completed
}
