import Foundation
import TranslationMemory
import Glossary
import ICUText

/// A problem QA found.
public struct QAFinding: Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning }
    public var file: String
    public var line: Int
    public var key: String?
    public var severity: Severity
    /// Short name of the check ("wrong-script", "placeholders", "numbers", …).
    public var check: String
    public var message: String
}

/// One string to check: a source and (for bilingual files) its translation.
public struct QAItem: Sendable {
    public var line: Int
    public var key: String?
    public var source: String
    public var target: String?
    /// The markup of the source's and the target's inline codes (XLIFF `bpt`, `ept`, `ph`, `it`),
    /// when the format has them: a translation must keep every code of its source.
    public var sourceCodes: [String]?
    public var targetCodes: [String]?

    public init(line: Int, key: String? = nil, source: String, target: String? = nil, sourceCodes: [String]? = nil, targetCodes: [String]? = nil) {
        self.line = line
        self.key = key
        self.source = source
        self.target = target
        self.sourceCodes = sourceCodes
        self.targetCodes = targetCodes
    }
}

/// Quality checks for UI strings and translations: untranslated strings, targets equal to their
/// source, text in the wrong script for its language (ICU script detection), placeholders and
/// tags missing or added, numbers that differ (1,800 = 1800 = 1 800), white space and final
/// punctuation that differ, glossary terms not used or forbidden ones used, length limits.
public struct QAChecker {
    public var sourceLanguage: String
    public var targetLanguage: String?
    public var maxLength: Int?
    var sourceTerms: TermRecognizer?
    var targetTerms: TermRecognizer?

    public init(sourceLanguage: String, targetLanguage: String? = nil, maxLength: Int? = nil, glossary: [TermEntry]? = nil) throws {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.maxLength = maxLength
        if let glossary, let t = targetLanguage {
            sourceTerms = try TermRecognizer(entries: glossary, language: sourceLanguage)
            targetTerms = try TermRecognizer(entries: glossary, language: t)
        }
    }

    /// The scripts a language is written in (letters of other scripts are suspect).
    static func expectedScripts(_ language: String) -> Set<String> {
        switch GlossaryLanguageTag.primary(language) {
        case "ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg": ["Cyrl"]
        case "el": ["Grek"]
        case "ja": ["Hira", "Kana", "Hani"]
        case "zh": ["Hani"]
        case "ko": ["Hang", "Hani"]
        case "ar", "fa", "ur": ["Arab"]
        case "he", "yi": ["Hebr"]
        case "th": ["Thai"]
        case "hy": ["Armn"]
        case "ka": ["Geor"]
        default: ["Latn"]
        }
    }

    /// Runs of letters in a script the language is not written in ("Заголовок открываемого материала"
    /// in an English page). Latin words in a non-Latin language are allowed (names, brands).
    static func foreignScriptRuns(_ text: String, language: String) -> [(script: String, text: String)] {
        let expected = expectedScripts(language)
        var runs: [(String, String)] = []
        var current = ""
        var currentScript = ""
        func flush() {
            let letters = current.unicodeScalars.filter { $0.properties.isAlphabetic }.count
            if letters >= 2 { runs.append((currentScript, current.trimmingCharacters(in: .whitespaces))) }
            current = ""
            currentScript = ""
        }
        for u in text.unicodeScalars {
            guard u.properties.isAlphabetic else {
                if !current.isEmpty { current.unicodeScalars.append(u) }
                continue
            }
            let script = Script.of(u)
            if script == .common || script == .inherited {
                if !current.isEmpty { current.unicodeScalars.append(u) }
                continue
            }
            let name = script.shortName
            // Latin words (names, brands) are at home in any language.
            let foreign = !expected.contains(name) && name != "Latn"
            if foreign {
                if currentScript != name { flush(); currentScript = name }
                current.unicodeScalars.append(u)
            } else {
                flush()
            }
        }
        flush()
        return runs
    }

