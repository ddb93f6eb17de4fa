import XCTest
@testable import Formats

final class HTMLTextTests: XCTestCase {
    func testBlocksOfATolerantPage() {
        let html = """
            <html><head><title>News &amp; views</title><script>document.write("<p>x</p>")</script></head>
            <body><div role="navigation"><a href=/>Home</a></div>
            <p>First&nbsp;para with <i>italic
            text</i> and an image <img src=a.png alt="A"> here.
            <p>Second para, unclosed<br>after a break
            <ul><li>One<li>Two &mdash; &#8220;quoted&#x201D; &bogus; & more</ul>
            <table><tr><td>Cell</td><th>Head</th></tr></table>
            <figure><img src=x><figcaption>Caption</figcaption></figure>
            </body></html>
            """
        let blocks = HTMLText.blocks(html)
        XCTAssertEqual(blocks.map(\.text), ["News & views", "First\u{A0}para with italic text and an image here.", "Second para, unclosed",
                                            "after a break", "One", "Two — “quoted” &bogus; & more", "Cell", "Head", "Caption"])
        XCTAssertEqual(blocks.map(\.element), ["title", "p", "p", "p", "li", "li", "td", "th", "figcaption"])
        // (The image sits between two spaces: the second goes with it, so the markup keeps both.)
        XCTAssertEqual(blocks[1].codes.map(\.raw), ["<i>", "</i>", "<img src=a.png alt=\"A\"> "])
        XCTAssertTrue(blocks[1].tmxMarkup(0..<blocks[1].text.unicodeScalars.count, isFirst: true, isLast: true)!
            .hasSuffix("an image <ph x=\"2\">&lt;img src=a.png alt=\"A\"&gt; </ph>here."))
        XCTAssertEqual(blocks[1].line, 3)
        // Every character maps back to its place in the page.
        let scalars = Array(html.unicodeScalars)
        let b = blocks[1]
        let firstWord = String(String.UnicodeScalarView(scalars[b.sourceStart[0]..<b.sourceEnd[4]]))
        XCTAssertEqual(firstWord, "First")
        XCTAssertEqual(String(String.UnicodeScalarView(scalars[b.sourceStart[5]..<b.sourceEnd[5]])), "&nbsp;")
    }

    func testMarkupOfSentencesSplitsPairsAcrossSentenceBoundaries() {
        let b = HTMLText.blocks("<p>One <b>two. Three</b> four. Five <br/>")[0]
        XCTAssertEqual(b.text, "One two. Three four. Five")
        // Sentences: [0, 8) "One two.", [9, 20) "Three four.", [21, 25) "Five".
        XCTAssertEqual(b.tmxMarkup(0..<8, isFirst: true, isLast: false), "One <it pos=\"begin\" x=\"1\">&lt;b&gt;</it>two.")
        XCTAssertEqual(b.tmxMarkup(9..<20, isFirst: false, isLast: false), "Three<it pos=\"end\" x=\"1\">&lt;/b&gt;</it> four.")
        XCTAssertNil(b.tmxMarkup(21..<25, isFirst: false, isLast: true))
        let whole = HTMLText.blocks("<p>A <b>bold</b> and <a href=\"x\">link</a>.</p>")[0]
        XCTAssertEqual(whole.tmxMarkup(0..<whole.text.unicodeScalars.count, isFirst: true, isLast: true),
                       "A <bpt i=\"1\">&lt;b&gt;</bpt>bold<ept i=\"1\">&lt;/b&gt;</ept> and <bpt i=\"2\">&lt;a href=\"x\"&gt;</bpt>link<ept i=\"2\">&lt;/a&gt;</ept>.")
    }
}
