import Dispatch
import Foundation

/// The single writer: the only owner of a database's write connection.
///
/// Producers on any thread `send` records over a bounded channel and never
/// touch the connection. The writer thread applies everything waiting in one
/// transaction; a batch closes at `batchSize` records or `batchBytes`,
/// `batchInterval` after it opened, or at a `flush`. Records from one thread are applied in the
/// order that thread sent them.
///
/// When a write fails, the writer writes its failure record (`onFailure`),
/// commits the records sent before the failing one if it can, stops, and
/// that error is thrown by every later `send`, `ask`, `flush` and `close`.
/// What was committed stays committed.
public final class Recorder: Sendable {
    public struct Options: Sendable {
        /// A batch closes once it holds this many records.
        public var batchSize: Int
        /// …or this long after its first record, whichever comes first.
        public var batchInterval: Duration
        /// Records that may wait in the channel before `send` blocks.
        public var capacity: Int
        /// Bytes of records (their `approximateBytes`) that may wait before
        /// `send` blocks; nil for no bound but `capacity`. For producers of
        /// large records, such as a simulation's frames: 4096 frames of
        /// 100,000 particles would be 20 GB. A record larger than the
        /// budget still goes through, alone.
        public var byteBudget: Int?
        /// The writer thread's nice value. Above 0 it yields the CPU to the
        /// work it records: right when producers compute (simulation
        /// phases, which a preempted worker stalls at the next barrier),
        /// wrong when they only feed the writer.
        public var writerNice: Int32
        /// The write connection's page cache; nil for SQLite's 2 MB. Writers
        /// whose indexes grow by random inserts (a crawl's URL key and
        /// links by target) read pages back when they do not fit.
        public var pageCacheBytes: Int?
        /// …or once its records' `approximateBytes` reach this; nil for no
        /// bound. For large records: a batch that does not fit on the disk
        /// is lost whole, so smaller batches keep more of a run that fills it.
        public var batchBytes: Int?

        public init(
            batchSize: Int = 4096, batchInterval: Duration = .milliseconds(100), batchBytes: Int? = nil,
            capacity: Int = 4096, byteBudget: Int? = nil, writerNice: Int32 = 0, pageCacheBytes: Int? = nil
        ) {
            self.batchSize = batchSize
            self.batchInterval = batchInterval
            self.batchBytes = batchBytes
            self.capacity = capacity
            self.byteBudget = byteBudget
            self.writerNice = writerNice
            self.pageCacheBytes = pageCacheBytes
        }
    }

    /// The database file.
    public let path: String
    /// The schema version after migrating at open.
    public let schemaVersion: Int
    private let channel: BoundedChannel<Message>
    private let exited = Reply<Void>()

    /// Opens (creating if needed) and migrates `path` on a new writer thread.
    /// Throws, with no thread left behind, if the file cannot be opened or
    /// migrated.
    /// `migrations` default to those shipped for the database's engine.
    public init(path: String, options: Options = Options(), migrations: [Migration]? = nil) throws {
        self.path = path
        let channel = BoundedChannel<Message>(capacity: options.capacity, byteBudget: options.byteBudget)
        self.channel = channel
        let opened = Reply<Int>()
        let exited = self.exited
        let thread = Thread {
            // Foundation keeps `Thread.name` to itself on Linux; the kernel's
            // name is what `perf report --sort comm` and /proc/PID/task show.
            if let comm = fopen("/proc/thread-self/comm", "w") {
                fputs("logbook-writer", comm)
                fclose(comm)
            }
            var writer = Writer(path: path, options: options, channel: channel)
            writer.run(migrations: migrations, opened: opened)
            exited.resolve(.success(()))
        }
        thread.start()
        do {
            schemaVersion = try opened.wait()
        } catch {
            try? exited.wait()
            throw error
        }
    }

    deinit {
        channel.close()
        try? exited.wait()
    }

    /// Queues `record` for the writer; blocks while the channel is full.
    public func send(_ record: some Record) throws {
        try channel.send(.record(record), bytes: record.approximateBytes, closedError: closedError)
    }

    /// Sends `request` and waits for the writer's answer.
    public func ask<R: Request>(_ request: R) throws -> R.Answer {
        let asked = Asked(request: request)
        try channel.send(.question(asked), bytes: MemoryLayout<R>.size, closedError: closedError)
        return try asked.reply.wait()
    }

    /// Returns once everything sent before it, by any thread, is committed.
    public func flush() throws {
        let reply = Reply<Void>()
        try channel.send(.flush(reply), closedError: closedError)
        try reply.wait()
    }

