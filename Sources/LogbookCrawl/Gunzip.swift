internal import CZlib

/// Why gzip bytes could not be decompressed.
struct GunzipError: Error, CustomStringConvertible {
    let description: String
}

/// zlib's inflate over gzip data, the only Swift that sees a `z_stream`.
enum Gunzip {
    /// Whether `bytes` start as gzip does (1f 8b): a `.xml.gz` served
    /// without `Content-Encoding`, which libcurl left compressed.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x1F, 0x8B]) }

    /// `bytes` decompressed, every gzip member of them in turn (RFC 1952:
    /// what `cat a.gz b.gz`, pigz and bgzip write, as gzip reads it); more
    /// than `limit` bytes of output in all is refused, so a small file cannot
    /// fill the memory.
    static func decompress(_ bytes: [UInt8], limit: Int) throws -> [UInt8] {
        // zlib's state points back at its stream, which must not move: on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // 16 + 15: a gzip header and trailer around the largest window.
        guard CZlib_inflateInit2(stream, 16 + MAX_WBITS) == Z_OK else {
            throw GunzipError(description: "zlib: out of memory")
        }
        defer { inflateEnd(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return try bytes.withUnsafeBufferPointer { source in
            // zlib reads the input and never writes it: its pointer is not const.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = UInt32(clamping: source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.pointee.next_out = buffer.baseAddress
                    stream.pointee.avail_out = UInt32(buffer.count)
                    return inflate(stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.pointee.avail_out)
                guard output.count + produced <= limit else {
                    throw GunzipError(description: "larger than \(limit) bytes decompressed")
                }
                output += chunk[..<produced]
                switch status {
                case Z_STREAM_END where stream.pointee.avail_in == 0: return output
                case Z_STREAM_END: inflateReset(stream)  // the next member
                case Z_OK: continue
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    throw GunzipError(description: "the gzip data ends early")
                default:
                    let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw GunzipError(description: "not valid gzip data: \(message)")
                }
            }
        }
    }
}
