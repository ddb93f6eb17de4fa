import Foundation
import XCTest

/// `l10n extract` and `l10n merge`: a document to XLIFF and back, as Okapi Tikal's -x and -m.
final class L10nDocumentTests: XCTestCase {
    func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tmkit-doc-\(UUID().uuidString)-\(name)").path
    }

    /// The XLIFF with every unit's target set by `target` (given the source's content as written).
    func withTargets(_ xliff: String, _ target: (Int, String) -> String?) throws -> String {
        let re = try NSRegularExpression(pattern: "<trans-unit id=\"(\\d+)\"[^>]*>\\n\\s*<source>(.*?)</source>", options: [.dotMatchesLineSeparators])
        var out = xliff
        for m in re.matches(in: xliff, range: NSRange(xliff.startIndex..., in: xliff)).reversed() {
            let id = Int(xliff[Range(m.range(at: 1), in: xliff)!])!
            let source = String(xliff[Range(m.range(at: 2), in: xliff)!])
            if let t = target(id, source) { out.insert(contentsOf: "<target>\(t)</target>", at: Range(m.range, in: out)!.upperBound) }
        }
        return out
    }

    func markdownArticle() throws -> (path: String, text: String) {
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let md = MarkdownPageTests.markdown(en, bold: "Islamic State", link: "Russian Foreign Ministry")
        let path = temp("article.md")
        try md.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, md)
    }

    func testAMarkdownArticleComesBackByteForByte() throws {
        let (path, md) = try markdownArticle()
        let xlf = path + ".xlf"
        defer { for f in [path, xlf, xlf + ".t.xlf", temp("x")] { try? FileManager.default.removeItem(atPath: f) } }
        let r = try CLI.run(["l10n", "extract", path, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let want = try String(contentsOfFile: CLI.fixture("sentences-en.txt"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(r.stdout.hasPrefix("\(xlf): \(want.count) segments"), r.stdout)
        let xliff = try String(contentsOfFile: xlf, encoding: .utf8)
        XCTAssertTrue(xliff.contains("<source>Iraq Intends to Strengthen Anti-ISIL Cooperation With Russia</source>"), xliff)
        XCTAssertTrue(xliff.contains("<bpt id=\"1\">**</bpt>Islamic State<ept id=\"1\">**</ept>"), xliff)
        XCTAssertTrue(xliff.contains("<bpt id=\"1\">[</bpt>Russian Foreign Ministry<ept id=\"1\">](https://example.com/a_(b))</ept>"), xliff)
        XCTAssertFalse(xliff.contains("not = "), "the code block is not text")
        XCTAssertFalse(xliff.contains("layout: article"), "the front matter is not text")

        // No targets: the document as it was; the merged file is named after the original.
        let m = try CLI.run(["l10n", "merge", xlf])
        XCTAssertEqual(m.status, 0, m.stderr)
        let merged = (xlf as NSString).deletingLastPathComponent + "/" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".ru.md"
        defer { try? FileManager.default.removeItem(atPath: merged) }
        XCTAssertEqual(m.stdout, "\(merged): 0 of \(want.count) segments translated, \(want.count) left in the source language\n")
        XCTAssertEqual(try String(contentsOfFile: merged, encoding: .utf8), md)

        // Every target its source, codes included: the same document again.
        let same = xlf + ".t.xlf"
        try withTargets(xliff) { _, s in s }.write(toFile: same, atomically: true, encoding: .utf8)
        let out = temp("same.md")
        XCTAssertEqual(try CLI.run(["l10n", "merge", same, "-o", out]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), md)

        // Translated targets, with the codes moved and syntax in the text: the markup comes back
        // around the new words, and the text's '*' is escaped so that it stays a star.
        let translated = try withTargets(xliff) { id, s in
            if s.contains("**</bpt>Islamic State") { return "<bpt id=\"1\">**</bpt>ИГ<ept id=\"1\">**</ept> * звезда" }
            return id == 1 ? "Ирак намерен укрепить сотрудничество с Россией" : nil
        }
        let t = temp("t.xlf")
        try translated.write(toFile: t, atomically: true, encoding: .utf8)
        let out2 = temp("t.md")
        let r2 = try CLI.run(["l10n", "merge", t, "-o", out2])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stdout.contains(": 2 of \(want.count) segments translated"), r2.stdout)
        let doc = try String(contentsOfFile: out2, encoding: .utf8)
        XCTAssertTrue(doc.hasPrefix("---\nlayout: article\n---\n\n# Ирак намерен укрепить сотрудничество с Россией\n\n"), doc)
        XCTAssertTrue(doc.contains("**ИГ** \\* звезда"), doc)
        XCTAssertFalse(doc.contains("**Islamic State**"))
        XCTAssertTrue(doc.hasSuffix("```\nnot = \"text\"\n```\n"))
    }

    func testAnHTMLPageComesBackByteForByte() throws {
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let page = HTMLPageTests.page(en, lang: "en", bold: "Islamic State", link: "Russian Foreign Ministry")
        let path = temp("article.html")
        try page.write(toFile: path, atomically: true, encoding: .utf8)
        let xlf = temp("article.xlf"), out = temp("out.html")
        defer { for f in [path, xlf, out] { try? FileManager.default.removeItem(atPath: f) } }
        XCTAssertEqual(try CLI.run(["l10n", "extract", path, "--target-lang", "ru", "-o", xlf]).status, 0)
        let xliff = try String(contentsOfFile: xlf, encoding: .utf8)
        XCTAssertTrue(xliff.contains("datatype=\"html\""))
        XCTAssertFalse(xliff.contains("Subscribe"), "navigation is not text")
        try withTargets(xliff) { _, s in s.replacingOccurrences(of: "Sputnik", with: "Спутник &amp; Co") }.write(toFile: xlf, atomically: true, encoding: .utf8)
        let r = try CLI.run(["l10n", "merge", xlf, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The page as it was but for the changed word, with '&' escaped as HTML wants it.
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), page.replacingOccurrences(of: "Sputnik", with: "Спутник &amp; Co"))
    }

    /// The whole round: a memory aligned from the English and Russian articles, the English one
    /// extracted, pre-translated from the memory (codes carried where the memory's translation has
    /// the same markup) and merged: the Russian article, but for what the memory cannot give.
    func testAnAlignedMemoryTranslatesTheArticleWithItsMarkup() throws {
        let en = try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8)
        let ru = try String(contentsOfFile: CLI.fixture("article-ru.txt"), encoding: .utf8)
        let enMD = MarkdownPageTests.markdown(en, bold: "Islamic State", link: "Russian Foreign Ministry")
        // The same words in bold and linked in the same sentences as in English.
        let ruMD = MarkdownPageTests.markdown(ru, bold: "Исламского государства", link: "МИД")
        // Bold where the English sentence has none: that translation cannot carry the codes.
        let ruOther = MarkdownPageTests.markdown(ru, bold: "Исламское государство", link: "МИД")
        let (enPath, ruPath, otherPath) = (temp("en.md"), temp("ru.md"), temp("other.md"))
        let (memory, other, xlf, filled, out) = (temp("m.tmdb"), temp("o.tmdb"), enPath + ".xlf", temp("filled.xlf"), temp("out.md"))
        defer { for f in [enPath, ruPath, otherPath, memory, other, xlf, filled, out] { try? FileManager.default.removeItem(atPath: f) } }
        try enMD.write(toFile: enPath, atomically: true, encoding: .utf8)
        try ruMD.write(toFile: ruPath, atomically: true, encoding: .utf8)
        try ruOther.write(toFile: otherPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["align", enPath, ruPath, "--source-lang", "en", "--target-lang", "ru", "--into", memory]).status, 0)
        XCTAssertEqual(try CLI.run(["align", enPath, otherPath, "--source-lang", "en", "--target-lang", "ru", "--into", other]).status, 0)
        XCTAssertEqual(try CLI.run(["l10n", "extract", enPath, "--target-lang", "ru"]).status, 0)

        let p = try CLI.run(["l10n", "pretranslate", xlf, "--target-lang", "ru", "--memory", memory, "-o", filled])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stdout.contains("11 of 13 untranslated strings filled from exact or context matches"), p.stdout)
        let xliff = try String(contentsOfFile: filled, encoding: .utf8)
        XCTAssertTrue(xliff.contains("<target state=\"translated\">Замминистра иностранных дел РФ Михаил Богданов в пятницу встретился с делегацией комитета по безопасности и обороне Ирака, чтобы обсудить ситуацию в Ираке в связи с экспансией «<bpt id=\"1\">**</bpt>Исламского государства<ept id=\"1\">**</ept>»"), xliff)
        // QA: the two units the memory could not fill, and no code lost; a target that drops a code is caught.
        let qa = try CLI.run(["qa", filled, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertEqual(qa.stdout.components(separatedBy: "\n").filter { $0.contains("error: untranslated") }.count, 2, qa.stdout)
        XCTAssertFalse(qa.stdout.contains("codes"), qa.stdout)
        let broken = temp("broken.xlf")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try xliff.replacingOccurrences(of: "Исламского государства<ept id=\"1\">**</ept>", with: "Исламского государства").write(toFile: broken, atomically: true, encoding: .utf8)
        let qa2 = try CLI.run(["qa", broken, "--source-lang", "en", "--target-lang", "ru"])
        XCTAssertTrue(qa2.stdout.contains("error: inline codes missing in the translation: '**'"), qa2.stdout)

        let m = try CLI.run(["l10n", "merge", filled, "-o", out])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(m.stdout, "\(out): 11 of 13 segments translated, 2 left in the source language\n")
        // Line by line the Russian article, but for the paragraph where two English sentences make
        // one Russian one (a 2-1 bead: no unit for either alone) and the Russian sentence with no
        // English one.
        let got = try String(contentsOfFile: out, encoding: .utf8).components(separatedBy: "\n")
        let want = ruMD.components(separatedBy: "\n")
        XCTAssertEqual(got.count, want.count)
        let differing = zip(got, want).filter { $0 != $1 }
        XCTAssertEqual(differing.count, 2, "\(differing)")
        XCTAssertTrue(differing[0].0.hasSuffix("So far, the Russian Aerospace Forces have carried out around 1,800 sorties, destroying some 2,700 terrorist targets. Several hundreds of militants have been killed, dozens of command centers and depots destroyed."), differing[0].0)
        XCTAssertEqual(differing[1].0 + " Центр начал работу в начале октября.", differing[1].1)

        // The leverage report of the article itself, sentence by sentence: 11 exact matches; the two
        // sentences of the 2-1 bead have no unit of their own (one is a fuzzy match of it).
        let a = try CLI.run(["l10n", "analyze", enPath, "--target-lang", "ru", "--memory", memory, "--format", "json"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as! [[String: Any]]
        let bands = Dictionary(uniqueKeysWithValues: (report[0]["bands"] as! [[String: Any]]).map { ($0["band"] as! String, $0["segments"] as! Int) })
        XCTAssertEqual(bands["100%"], 11, a.stdout)
        XCTAssertEqual(bands.values.reduce(0, +), 13)

        // The translated XLIFF into a new memory: codes as markup, neighbours as context (ids are no
        // keys); pre-translating the article from it gives the same targets, as context matches.
        let back = temp("back.tmdb")
        defer { try? FileManager.default.removeItem(atPath: back) }
        let i = try CLI.run(["l10n", "import", filled, "--target-lang", "ru", "--memory", back])
        XCTAssertTrue(i.stdout.contains("11 translated strings; 11 added"), i.stdout + i.stderr)
        let tmx = try CLI.run(["tm", "export", "-", "--memory", back, "--source-lang", "en"]).stdout
        XCTAssertTrue(tmx.contains("<seg>Замминистра иностранных дел РФ Михаил Богданов в пятницу встретился с делегацией комитета по безопасности и обороне Ирака, чтобы обсудить ситуацию в Ираке в связи с экспансией «<bpt i=\"1\">**</bpt>Исламского государства<ept i=\"1\">**</ept>»"), tmx)
        XCTAssertFalse(tmx.contains("<prop type=\"x-tmkit-key\">"), "unit ids of a document are no keys")
        let again = temp("again.xlf")
        defer { try? FileManager.default.removeItem(atPath: again) }
        XCTAssertEqual(try CLI.run(["l10n", "pretranslate", xlf, "--target-lang", "ru", "--memory", back, "-o", again]).status, 0)
        func targets(_ path: String) throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n").filter { $0.contains("<target") }
        }
        XCTAssertEqual(try targets(again), try targets(filled))
        let a2 = try CLI.run(["l10n", "analyze", xlf, "--target-lang", "ru", "--memory", back, "--format", "json"])
        let bands2 = Dictionary(uniqueKeysWithValues: ((try JSONSerialization.jsonObject(with: Data(a2.stdout.utf8)) as! [[String: Any]])[0]["bands"] as! [[String: Any]])
            .map { ($0["band"] as! String, $0["segments"] as! Int) })
        XCTAssertEqual(bands2["101% (context)"]! + bands2["100%"]!, 11, a2.stdout)
        XCTAssertGreaterThanOrEqual(bands2["101% (context)"]!, 9, a2.stdout)

        // With --copy-source (for OmegaT) every unit has its source as a target in state "new": merged
        // as it is, it gives the article back and counts as untranslated; pretranslate fills those copies.
        let copied = temp("copied.xlf"), copiedFilled = temp("copied-filled.xlf"), copiedOut = temp("copied.md")
        defer { for f in [copied, copiedFilled, copiedOut] { try? FileManager.default.removeItem(atPath: f) } }
        XCTAssertEqual(try CLI.run(["l10n", "extract", enPath, "--target-lang", "ru", "--copy-source", "-o", copied]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: copied, encoding: .utf8).components(separatedBy: "<target state=\"new\">").count - 1, 13)
        let cm = try CLI.run(["l10n", "merge", copied, "-o", copiedOut])
        XCTAssertEqual(cm.stdout, "\(copiedOut): 0 of 13 segments translated, 13 left in the source language\n", cm.stderr)
        XCTAssertEqual(try String(contentsOfFile: copiedOut, encoding: .utf8), enMD)
        let cp = try CLI.run(["l10n", "pretranslate", copied, "--target-lang", "ru", "--memory", memory, "-o", copiedFilled])
        XCTAssertTrue(cp.stdout.contains("11 of 13 untranslated strings filled"), cp.stdout)
        XCTAssertEqual(try targets(copiedFilled).filter { !$0.contains("state=\"new\"") }, try targets(filled))

        // A memory whose translations have other markup fills only the sentences without codes.
        let p2 = try CLI.run(["l10n", "pretranslate", xlf, "--target-lang", "ru", "--memory", other, "-o", filled])
        XCTAssertTrue(p2.stdout.contains("9 of 13 untranslated strings filled"), p2.stdout)
        XCTAssertTrue(p2.stdout.contains("; 2 left because the memory's translation does not carry their inline codes"), p2.stdout)
        XCTAssertFalse(p.stdout.contains("left because"), p.stdout)
        XCTAssertFalse(try String(contentsOfFile: filled, encoding: .utf8).contains("Замминистра"))
    }

    func testSeveralDocumentsAtOnce() throws {
        let (md, text) = try markdownArticle()
        let txt = temp("article.txt")
        try String(contentsOfFile: CLI.fixture("article-en.txt"), encoding: .utf8).write(toFile: txt, atomically: true, encoding: .utf8)
        let dir = (md as NSString).deletingLastPathComponent
        let mergedMD = dir + "/" + ((md as NSString).lastPathComponent as NSString).deletingPathExtension + ".ru.md"
        let mergedTxt = dir + "/" + ((txt as NSString).lastPathComponent as NSString).deletingPathExtension + ".ru.txt"
        defer { for f in [md, txt, md + ".xlf", txt + ".xlf", mergedMD, mergedTxt] { try? FileManager.default.removeItem(atPath: f) } }
        let r = try CLI.run(["l10n", "extract", md, txt, "--target-lang", "ru"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2, r.stdout)
        let m = try CLI.run(["l10n", "merge", md + ".xlf", txt + ".xlf"])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(try String(contentsOfFile: mergedMD, encoding: .utf8), text)
        XCTAssertEqual(try String(contentsOfFile: mergedTxt, encoding: .utf8), try String(contentsOfFile: txt, encoding: .utf8))
        let bad = try CLI.run(["l10n", "extract", md, txt, "--target-lang", "ru", "-o", temp("one.xlf")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("-o names one XLIFF file"), bad.stderr)
    }

    /// Targets that give each sentence back as it is (its source, codes and all) give a document whose
    /// sentences are the same: each is escaped as its place needs — Markdown, an HTML block inside
    /// Markdown, or a code span, whose content is never escaped. (A fuzz run of 1,050 generated
    /// Markdown and HTML documents found the two cases this test keeps.)
    func testTranslationsAreEscapedAsTheirPlaceNeeds() throws {
        let md = """
            # Title with 2*3 and `a*b` code

            Literal \\*stars\\* and **bold** and `x_y*z` and [link](http://x.com/a_(b)), 2*3.

            <div>
            <p>An __html__ block with <b>bold</b> and <https://x.org> and 2*3.</p>
            </div>

            """
        let path = temp("esc.md"), xlf = temp("esc.xlf"), same = temp("same.xlf"), out = temp("out.md"), again = temp("again.xlf")
        defer { for f in [path, xlf, same, out, again] { try? FileManager.default.removeItem(atPath: f) } }
        try md.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["l10n", "extract", path, "--target-lang", "ru", "-o", xlf]).status, 0)
        let xliff = try String(contentsOfFile: xlf, encoding: .utf8)
        try withTargets(xliff) { _, s in s }.write(toFile: same, atomically: true, encoding: .utf8)
        let m = try CLI.run(["l10n", "merge", same, "-o", out])
        XCTAssertEqual(m.status, 0, m.stderr)
        let merged = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(merged.contains("`x_y*z`"), merged)            // code span content as it was
        XCTAssertTrue(merged.contains("An __html__ block"), merged)  // HTML block text: no Markdown escapes
        XCTAssertTrue(merged.contains("Literal \\*stars\\*"), merged)
        XCTAssertEqual(try CLI.run(["l10n", "extract", out, "--target-lang", "ru", "-o", again]).status, 0)
        func sources(_ path: String) throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n").filter { $0.contains("<source>") }
        }
        XCTAssertEqual(try sources(again), try sources(xlf))
        XCTAssertEqual(try sources(xlf).count, 3)
    }

    func testMergeRefusesWhatItCannotGiveBack() throws {
        let plain = temp("plain.xlf")
        defer { try? FileManager.default.removeItem(atPath: plain) }
        try """
            <?xml version="1.0"?>
            <xliff version="1.2"><file original="a.txt" source-language="en" target-language="ru" datatype="plaintext"><body>
            <trans-unit id="1"><source>Hello.</source><target>Привет.</target></trans-unit>
            </body></file></xliff>
            """.write(toFile: plain, atomically: true, encoding: .utf8)
        let r = try CLI.run(["l10n", "merge", plain])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no tmkit skeleton"), r.stderr)

        // A CAT tool that replaced a code by <x/>: the markup it stood for is gone.
        let (path, _) = try markdownArticle()
        let xlf = path + ".xlf"
        defer { for f in [path, xlf] { try? FileManager.default.removeItem(atPath: f) } }
        XCTAssertEqual(try CLI.run(["l10n", "extract", path, "--target-lang", "ru"]).status, 0)
        let xliff = try String(contentsOfFile: xlf, encoding: .utf8)
        try withTargets(xliff) { _, s in s.contains("**</bpt>Islamic State") ? "<x id=\"1\"/>ИГ" : nil }.write(toFile: xlf, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["l10n", "merge", xlf, "-o", temp("bad.md")])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("<x> in a target holds no original markup"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains(":1") || bad.stderr.contains("line"), bad.stderr)
    }
}
