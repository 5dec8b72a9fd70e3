import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// A run on a disk that fills up: it ends failed, says why, and keeps what
/// it committed. The disk is a small tmpfs mounted for the test.
@Suite struct FullDiskTests {
    let folder = TemporaryDirectory()

    @Test func aSimulationOnAFullDiskEndsFailedAndKeepsItsFrames() throws {
        // A batch holds at most 1 MiB of frames (about 1.6 MB on disk, then
        // as much again once checkpointed), so the first ones fit in 8 MB
        // however fast the machine makes them.
        try withSmallDisk(in: folder, megabytes: 8) { disk in
            let path = disk + "/runs.sqlite"
            let result = try logbook(
                "simulate", "--db", path, "--particles", "2000", "--steps", "1000000",
                "--record-every", "1", "--workers", "1", "--quiet")
            #expect(result.status == 3)
            #expect(
                result.stderr.contains("\(path): database or disk is full (no space left on device)"),
                "\(result.stderr)")

            let run = try #require(try Connection(path: path, mode: .readOnly).runs().first)
            #expect(run.status == .failed)
            #expect(run.summary?.contains("no space left on device") == true, "\(run.summary ?? "no summary")")
            let frames = try logbook("query", "--db", path, "--format", "csv", "SELECT count(*) FROM frames")
            #expect(frames.status == 0, "\(frames.stderr)")
            #expect((Int(frames.stdout.split(separator: "\r\n").last ?? "") ?? 0) > 0, "\(frames.stdout)")
            let resume = try logbook("resume", "--db", path, "--quiet")
            #expect(!resume.stderr.contains("every run is completed"), "\(resume.stderr)")
        }
    }

    @Test func aCrawlOnAFullDiskEndsFailed() throws {
        // Pages with long link lists fill 2 MB within a few hundred pages.
        let filler = String(repeating: "x", count: 200)
        let server = try TestHTTPServer { _, path in
            let page = Int(path.dropFirst().prefix { $0.isNumber }) ?? 0
            let links = (1...40).map { "<a href=\"/\(page * 40 + $0)?\(filler)\">\($0)</a>" }.joined()
            return .html("<html><body>\(links)</body></html>")
        }
        try withSmallDisk(in: folder) { disk in
            let path = disk + "/runs.sqlite"
            let result = try logbook("crawl", "--db", path, server.url("/0"), "--quiet", "--max-url-length", "100000")
            #expect(result.status == 3)
            #expect(
                result.stderr.contains("\(path): database or disk is full (no space left on device)"),
                "\(result.stderr)")
            let run = try #require(try Connection(path: path, mode: .readOnly).runs().first)
            #expect(run.status == .failed, "\(run)")
        }
    }
}
