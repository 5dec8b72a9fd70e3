import Foundation
import LogbookStore
import LogbookTestSupport

// Usage: CrashRecorder DB BATCH_SIZE
//
// Records numbered batches into DB, continuing after the highest batch
// already there, until it is killed. Prints "recording" once the first
// batch is committed, so the test knows when killing it means something.

let arguments = CommandLine.arguments
guard arguments.count == 3, let size = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: CrashRecorder DB BATCH_SIZE\n".utf8))
    exit(2)
}
do {
    let recorder = try Recorder(path: arguments[1], options: .init(batchSize: 3, batchInterval: .milliseconds(2)))
    try recorder.send(ExecuteSQL(numberedTableSQL))
    try recorder.flush()
    let reader = try Connection(path: arguments[1], mode: .readOnly)
    var batch = 1
    if case .integer(let highest) = try reader.scalar("SELECT max(producer) FROM numbered") { batch = Int(highest) + 1 }
    try recorder.send(NumberedBatch(batch: batch, size: size))
    try recorder.flush()
    FileHandle.standardOutput.write(Data("recording \(batch)\n".utf8))
    while true {
        batch += 1
        try recorder.send(NumberedBatch(batch: batch, size: size))
    }
} catch {
    FileHandle.standardError.write(Data("CrashRecorder: \(error)\n".utf8))
    exit(3)
}
