import Foundation

/// A document (plain text, an HTML page, Markdown) as XLIFF 1.2 for a CAT tool, and the translated
/// document back from it, as Okapi Tikal's extract (`-x`) and merge (`-m`) do.
///
/// Each sentence is a `trans-unit` (ids 1, 2, …) whose source keeps the sentence's inline codes as
/// `bpt`/`ept`/`ph`/`it` elements holding the original markup. The file carries its own skeleton
/// in `<header><skl><internal-file form="base64">`: the document and where each sentence is in it.
/// Merging puts each target, its codes turned back into the markup they hold, where its sentence
/// was; a unit without a target keeps its source. Everything between sentences is kept byte for byte.
public enum DocumentXLIFF {
    /// How a translation's text is escaped where its sentence was: as plain text, HTML or Markdown.
    public enum Escaping: String, Sendable, Codable {
        case plain, html, markdown

        /// The escaping of a file's `datatype` (a skeleton of an earlier version has no other).
        init(datatype: String) {
            switch datatype {
            case "html", "xhtml": self = .html
            case "x-markdown", "markdown": self = .markdown
            default: self = .plain
            }
        }
    }

    public struct Segment: Sendable {
        /// Plain text of the sentence.
        public var text: String
        /// The sentence with its inline codes as XLIFF 1.2 elements (nil when it has none).
        public var markup: String?
        /// Where the sentence (with its codes) is in the document, in Unicode scalars.
        public var span: Range<Int>
        /// What its text is in the document (a Markdown file's HTML blocks are HTML).
        public var escaping: Escaping
        public init(text: String, markup: String?, span: Range<Int>, escaping: Escaping = .plain) {
            self.text = text
            self.markup = markup
            self.span = span
            self.escaping = escaping
        }
    }

    /// The skeleton: the document and the spans of its units, in order.
    struct Skeleton: Codable {
        var format = "tmkit-document-1"
        var document: String
        var spans: [[Int]]
        /// Each span's escaping (absent: the file's datatype says).
        var escapes: [Escaping]?
    }

