import Foundation

// Readers of the CI formats (JUnit XML, SARIF) as CI tools read them: with
// Python's junitparser and jsonschema, from the venv `scripts/bootstrap`
// makes at the repository's root (.venv).

/// The repository's root, found from this file's place in it.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// The venv's Python is missing (the message says how to make it), or a
/// reader found the document malformed (the message is Python's).
public struct PythonReaderError: Error, CustomStringConvertible {
    public let description: String
}

/// Runs Python `script` with `arguments` in the repository's venv and
/// decodes what it prints as JSON; a script that fails throws its stderr.
func venvPython<T: Decodable>(_ script: String, _ arguments: [String], as type: T.Type) throws -> T {
    let python = repositoryRoot + "/.venv/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
        throw PythonReaderError(
            description: "\(python) is missing: run scripts/bootstrap to make the tests' Python venv")
    }
    let result = try runProcess(python, ["-c", script] + arguments)
    guard result.status == 0 else { throw PythonReaderError(description: "python failed: \(result.stderr)") }
    return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
}

/// A `<testcase>` as junitparser reads it.
public struct JUnitCase: Decodable, Hashable, Sendable {
    public let suite: String
    public let name: String
    public let classname: String
    public let file: String?
    public let line: String?
    /// passed, failed or skipped.
    public let result: String
    /// The failure's type and message.
    public let type: String?
    public let message: String?
}

/// The test cases of the JUnit XML file at `path`, read by junitparser 5.0.3,
/// which also checks that each suite's counts are its cases'.
public func readJUnit(_ path: String) throws -> [JUnitCase] {
    try venvPython(
        """
        import json, sys
        from junitparser import Attr, Failure, JUnitXml, Skipped, TestCase
        TestCase.file = Attr("file")
        TestCase.line = Attr("line")
        cases = []
        for suite in JUnitXml.fromfile(sys.argv[1]):
            mine = list(suite)
            results = [case.result for case in mine]
            assert suite.tests == len(mine), suite.name
            assert suite.failures == sum(any(isinstance(r, Failure) for r in rs) for rs in results), suite.name
            assert suite.skipped == sum(any(isinstance(r, Skipped) for r in rs) for rs in results), suite.name
            for case in mine:
                failure = next((r for r in case.result if isinstance(r, Failure)), None)
                cases.append({
                    "suite": suite.name, "name": case.name, "classname": case.classname,
                    "file": case.file, "line": case.line,
                    "result": "failed" if failure else "skipped" if case.is_skipped else "passed",
                    "type": failure.type if failure else None, "message": failure.message if failure else None})
        print(json.dumps(cases))
        """, [path], as: [JUnitCase].self)
}

/// A SARIF result's rule and location.
public struct SARIFResult: Decodable, Hashable, Sendable {
    public let ruleId: String
    public let uri: String
    public let startLine: Int?
    public let message: String
}

/// The results of the SARIF log at `path`, after jsonschema 4.26.0 has
/// validated it against the SARIF 2.1.0 schema kept in Tests/Fixtures and
/// each result's ruleIndex has been checked to name its ruleId.
public func readSARIF(_ path: String) throws -> [SARIFResult] {
    try venvPython(
        """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[2]))
        log = json.load(open(sys.argv[1]))
        jsonschema.Draft4Validator(schema).validate(log)
        run, = log["runs"]
        assert run["tool"]["driver"]["name"] == "logbook"
        rules = run["tool"]["driver"]["rules"]
        out = []
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            location, = result["locations"]
            physical = location["physicalLocation"]
            out.append({
                "ruleId": result["ruleId"], "uri": physical["artifactLocation"]["uri"],
                "startLine": physical.get("region", {}).get("startLine"), "message": result["message"]["text"]})
        print(json.dumps(out))
        """, [path, repositoryRoot + "/Tests/Fixtures/sarif-schema-2.1.0.json"], as: [SARIFResult].self)
}
