import Foundation
import XCTest
@testable import Formats
import TestSupport
import TranslationMemory

/// The fast lane of the TMX reader must give exactly what the general path gives: the same
/// units, warnings (with their lines), skipped units and errors.
final class TMXFastLaneTests: XCTestCase {
    struct Outcome: Equatable {
        var units: [TranslationUnit] = []
        var warnings: [String] = []
        var skipped: [String] = []
        var error: String?
    }

    func read(_ bytes: [UInt8], fastLane: Bool, skipBad: Bool, twoThreads: Bool = true) -> (Outcome, Int) {
        let (o, taken, _) = readCounting(bytes, fastLane: fastLane, skipBad: skipBad, twoThreads: twoThreads)
        return (o, taken)
    }

    /// What is read, how many units the lane read, and how many of those its helper thread read.
    func readCounting(_ bytes: [UInt8], fastLane: Bool, skipBad: Bool, twoThreads: Bool) -> (Outcome, Int, Int) {
        var o = Outcome()
        var taken = 0, helped = 0
        do {
            var reader = TMXReader(file: "t.tmx", skipBad: skipBad)
            reader.fastLane = fastLane
            reader.twoThreads = twoThreads
            let r = try reader.read(try XMLPullParser(bytes: bytes), unit: { o.units.append($0) },
                                    warning: { o.warnings.append("\($0.line): \($0.message)") })
            o.skipped = r.skipped.map { "\($0.line): \($0.message)" }
            taken = r.fastLaneUnits
            helped = r.helperUnits
        } catch {
            o.error = "\(error)"
        }
        return (o, taken, helped)
    }

    /// Compares the two paths (with and without --skip-bad); returns how many units the lane took.
    @discardableResult
    func assertSame(_ bytes: [UInt8], _ name: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        var taken = 0
        for skipBad in [false, true] {
            let (general, none) = read(bytes, fastLane: false, skipBad: skipBad)
            let (fast, n) = read(bytes, fastLane: true, skipBad: skipBad)
            XCTAssertEqual(none, 0)
            XCTAssertEqual(general, fast, "\(name), skipBad \(skipBad)", file: file, line: line)
            taken = max(taken, n)
        }
        return taken
    }

