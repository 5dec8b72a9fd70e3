import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// What a run's row says when its process could not record how it ended
/// (killed, or stopped by an error it could not write), and a file with no
/// run at all (a disk full before the first run's row): `runs` and
/// `resume` tell the truth about both.
@Suite struct LeftRunningTests {
    let folder = TemporaryDirectory()

    @Test func aRunLeftRunningByAProcessThatIsGoneIsListedInterruptedAndResumed() throws {
        let path = folder.database
        #expect(try logbook("simulate", "--db", path, "--particles", "3", "--steps", "20", "--quiet").status == 0)
        // The pid of a process that has ended: a shell that printed it.
        let gone = try #require(
            Int32(
                try runProcess("/bin/sh", ["-c", "echo $$"]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        let recorder = try Recorder(path: path)
        try recorder.send(ExecuteSQL("UPDATE runs SET status = 'running', finished_at = NULL, pid = \(gone)"))
        try recorder.close()

        let listed = try logbook("runs", "--db", path, "--format", "csv")
        #expect(listed.stdout.contains("\r\n1,simulation,interrupted,"), "\(listed.stdout)")
        let resumed = try logbook("resume", "--db", path, "--quiet")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Connection(path: path, mode: .readOnly).runs().map(\.status) == [.completed])
    }

    @Test func resumeOfAFileWithNoRunsSaysThereAreNone() throws {
        let path = folder.database
        #expect(try logbook("init", "--db", path).status == 0)
        let resume = try logbook("resume", "--db", path)
        #expect(resume.status == 2)
        #expect(resume.stderr.contains("\(path): there are no runs; there is nothing to resume"), "\(resume.stderr)")
    }
}
