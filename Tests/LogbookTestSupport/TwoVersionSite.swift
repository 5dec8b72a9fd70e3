import Synchronization

/// A small site served in two versions; between them page /b swaps its
/// link to /c for one to /missing, /fixme comes back, /dead answers 410
/// instead of 404, /new replaces /old, and /a links to /#nowhere, an id
/// the home page does not have.
public final class TwoVersionSite: Sendable {
    private final class Version: Sendable {
        let second = Atomic<Bool>(false)
    }

    private let version = Version()
    private let server: TestHTTPServer

    public init() throws {
        let version = version
        server = try TestHTTPServer { _, path in
            let second = version.second.load(ordering: .relaxed)
            switch path {
            case "/":
                return .html(
                    #"<a href="/a">a</a> <a href="/b">b</a> <a href="/fixme">f</a> "#
                        + (second ? #"<a href="/new">n</a>"# : #"<a href="/old">o</a>"#))
            case "/a":
                return .html(
                    #"<a href="/dead">dead</a> <a href="/">home</a>"# + (second ? #"<a href="/#nowhere">x</a>"# : ""))
            case "/b": return .html(second ? #"<a href="/missing">gone</a>"# : #"<a href="/c">c</a>"#)
            case "/c", "/new", "/old": return .html("<p>page</p>")
            case "/fixme": return second ? .html("<p>fixed</p>") : .html("no", status: 404)
            case "/dead": return .html("no", status: second ? 410 : 404)
            default: return .html("no", status: 404)
            }
        }
    }

    public func url(_ path: String) -> String { server.url(path) }

    public func switchToSecondVersion() { version.second.store(true, ordering: .relaxed) }
}
