import XCTest
@testable import Formats

final class MarkdownTextTests: XCTestCase {
    static let document = #"""
        ---
        title: "Iraq: cooperation"
        ---

        Iraq Intends to Strengthen Cooperation
        ======================================

        MOSCOW (Sputnik) — Iraq intends to ***strengthen*** cooperation with Russia, file_name_here said
        2015. Then a \*literal\* star & an &laquo;entity&raquo;.  
        See ![map](img/map.png "Map") and <https://sputniknews.com> or <b>bold</b> text.

        ```swift
        let x = "not text"
        ```

            indented code, not text

        > A quote from **Bogdanov**.
        > It goes on.

        | Name | Role |
        |------|:----:|
        | Mikhail Bogdanov | Deputy *Foreign* Minister |
        | committee | security \| defense |

        1. First [link text][ref] here.
        2. Second item
           continues here.

           A paragraph inside the item.

        * * *

        ## Subheading ##

        «Мы готовы», — сказал г. Богданов. **Unclosed and 2*3 stay.

        <div class="note">
        <p>An <i>HTML</i> block.</p>
        </div>

        [ref]: https://example.com
        """#

    func testBlocksTheirElementsAndWhatIsLeftOut() {
        let blocks = MarkdownText.blocks(Self.document)
        XCTAssertEqual(blocks.map(\.text), [
            "Iraq Intends to Strengthen Cooperation",
            "MOSCOW (Sputnik) — Iraq intends to strengthen cooperation with Russia, file_name_here said 2015. Then a *literal* star & an «entity». See and or bold text.",
            "A quote from Bogdanov. It goes on.",
            "Name", "Role", "Mikhail Bogdanov", "Deputy Foreign Minister", "committee", "security | defense",
            "First link text here.", "Second item continues here.", "A paragraph inside the item.",
            "Subheading",
            "«Мы готовы», — сказал г. Богданов. **Unclosed and 2*3 stay.",
            "An HTML block.",
        ])
        XCTAssertEqual(blocks.map(\.element), ["h1", "p", "blockquote", "th", "th", "td", "td", "td", "td", "li", "li", "p", "h2", "p", "p"])
        XCTAssertEqual(blocks.map(\.line), [5, 8, 18, 21, 21, 23, 23, 24, 24, 26, 27, 30, 34, 36, 39])
    }

    func testInlineSyntaxBecomesPairedCodes() {
        let blocks = MarkdownText.blocks(Self.document)
        let p = blocks[1]
        XCTAssertEqual(p.codes.map(\.raw), ["*", "**", "**", "*", "![map](img/map.png \"Map\") ", "<https://sputniknews.com> ", "<b>", "</b>"])
        XCTAssertEqual(p.codes.map(\.name), ["i", "b", "b", "i", "img", "a", "b", "b"])
        XCTAssertEqual(p.codes.map(\.pair), [1, 2, 2, 1, 0, 0, 3, 3])
        let sentence = p.text.unicodeScalars.count
        let markup = p.tmxMarkup(0..<sentence, isFirst: true, isLast: true) ?? ""
        XCTAssertTrue(markup.hasPrefix("MOSCOW (Sputnik) — Iraq intends to <bpt i=\"1\">*</bpt><bpt i=\"2\">**</bpt>strengthen<ept i=\"2\">**</ept><ept i=\"1\">*</ept> coop"), markup)
        // (An image or autolink between two spaces keeps the second in its code.)
        XCTAssertTrue(markup.hasSuffix("See <ph x=\"3\">![map](img/map.png \"Map\") </ph>and <ph x=\"4\">&lt;https://sputniknews.com&gt; </ph>or <bpt i=\"5\">&lt;b&gt;</bpt>bold<ept i=\"5\">&lt;/b&gt;</ept> text."), markup)
        XCTAssertEqual(blocks[9].tmxMarkup(0..<blocks[9].text.unicodeScalars.count, isFirst: true, isLast: true),
                       "First <bpt i=\"1\">[</bpt>link text<ept i=\"1\">][ref]</ept> here.")
        XCTAssertEqual(blocks[6].codes.map(\.raw), ["*", "*"])
        // Unclosed runs, intraword underscores and a lone star between digits are text.
        XCTAssertTrue(blocks[13].codes.isEmpty)
    }

    func testEmphasisFollowsTheFlankingRules() {
        func marked(_ s: String) -> String? {
            let b = MarkdownText.blocks(s)[0]
            return b.tmxMarkup(0..<b.text.unicodeScalars.count, isFirst: true, isLast: true)
        }
        XCTAssertEqual(marked("*a **b** c*"), #"<bpt i="1">*</bpt>a <bpt i="2">**</bpt>b<ept i="2">**</ept> c<ept i="1">*</ept>"#)
        XCTAssertEqual(marked("snake_case_name and __init__"), #"snake_case_name and <bpt i="1">__</bpt>init<ept i="1">__</ept>"#)
        XCTAssertNil(marked("a * b * c"))
        XCTAssertEqual(marked("~~gone~~ and `code *not* emphasis`"),
                       #"<bpt i="1">~~</bpt>gone<ept i="1">~~</ept> and <bpt i="2">`</bpt>code *not* emphasis<ept i="2">`</ept>"#)
        XCTAssertEqual(MarkdownText.blocks("~~gone~~ and `code *not* emphasis`")[0].text, "gone and code *not* emphasis")
    }

    func testEveryCharacterMapsBackToTheDocument() {
        let scalars = Array(Self.document.unicodeScalars)
        for b in MarkdownText.blocks(Self.document) {
            for (k, c) in b.text.unicodeScalars.enumerated() where c != " " {
                let raw = String(String.UnicodeScalarView(scalars[b.sourceStart[k]..<b.sourceEnd[k]]))
                // Escapes and character references span more than the character they give.
                XCTAssertTrue(raw == String(c) || raw == "\\" + String(c) || raw.hasPrefix("&"), "\(c) ← \(raw) in \(b.text)")
            }
        }
    }

    func testAWrappedLineStartingWithANumberStaysInItsParagraph() {
        let blocks = MarkdownText.blocks("The deal was signed in\n2015. It was renewed in\n1. Then:\n\n- a\n- b\n")
        XCTAssertEqual(blocks.map(\.text), ["The deal was signed in 2015. It was renewed in", "Then:", "a", "b"])
        XCTAssertEqual(blocks.map(\.element), ["p", "li", "li", "li"])
    }
}
