import Foundation
import XCTest
@testable import Formats
import TranslationMemory

final class TMXTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/tmx")

    func read(_ bytes: [UInt8], skipBad: Bool = false) throws -> ([TranslationUnit], [TMXReader.UnitProblem], [TMXReader.UnitProblem]) {
        var units: [TranslationUnit] = []
        var warnings: [TMXReader.UnitProblem] = []
        let r = try TMXReader(file: "t.tmx", skipBad: skipBad).read(try XMLPullParser(bytes: bytes), unit: { units.append($0) }, warning: { warnings.append($0) })
        return (units, warnings, r.skipped)
    }

    func tmx(_ body: String, doctype: String = "") -> [UInt8] {
        Array("""
        <?xml version="1.0" encoding="UTF-8"?>\(doctype)
        <tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
        <body>
        \(body)
        </body></tmx>
        """.utf8)
    }

    func testReadsUnitsPropsNotesDatesAndInlineMarkup() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("inline-props-3lang.tmx")))
        let (units, warnings, _) = try read(bytes)
        XCTAssertEqual(units.count, 3)
        XCTAssertTrue(warnings.isEmpty)
        let u = units[0]
        XCTAssertEqual(u.variants.map(\.language), ["en-US", "ru-RU", "de"])
        XCTAssertEqual(u.createdBy, "alice")
        XCTAssertEqual(u.changedBy, "bob")
        XCTAssertEqual(u.usageCount, 3)
        XCTAssertEqual(u.createdAt.map(TMXDate.format), "20151001T120000Z")
        XCTAssertEqual(u.notes, ["site navigation"])
        XCTAssertEqual(u.properties, [Property(type: "x-tmx-tuid", value: "nav-1"), Property(type: "x-context", value: "nav.subscribe")])
        XCTAssertEqual(u.variants[1].properties, [Property(type: "x-status", value: "approved")])
        let inline = units[1].variants[0]
        XCTAssertEqual(inline.text, "Click Save to keep  it & go.")
        XCTAssertEqual(inline.markup, "Click <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept> to keep <ph type=\"image\" x=\"2\">&lt;img src=\"s.png\"/&gt;</ph> it &amp; go.")
        // hi keeps its text; segment white space is kept as is.
        XCTAssertEqual(units[2].variants[0].text, "An important note starts here")
        XCTAssertEqual(units[2].variants[1].text, "  Важное   замечание начинается здесь  ")
    }

    func testUTF16AndTMX11LangAttributeAndSourceFirst() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("utf16-tmx11.tmx")))
        let (units, _, _) = try read(bytes)
        XCTAssertEqual(units.map { $0.variants.map(\.language) }, [["en", "ru"], ["en", "ru"]])
        XCTAssertEqual(units[1].variants[0].text, "Log in")
    }

    func testHostileAndBrokenFilesAreRefusedWithTheLine() throws {
        let laughs = tmx("<tu><tuv xml:lang=\"en\"><seg>&lol9;</seg></tuv></tu>",
                         doctype: "\n<!DOCTYPE tmx [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>")
        XCTAssertThrowsError(try read(laughs)) { XCTAssertTrue("\($0)".contains("t.tmx:2: not well-formed XML: the DOCTYPE declares entities"), "\($0)") }

        let external = tmx("<tu><tuv xml:lang=\"en\"><seg>&xxe;</seg></tuv></tu>",
                           doctype: "\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>")
        XCTAssertThrowsError(try read(external)) { XCTAssertTrue("\($0)".contains("declares entities"), "\($0)") }

        let undefined = tmx("<tu><tuv xml:lang=\"en\"><seg>a &nbsp; b</seg></tuv></tu>")
        XCTAssertThrowsError(try read(undefined)) { XCTAssertTrue("\($0)".contains("t.tmx:4: not well-formed XML: an undefined entity &nbsp;"), "\($0)") }

        var bad = tmx("<tu><tuv xml:lang=\"en\"><seg>caf_</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu>")
        bad[bad.firstIndex(of: UInt8(ascii: "_"))!] = 0xE9 // Latin-1 é: invalid UTF-8
        XCTAssertThrowsError(try read(bad)) { XCTAssertTrue("\($0)".contains("t.tmx:4: not well-formed XML: invalid UTF-8"), "\($0)") }
        // A NUL byte and an overlong form after a long ASCII run (the word-at-a-time scan) are caught too.
        var nul = tmx("<tu><tuv xml:lang=\"en\"><seg>a long enough ASCII run before it_</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu>")
        nul[nul.firstIndex(of: UInt8(ascii: "_"))!] = 0
        XCTAssertThrowsError(try read(nul)) { XCTAssertTrue("\($0)".contains("t.tmx:4: not well-formed XML: a NUL byte"), "\($0)") }
        var overlong = tmx("<tu><tuv xml:lang=\"en\"><seg>a long enough ASCII run before it__</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu>")
        let k = overlong.firstIndex(of: UInt8(ascii: "_"))!
        overlong[k] = 0xC0; overlong[k + 1] = 0xAF // an overlong "/"
        XCTAssertThrowsError(try read(overlong)) { XCTAssertTrue("\($0)".contains("t.tmx:4: not well-formed XML: invalid UTF-8"), "\($0)") }

        let truncated = Array(tmx("<tu><tuv xml:lang=\"en\"><seg>Hello</seg></tuv><tuv xml:lang=\"ru\"><seg>Привет</seg></tuv></tu>").dropLast(30))
        XCTAssertThrowsError(try read(truncated)) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }

        let mismatched = tmx("<tu><tuv xml:lang=\"en\"><seg>Hello</tuv></tu>")
        XCTAssertThrowsError(try read(mismatched)) { XCTAssertTrue("\($0)".contains("</tuv> does not match <seg>"), "\($0)") }

        XCTAssertThrowsError(try read(Array("<html><body/></html>".utf8))) { XCTAssertTrue("\($0)".contains("not a TMX file"), "\($0)") }
        XCTAssertThrowsError(try read([])) { XCTAssertTrue("\($0)".contains("empty"), "\($0)") }
    }

    func testBadUnitsFailOrAreSkippedByLine() throws {
        let file = tmx("""
        <tu><tuv xml:lang="en"><seg>Good</seg></tuv><tuv xml:lang="ru"><seg>Хорошо</seg></tuv></tu>
        <tu><tuv xml:lang="en us"><seg>Bad tag</seg></tuv><tuv xml:lang="ru"><seg>Плохо</seg></tuv></tu>
        <tu><tuv xml:lang="en"><seg>Alone</seg></tuv></tu>
        <tu><tuv><seg>No language</seg></tuv></tu>
        <tu><tuv xml:lang="en"><seg>Also good</seg></tuv><tuv xml:lang="ru"><seg>Тоже</seg></tuv></tu>
        """)
        XCTAssertThrowsError(try read(file)) { XCTAssertEqual("\($0)", "t.tmx:5: 'en us' is not a language tag") }
        let (units, warnings, skipped) = try read(file, skipBad: true)
        XCTAssertEqual(units.map { $0.variants[0].text }, ["Good", "Alone", "Also good"])
        XCTAssertEqual(warnings.map(\.line), [6])
        XCTAssertEqual(skipped.map(\.line), [5, 7])
        XCTAssertTrue(skipped[1].message.contains("without xml:lang"))
    }

    func testWriterEscapesAndDropsForbiddenCharacters() throws {
        var w = TMXWriter(sourceLanguage: "en", creationToolVersion: "1")
        let xml = try w.unit(TranslationUnit(variants: [Variant(language: "en", text: "a < b & \"c\"\u{1}"), Variant(language: "ru", text: "ок")]))
        XCTAssertTrue(xml.contains("<seg>a &lt; b &amp; \"c\"</seg>"), xml)
        XCTAssertEqual(w.warnings, ["unit 1: dropped 1 character(s) that XML 1.0 does not allow"])
        // Several texts of one unit losing characters: one warning for the unit.
        var u = TranslationUnit(variants: [Variant(language: "en", text: "x\u{1}y\u{FFFE}"), Variant(language: "ru", text: "о\u{2}к")])
        u.notes = ["n\u{3}"]
        let second = try w.unit(u)
        XCTAssertTrue(second.contains("<seg>xy</seg>") && second.contains("<seg>ок</seg>") && second.contains("<note>n</note>"), second)
        XCTAssertEqual(w.warnings.last, "unit 2: dropped 4 character(s) that XML 1.0 does not allow")
        XCTAssertEqual(w.warnings.count, 2)
    }

    /// The stream formats batches two at a time: the file and the warnings must still come out in
    /// the order the batches were added, numbered as one writer would number them.
    func testStreamWriterKeepsOrderAndNumbersWarningsAcrossBatches() throws {
        var rng = SystemRandomNumberGenerator()
        var batches: [[TranslationUnit]] = []
        var id: Int64 = 0
        for _ in 0..<60 {
            batches.append((0..<Int.random(in: 0...40, using: &rng)).map { _ in
                id += 1
                let bad = Int.random(in: 0..<7, using: &rng) == 0 ? "\u{1}" : ""
                return TranslationUnit(id: id, variants: [Variant(language: "en", text: "unit \(id)\(bad) & more"),
                                                          Variant(language: "ru", text: "единица \(id)")])
            })
        }
        var one = TMXWriter(sourceLanguage: "en", creationToolVersion: "1")
        var expected = Array(one.header().utf8)
        for u in batches.joined() { try one.unit(u, into: &expected) }
        expected += Array(one.footer().utf8)
        XCTAssertFalse(one.warnings.isEmpty)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).tmx").path
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let stream = TMXStreamWriter(fd: fd, writer: TMXWriter(sourceLanguage: "en", creationToolVersion: "1"))
        stream.writeHeader()
        for (k, b) in batches.enumerated() {
            stream.add {
                // Early batches take longer, so that later ones are formatted first.
                if k % 5 == 0 { usleep(2000) }
                return b
            }
        }
        let warnings = try stream.finish()
        close(fd)
        XCTAssertEqual(warnings, one.warnings)
        XCTAssertEqual(stream.unitsWritten, Int(id))
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), expected)
    }

    func testStreamWriterStopsAtAFailingBatch() throws {
        struct Broken: Error {}
        let stream = TMXStreamWriter(fd: open("/dev/null", O_WRONLY), writer: TMXWriter(sourceLanguage: "en", creationToolVersion: "1"))
        stream.add { [TranslationUnit(variants: [Variant(language: "en", text: "a"), Variant(language: "ru", text: "б")])] }
        stream.add { throw Broken() }
        stream.add { [TranslationUnit(variants: [Variant(language: "en", text: "c"), Variant(language: "ru", text: "в")])] }
        XCTAssertThrowsError(try stream.finish()) { XCTAssertTrue($0 is Broken) }
        XCTAssertEqual(stream.unitsWritten, 1)
    }
}

