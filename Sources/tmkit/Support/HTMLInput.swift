import Formats
import Segmentation

/// A sentence of a page read as HTML: its text, where it is in the page (Unicode scalars), its
/// block (paragraph) and its inline markup as TMX segment content (nil when it has no tag).
struct PageSentence {
    var text: String
    var start: Int
    var end: Int
    var paragraph: Int
    var markup: String?
}

enum PageInput {
    /// Whether `name` or `text` is an HTML page.
    static func isHTML(name: String, text: String) -> Bool {
        let lower = name.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") { return true }
        return HTMLText.looksLikeHTML(text)
    }

    /// The sentences of the page's blocks (each block a paragraph).
    static func sentences(html: String, segmenter: SentenceSegmenter) throws -> [PageSentence] {
        var out: [PageSentence] = []
        for (b, block) in HTMLText.blocks(html).enumerated() {
            let segs = try segmenter.segment(block.text)
            for (k, s) in segs.enumerated() where s.end > s.start {
                out.append(PageSentence(text: s.text, start: block.sourceStart[s.start], end: block.sourceEnd[s.end - 1], paragraph: b,
                                        markup: block.tmxMarkup(s.start..<s.end, isFirst: k == 0, isLast: k == segs.count - 1)))
            }
        }
        return out
    }
}
