import CrawlSchema
import Foundation
import Testing

/// `--accept`'s codes, written as lychee writes them.
@Suite struct StatusCodesTests {
    @Test func rangesAndCodesReadAsOneSortedSet() throws {
        let codes = try StatusCodes(parsing: "429, 403,200..=299,430,250..260")
        #expect(codes.description == "200..299,403,429..430")
        #expect([200, 299, 403, 429, 430].allSatisfy(codes.contains))
        #expect(![199, 300, 404, 431].contains(where: codes.contains))
        #expect(try StatusCodes(parsing: codes.description) == codes)
        #expect(
            StatusCodes(union: [try StatusCodes(parsing: "200"), try StatusCodes(parsing: "201..202")]).description
                == "200..202")
    }

    @Test(arguments: [
        ("abc", "'abc' is not a status code"), ("300..200", "'300..200' is an empty range"),
        ("99", "'99': a status code is from 100 to 999"), ("1000", "'1000': a status code is from 100 to 999"),
        ("200,", "'' is not a status code"), ("200...299", "'200...299' is not a status code"),
    ])
    func badTextSaysWhichPart(text: String, message: String) {
        #expect {
            try StatusCodes(parsing: text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func aRunsSettingsKeepTheCodesAsText() throws {
        var config = CrawlConfig(start: "http://h/")
        config.accept = try StatusCodes(parsing: "200..299,403")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any]
        #expect(json?["accept"] as? String == "200..299,403")
        #expect(try JSONDecoder().decode(CrawlConfig.self, from: JSONEncoder().encode(config)) == config)
    }
}