    /// Monolingual checks (a page or a source catalog): text in the wrong script.
    public func checkMonolingual(_ items: [QAItem], file: String, language: String) -> [QAFinding] {
        var out: [QAFinding] = []
        for item in items {
            let runs = QAChecker.foreignScriptRuns(item.source, language: language)
            for run in runs {
                out.append(QAFinding(file: file, line: item.line, key: item.key, severity: .error, check: "wrong-script",
                                     message: "text in \(Script.name(of: run.script)) script in \(languageName(language)) text: '\(run.text)'"))
            }
            // A string with no letter of the language's script (English left in a Russian catalog).
            if runs.isEmpty, !QAChecker.expectedScripts(language).contains("Latn") {
                let letters = item.source.unicodeScalars.filter { $0.properties.isAlphabetic }
                if letters.count >= 3, !letters.contains(where: { QAChecker.expectedScripts(language).contains(Script.of($0).shortName) }) {
                    out.append(QAFinding(file: file, line: item.line, key: item.key, severity: .error, check: "wrong-script",
                                         message: "no letter of the \(languageName(language)) script in \(languageName(language)) text: '\(item.source)'"))
                }
            }
        }
        return out
    }

    /// Bilingual checks of each source and its translation.
    public func checkPairs(_ items: [QAItem], file: String) throws -> [QAFinding] {
        var out: [QAFinding] = []
        let target = targetLanguage ?? ""
        for item in items {
            func add(_ severity: QAFinding.Severity, _ check: String, _ message: String) {
                out.append(QAFinding(file: file, line: item.line, key: item.key, severity: severity, check: check, message: message))
            }
            let src = item.source
            guard let tgt = item.target, !tgt.trimmingCharacters(in: .whitespaces).isEmpty else {
                add(.error, "untranslated", "untranslated: '\(src)'")
                continue
            }
            if tgt == src, src.unicodeScalars.filter({ $0.properties.isAlphabetic }).count >= 2 {
                // Between languages of different scripts this is an untranslated string; otherwise it may be on purpose.
                let differentScripts = QAChecker.expectedScripts(sourceLanguage).isDisjoint(with: QAChecker.expectedScripts(target))
                add(differentScripts ? .error : .warning, "same-as-source",
                    "the translation is the same as the source\(differentScripts ? " (untranslated?)" : ""): '\(src)'")
                continue
            }
            for run in QAChecker.foreignScriptRuns(tgt, language: target) {
                add(.error, "wrong-script", "text in \(Script.name(of: run.script)) script in the \(languageName(target)) translation: '\(run.text)'")
            }
            if !QAChecker.expectedScripts(target).contains("Latn"), tgt != src {
                let letters = tgt.unicodeScalars.filter { $0.properties.isAlphabetic }
                let native = letters.filter { QAChecker.expectedScripts(target).contains(Script.of($0).shortName) }
                if letters.count >= 3 && native.isEmpty {
                    add(.error, "wrong-script", "the \(languageName(target)) translation has no letter of its script: '\(tgt)'")
                }
            }
            let ps = QAChecker.placeholders(src), pt = QAChecker.placeholders(tgt)
            let missing = ps.subtracting(multiset: pt), added = pt.subtracting(multiset: ps)
            if !missing.isEmpty { add(.error, "placeholders", "placeholders or tags missing in the translation: \(missing.joined(separator: " "))") }
            if !added.isEmpty { add(.error, "placeholders", "placeholders or tags added in the translation: \(added.joined(separator: " "))") }
            if let sc = item.sourceCodes, let tc = item.targetCodes {
                let missing = sc.subtracting(multiset: tc), added = tc.subtracting(multiset: sc)
                if !missing.isEmpty { add(.error, "codes", "inline codes missing in the translation: \(missing.map { "'\($0)'" }.joined(separator: " "))") }
                if !added.isEmpty { add(.error, "codes", "inline codes added in the translation: \(added.map { "'\($0)'" }.joined(separator: " "))") }
            }
            let ns = QAChecker.numbers(src), nt = QAChecker.numbers(tgt)
            if ns.sorted() != nt.sorted() {
                add(.error, "numbers", "numbers differ: \(ns.joined(separator: ", ")) in the source, \(nt.isEmpty ? "none" : nt.joined(separator: ", ")) in the translation")
            }
            if src.first?.isWhitespace != tgt.first?.isWhitespace || src.last?.isWhitespace != tgt.last?.isWhitespace {
                add(.warning, "whitespace", "leading or trailing white space differs")
            }
            let fs = QAChecker.finalPunctuation(src), ft = QAChecker.finalPunctuation(tgt)
            if fs != ft { add(.warning, "punctuation", "final punctuation differs: '\(fs ?? "none")' and '\(ft ?? "none")'") }
            if let maxLength, tgt.count > maxLength {
                add(.warning, "length", "the translation has \(tgt.count) characters, more than \(maxLength)")
            }
            if let sourceTerms, let targetTerms {
                for m in try sourceTerms.find(in: src) {
                    let wanted = m.entry.terms(in: target).filter { $0.status != .forbidden && $0.status != .deprecated }
                    if !wanted.isEmpty, try !wanted.contains(where: { try targetTerms.contains($0.text, in: tgt) }) {
                        add(.warning, "glossary", "'\(m.surface)' is not translated as \(wanted.map { "'\($0.text)'" }.joined(separator: " or "))")
                    }
                }
                for m in try targetTerms.find(in: tgt) where m.term.status == .forbidden || m.term.status == .deprecated {
                    add(.error, "glossary", "'\(m.surface)' is a \(m.term.status!.rawValue) term")
                }
            }
        }
        return out
    }

