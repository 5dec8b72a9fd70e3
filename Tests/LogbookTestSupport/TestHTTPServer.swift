import Foundation
import LogbookStore

/// What the test server answers.
public struct TestResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// Wait this long before answering.
    public var delay: Duration = .zero
    /// Send only this many body bytes, then reset the connection.
    public var resetAfter: Int?

    public init(
        status: Int = 200, headers: [String: String] = [:], body: [UInt8] = [], delay: Duration = .zero,
        resetAfter: Int? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.resetAfter = resetAfter
    }

    public static func html(_ text: String, status: Int = 200) -> TestResponse {
        TestResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: Array(text.utf8))
    }

    public static func redirect(to location: String, status: Int = 302) -> TestResponse {
        TestResponse(status: status, headers: ["Location": location])
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 (or another address of this
/// machine), on a port the system picks, for the crawler's tests: one
/// thread per connection, `Connection: close`, answers from
/// `handler(method, path)`. Stopped when the value goes away. Given a
/// user and password, it answers 401 to any request without them (HTTP
/// Basic). With `validators`, a 200 carries an `ETag` (a hash of its body)
/// and answers 304 without a body to an `If-None-Match` naming it, as
/// nginx does for files. It counts requests by path and by the address
/// they came from, and the most it was answering at once.
///
/// `@unchecked Sendable`: the socket is only closed by `stop`; counts are
/// read and written holding `countsLock` (an NSLock rather than a Mutex:
/// ThreadSanitizer sees pthread locks, not Mutex's futex).
public final class TestHTTPServer: @unchecked Sendable {
    /// The IPv4 address it listens on.
    public let address: String
    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (String, String) -> TestResponse
    private let countsLock = NSLock()
    private var requests: [String: Int] = [:]
    private var authorized = 0
    private var fullBodies = 0
    private var peers: [String: Int] = [:]
    private var inFlight = 0
    private var mostInFlight = 0
    private let validators: Bool
    /// The `Authorization` header a request must carry, when any.
    private let requiredAuthorization: String?
    private let stopped = DispatchGroup()

    /// Listens on `address`, an IPv4 address of this machine: 127.0.0.1 by
    /// default, or e.g. the address of a veth link that a network namespace
    /// reaches it by (so that only that link and this machine can).
    public init(
        address: String = "127.0.0.1", requiring credentials: (user: String, password: String)? = nil,
        validators: Bool = false, _ handler: @escaping @Sendable (_ method: String, _ path: String) -> TestResponse
    ) throws {
        self.address = address
        self.handler = handler
        self.validators = validators
        requiredAuthorization = credentials.map {
            "Basic " + Data("\($0.user):\($0.password)".utf8).base64EncodedString()
        }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            close(listener)
            throw POSIXError(.EINVAL)
        }
        socketAddress.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: socketAddress.sin_port))
        stopped.enter()
        Thread { [self] in
            while true {
                var peer = sockaddr_in()
                var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
                let client = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &peerLength) }
                }
                if client < 0 { break }
                let from = peer.addressText
                Thread { self.serve(client, from: from) }.start()
            }
            stopped.leave()
        }.start()
    }

    deinit { stop() }

    /// `http://ADDRESS:PORT` + `path`.
    public func url(_ path: String) -> String { "http://\(address):\(port)\(path)" }

    /// How many requests `path` has had.
    public func requestCount(_ path: String) -> Int { countsLock.withLock { requests[path, default: 0] } }

    /// How many GET responses were a 200 with its whole body: full downloads.
    public var fullBodyCount: Int { countsLock.withLock { fullBodies } }

    /// How many requests carried an `Authorization` header.
    public var authorizedRequestCount: Int { countsLock.withLock { authorized } }

    /// How many requests came from each address (the peer of their connection).
    public var requestsByPeer: [String: Int] { countsLock.withLock { peers } }

    /// The most requests it was answering at once: each counts from when
    /// its head was read until just before its response is sent, so a
    /// client that waits for one response before sending the next request
    /// (however many processes it spreads over) is never seen twice.
    public var mostRequestsInFlight: Int { countsLock.withLock { mostInFlight } }

    /// Forgets the requests by peer and the most in flight, before the part
    /// of a test that they are about.
    public func resetTraffic() {
        countsLock.withLock {
            peers = [:]
            mostInFlight = inFlight
        }
    }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        stopped.wait()
    }

    private func serve(_ client: Int32, from peer: String) {
        defer { close(client) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.containsHeaderEnd {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            received += buffer[..<n]
        }
        let requestLine = String(decoding: received.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(
            separator: " ")
        guard requestLine.count >= 2 else { return }
        let (method, path) = (String(requestLine[0]), String(requestLine[1]))
        let requestHeaders = String(decoding: received, as: UTF8.self).split(separator: "\r\n")
        func header(_ name: String) -> String? {
            requestHeaders.first { $0.lowercased().hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        let authorization = header("authorization")
        var response =
            requiredAuthorization == nil || authorization == requiredAuthorization
            ? handler(method, path)
            : TestResponse(
                status: 401, headers: ["WWW-Authenticate": "Basic realm=\"test\""], body: Array("who are you?".utf8))
        if validators, response.status == 200 {
            let etag =
                "\""
                + String(
                    response.body.reduce(UInt64(14_695_981_039_346_656_037)) {
                        ($0 ^ UInt64($1)) &* 1_099_511_628_211
                    }, radix: 16) + "\""
            response.headers["ETag"] = etag
            if header("if-none-match") == etag { response = TestResponse(status: 304, headers: ["ETag": etag]) }
        }
        countsLock.withLock {
            requests[path, default: 0] += 1
            peers[peer, default: 0] += 1
            if authorization != nil { authorized += 1 }
            if method == "GET", response.status == 200 { fullBodies += 1 }
            inFlight += 1
            mostInFlight = max(mostInFlight, inFlight)
        }
        if response.delay > .zero { Thread.sleep(forTimeInterval: response.delay.inSeconds) }
        countsLock.withLock { inFlight -= 1 }
        var head =
            "HTTP/1.1 \(response.status) Status\r\nConnection: close\r\nContent-Length: \(response.body.count)\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if method != "HEAD" { bytes += response.body.prefix(response.resetAfter ?? response.body.count) }
        _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if response.resetAfter != nil {
            // Closing with a zero linger time sends a reset, not a clean end.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
    }
}

private extension sockaddr_in {
    /// The address in dotted decimal, e.g. "10.77.3.2".
    var addressText: String {
        // In network order: the bytes in memory are the four numbers in turn.
        withUnsafeBytes(of: sin_addr.s_addr) { $0.map(String.init).joined(separator: ".") }
    }
}

private extension Array where Element == UInt8 {
    var containsHeaderEnd: Bool {
        count >= 4
            && (0...(count - 4)).contains {
                self[$0] == 13 && self[$0 + 1] == 10 && self[$0 + 2] == 13 && self[$0 + 3] == 10
            }
    }
}