    /// The XLIFF 1.2 file of a document's segments.
    /// - Parameter document: the document's text (kept, encoded, as the skeleton that `merge` fills).
    /// - Parameter original: the file name written in `<file original=…>`.
    /// - Parameter segments: the translatable segments, with their spans in `document`.
    /// - Parameter sourceLanguage: the document's language tag.
    /// - Parameter targetLanguage: the translation's language tag.
    /// - Parameter toolVersion: written in `<tool tool-version=…>`.
    /// - Parameter datatype: XLIFF's `datatype` ("plaintext", "html", "x-markdown").
    /// - Parameter copySource: give every unit a `<target state="new">` holding a copy of its source,
    ///   as tools that translate only existing targets (OmegaT) need; `pretranslate` and `merge`
    ///   count such a copy as untranslated.
    public static func extract(document: String, original: String, datatype: String, segments: [Segment],
                               sourceLanguage: String, targetLanguage: String, toolVersion: String, copySource: Bool = false) throws -> String {
        let skeleton = Skeleton(document: document, spans: segments.map { [$0.span.lowerBound, $0.span.upperBound] }, escapes: segments.map(\.escaping))
        let encoded = try JSONEncoder().encode(skeleton).base64EncodedString()
        func attr(_ s: String) -> String { TMXWriter.escape(s, quotes: true) }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
              <file original="\(attr(original))" source-language="\(attr(sourceLanguage))" target-language="\(attr(targetLanguage))" datatype="\(attr(datatype))" tool-id="tmkit">
                <header>
                  <skl><internal-file form="base64">\(encoded)</internal-file></skl>
                  <tool tool-id="tmkit" tool-name="tmkit" tool-version="\(attr(toolVersion))"/>
                </header>
                <body>

            """
        for (i, s) in segments.enumerated() {
            let source = s.markup ?? TMXWriter.escape(s.text, quotes: false)
            let target = copySource ? "        <target state=\"new\">\(source)</target>\n" : ""
            out += "      <trans-unit id=\"\(i + 1)\" xml:space=\"preserve\">\n        <source>\(source)</source>\n\(target)      </trans-unit>\n"
        }
        out += "    </body>\n  </file>\n</xliff>\n"
        return out
    }

    /// A target's text, or one of its codes (element, id, the markup it holds).
    enum Piece {
        case text(String)
        case code(String, String?, String)
    }

    /// A target as the document writes it: codes as the markup they hold, text escaped, but inside a
    /// Markdown code span (between codes holding backticks), where backslashes are not escapes.
    static func text(of pieces: [Piece], escaping: Escaping) -> String {
        var out = ""
        var codeSpan: String? // the id of the open code span's ept
        for p in pieces {
            switch p {
            case .code(let n, let id, let raw):
                out += raw
                if escaping == .markdown, n == "bpt", codeSpan == nil, !raw.isEmpty, raw.allSatisfy({ $0 == "`" }) { codeSpan = id ?? "" }
                else if n == "ept", codeSpan != nil, id ?? "" == codeSpan { codeSpan = nil }
            case .text(let t):
                out += codeSpan == nil ? escape(t, escaping: escaping, atStart: out.isEmpty) : t
            }
        }
        return out
    }

    /// Target text as the document writes it: HTML escapes `&`, `<` and `>`; Markdown backslashes
    /// what would be read as syntax (emphasis and code marks, brackets, `<`, table pipes, `_` at a
    /// word's edge, and at the start of a segment a heading, quote or list marker); plain text is
    /// written as it is.
    static func escape(_ text: String, escaping: Escaping, atStart: Bool) -> String {
        switch escaping {
        case .html:
            return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        case .markdown:
            let u = Array(text.unicodeScalars)
            var out = String.UnicodeScalarView()
            func isWordChar(_ k: Int) -> Bool { k >= 0 && k < u.count && (u[k].properties.isAlphabetic || u[k].properties.numericType != nil) }
            // A line start that would open a block: "# ", "> ", "- ", "+ ", "2015. ".
            var lead = 0
            if atStart {
                if let f = u.first, f == "#" || f == ">" || ((f == "-" || f == "+") && u.count > 1 && u[1] == " ") { lead = 1 }
                var d = 0
                while d < u.count && d < 9 && u[d].isASCII && u[d].properties.numericType == .decimal { d += 1 }
                if d > 0, d < u.count, u[d] == "." || u[d] == ")" { lead = d + 1 }
            }
            for (k, c) in u.enumerated() {
                var escaped: Bool
                switch c {
                case "\\", "*", "`", "[", "]", "<", "|": escaped = true
                case "_": escaped = !isWordChar(k - 1) || !isWordChar(k + 1)
                case "~": escaped = (k > 0 && u[k - 1] == "~") || (k + 1 < u.count && u[k + 1] == "~")
                default: escaped = false
                }
                if lead > 0 && k == lead - 1 && (c == "#" || c == ">" || c == "-" || c == "+" || c == "." || c == ")") { escaped = true }
                if escaped { out.append("\\") }
                out.append(c)
            }
            return String(out)
        case .plain:
            return text
        }
    }

    /// What `merge` gives: the translated document, its original name and language, and counts.
    public struct Merged: Sendable {
        public var document: String
        public var original: String
        public var targetLanguage: String?
        public var translated: Int
        public var untranslated: Int
    }

    /// The translated document of an XLIFF file made by `extract` (after a CAT tool or
    /// `l10n pretranslate` wrote its targets).
    public static func merge(_ bytes: [UInt8], file: String) throws -> Merged {
        let p = try XMLPullParser(bytes: bytes)
        var skeletonText: String?
        var original = "", targetLanguage: String?, datatype = "plaintext"
        // Each unit's target as text and codes (escaped once the skeleton says how, span by span).
        var targets: [Int: [Piece]] = [:]
        var unitID: String?, unitLine = 0
        var stack: [String] = []
        var inTarget = false, targetDepth = 0
        var pieces: [Piece] = []
        var sources: [Int: String] = [:] // each unit's source, as its target would give it back
        var inSource = false, sourceDepth = 0, source = ""
        var codeDepth = 0 // inside bpt/ept/ph/it: their text is markup, written as it is
        var targetPlain = "" // the target's text and codes' markup as read, to compare with its source
        var plainTargets: [Int: String] = [:]
        var inSkeleton = false, skeletonBase64 = ""
        let local = XMLPullParser.localName
        do {
            while let ev = try p.next() {
                switch ev {
                case .start(let raw, let a, let sc):
                    let n = local(raw)
                    if n == "file" {
                        original = a["original"] ?? ""
                        targetLanguage = a["target-language"]
                        datatype = a["datatype"] ?? datatype
                    }
                    // (A self-closing element is followed by its end event, as any other.)
                    if n == "internal-file" && stack.last.map(local) == "skl" { inSkeleton = !sc }
                    if n == "trans-unit" { unitID = a["id"]; unitLine = p.eventLine }
                    if inSource { sourceDepth += 1 } else if n == "source", stack.last.map(local) == "trans-unit" { inSource = true; sourceDepth = 0; source = "" }
                    if inTarget {
                        switch n {
                        case "bpt", "ept", "ph", "it":
                            if codeDepth == 0 { pieces.append(.code(n, a["id"], "")) }
                            codeDepth += 1 // a code's content is the markup it stands for
                        case "sub", "g", "mrk":
                            break // g's and mrk's content is text; sub's is part of its code
                        default:
                            throw FormatError(file: file, line: p.eventLine,
                                              "trans-unit \(unitID ?? "?"): <\(n)> in a target holds no original markup to give back; keep the source's codes (bpt, ept, ph, it)")
                        }
                        targetDepth += 1
                    } else if n == "target", stack.last.map(local) == "trans-unit" {
                        inTarget = true
                        targetDepth = 0
                        codeDepth = 0
                        pieces = []
                        targetPlain = ""
                    }
                    stack.append(raw)
                case .text(let t):
                    if inSkeleton { skeletonBase64 += t }
                    if inTarget {
                        if codeDepth > 0, case .code(let n, let id, let raw) = pieces.last {
                            pieces[pieces.count - 1] = .code(n, id, raw + t)
                        } else if case .text(let previous) = pieces.last {
                            pieces[pieces.count - 1] = .text(previous + t)
                        } else {
                            pieces.append(.text(t))
                        }
                        targetPlain += t
                    }
                    if inSource { source += t }
                case .end(let raw):
                    let n = local(raw)
                    stack.removeLast()
                    if inSkeleton && n == "internal-file" { inSkeleton = false; skeletonText = skeletonBase64 }
                    if inSource {
                        if sourceDepth == 0 && n == "source" {
                            inSource = false
                            if let id = unitID, let k = Int(id) { sources[k] = source }
                        } else {
                            sourceDepth -= 1
                        }
                    }
                    if inTarget {
                        if targetDepth == 0 && n == "target" {
                            inTarget = false
                            guard let id = unitID, let k = Int(id) else {
                                throw FormatError(file: file, line: unitLine, "a trans-unit without a numeric id: not made by tmkit l10n extract")
                            }
                            targets[k] = pieces
                            plainTargets[k] = targetPlain
                        } else {
                            targetDepth -= 1
                            if ["bpt", "ept", "ph", "it"].contains(n) { codeDepth -= 1 }
                        }
                    }
                    if n == "trans-unit" { unitID = nil }
                }
            }
        } catch let e as XMLPullParser.ParseError {
            throw FormatError(file: file, line: e.line, "not well-formed XML: \(e.message)")
        }
        guard let skeletonText, let data = Data(base64Encoded: skeletonText.filter { !$0.isWhitespace }),
              let skeleton = try? JSONDecoder().decode(Skeleton.self, from: data), skeleton.format == "tmkit-document-1" else {
            throw FormatError(file: file, line: nil, "no tmkit skeleton in its header: only files made by tmkit l10n extract can be merged")
        }
        let scalars = Array(skeleton.document.unicodeScalars)
        for (k, _) in targets where k < 1 || k > skeleton.spans.count {
            throw FormatError(file: file, line: nil, "trans-unit \(k) is not one of the \(skeleton.spans.count) the skeleton knows")
        }
        // (Scalars gathered in an array: appending slices to a String.UnicodeScalarView copies it each time.)
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        var at = 0
        var translated = 0
        for (i, span) in skeleton.spans.enumerated() {
            guard span.count == 2, span[0] >= at, span[0] <= span[1], span[1] <= scalars.count else {
                throw FormatError(file: file, line: nil, "the skeleton's span of trans-unit \(i + 1) is out of order or outside the document")
            }
            out.append(contentsOf: scalars[at..<span[0]])
            let escaping = skeleton.escapes.flatMap { i < $0.count ? $0[i] : nil } ?? Escaping(datatype: datatype)
            if let p = targets[i + 1], case let t = DocumentXLIFF.text(of: p, escaping: escaping), !t.isEmpty {
                out.append(contentsOf: t.unicodeScalars)
                // (A copy of the source, as `extract --copy-source` writes it, is not a translation.)
                if plainTargets[i + 1] != sources[i + 1] { translated += 1 }
            } else {
                out.append(contentsOf: scalars[span[0]..<span[1]])
            }
            at = span[1]
        }
        out.append(contentsOf: scalars[at...])
        var document = String.UnicodeScalarView()
        document.append(contentsOf: out)
        return Merged(document: String(document), original: original, targetLanguage: targetLanguage,
                      translated: translated, untranslated: skeleton.spans.count - translated)
    }
}
