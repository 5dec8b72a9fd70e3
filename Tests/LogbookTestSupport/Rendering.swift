import Foundation

/// Where tests leave files worth looking at after a run (screenshots):
/// `$LOGBOOK_TEST_ARTIFACTS`, else `.build/test-artifacts` in the package.
public let testArtifactsDirectory: String = {
    if let path = ProcessInfo.processInfo.environment["LOGBOOK_TEST_ARTIFACTS"], !path.isEmpty { return path }
    let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return package.appending(path: ".build/test-artifacts").path()
}()

/// nil when `path` is well-formed XML (XHTML, SVG), else the parser's
/// complaint with line and column: Python's strict expat parser decides.
public func xmlProblem(in path: String) throws -> String? {
    let result = try runProcess(
        "/usr/bin/env",
        [
            "python3", "-c",
            """
            import sys, xml.etree.ElementTree as tree
            try:
                tree.parse(sys.argv[1])
            except Exception as error:
                print(error)
            """, path,
        ])
    let problem = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    return result.status == 0 && problem.isEmpty ? nil : problem
}

/// What a screenshot shows, roughly: its size, the share of pixels that are
/// not the background (the top-left pixel's colour), and how many colours.
public struct Screenshot: Sendable {
    public let path: String
    public let width: Int
    public let height: Int
    public let ink: Double
    public let colours: Int
}

/// Runs headless Chromium on `file` with `options`, in a profile of its own.
private func chromium(_ options: [String], file: String) throws -> ProcessResult {
    let profile = TemporaryDirectory()
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    guard let chromium else {
        throw ScreenshotError(message: "no chromium: scripts/bootstrap installs Debian's chromium package")
    }
    return try runProcess(
        chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(profile.path)",
        ] + options + [URL(filePath: file).absoluteString], timeout: .seconds(120))
}

/// The page's DOM after its scripts ran, as headless Chromium serialises it.
public func renderedDOM(of file: String) throws -> String {
    let result = try chromium(["--dump-dom"], file: file)
    guard result.status == 0 else {
        throw ScreenshotError(message: "chromium --dump-dom failed: \(result.stderr.suffix(2000))")
    }
    return result.stdout
}

/// Renders `file` (HTML or SVG) in headless Chromium at `width` × `height`
/// to `name`.png in the test artefacts folder, and measures the picture.
public func screenshot(of file: String, width: Int, height: Int, name: String) throws -> Screenshot {
    try FileManager.default.createDirectory(atPath: testArtifactsDirectory, withIntermediateDirectories: true)
    let png = testArtifactsDirectory + "/" + name + ".png"
    try? FileManager.default.removeItem(atPath: png)
    let result = try chromium(["--window-size=\(width),\(height)", "--screenshot=\(png)"], file: file)
    guard FileManager.default.fileExists(atPath: png) else {
        throw ScreenshotError(
            message: "chromium wrote no screenshot (status \(result.status)): \(result.stderr.suffix(2000))")
    }
    let measured = try runProcess("/usr/bin/env", ["python3", "-c", pngMeasure, png])
    let numbers = measured.stdout.split(separator: " ").compactMap {
        Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard measured.status == 0, numbers.count == 4 else {
        throw ScreenshotError(message: "cannot read \(png): \(measured.stderr)")
    }
    return Screenshot(
        path: png, width: Int(numbers[0]), height: Int(numbers[1]), ink: numbers[2], colours: Int(numbers[3]))
}

public struct ScreenshotError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Decodes an 8-bit RGB(A) PNG (what Chromium writes) with zlib alone and
/// prints width, height, non-background share and distinct colours.
private let pngMeasure = """
    import struct, sys, zlib
    data = open(sys.argv[1], "rb").read()
    assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), "unexpected PNG format %d/%d" % (depth, colour)
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    previous, rows, at = bytearray(stride), [], 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    background = rows[0][:3]
    ink, colours = 0, set()
    for line in rows:
        for x in range(0, stride, size):
            pixel = line[x:x + 3]
            colours.add(pixel)
            if pixel != background: ink += 1
    print(width, height, ink / (width * height), len(colours))
    """
