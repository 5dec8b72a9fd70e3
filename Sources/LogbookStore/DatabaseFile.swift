import Foundation

/// The file a `Connection` opens, looked at before SQLite is given it.
///
/// SQLite opens whatever a name names: it blocks forever reading a FIFO,
/// reports "disk I/O error" for a folder, and keeps "" and ":memory:" in
/// memory, so a run would seem recorded and be gone. It is also given a
/// `file:` URI made from the path, so no file name is ever read as a URI
/// or its parameters (this SQLite is built with SQLITE_USE_URI).
struct DatabaseFile {
    let path: String

    /// Refuses a path that names no file (exit 2 at the command line), or
    /// names something that is not a regular file (a folder, a FIFO, a
    /// device), or, unless `mayBeAbsent`, nothing at all.
    init(_ path: String, mayBeAbsent: Bool) throws {
        self.path = path
        if path.isEmpty || path == ":memory:" {
            throw StoreError(
                .invalidPath, path: path, message: "names no file, and logbook keeps its runs in a database file")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let cause = errno
            if cause == ENOENT, mayBeAbsent { return }
            if cause == ENOENT {
                throw StoreError(.missingDatabase, path: path, message: "no database here")
            }
            throw StoreError(.notAFile, path: path, message: "cannot be opened: \(String(cString: strerror(cause)))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what =
                switch kind {
                case S_IFDIR: "a folder"
                case S_IFIFO: "a FIFO (named pipe)"
                case S_IFCHR, S_IFBLK: "a device"
                case S_IFSOCK: "a socket"
                default: "not a regular file"
                }
            throw StoreError(.notAFile, path: path, message: "is \(what), not a database file")
        }
    }

    /// The path as a `file:` URI (absolute, escaped), with `parameters`.
    func uri(_ parameters: String? = nil) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
        return "file://" + escaped + (parameters.map { "?" + $0 } ?? "")
    }

    var wal: String { path + "-wal" }

    /// True when the write-ahead log exists: a writer has the file open, or
    /// one stopped without closing and its log holds what it committed.
    var hasWAL: Bool { access(wal, F_OK) == 0 }

    /// True when the log exists and holds no frame: nothing to lose by
    /// removing it.
    var hasEmptyWAL: Bool {
        var info = stat()
        return stat(wal, &info) == 0 && info.st_size == 0
    }

    /// True when this process may create the `-wal` and `-shm` files beside
    /// the database and remove them again: it can write the file and its
    /// folder (not on read-only media, not `chattr +i`), and the files it
    /// makes belong to the database's owner (it is the owner, or root, whose
    /// files SQLite hands to the owner). A reader that could not remove them,
    /// or that would leave files its owner cannot write, must not make them.
    var mayCreateSideFiles: Bool {
        var info = stat()
        guard stat(path, &info) == 0, geteuid() == 0 || info.st_uid == geteuid() else { return false }
        let folder = (path as NSString).deletingLastPathComponent
        return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0
            && faccessat(AT_FDCWD, folder.isEmpty ? "." : folder, W_OK | X_OK, AT_EACCESS) == 0
    }
}
