import CrawlSchema
import Foundation
public import LogbookStore
import SimulationSchema

extension RunInfo {
    /// The run's settings as `path = value` pairs (`physics.dt = 0.01`), read
    /// from the stored JSON alone: keys sorted at each level, array elements
    /// in order (`x[2]` before `x[10]`).
    public var flatSettings: [(path: String, value: String)] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(config.utf8), options: [.fragmentsAllowed])
        else {
            return [("config", config)]
        }
        var pairs: [(String, String)] = []
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() { walk(object[key]!, path.isEmpty ? key : "\(path).\(key)") }
            case let array as [Any] where array.contains { $0 is [String: Any] || $0 is [Any] }:
                for (index, element) in array.enumerated() { walk(element, "\(path)[\(index)]") }
            default:
                pairs.append((path, Self.jsonText(value)))
            }
        }
        walk(object, "")
        return pairs
    }

    /// What a later run must share with this one to be "the same again":
    /// the start URL of a crawl, the particle source of a simulation.
    public var subject: String? {
        switch kind {
        case .crawl:
            return (try? crawlConfig())?.start
        case .simulation:
            return (try? settings(as: SimulationConfig.self))?.source.subject
        default:
            return nil
        }
    }

    private static func jsonText(_ value: Any) -> String {
        if let string = value as? String { return string }
        if value is NSNull { return "null" }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension SimulationConfig.Source {
    /// The source as its flattened settings read (`source.plummer.particles=300
    /// source.plummer.seed=4`): the key `runs` has always grouped simulations by.
    var subject: String {
        switch self {
        case .plummer(let particles, let seed): "source.plummer.particles=\(particles) source.plummer.seed=\(seed)"
        case .csv(let path): "source.csv.path=\(path)"
        }
    }
}

/// A setting that differs between two runs.
public struct SettingChange: Hashable, Sendable, Encodable {
    public let setting: String
    /// nil where the run does not have the setting.
    public let a: String?
    public let b: String?
}

extension [RunInfo] {
    /// For each run, the id of the next run of the same kind and subject
    /// (the same site, the same particles): the one to `diff` it with.
    public func laterRuns() -> [Int64: Int64] {
        var later: [Int64: Int64] = [:]
        var newest: [String: Int64] = [:]
        for run in sorted(by: { $0.id > $1.id }) {
            guard let subject = run.subject else { continue }
            let key = "\(run.kind.rawValue) \(subject)"
            later[run.id] = newest[key]
            newest[key] = run.id
        }
        return later
    }
}

/// The settings of `a` and `b` that differ, by path.
func settingChanges(_ a: RunInfo, _ b: RunInfo) -> [SettingChange] {
    let left = Dictionary(a.flatSettings, uniquingKeysWith: { first, _ in first })
    let right = Dictionary(b.flatSettings, uniquingKeysWith: { first, _ in first })
    return Set(left.keys).union(right.keys).sorted().compactMap { path in
        left[path] == right[path] ? nil : SettingChange(setting: path, a: left[path], b: right[path])
    }
}

/// "settings that differ:" and a line per setting, or nothing when none do.
func settingLines(_ changes: [SettingChange]) -> [String] {
    guard !changes.isEmpty else { return [] }
    return ["settings that differ:"] + changes.map { "  \($0.setting): \($0.a ?? "(none)") → \($0.b ?? "(none)")" }
}
