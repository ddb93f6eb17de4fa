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
    /// How a document is read: as text, as an HTML page or as Markdown (blocks with inline codes).
    enum Kind: String, CaseIterable {
        case text, html, markdown
    }

    /// The kind of `name` (by its extension) or `text` (an HTML page by its start).
    static func kind(name: String, text: String) -> Kind {
        let lower = name.lowercased()
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") { return .html }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") || lower.hasSuffix(".mdown") || lower.hasSuffix(".mkd") { return .markdown }
        return HTMLText.looksLikeHTML(text) ? .html : .text
    }

    /// The blocks of a page or Markdown document.
    static func blocks(_ kind: Kind, _ text: String) -> [HTMLText.Block] {
        switch kind {
        case .html: HTMLText.blocks(text)
        case .markdown: MarkdownText.blocks(text)
        case .text: []
        }
    }

    /// The sentences of blocks (each block a paragraph), with their inline codes as TMX markup.
    static func sentences(blocks: [HTMLText.Block], segmenter: SentenceSegmenter) throws -> [PageSentence] {
        var out: [PageSentence] = []
        for (b, block) in blocks.enumerated() {
            let segs = try segmenter.segment(block.text)
            for (k, s) in segs.enumerated() where s.end > s.start {
                out.append(PageSentence(text: s.text, start: block.sourceStart[s.start], end: block.sourceEnd[s.end - 1], paragraph: b,
                                        markup: block.tmxMarkup(s.start..<s.end, isFirst: k == 0, isLast: k == segs.count - 1)))
            }
        }
        return out
    }
}
