import Foundation

/// Two network namespaces joined to each other, and to nothing else, by one
/// veth pair: two hosts whose processes talk to each other directly, as
/// MPI's ranks do. Two `NetworkNamespace`s cannot: each is linked to this
/// machine, which does not forward between them. Nothing else is on the
/// link, so its addresses need not be free on this machine. Removed, link
/// and all, when the value goes away or at `remove()`, whichever comes
/// first; a pair that could not be set up whole is removed before the error
/// is thrown.
///
/// Needs what `NetworkNamespace.isAvailable` checks for.
public final class NamespacePair: Sendable {
    /// The two namespaces' names.
    public let names: [String]
    /// Each namespace's address on the link, in the order of `names`.
    public let addresses: [String]

    /// The link's end in each namespace.
    private static let link = "eth0"

    /// Makes the namespaces `names` (two), the veth link between them with
    /// `addresses` (one each, `/prefixLength`) and every link up, loopback too.
    public init(names: [String], addresses: [String], prefixLength: Int = 24) throws {
        precondition(names.count == 2 && addresses.count == 2, "a pair is two namespaces with an address each")
        self.names = names
        self.addresses = addresses
        do {
            for name in names { try NetworkNamespace.ip(["netns", "add", name]) }
            try NetworkNamespace.ip([
                "-n", names[0], "link", "add", "name", Self.link, "type", "veth", "peer", "name", Self.link,
                "netns", names[1],
            ])
            for (name, address) in zip(names, addresses) {
                try NetworkNamespace.ip(["-n", name, "addr", "add", "\(address)/\(prefixLength)", "dev", Self.link])
                try NetworkNamespace.ip(["-n", name, "link", "set", "dev", Self.link, "up"])
                try NetworkNamespace.ip(["-n", name, "link", "set", "dev", "lo", "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Deletes the link (both its ends) and both namespaces; what is already
    /// gone is skipped. A process still inside keeps its namespace alive,
    /// without the link, until it exits.
    public func remove() {
        try? NetworkNamespace.ip(["-n", names[0], "link", "delete", "dev", Self.link])
        for name in names { try? NetworkNamespace.ip(["netns", "delete", name]) }
    }

    /// Runs `executable` to completion inside namespace `host` (0 or 1),
    /// at most `timeout`; `ip netns exec` execs it, so a timeout kills the
    /// program itself.
    public func run(
        on host: Int, _ executable: String, _ arguments: [String], timeout: Duration
    ) throws
        -> ProcessResult
    {
        return try runProcess(
            NetworkNamespace.requiredTool(), ["netns", "exec", names[host], executable] + arguments, timeout: timeout)
    }

    /// Writes an executable stand-in for ssh to `path`, for launchers that
    /// reach other hosts through one (Open MPI's `plm_rsh_agent`):
    /// `path ADDRESS WORDS…` runs the words as one `sh` command line inside
    /// the namespace with that address, as ssh would on that host. The
    /// environment goes along (`ip netns exec` keeps it); an address of
    /// neither namespace fails with ssh's 255.
    public func writeRemoteShell(to path: String) throws {
        let ip = try NetworkNamespace.requiredTool()
        let hosts = zip(addresses, names).map { "\($0)) namespace='\($1)';;" }.joined(separator: " ")
        let script = """
            #!/bin/sh
            host=$1; shift
            case $host in \(hosts) *) echo "remote shell: no namespace has address $host" >&2; exit 255;; esac
            exec \(ip) netns exec "$namespace" /bin/sh -c "$*"

            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Bytes the link's end in namespace `host` (0 or 1) has received and
    /// sent so far, headers included: what crossed the link, whoever sent it.
    public func linkBytes(on host: Int) throws -> (received: Int, sent: Int) {
        let statistics = "/sys/class/net/\(Self.link)/statistics/"
        let result = try run(
            on: host, "/bin/cat", [statistics + "rx_bytes", statistics + "tx_bytes"], timeout: .seconds(10))
        let counts = result.stdout.split(separator: "\n").compactMap { Int($0) }
        guard result.status == 0, counts.count == 2 else {
            throw NetworkNamespaceError("cannot read \(statistics) in \(names[host]): \(result.stderr)")
        }
        return (counts[0], counts[1])
    }
}