final class TBXTests: XCTestCase {
    func testReadsTBXv3AndMartifAndWritesTBXBasic() throws {
        let v3 = """
        <?xml version="1.0"?><tbx type="TBX-Min" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
        <conceptEntry id="c1"><descrip type="subjectField">Military</descrip>
          <langSec xml:lang="en"><termSec><term>sortie</term><termNote type="partOfSpeech">noun</termNote>
            <termNote type="administrativeStatus">preferred</termNote><note>aviation</note></termSec></langSec>
          <langSec xml:lang="ru"><termSec><term>боевой вылет</term></termSec><termSec><term>вылет</term>
            <termNote type="administrativeStatus">notRecommended</termNote></termSec></langSec>
        </conceptEntry></body></text></tbx>
        """
        let e = try TBX.read(try XMLPullParser(bytes: Array(v3.utf8)), file: "v3.tbx")
        XCTAssertEqual(e.count, 1)
        XCTAssertEqual(e[0].domain, "Military")
        XCTAssertEqual(e[0].terms.map(\.text), ["sortie", "боевой вылет", "вылет"])
        XCTAssertEqual(e[0].terms[0].status, .preferred)
        XCTAssertEqual(e[0].terms[0].partOfSpeech, "noun")
        XCTAssertEqual(e[0].terms[0].note, "aviation")
        XCTAssertEqual(e[0].terms[2].status, .deprecated)
        let written = TBX.write(e)
        let again = try TBX.read(try XMLPullParser(bytes: Array(written.utf8)), file: "out.tbx")
        XCTAssertEqual(again[0].terms, e[0].terms)
        XCTAssertEqual(again[0].domain, "Military")
        XCTAssertTrue(written.contains("<martif type=\"TBX-Basic\""))
    }

    func testBrokenTBXNamesTheLine() {
        let bad = "<?xml version=\"1.0\"?>\n<martif><text><body>\n<termEntry><langSet><tig><term>x</term></tig></langSet></termEntry>\n</body></text></martif>"
        XCTAssertThrowsError(try TBX.read(try XMLPullParser(bytes: Array(bad.utf8)), file: "b.tbx")) {
            XCTAssertEqual("\($0)", "b.tbx:3: <langSet> without xml:lang")
        }
        XCTAssertThrowsError(try TBX.read(try XMLPullParser(bytes: Array("<tmx/>".utf8)), file: "n.tbx")) {
            XCTAssertTrue("\($0)".contains("not a TBX file"))
        }
    }
}
