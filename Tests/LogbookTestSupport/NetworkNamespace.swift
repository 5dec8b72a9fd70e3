import Foundation

/// A network namespace joined to this machine's own by a veth pair: a host
/// of its own for a test, with an address of its own, that reaches this
/// machine's servers over the link and nothing else (no default route, no
/// name server it can reach). Removed, link and all, when the value goes
/// away or at `remove()`, whichever comes first; a namespace that could not
/// be set up whole is removed before the error is thrown.
///
/// Needs root and iproute2's `ip netns` with veth links:
/// `NetworkNamespace.isAvailable` says whether this machine has them.
public final class NetworkNamespace: Sendable {
    /// The namespace's name, also the name of the link's end on this machine.
    public let name: String
    /// The namespace's address on the link, the source of its connections.
    public let address: String
    /// This machine's address on the link: servers listening on it are reached from the namespace.
    public let hostAddress: String

    /// Makes the namespace `name` (at most 15 characters: it names the link
    /// too), a veth link to it with `hostAddress` on this side and `address`
    /// on the other (`eth0`), both `/prefixLength`, every link up, and in
    /// the namespace a route to each of `routes` (CIDR) through `hostAddress`.
    public init(
        name: String, address: String, hostAddress: String, prefixLength: Int = 30, routes: [String] = []
    )
        throws
    {
        self.name = name
        self.address = address
        self.hostAddress = hostAddress
        do {
            try Self.ip(["netns", "add", name])
            try Self.ip(["link", "add", "name", name, "type", "veth", "peer", "name", "eth0", "netns", name])
            try Self.ip(["addr", "add", "\(hostAddress)/\(prefixLength)", "dev", name])
            try Self.ip(["link", "set", "dev", name, "up"])
            try Self.ip(["-n", name, "addr", "add", "\(address)/\(prefixLength)", "dev", "eth0"])
            try Self.ip(["-n", name, "link", "set", "dev", "eth0", "up"])
            try Self.ip(["-n", name, "link", "set", "dev", "lo", "up"])
            for route in routes { try Self.ip(["-n", name, "route", "add", route, "via", hostAddress]) }
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Deletes the link (both its ends) and the namespace; what is already gone is skipped.
    /// A process still inside keeps the namespace alive, without its link, until it exits.
    public func remove() {
        guard let ip = Self.tool else { return }
        _ = try? runProcess(ip, ["link", "delete", "dev", name], timeout: .seconds(10))
        _ = try? runProcess(ip, ["netns", "delete", name], timeout: .seconds(10))
    }

    /// Starts `executable` inside the namespace (`ip netns exec`, which
    /// execs it: the child's pid is the program's own).
    public func start(_ executable: String, _ arguments: [String]) throws -> ChildProcess {
        return try ChildProcess(Self.requiredTool(), ["netns", "exec", name, executable] + arguments)
    }

    /// Whether this process can make namespaces and veth links: it runs as
    /// root and `ip` made (and removed) a namespace with a veth link in it.
    public static let isAvailable: Bool = {
        guard getuid() == 0, let ip = tool else { return false }
        let probe = "lbk-\(getpid())-probe"
        defer { _ = try? runProcess(ip, ["netns", "delete", probe], timeout: .seconds(10)) }
        return (try? runProcess(ip, ["netns", "add", probe], timeout: .seconds(10)))?.status == 0
            && (try? runProcess(
                ip, ["-n", probe, "link", "add", "name", "a", "type", "veth", "peer", "name", "b"],
                timeout: .seconds(10)))?
                .status == 0
    }()

    /// "10.77.K" for the first K from `seed` (this process's id unless
    /// given; mod 250, plus 1) on whose /24 this machine has no address yet:
    /// a network of its own for one test run, apart from other runs at the same time.
    public static func freeSubnet(seed: Int? = nil) throws -> String {
        let seed = seed ?? Int(getpid())
        let addresses = try runProcess(requiredTool(), ["-4", "-o", "addr", "show"], timeout: .seconds(10)).stdout
        for step in 0..<250 {
            let subnet = "10.77.\((seed + step) % 250 + 1)"
            if !addresses.contains(" \(subnet).") { return subnet }
        }
        throw NetworkNamespaceError("every 10.77.K.0/24 has an address on this machine")
    }

    /// iproute2's `ip`, where Debian puts it.
    static let tool: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `tool`, or why there is none.
    static func requiredTool() throws -> String {
        guard let tool else { throw NetworkNamespaceError("no ip tool (iproute2) on this machine") }
        return tool
    }

    /// Runs `ip arguments`; throws with its standard error unless it exits 0.
    static func ip(_ arguments: [String]) throws {
        let result = try runProcess(try requiredTool(), arguments, timeout: .seconds(10))
        guard result.status == 0 else {
            throw NetworkNamespaceError(
                "ip \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }
}

public struct NetworkNamespaceError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
