import LogbookCompare
import Testing

/// `ID` or `PATH:ID`, as `diff`, `report` and `plot` take a run.
@Suite struct RunReferenceTests {
    @Test func anIdAloneIsARunInTheMainFile() {
        #expect(RunReference(parsing: "3") == RunReference(path: nil, id: 3))
        #expect(RunReference(parsing: "9223372036854775807")?.id == .max)
    }

    @Test func theIdAfterTheLastColonIsARunInThatFile() {
        #expect(RunReference(parsing: "other.sqlite:3") == RunReference(path: "other.sqlite", id: 3))
        #expect(RunReference(parsing: "runs/a b.sqlite:12") == RunReference(path: "runs/a b.sqlite", id: 12))
        // A path may hold colons itself, and may be all digits.
        #expect(RunReference(parsing: "C:/logs:2026:x.sqlite:7") == RunReference(path: "C:/logs:2026:x.sqlite", id: 7))
        #expect(RunReference(parsing: "12:3") == RunReference(path: "12", id: 3))
    }

    @Test(arguments: [
        "", "0", "-2", "+3", "seven", " 3", "3 ", "1.5", "9223372036854775808",  // no run id
        "other.sqlite", "other.sqlite:", "other.sqlite:x", "other.sqlite:0", "other.sqlite:-1", "other.sqlite:+1",
        "a:3:",  // no id after the colon
        ":3", ":",  // no path before it
    ])
    func anythingElseIsRefused(text: String) {
        #expect(RunReference(parsing: text) == nil)
    }
}
