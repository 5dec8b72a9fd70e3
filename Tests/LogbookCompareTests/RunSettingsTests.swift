import CrawlSchema
import Foundation
import SimulationSchema
import Testing

@testable import LogbookCompare
@testable import LogbookStore

/// A run's stored JSON settings as the `path = value` pairs that `diff`
/// compares, `report` lists and `runs` matches later runs by.
@Suite struct RunSettingsTests {
    func run(_ config: String, kind: RunKind = .simulation) -> RunInfo {
        RunInfo(
            id: 1, kind: kind, status: .completed, config: config, startedAt: "", finishedAt: nil,
            logbookVersion: "test",
            summary: nil, pid: nil, host: nil)
    }

    /// A crawl's settings as `crawl` stores them.
    func crawlConfig(start: String) -> String {
        (try? JSONEncoder().encode(CrawlConfig(start: start))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    func flat(_ config: String) -> [String] { run(config).flatSettings.map { "\($0.path) = \($0.value)" } }

    @Test func nestedObjectsBecomeDottedPathsSortedByKey() {
        #expect(
            flat(
                #"{"steps": 40, "physics": {"softening": 0.02, "dt": 0.01, "integrator": "leapfrog"}, "mode": "serial"}"#
            ) == [
                "mode = serial", "physics.dt = 0.01", "physics.integrator = leapfrog", "physics.softening = 0.02",
                "steps = 40",
            ])
        #expect(
            flat(#"{"source": {"plummer": {"seed": 4, "count": 300}}}"#) == [
                "source.plummer.count = 300", "source.plummer.seed = 4",
            ])
    }

    @Test func scalarsReadAsTheyWouldBeTyped() {
        #expect(
            flat(#"{"name": "a \"b\" c/d", "none": null, "yes": true, "no": false, "big": 12345678901}"#) == [
                "big = 12345678901", #"name = a "b" c/d"#, "no = false", "none = null", "yes = true",
            ])
    }

    @Test func anArrayOfScalarsIsOneSettingInJSON() {
        #expect(
            flat(#"{"codes": [404, 410], "hosts": ["a", "http://b/"], "empty": []}"#) == [
                "codes = [404,410]", "empty = []", #"hosts = ["a","http://b/"]"#,
            ])
    }

    @Test func anArrayHoldingObjectsOrArraysIsWalkedByIndex() {
        #expect(
            flat(#"{"rules": [{"allow": "/a"}, {"deny": ["/b"]}], "grid": [[1, 2], [3]], "mixed": [1, {"k": 2}]}"#) == [
                "grid[0] = [1,2]", "grid[1] = [3]", "mixed[0] = 1", "mixed[1].k = 2", #"rules[0].allow = /a"#,
                #"rules[1].deny = ["/b"]"#,
            ])
    }

    @Test func settingsThatAreNotJSONAreOneSetting() {
        #expect(flat("not json") == ["config = not json"])
        #expect(flat("{}").isEmpty)
    }

    @Test func changesListEverySettingThatDiffersOrIsMissing() {
        let a = run(#"{"physics": {"dt": 0.01, "integrator": "leapfrog"}, "seed": 1, "steps": 40}"#)
        let b = run(#"{"physics": {"dt": 0.011, "integrator": "leapfrog"}, "steps": 40, "workers": 2}"#)
        let changes = settingChanges(a, b)
        #expect(changes.map(\.setting) == ["physics.dt", "seed", "workers"])
        #expect(
            settingLines(changes) == [
                "settings that differ:", "  physics.dt: 0.01 → 0.011", "  seed: 1 → (none)", "  workers: (none) → 2",
            ])
        #expect(settingChanges(a, a).isEmpty && settingLines([]).isEmpty)
    }

    @Test func theSubjectIsACrawlsStartOrASimulationsSource() throws {
        #expect(run(crawlConfig(start: "http://h/"), kind: .crawl).subject == "http://h/")
        // A run recorded before later settings existed has its start all the same.
        #expect(run(#"{"start": "http://old/", "workers": 8}"#, kind: .crawl).subject == "http://old/")
        #expect(
            try run(simulation(.plummer(particles: 300, seed: 4))).subject
                == "source.plummer.particles=300 source.plummer.seed=4")
        #expect(run(#"{"steps": 9}"#).subject == nil)
    }

    /// A simulation's subject, read from its typed config, is the key its
    /// flattened `source.` settings made, so `runs` groups runs as before.
    @Test(arguments: [
        SimulationConfig.Source.plummer(particles: 300, seed: 4), .plummer(particles: 1, seed: .max),
        .csv(path: "/data/a b=c.csv"),
    ])
    func aSimulationsSubjectIsItsFlattenedSource(source: SimulationConfig.Source) throws {
        let stored = run(try simulation(source))
        let flattened = stored.flatSettings.filter { $0.path.hasPrefix("source.") }.map { "\($0.path)=\($0.value)" }
        #expect(stored.subject == flattened.joined(separator: " "))
    }

    /// `source` as a simulation run stores it, with the rest of a config.
    func simulation(_ source: SimulationConfig.Source) throws -> String {
        try StartRun(
            kind: .simulation,
            settings: SimulationConfig(
                source: source, steps: 9, physics: Physics(softening: 0, dt: 0.01, integrator: .leapfrog),
                mode: .serial,
                workers: 1, recordEvery: 1)
        ).config
    }
}
