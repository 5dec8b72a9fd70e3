import Foundation

/// A tmpfs of `megabytes` mounted on a new folder in `folder` for the length
/// of `body`, which gets its path: a disk a test can fill. Mounting needs root.
public func withSmallDisk(in folder: TemporaryDirectory, megabytes: Int = 2, _ body: (String) throws -> Void) throws {
    let disk = folder.file("disk")
    try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
    let mounted = try runProcess("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", disk])
    guard mounted.status == 0 else {
        throw POSIXError(
            .EPERM,
            userInfo: [
                NSLocalizedDescriptionKey: """
                mounting a tmpfs on \(disk) needs root: \(mounted.stderr)
                """
            ])
    }
    defer { _ = try? runProcess("/usr/bin/umount", [disk]) }
    try body(disk)
}

/// Writes a file in `folder` until the disk has not one byte left for
/// anyone else; returns the file's path.
@discardableResult
public func fillDisk(_ folder: String) throws -> String {
    let path = folder + "/filler"
    guard FileManager.default.createFile(atPath: path, contents: nil), let filler = FileHandle(forWritingAtPath: path)
    else { throw POSIXError(.EIO, userInfo: [NSLocalizedDescriptionKey: "cannot create \(path)"]) }
    defer { try? filler.close() }
    // Pages until one does not fit, then bytes until one does not fit.
    for size in [4096, 1] {
        let block = Data(count: size)
        while (try? filler.write(contentsOf: block)) != nil {}
    }
    return path
}
