internal import CCurl

/// A link resolved against the page it is on.
public enum ResolvedURL: Hashable, Sendable {
    /// An http or https URL, normalised by libcurl (lower-case scheme and
    /// host, dot segments removed, default port dropped), without its
    /// fragment, which is kept apart.
    case web(url: String, host: String, fragment: String?)
    /// mailto:, tel:, javascript:, data:… recorded, never fetched.
    case otherScheme(scheme: String, url: String)
    /// Not a URL libcurl can parse.
    case invalid(reason: String)
}

/// Resolves and normalises URLs with libcurl's URL API (`curl_url`).
public enum URLResolver: Sendable {
    /// Resolves `reference` (as written in a page, relative or absolute)
    /// against `base` (the page's URL, or its `<base href>`).
    public static func resolve(_ reference: String, against base: String) -> ResolvedURL {
        guard let handle = curl_url() else { return .invalid(reason: "out of memory") }
        defer { curl_url_cleanup(handle) }
        let trimmed = reference.trimmingWhitespace()
        if let scheme = scheme(of: trimmed), scheme != "http", scheme != "https" {
            return .otherScheme(scheme: scheme, url: trimmed)
        }
        // Encoded like the reference, or `href=""` and `href="./"` on one page would differ.
        var code = curl_url_set(handle, CURLUPART_URL, base, UInt32(CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE))
        guard code == CURLUE_OK else { return .invalid(reason: "bad base URL \(base): \(message(code))") }
        // "" and "#part" name the base document itself (RFC 3986 §5.2.2);
        // libcurl 7.88 would drop its last path segment.
        if trimmed.isEmpty || trimmed.hasPrefix("#") {
            code = curl_url_set(handle, CURLUPART_FRAGMENT, trimmed.isEmpty ? nil : String(trimmed.dropFirst()), 0)
        } else {
            code = curl_url_set(handle, CURLUPART_URL, trimmed, UInt32(CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE))
        }
        guard code == CURLUE_OK else { return .invalid(reason: message(code)) }
        let scheme = part(handle, CURLUPART_SCHEME)?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https" else {
            return .otherScheme(scheme: scheme, url: part(handle, CURLUPART_URL) ?? trimmed)
        }
        let fragment = part(handle, CURLUPART_FRAGMENT)
        curl_url_set(handle, CURLUPART_FRAGMENT, nil, 0)
        guard let host = part(handle, CURLUPART_HOST)?.lowercased() else { return .invalid(reason: "no host") }
        curl_url_set(handle, CURLUPART_HOST, host, 0)
        // libcurl reads a host as an IPv4 address only when it parses a whole
        // URL, so one decoded from escapes (http://%38/ gives http://8/) is
        // read once more (http://0.0.0.8/), as the next resolve would.
        guard let written = part(handle, CURLUPART_URL, flags: UInt32(CURLU_NO_DEFAULT_PORT)),
            curl_url_set(handle, CURLUPART_URL, written, 0) == CURLUE_OK,
            let url = part(handle, CURLUPART_URL, flags: UInt32(CURLU_NO_DEFAULT_PORT)),
            let normalHost = part(handle, CURLUPART_HOST)
        else {
            return .invalid(reason: "cannot be written back")
        }
        return .web(url: upperCasingPercentEscapes(url), host: normalHost, fragment: fragment)
    }

    /// `%c3%a9` and `%C3%A9` are the same URL (RFC 3986 §6.2.2.1); keep one.
    /// Works on UTF-8 bytes: it runs for every link libcurl resolves.
    static func upperCasingPercentEscapes(_ url: String) -> String {
        func isLowerHex(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) }
        let bytes = url.utf8
        guard bytes.contains(UInt8(ascii: "%")) else { return url }
        var upper = Array(bytes)
        for i in upper.indices where upper[i] == UInt8(ascii: "%") && i + 2 < upper.count {
            for j in i + 1...i + 2 where isLowerHex(upper[j]) { upper[j] -= 32 }
        }
        return String(decoding: upper, as: UTF8.self)
    }

    /// The scheme a reference starts with (RFC 3986: a letter, then letters,
    /// digits, +, - or ., then a colon), lower-cased; nil for a relative one.
    /// Read as UTF-8 bytes; the colon must be a Character of its own (":"
    /// and a combining mark after it are one Character, not a colon).
    static func scheme(of reference: String) -> String? {
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
        func isSchemeByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        let bytes = reference.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), let first = bytes.first, isLetter(first),
            bytes[..<colon].allSatisfy(isSchemeByte), reference[colon] == ":"
        else { return nil }
        return reference[..<colon].lowercased()
    }

    /// `url` without its `user:password@`, and what that held (percent-
    /// decoded); `url` unchanged when it has none or does not parse.
    static func removingCredentials(from url: String) -> (url: String, credentials: Credentials?) {
        guard let handle = curl_url() else { return (url, nil) }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, UInt32(CURLU_NON_SUPPORT_SCHEME)) == CURLUE_OK,
            let user = part(handle, CURLUPART_USER, flags: UInt32(CURLU_URLDECODE))
        else { return (url, nil) }
        let password = part(handle, CURLUPART_PASSWORD, flags: UInt32(CURLU_URLDECODE)) ?? ""
        curl_url_set(handle, CURLUPART_USER, nil, 0)
        curl_url_set(handle, CURLUPART_PASSWORD, nil, 0)
        return (part(handle, CURLUPART_URL) ?? url, Credentials(user: user, password: password))
    }

    /// What libcurl finds wrong with `url` ("Port number was not a decimal
    /// number between 0 and 65535", "Bad IPv6 address", …), parsed as
    /// `resolve` parses it, for a message saying why it is refused.
    static func problem(with url: String) -> String {
        guard let handle = curl_url() else { return "out of memory" }
        defer { curl_url_cleanup(handle) }
        let code = curl_url_set(
            handle, CURLUPART_URL, url.trimmingWhitespace(),
            UInt32(CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE))
        return code == CURLUE_OK ? "it has no host libcurl can write back" : message(code)
    }

    /// scheme://host[:port] of an http(s) URL: what "the same site" means.
    public static func origin(of url: String) -> String? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK,
            let scheme = part(handle, CURLUPART_SCHEME), let host = part(handle, CURLUPART_HOST)
        else { return nil }
        let port = part(handle, CURLUPART_PORT, flags: UInt32(CURLU_NO_DEFAULT_PORT)).map { ":" + $0 } ?? ""
        return scheme.lowercased() + "://" + host.lowercased() + port
    }

    private static func part(_ handle: OpaquePointer, _ which: CURLUPart, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    private static func message(_ code: CURLUcode) -> String {
        String(cString: curl_url_strerror(code))
    }
}
