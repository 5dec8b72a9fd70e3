internal import CCurl
import CrawlSchema
import Glibc

/// Why a fetch got no usable response.
public enum FetchFailure: String, Hashable, Sendable, Codable {
    case dns, connect, timeout, reset, tooLarge, tooManyRedirects, forbiddenRedirect, other

    /// Worth trying again: the next attempt may well succeed.
    public var isTransient: Bool { self == .timeout || self == .reset || self == .connect }
}

/// What one request found.
public struct FetchResult: Sendable {
    /// The final HTTP status; nil when no response came.
    public var status: Int?
    public var failure: FetchFailure?
    /// libcurl's words for the failure.
    public var error: String?
    public var contentType: String?
    public var bytes: Int = 0
    public var elapsedMilliseconds: Double = 0
    public var finalURL: String
    /// Every Location the request was sent to, in order.
    public var redirects: [String] = []
    /// The body, when asked for and complete.
    public var body: [UInt8] = []
    /// Seconds a 429 or 503 asked to wait.
    public var retryAfter: Int?
    /// The final response's validators, for a later conditional request.
    public var etag: String?
    public var lastModified: String?
}

/// DNS, connections and TLS sessions shared by every worker's `Fetcher`,
/// through a libcurl share handle.
///
/// `@unchecked Sendable`: libcurl calls `lock`/`unlock` around every use of
/// the shared data, and each kind of data has its own pthread mutex here,
/// allocated once and never moved.
public final class FetchShare: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private static let kinds = Int(CURL_LOCK_DATA_LAST.rawValue)

    /// libcurl's global set-up, done once before any thread uses it.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public init() {
        _ = Self.initialized
        mutexes = .allocate(capacity: Self.kinds)
        for kind in 0..<Self.kinds { pthread_mutex_init(mutexes + kind, nil) }
        handle = curl_share_init()!
        CCurl_share_setopt_lock(handle) { _, data, _, context in
            Unmanaged<FetchShare>.fromOpaque(context!).takeUnretainedValue().lock(data)
        }
        CCurl_share_setopt_unlock(handle) { _, data, context in
            Unmanaged<FetchShare>.fromOpaque(context!).takeUnretainedValue().unlock(data)
        }
        CCurl_share_setopt_userdata(handle, Unmanaged.passUnretained(self).toOpaque())
        for data in [CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION, CURL_LOCK_DATA_CONNECT] {
            CCurl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(data.rawValue))
        }
    }

    deinit {
        curl_share_cleanup(handle)
        for kind in 0..<Self.kinds { pthread_mutex_destroy(mutexes + kind) }
        mutexes.deallocate()
    }

    private func lock(_ data: curl_lock_data) { pthread_mutex_lock(mutexes + Int(data.rawValue)) }
    private func unlock(_ data: curl_lock_data) { pthread_mutex_unlock(mutexes + Int(data.rawValue)) }
}

/// One worker's HTTP client: its own curl easy handle, used by one thread.
/// Only http and https are spoken, for requests and for redirects: a page
/// can never make logbook read `file://` or talk another protocol.
final class Fetcher {
    enum Method { case get, head }

    private let easy: UnsafeMutableRawPointer
    private let share: FetchShare
    private let limits: FetchLimits
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var headers: UnsafeMutablePointer<curl_slist>?