    func tmx(_ body: String, srclang: String = "en") -> [UInt8] {
        Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE tmx SYSTEM "tmx14.dtd">
        <tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="\(srclang)" datatype="plaintext"/>
        <body>
        \(body)
        </body></tmx>
        """.utf8)
    }

    func testRegularUnitsOfEveryShapeGiveTheSameUnits() {
        let units = """
        <tu tuid="a1" creationdate="20151001T120000Z" creationid="alice" changedate="20160102T030405Z" changeid="bob" usagecount="3" lastusagedate="20170101T000000Z">
          <note>a &amp; b</note>
          <prop type="x-context">nav.subscribe</prop>
          <prop type="x-tmkit-file">site/ui.po</prop>
          <prop type="x-tmkit-context-prev">Before</prop>
          <tuv xml:lang="EN-us"><seg>Subscribe &lt;now&gt; &#x41;&#66; &quot;q&quot; &apos;s&apos;</seg></tuv>
          <tuv xml:lang="ru-ru">
            <prop type="x-status">approved</prop>
            <note>проверено</note>
            <seg>  Подписаться
        сейчас  </seg>
          </tuv>
        </tu>
        <tu srclang="ru" tuid='single &amp; quoted'><tuv lang="en"><seg>Second</seg></tuv><tuv xml:lang="ru"><seg>Второй</seg></tuv></tu>
        <tu><tuv xml:lang="de"><seg>Allein</seg></tuv></tu>
        <tu><prop type2="legacy">v</prop><tuv xml:lang="en" o-encoding="x"><seg></seg></tuv><tuv xml:lang="ja"><seg>日本語のテキスト、です。</seg></tuv></tu>
        <tu datatype="plaintext"><tuv xml:lang="en"><seg>😀 emoji &#128512;</seg></tuv><tuv xml:lang="zh-hant-tw"><seg>繁體</seg></tuv></tu>
        <tu><tuv xml:lang="en"><seg>Click <bpt i="1" type="bold">&lt;b></bpt>Save<ept i='1'>&lt;/b&gt;</ept> <ph x="2" type="image"/> or <hi type="x">press <it pos="begin">&lt;i></it>Enter</hi><sub>ignored</sub> &amp; go</seg></tuv>
          <tuv xml:lang="ru"><seg><ph>{1}</ph> Сохранить<ut>&lt;br/&gt;</ut></seg></tuv></tu>
        """
        let taken = assertSame(tmx(units), "regular units")
        XCTAssertEqual(taken, 6, "every unit of the regular shape goes through the lane, inline elements too")
        // And the lane reads them right (not only the same as the general path).
        let (o, _) = read(tmx(units), fastLane: true, skipBad: false)
        XCTAssertEqual(o.units[0].variants[0].text, "Subscribe <now> AB \"q\" 's'")
        XCTAssertEqual(o.units[0].variants.map(\.language), ["en-US", "ru-RU"])
        XCTAssertEqual(o.units[0].originFile, "site/ui.po")
        XCTAssertEqual(o.units[1].variants.map(\.language), ["ru", "en"])
        XCTAssertEqual(o.units[1].properties, [Property(type: "x-tmx-tuid", value: "single & quoted")])
        XCTAssertEqual(o.warnings, ["19: <tu> with only one <tuv> (de): kept, but it has no translation"])
        let inline = o.units[5].variants[0]
        XCTAssertEqual(inline.text, "Click Save  or press Enter & go")
        XCTAssertEqual(inline.markup, "Click <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Save<ept i=\"1\">&lt;/b&gt;</ept> <ph type=\"image\" x=\"2\"/> or "
                       + "<hi type=\"x\">press <it pos=\"begin\">&lt;i&gt;</it>Enter</hi><sub>ignored</sub> &amp; go")
    }

    /// A prop that every unit repeats is read once and shared; one that changes, or is written with an
    /// entity or over lines, is read anew. A NUL later in the file
    /// stops the reading where the general path stops it.
    func testRepeatedPropsAndALaterNUL() {
        func unit(_ file: String, _ n: Int) -> String {
            "<tu><prop type=\"x-tmkit-file\">\(file)</prop><tuv xml:lang=\"en\"><seg>Line \(n)</seg></tuv><tuv xml:lang=\"ru\"><seg>Строка \(n)</seg></tuv></tu>"
        }
        let files = ["a.tsv", "a.tsv", "a.tsv", "b.tsv", "a.tsv", "a &amp; b.tsv", "a &amp; b.tsv", "two\nlines", "two\nlines", "b.tsv"]
        let body = files.enumerated().map { unit($0.element, $0.offset) }.joined(separator: "\n")
        XCTAssertEqual(assertSame(tmx(body), "repeated props"), 10)
        let (o, _) = read(tmx(body), fastLane: true, skipBad: false)
        XCTAssertEqual(o.units.map { $0.originFile ?? "-" },
                       ["a.tsv", "a.tsv", "a.tsv", "b.tsv", "a.tsv", "a & b.tsv", "a & b.tsv", "two\nlines", "two\nlines", "b.tsv"])
        var withNUL = tmx(body + "\n" + unit("c\u{0}.tsv", 10))
        let (general, _) = read(withNUL, fastLane: false, skipBad: false)
        let (fast, _) = read(withNUL, fastLane: true, skipBad: false)
        XCTAssertEqual(general, fast)
        XCTAssertEqual(fast.units.count, 10, "the units before the NUL are read")
        XCTAssertTrue(fast.error?.contains("a NUL byte") == true, fast.error ?? "no error")
        withNUL.removeAll()
    }

    func testIrregularUnitsFallBackToTheGeneralPath() {
        let cases: [(String, String)] = [
            ("inline element with a line break in an attribute", "<tu><tuv xml:lang=\"en\"><seg>A<ph x=\"1\ny\"/></seg></tuv><tuv xml:lang=\"ru\"><seg>Б</seg></tuv></tu>"),
            ("unknown element in a segment", #"<tu><tuv xml:lang="en"><seg>A<b>B</b></seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("unclosed inline element", #"<tu><tuv xml:lang="en"><seg>A<bpt i="1">B</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("crossed inline elements", #"<tu><tuv xml:lang="en"><seg><hi>A<ph>B</hi></ph></seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("comment", #"<tu><!-- c --><tuv xml:lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("cdata", #"<tu><tuv xml:lang="en"><seg><![CDATA[a < b]]></seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("self-closing seg", #"<tu><tuv xml:lang="en"><seg/></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("spaced end tag", #"<tu><tuv xml:lang="en"><seg>A</seg ></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu >"#),
            ("unknown element", #"<tu><tuv xml:lang="en"><seg>A</seg><x-mine/></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("attribute with a line break", "<tu tuid=\"a\nb\"><tuv xml:lang=\"en\"><seg>A</seg></tuv><tuv xml:lang=\"ru\"><seg>Б</seg></tuv></tu>"),
            ("two segs", #"<tu><tuv xml:lang="en"><seg>A</seg><seg>B</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("text in tu", #"<tu>stray<tuv xml:lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            // Errors: the general path names them, with the same line either way.
            ("bad language", #"<tu><tuv xml:lang="en us"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("no language", #"<tu><tuv><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("no seg", #"<tu><tuv xml:lang="en"></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("no tuv", #"<tu><prop type="x">y</prop></tu>"#),
            ("undefined entity", #"<tu><tuv xml:lang="en"><seg>&nbsp;</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("bare ampersand", #"<tu><tuv xml:lang="en"><seg>a & b</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("bad reference", #"<tu><tuv xml:lang="en"><seg>&#xD800;</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("entity in an ignored attribute", #"<tu o-note="a &amp; b" creationdate="2015100&#49;T120000Z"><tuv xml:lang="en" o-x="&#x42;"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("undefined entity in an ignored attribute", #"<tu o-note="&nbsp;"><tuv xml:lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("both language attributes", #"<tu><tuv lang="de" xml:lang="EN-gb"><seg>A</seg></tuv><tuv xml:lang="ru" lang="bad tag"><seg>Б</seg></tuv></tu>"#),
            ("bad xml:lang beside a good lang", #"<tu><tuv xml:lang="e n" lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("repeated attribute", #"<tu tuid="1" tuid="2"><tuv xml:lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tu>"#),
            ("mismatched end", #"<tu><tuv xml:lang="en"><seg>A</seg></tuv><tuv xml:lang="ru"><seg>Б</seg></tuv></tuv></tu>"#),
        ]
        let good = #"<tu><tuv xml:lang="en"><seg>Good</seg></tuv><tuv xml:lang="ru"><seg>Хорошо</seg></tuv></tu>"#
        for (name, unit) in cases {
            assertSame(tmx("\(good)\n\(unit)\n\(good)"), name)
        }
        // Invalid UTF-8 and NUL inside a segment.
        for bad: [UInt8] in [[0xFF], [0x00], [0xD0]] {
            var bytes = tmx("\(good)\n<tu><tuv xml:lang=\"en\"><seg>X</seg></tuv><tuv xml:lang=\"ru\"><seg>Y</seg></tuv></tu>\n\(good)")
            let k = bytes.lastIndex(of: UInt8(ascii: "Y"))!
            bytes.replaceSubrange(k...k, with: bad)
            assertSame(bytes, "bad bytes \(bad)")
        }
        // Invalid UTF-8 in attributes tmkit ignores, and in a date.
        for (attr, bad) in [("o-x", [UInt8]([0xFF])), ("creationdate", [0xC3])] {
            var bytes = tmx("\(good)\n<tu \(attr)=\"Q\"><tuv xml:lang=\"en\"><seg>X</seg></tuv><tuv xml:lang=\"ru\"><seg>Y</seg></tuv></tu>\n\(good)")
            let k = bytes.firstIndex(of: UInt8(ascii: "Q"))!
            bytes.replaceSubrange(k...k, with: bad)
            assertSame(bytes, "bad bytes in \(attr)")
        }
        // A file cut off inside a unit.
        let whole = tmx("\(good)\n\(good)")
        assertSame(Array(whole[0..<(whole.count - 40)]), "truncated")
    }

    func testEveryFixtureAndSampleFileGivesTheSameUnits() throws {
        let fixtures = TMXTests.dir
        var files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".tmx") }.map { fixtures.appendingPathComponent($0) }
        // The peers' files of ../shared, when the checkout has them beside it.
        let samples = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/benchmarks/tmx/samples")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: samples.path) {
            files += names.filter { $0.hasSuffix(".tmx") }.map { samples.appendingPathComponent($0) }
        }
        XCTAssertGreaterThan(files.count, 2)
        var taken = 0
        for f in files {
            taken += assertSame([UInt8](try Data(contentsOf: f)), f.lastPathComponent)
        }
        XCTAssertGreaterThan(taken, 0)
    }

    /// A body of a few megabytes, where the helper thread reads ahead: regular units of many
    /// shapes, irregular ones, errors, and comments holding what looks like a unit's start (a
    /// helper run may begin there; the reader must never take it). One thread or two, lane or
    /// general path: the same units, warnings, skipped units and errors.
    func testTheHelperThreadGivesWhatOneThreadGives() {
        var rng = SeededGenerator(seed: 7)
        let shapes: [(Int) -> String] = [
            { "<tu tuid=\"u\($0)\" creationdate=\"20150101T000000Z\"><prop type=\"x-tmkit-file\">f\($0 / 500).po</prop><tuv xml:lang=\"en\"><seg>Line \($0) of the &amp; file</seg></tuv><tuv xml:lang=\"ru\"><seg>Строка \($0)\nфайла</seg></tuv></tu>" },
            { "<tu srclang=\"ru\">\n  <tuv xml:lang=\"en-GB\"><seg>Save <ph x=\"\($0)\"/> now</seg></tuv>\n  <tuv xml:lang=\"ru\"><note>n\($0)</note><seg>Сохранить</seg></tuv>\n</tu>" },
            { "<tu><tuv xml:lang=\"de\"><seg>Allein \($0)</seg></tuv></tu>" },
            { "<tu><!-- c --><tuv xml:lang=\"en\"><seg>A\($0)</seg></tuv><tuv xml:lang=\"ru\"><seg>Б</seg ></tuv></tu>" }, // general path
            { "<!-- <tu tuid=\"c\($0)\"><tuv xml:lang=\"en\"><seg>commented out</seg></tuv><tuv xml:lang=\"ru\"><seg>нет</seg></tuv></tu> -->" },
            { "<tu><tuv xml:lang=\"en\"><seg><![CDATA[\n<tu> \($0)]]></seg></tuv><tuv xml:lang=\"ru\"><seg>Б</seg></tuv></tu>" },
        ]
        func body(units: Int, errorAt: Int?) -> [UInt8] {
            var parts: [String] = []
            for n in 0..<units {
                let r = Int.random(in: 0..<100, using: &rng)
                let k = r < 80 ? 0 : r < 90 ? 1 : r < 93 ? 2 : r < 96 ? 3 : r < 98 ? 4 : 5
                parts.append(n == errorAt ? "<tu><tuv xml:lang=\"en us\"><seg>A</seg></tuv><tuv xml:lang=\"ru\"><seg>Б</seg></tuv></tu>" : shapes[k](n))
            }
            return tmx(parts.joined(separator: Int.random(in: 0..<4, using: &rng) == 0 ? "\n\n" : "\n"))
        }
        for (name, bytes) in [("clean", body(units: 14_000, errorAt: nil)), ("an error late", body(units: 14_000, errorAt: 13_000))] {
            XCTAssertGreaterThan(bytes.count, 2 * FastLaneHelper.window)
            for skipBad in [false, true] {
                let (general, _, _) = readCounting(bytes, fastLane: false, skipBad: skipBad, twoThreads: false)
                let (one, oneTaken, none) = readCounting(bytes, fastLane: true, skipBad: skipBad, twoThreads: false)
                let (two, twoTaken, helped) = readCounting(bytes, fastLane: true, skipBad: skipBad, twoThreads: true)
                XCTAssertEqual(none, 0)
                XCTAssertTrue(one == general, "\(name), skipBad \(skipBad): one thread differs from the general path")
                XCTAssertTrue(two == general, "\(name), skipBad \(skipBad): two threads differ from the general path")
                XCTAssertEqual(oneTaken, twoTaken)
                if general.error == nil { XCTAssertGreaterThan(helped, twoTaken / 4, "\(name): the helper read a good part of the units") }
                if name == "clean" { XCTAssertGreaterThan(general.units.count, 13_000) } else { XCTAssertEqual(general.error != nil, !skipBad) }
            }
        }
    }

    func testDatesAreReadAsTimegmReadsThem() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let (y, mo, d) = (Int.random(in: 1900...2300, using: &rng), Int.random(in: 0...13, using: &rng), Int.random(in: 0...32, using: &rng))
            let (h, mi, s) = (Int.random(in: 0...24, using: &rng), Int.random(in: 0...60, using: &rng), Int.random(in: 0...61, using: &rng))
            let text = String(format: "%04d%02d%02dT%02d%02d%02dZ", y, mo, d, h, mi, s)
            var t = tm()
            t.tm_year = Int32(y - 1900); t.tm_mon = Int32(mo - 1); t.tm_mday = Int32(d)
            t.tm_hour = Int32(h); t.tm_min = Int32(mi); t.tm_sec = Int32(s)
            let expected = timegm(&t)
            let want: Date? = expected < 0 && y > 1970 ? nil : Date(timeIntervalSince1970: TimeInterval(expected))
            XCTAssertEqual(TMXDate.parse(text), want, text)
        }
        XCTAssertEqual(TMXDate.parse("2015-10-01T12:00:00Z").map(TMXDate.format), "20151001T120000Z")
        XCTAssertNil(TMXDate.parse("20151001"))
    }
}