    /// Commits what is waiting, stops the writer and closes the connection.
    /// Later sends throw. Throws the writer's failure, if it had one.
    public func close() throws {
        channel.close()
        try exited.wait()
        if let failure = channel.failed { throw failure }
    }

    /// Sets the record the writer writes if a write fails from here on, made
    /// from the error: written right after the rollback, in space kept for
    /// it (see `Writer.stop`), so that a full disk does not stop it. Nil
    /// writes nothing. Takes effect in order with what this thread sends.
    public func onFailure(_ record: (@Sendable (any Error) -> any Record)?) throws {
        try channel.send(.onFailure(record), closedError: closedError)
    }

    /// The most records that ever waited in the channel at once.
    public var maximumQueueDepth: Int { channel.maximumDepth }

    /// The most bytes of records (their `approximateBytes`) that ever
    /// waited in the channel at once.
    public var maximumQueuedBytes: Int { channel.maximumQueuedBytes }

    private var closedError: StoreError {
        StoreError(.recorderClosed, path: path, message: "the recorder is closed; nothing more can be written")
    }
}

/// The writer thread's state. It alone holds the write connection.
private struct Writer {
    let path: String
    let options: Recorder.Options
    let channel: BoundedChannel<Message>
    /// Pages beyond the database's own kept free in the main file for the
    /// failure record: the page it changes and those a split of it adds.
    static let pagesForTheFailureRecord = 8
    /// Set by `Recorder.onFailure`.
    var failureRecord: (@Sendable (any Error) -> any Record)?