    init(share: FetchShare, limits: FetchLimits) {
        self.share = share
        self.limits = limits
        easy = curl_easy_init()!
        for header in limits.headers { headers = curl_slist_append(headers, header) }
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headers)
        errorBuffer.deallocate()
    }

    /// `credentials` are sent as HTTP Basic authentication; `validators`
    /// make the request conditional (`If-None-Match`, `If-Modified-Since`),
    /// so an unchanged page answers 304 without a body.
    func fetch(
        _ url: String, method: Method, keepBody: Bool, credentials: Credentials? = nil,
        validators: (etag: String?, lastModified: String?)? = nil
    ) -> FetchResult {
        curl_easy_reset(easy)
        errorBuffer[0] = 0
        let sink = ResponseSink(limit: limits.maxBytes, keepBody: keepBody && method == .get)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        setOptions(url: url, method: method, context: context.toOpaque())
        var conditional: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(conditional) }
        if let validators {
            for header in limits.headers { conditional = curl_slist_append(conditional, header) }
            if let etag = validators.etag { conditional = curl_slist_append(conditional, "If-None-Match: \(etag)") }
            if let date = validators.lastModified {
                conditional = curl_slist_append(conditional, "If-Modified-Since: \(date)")
            }
            CCurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, conditional)
        }
        if let credentials {
            CCurl_easy_setopt_string(easy, CURLOPT_USERNAME, credentials.user)
            CCurl_easy_setopt_string(easy, CURLOPT_PASSWORD, credentials.password)
        }
        let code = curl_easy_perform(easy)

        var result = FetchResult(finalURL: url)
        result.redirects = sink.locations
        var status = 0
        CCurl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        result.status = status == 0 ? nil : status
        var text: UnsafeMutablePointer<CChar>?
        if CCurl_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK, let text {
            result.finalURL = String(cString: text)
        }
        text = nil
        if CCurl_easy_getinfo_string(easy, CURLINFO_CONTENT_TYPE, &text) == CURLE_OK, let text {
            result.contentType = String(cString: text)
        }
        var microseconds: curl_off_t = 0
        CCurl_easy_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &microseconds)
        result.elapsedMilliseconds = Double(microseconds) / 1000
        var retryAfter: curl_off_t = 0
        if CCurl_easy_getinfo_off_t(easy, CURLINFO_RETRY_AFTER, &retryAfter) == CURLE_OK, retryAfter > 0 {
            result.retryAfter = Int(retryAfter)
        }
        result.bytes = sink.received
        result.etag = sink.etag
        result.lastModified = sink.lastModified
        if code != CURLE_OK {
            result.failure = failure(code, sink: sink)
            let detail = String(cString: errorBuffer)
            result.error = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if result.failure == .tooLarge { result.error = "response larger than \(limits.maxBytes) bytes" }
        } else if keepBody {
            result.body = sink.body
        }
        return result
    }

    private func setOptions(url: String, method: Method, context: UnsafeMutableRawPointer) {
        CCurl_easy_setopt_string(easy, CURLOPT_URL, url)
        CCurl_easy_setopt_share(easy, share.handle)
        CCurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        CCurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        CCurl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        CCurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        CCurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, limits.maxRedirects)
        CCurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, limits.timeoutMilliseconds)
        CCurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, min(limits.timeoutMilliseconds, 10_000))
        CCurl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBytes))
        CCurl_easy_setopt_string(easy, CURLOPT_USERAGENT, limits.userAgent)
        CCurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        CCurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        if let headers { CCurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers) }
        if let bundle = limits.caBundle { CCurl_easy_setopt_string(easy, CURLOPT_CAINFO, bundle) }
        if limits.insecure {
            CCurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0)
            CCurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if method == .head { CCurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1) }
        CCurl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().body(data!, size * count)
        }
        CCurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        CCurl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().header(data!, size * count)
        }
        CCurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
    }

    private func failure(_ code: CURLcode, sink: ResponseSink) -> FetchFailure {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .dns
        case CURLE_COULDNT_CONNECT: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING: .reset
        case CURLE_FILESIZE_EXCEEDED: .tooLarge
        case CURLE_WRITE_ERROR where sink.exceeded: .tooLarge
        case CURLE_TOO_MANY_REDIRECTS: .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL where !sink.locations.isEmpty: .forbiddenRedirect
        default: .other
        }
    }
}

/// Collects one response for libcurl's callbacks.
private final class ResponseSink {
    let limit: Int
    let keepBody: Bool
    var body: [UInt8] = []
    var received = 0
    var exceeded = false
    var locations: [String] = []
    var etag: String?
    var lastModified: String?

    init(limit: Int, keepBody: Bool) {
        self.limit = limit
        self.keepBody = keepBody
    }

    /// Takes body bytes; refusing them (returning less) aborts the transfer.
    func body(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        received += count
        if received > limit {
            exceeded = true
            return 0
        }
        if keepBody { body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count)) }
        return count
    }

    /// Notes every Location header (the redirect chain), and the last
    /// response's validators.
    func header(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        let lowercased = line.lowercased()
        func value(of name: String) -> String? {
            guard lowercased.hasPrefix(name) else { return nil }
            let value = line.dropFirst(name.count).trimmingWhitespace()
            return value.isEmpty ? nil : String(value)
        }
        if lowercased.hasPrefix("http/") {
            (etag, lastModified) = (nil, nil)
        } else if let location = value(of: "location:") {
            locations.append(location)
        } else if let tag = value(of: "etag:") {
            etag = tag
        } else if let date = value(of: "last-modified:") {
            lastModified = date
        }
        return count
    }
}

extension String {
    /// Without leading and trailing ASCII whitespace.
    func trimmingWhitespace() -> String { String(self[...].trimmingWhitespace()) }
}

extension Substring {
    /// Without leading and trailing ASCII whitespace, as HTML strips it from
    /// URLs. Works on UTF-8 bytes and copies nothing: it runs for every link
    /// of every page.
    func trimmingWhitespace() -> Substring {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
        }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}
