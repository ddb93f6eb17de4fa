import Foundation
import TranslationMemory

/// Tab-separated pairs as `TSVReader` reads them: a header naming the source and target languages,
/// then `key`, `note` and `context`; one unit a line. Tabs, line breaks and backslashes inside a
/// field are written `\t`, `\n` and `\\` (as translate-toolkit and OmegaT write them). A unit's
/// notes are joined by line breaks; its properties, dates and inline markup are left out (TMX
/// keeps them).
public struct TSVWriter {
    public let sourceLanguage: String
    public let targetLanguage: String

    public init(sourceLanguage: String, targetLanguage: String) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
    }

    public var header: [UInt8] {
        Array("\(sourceLanguage)\t\(targetLanguage)\tkey\tnote\tcontext\n".utf8)
    }

    /// Appends the unit's line: its first variant as the source and the first other variant as the
    /// target (the caller puts them there); false, and nothing appended, for a unit of one variant.
    @discardableResult
    public func append(_ u: TranslationUnit, to out: inout [UInt8]) -> Bool {
        guard u.variants.count >= 2 else { return false }
        TSVWriter.field(u.variants[0].text, to: &out)
        out.append(0x09)
        TSVWriter.field(u.variants[1].text, to: &out)
        out.append(0x09)
        TSVWriter.field(u.originKey ?? "", to: &out)
        out.append(0x09)
        TSVWriter.field(u.notes.joined(separator: "\n"), to: &out)
        out.append(0x09)
        TSVWriter.field(u.contextPrevious ?? "", to: &out)
        out.append(0x0A)
        return true
    }

    /// `s` as a TSV field: tabs, line feeds and backslashes escaped.
    public static func escaped(_ s: String) -> String {
        var out: [UInt8] = []
        field(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `s` with tabs, line feeds and backslashes escaped.
    static func field(_ s: String, to out: inout [UInt8]) {
        for b in s.utf8 {
            switch b {
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x5C: out.append(0x5C); out.append(0x5C)
            default: out.append(b)
            }
        }
    }
}
