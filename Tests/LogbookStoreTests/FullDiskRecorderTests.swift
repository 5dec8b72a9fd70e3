import Foundation
import LogbookStore
import LogbookTestSupport
import Testing

/// A run whose writer stops on a full disk is marked failed by the writer,
/// whatever space the failed batch took: here not one byte was left for it.
@Suite struct FullDiskRecorderTests {
    let folder = TemporaryDirectory()

    @Test func aRunIsMarkedFailedWhenNotOneByteIsLeft() throws {
        try withSmallDisk(in: folder) { disk in
            let path = disk + "/runs.sqlite"
            let recorder = try Recorder(path: path)
            try recorder.send(ExecuteSQL("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB)"))
            let run = try recorder.start(StartRun(kind: .simulation, config: "{}"))
            let filler = try fillDisk(disk)
            #expect(throws: StoreError.self) {
                try recorder.markingFailure(of: run) {
                    try recorder.send(ExecuteSQL("INSERT INTO rows (payload) VALUES (zeroblob(100000))"))
                    try recorder.flush()
                }
            }
            #expect(throws: StoreError.self) { try recorder.close() }

            // Read it as it was left, with the disk still full.
            let runs = try Connection(path: path, mode: .readOnly).runs()
            #expect(runs.map(\.status) == [.failed])
            #expect(
                runs.first?.summary?.contains("\(path): database or disk is full (no space left on device)") == true,
                "\(runs)")
            try FileManager.default.removeItem(atPath: filler)
        }
    }
}