    /// Placeholders (printf, braces, ICU MessageFormat: `Placeholders`) and markup tags, in order of kind.
    static func placeholders(_ s: String) -> [String] {
        var out = Placeholders.list(in: s)
        guard s.contains("<"), let re = try? NSRegularExpression(pattern: #"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"#) else { return out }
        let ns = s as NSString
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) { out.append(ns.substring(with: m.range)) }
        return out
    }

    /// Numbers, normalised so that 1,800, 1800 and 1 800 are equal (3,14 and 3.14 too).
    static func numbers(_ s: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: #"\d+(?:[.,]\d+|[\x{00A0}\x{202F} ]\d{3}(?!\d))*"#) else { return [] }
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { m in
            let raw = ns.substring(with: m.range)
            let groups = raw.split(whereSeparator: { ",. \u{00A0}\u{202F}".contains($0) })
            if groups.count > 1, groups.dropFirst().allSatisfy({ $0.count == 3 }) { return groups.joined() }
            if groups.count == 2 { return groups[0] + "." + groups[1] }
            return String(raw)
        }
    }

    static func finalPunctuation(_ s: String) -> String? {
        var t = s.trimmingCharacters(in: .whitespaces)
        while let l = t.last, "\"'»”)]".contains(l) { t.removeLast() }
        guard let last = t.last, ".!?:;…".contains(last) else { return nil }
        return last == "…" ? "..." : String(last)
    }
}

extension Array where Element == String {
    /// Elements of self not matched one for one in `other`.
    func subtracting(multiset other: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for x in other { counts[x, default: 0] += 1 }
        var out: [String] = []
        for x in self {
            if let c = counts[x], c > 0 { counts[x] = c - 1 } else { out.append(x) }
        }
        return out
    }
}

enum GlossaryLanguageTag {
    static func primary(_ tag: String) -> String { String(tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "").lowercased() }
}

extension Script {
    /// A script's name from its ISO 15924 code ("Cyrl" → "Cyrillic").
    static func name(of code: String) -> String {
        switch code {
        case "Cyrl": "Cyrillic"
        case "Latn": "Latin"
        case "Grek": "Greek"
        case "Arab": "Arabic"
        case "Hebr": "Hebrew"
        case "Hani": "Han"
        case "Hira": "Hiragana"
        case "Kana": "Katakana"
        case "Hang": "Hangul"
        default: code
        }
    }
}

/// "English" for "en", the tag itself when Foundation does not know it.
func languageName(_ tag: String) -> String {
    Locale(identifier: "en").localizedString(forLanguageCode: GlossaryLanguageTag.primary(tag)) ?? tag
}