    mutating func run(migrations: [Migration]?, opened: Reply<Int>) {
        // On Linux this renices the calling thread only.
        if options.writerNice != 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, options.writerNice) }
        var database: Connection
        do {
            database = try Connection(path: path, mode: .readWrite)
            if let bytes = options.pageCacheBytes { try database.setPageCache(bytes: bytes) }
            opened.resolve(.success(try database.migrate(migrations)))
        } catch {
            _ = channel.fail(error)
            opened.resolve(.failure(error))
            return
        }
        var waiting: ArraySlice<Message> = []
        var retries = 0
        while true {
            if waiting.isEmpty {
                guard let received = channel.receiveAll() else { return }
                waiting = received[...]
            }
            var applied: [ArraySlice<Message>] = []
            do {
                if database.isPostgres {
                    try commitGathered(from: &waiting, applied: &applied, on: database)
                } else {
                    try commitBatch(from: &waiting, applied: &applied, on: database)
                }
                retries = 0
            } catch let error as StoreError where error.isTransient && retries < Self.transientRetries {
                // Another PostgreSQL client's transaction deadlocked with this one and this one
                // was chosen to fail: nothing of it was kept, so the same messages go again.
                database.rollback()
                waiting = ArraySlice(applied.joined()) + waiting
                retries += 1
                usleep(useconds_t.random(in: 1_000...20_000) * useconds_t(retries))
            } catch let error as StoreError where error.isConnectionLost {
                // The PostgreSQL server restarted, or ended this session: what was not
                // committed is lost there, so the same messages go again on a new connection.
                waiting = ArraySlice(applied.joined()) + waiting
                guard let connection = Connection.reopen(path, mode: .readWrite) else {
                    stop(after: error, applied: [], waiting: waiting, on: database)
                    return
                }
                database = connection
            } catch {
                stop(after: error, applied: applied.joined(), waiting: waiting, on: database)
                return
            }
        }
    }

    /// Times a batch that failed only by meeting another client's
    /// transaction (`StoreError.isTransient`) is tried again.
    static let transientRetries = 20

    /// Applies messages from `waiting` (receiving more as they come) in one
    /// transaction until the batch is full (in records or bytes), its time is
    /// up, or a flush asks for a commit; then commits and answers the flushes. `applied` collects
    /// what was applied, for `stop` to keep if a later write fails.
    private mutating func commitBatch(
        from waiting: inout ArraySlice<Message>, applied: inout [ArraySlice<Message>],
        on database: Connection
    ) throws {
        let deadline = MonotonicInstant.now.advanced(by: options.batchInterval)
        var flush: Reply<Void>?
        var count = 0, bytes = 0
        let byteLimit = options.batchBytes ?? .max
        try database.begin()
        while flush == nil, count < options.batchSize, bytes < byteLimit {
            if waiting.isEmpty {
                guard MonotonicInstant.now < deadline, let more = channel.receiveAll(until: deadline) else { break }
                waiting = more[...]
            }
            let chunk = waiting.prefix(options.batchSize - count)
            var done = chunk.startIndex
            defer {
                applied.append(waiting[..<done])
                waiting = waiting[done...]
            }
            for message in chunk {
                flush = try apply(message, to: database)
                done += 1
                // Sizes are summed only for a bound: a batch record's size is a loop over its records.
                if options.batchBytes != nil, case .record(let record) = message { bytes += record.approximateBytes }
                if flush != nil || bytes >= byteLimit { break }
            }
            count += done - chunk.startIndex
        }
        try database.reserveRoom(extraPages: Self.pagesForTheFailureRecord)
        try database.execute("COMMIT")
        flush?.resolve(.success(()))
    }

    /// `commitBatch` for PostgreSQL, where other processes' writers write the
    /// same tables: the batch is gathered first (up to `batchSize` messages,
    /// `batchInterval`, a flush), then applied in a transaction that lasts
    /// only as long as its writes, while this writer holds the database's
    /// writer lock (`lockUntilCommit`). Writers that insert the same new URLs
    /// in different orders would deadlock, each waiting for the other's
    /// commit; taking turns for a few milliseconds costs less than a
    /// deadlock (PostgreSQL looks for one after a second).
    ///
    /// A question is a transaction of its own: its answer (a claim, a run's
    /// id) must never come from a transaction that a later record's failure
    /// rolls back, and other processes must see a claim at once.
    private mutating func commitGathered(
        from waiting: inout ArraySlice<Message>, applied: inout [ArraySlice<Message>],
        on database: Connection
    ) throws {
        let deadline = MonotonicInstant.now.advanced(by: options.batchInterval)
        var batch: ArraySlice<Message> = []
        gathering: while batch.count < options.batchSize {
            if waiting.isEmpty {
                guard MonotonicInstant.now < deadline, let more = channel.receiveAll(until: deadline) else { break }
                waiting = more[...]
            }
            while let message = waiting.first, batch.count < options.batchSize {
                if message.isQuestion, !batch.isEmpty { break gathering }
                batch.append(waiting.removeFirst())
                if message.isQuestion || message.isFlush { break gathering }
            }
        }
        var done = batch.startIndex
        defer {
            applied.append(batch[..<done])
            waiting = batch[done...] + waiting
        }
        try database.begin()
        try database.lockUntilCommit(Self.writersLock.key, Self.writersLock.slot)
        var flush: Reply<Void>?
        for message in batch {
            flush = try apply(message, to: database) ?? flush
            done += 1
        }
        try database.execute("COMMIT")
        flush?.resolve(.success(()))
    }

    /// The advisory lock PostgreSQL writers take turns on: 'LOGB', 'W'.
    static let writersLock: (key: Int32, slot: Int32) = (0x4C4F_4742, 0x57)

    /// Applies one record or question; returns the reply of a flush, which
    /// asks for a commit instead.
    private mutating func apply(_ message: Message, to database: Connection) throws -> Reply<Void>? {
        switch message {
        case .record(let record): try record.write(to: database)
        case .question(let question): try question.answer(from: database)
        case .flush(let reply): return reply
        case .onFailure(let record): failureRecord = record
        }
        return nil
    }

    /// Writes the failure record and keeps what was sent before the failing
    /// record, then fails the channel and everyone waiting on it with `error`.
    ///
    /// The failure record must get through even when the disk is full, so
    /// it does not depend on the space the failed batch happened to take
    /// (none, when its first write failed). Every commit first made room in
    /// the main file for all its pages plus `pagesForTheFailureRecord`
    /// (`reserveRoom`), so after the rollback a checkpoint copies the log
    /// into space the main file already has, frees those extra pages, and
    /// the log starts over in the space it already takes. The records before
    /// the failing one are committed with it if they fit, else it goes alone.
    private mutating func stop(
        after error: any Error, applied: some Collection<Message>, waiting: ArraySlice<Message>,
        on database: Connection
    ) {
        database.rollback()
        database.checkpoint()
        let failure = failureRecord?(error)
        do {
            try database.transaction {
                for message in applied { _ = try apply(message, to: database) }
                try failure?.write(to: database)
            }
        } catch {
            if let failure { try? database.transaction { try failure.write(to: database) } }
        }
        let unanswered = Array(applied) + waiting + channel.fail(error)
        for message in unanswered {
            switch message {
            case .record, .onFailure: break
            case .question(let question): question.abandon(error)
            case .flush(let reply): reply.resolve(.failure(error))
            }
        }
    }
}
