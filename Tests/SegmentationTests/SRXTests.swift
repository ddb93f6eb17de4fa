import Foundation
import XCTest
@testable import Segmentation

final class SRXTests: XCTestCase {
    static let sample = """
    <?xml version="1.0" encoding="UTF-8"?>
    <srx xmlns="http://www.lisa.org/srx20" version="2.0">
      <header segmentsubflows="yes" cascade="yes"><formathandle type="start" include="no"/></header>
      <body>
        <languagerules>
          <languagerule languagerulename="English">
            <rule break="no"><beforebreak>\\b(?:Mr|Dr|etc)\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
          </languagerule>
          <languagerule languagerulename="Russian">
            <rule break="no"><beforebreak>\\bсент\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
          </languagerule>
          <languagerule languagerulename="Default">
            <rule break="yes"><beforebreak>[\\.\\?!]+</beforebreak><afterbreak>\\s+\\p{Lu}</afterbreak></rule>
          </languagerule>
        </languagerules>
        <maprules>
          <languagemap languagepattern="EN.*" languagerulename="English"/>
          <languagemap languagepattern="RU.*" languagerulename="Russian"/>
          <languagemap languagepattern=".*" languagerulename="Default"/>
        </maprules>
      </body>
    </srx>
    """

    private func segmenter(_ srx: String, _ lang: String) throws -> SentenceSegmenter {
        let doc = try SRXDocument.parse(Data(srx.utf8), path: "test.srx")
        return try SentenceSegmenter(language: lang, mode: .srx(try doc.rules(for: lang)))
    }

    func testRulesApplyInOrderWithCascade() throws {
        let en = try segmenter(Self.sample, "en-US")
        XCTAssertEqual(try en.segment("Mr. Smith came. He left! Did he? Yes.").map(\.text),
                       ["Mr. Smith came.", "He left!", "Did he?", "Yes."])
        let ru = try segmenter(Self.sample, "ru")
        XCTAssertEqual(try ru.segment("С 30 сент. Россия ведёт удары. Всё.").map(\.text), ["С 30 сент. Россия ведёт удары.", "Всё."])
        // Without cascade only the first matching language rule applies: no break rules for English.
        let noCascade = try segmenter(Self.sample.replacingOccurrences(of: "cascade=\"yes\"", with: "cascade=\"no\""), "en")
        XCTAssertEqual(try noCascade.segment("One. Two.").count, 1)
    }

    func testParagraphsStillBreak() throws {
        let en = try segmenter(Self.sample, "en")
        XCTAssertEqual(try en.segment("Title\n\nBody one. Body two.").map(\.text), ["Title", "Body one.", "Body two."])
    }

    func testBadRegexNamesTheRule() throws {
        let bad = Self.sample.replacingOccurrences(of: "\\bсент\\.", with: "(сент")
        let doc = try SRXDocument.parse(Data(bad.utf8), path: "bad.srx")
        XCTAssertThrowsError(try doc.rules(for: "ru")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad.srx:10"), text)
            XCTAssertTrue(text.contains("rule 1 of languagerule 'Russian'"), text)
            XCTAssertTrue(text.contains("beforebreak invalid regular expression '(сент'"), text)
        }
    }

    func testMalformedXMLNamesTheLine() {
        let broken = Self.sample.replacingOccurrences(of: "</languagerules>", with: "")
        XCTAssertThrowsError(try SRXDocument.parse(Data(broken.utf8), path: "broken.srx")) { error in
            XCTAssertTrue("\(error)".hasPrefix("broken.srx:"), "\(error)")
            XCTAssertTrue("\(error)".contains("end tag does not match"), "\(error)")
        }
        XCTAssertThrowsError(try SRXDocument.parse(Data("<other/>".utf8), path: "x.srx"))
        let unknownRule = Self.sample.replacingOccurrences(of: "languagerulename=\"Default\"/>", with: "languagerulename=\"Nope\"/>")
        XCTAssertThrowsError(try SRXDocument.parse(Data(unknownRule.utf8), path: "u.srx")) { error in
            XCTAssertTrue("\(error)".contains("'Nope'"), "\(error)")
        }
    }
}
