import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ICUText

/// An SRX 2.0 segmentation rules file (LISA/GALA), the format OmegaT and Okapi exchange.
///
/// A file holds named language rules (ordered break / no-break rules, each a pair of regular
/// expressions before and after the break) and a map from language patterns to rule names.
/// With `cascade="yes"` every matching language rule applies, in map order; otherwise only
/// the first.
public struct SRXDocument: Sendable {
    public struct Rule: Sendable {
        public var isBreak: Bool
        public var before: String
        public var after: String
        /// Where the rule is, for error messages.
        public var languageRule: String
        public var index: Int
        public var line: Int
    }

    public struct LanguageMap: Sendable {
        public var pattern: String
        public var ruleName: String
    }

    public var path: String
    public var cascade: Bool
    public var languageRules: [String: [Rule]]
    public var maps: [LanguageMap]

    /// A file that is not a usable SRX document.
    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let line: Int?
        public let message: String
        public var description: String { "\(path)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    /// Reads and parses an SRX file (no DTD or external entity is ever loaded).
    public static func load(path: String) throws -> SRXDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(path: path, line: nil, message: "cannot read the file")
        }
        return try parse(data, path: path)
    }

    public static func parse(_ data: Data, path: String) throws -> SRXDocument {
        let delegate = SRXParserDelegate(path: path)
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        // Foundation's XMLParser on Linux can return true after an error: check both.
        let ok = parser.parse()
        if let e = delegate.error { throw e }
        if !ok || parser.parserError != nil {
            throw LoadError(path: path, line: parser.lineNumber, message: "not well-formed XML")
        }
        guard delegate.sawRoot else { throw LoadError(path: path, line: nil, message: "no <srx> root element") }
        let doc = SRXDocument(path: path, cascade: delegate.cascade, languageRules: delegate.rules, maps: delegate.maps)
        for m in doc.maps where doc.languageRules[m.ruleName] == nil {
            throw LoadError(path: path, line: nil, message: "languagemap names languagerule '\(m.ruleName)', which the file does not define")
        }
        return doc
    }

    /// The rules that apply to `language`, compiled; throws on a rule whose regex is bad.
    public func rules(for language: String) throws -> SRXRules {
        var selected: [Rule] = []
        var names: [String] = []
        for m in maps {
            let re: ICURegex
            do { re = try ICURegex("^(?:" + m.pattern + ")$", options: .caseInsensitive) } catch {
                throw LoadError(path: path, line: nil, message: "languagemap pattern '\(m.pattern)': \(error)")
            }
            if try re.firstMatch(in: language) != nil {
                selected += languageRules[m.ruleName] ?? []
                names.append(m.ruleName)
                if !cascade { break }
            }
        }
        var compiled: [SRXRules.Compiled] = []
        for r in selected {
            let pattern: String
            if r.before.isEmpty {
                pattern = "(?=" + (r.after.isEmpty ? "" : r.after) + ")"
            } else {
                pattern = "(" + r.before + ")" + (r.after.isEmpty ? "" : "(?=" + r.after + ")")
            }
            do {
                // Compile each side alone first, so that the message names the pattern as written.
                for (side, p) in [("beforebreak", r.before), ("afterbreak", r.after)] where !p.isEmpty {
                    do { _ = try ICURegex(p) } catch let e as ICURegex.SyntaxError {
                        throw LoadError(path: path, line: r.line, message: "rule \(r.index) of languagerule '\(r.languageRule)': \(side) \(e)")
                    }
                }
                compiled.append(SRXRules.Compiled(isBreak: r.isBreak, regex: try ICURegex(pattern), hasBefore: !r.before.isEmpty))
            } catch let e as LoadError {
                throw e
            } catch {
                throw LoadError(path: path, line: r.line,
                                message: "rule \(r.index) of languagerule '\(r.languageRule)': \(error)")
            }
        }
        return SRXRules(languageRuleNames: names, compiled: compiled)
    }
}

/// The compiled SRX rules for one language.
public final class SRXRules {
    struct Compiled {
        var isBreak: Bool
        var regex: ICURegex
        var hasBefore: Bool
    }

    /// The language rules that apply, in order.
    public let languageRuleNames: [String]
    let compiled: [Compiled]

    init(languageRuleNames: [String], compiled: [Compiled]) {
        self.languageRuleNames = languageRuleNames
        self.compiled = compiled
    }

    /// Byte offsets in `utf8` where the rules break: at each position the first rule (in
    /// order) whose before- and after-patterns meet there decides.
    public func breaks(in utf8: UnsafeBufferPointer<UInt8>) throws -> [Int] {
        var decided: [Int: Bool] = [:]
        for rule in compiled {
            for m in try rule.regex.matches(in: utf8, groups: rule.hasBefore ? [1] : [0]) {
                guard let r = m[0] else { continue }
                let p = rule.hasBefore ? r.upperBound : r.lowerBound
                if p <= 0 || p >= utf8.count { continue }
                if decided[p] == nil { decided[p] = rule.isBreak }
            }
        }
        return decided.filter(\.value).keys.sorted()
    }
}

private final class SRXParserDelegate: NSObject, XMLParserDelegate {
    let path: String
    var error: SRXDocument.LoadError?
    var sawRoot = false
    var cascade = false
    var rules: [String: [SRXDocument.Rule]] = [:]
    var maps: [SRXDocument.LanguageMap] = []

    private var currentRuleName: String?
    private var currentRule: SRXDocument.Rule?
    private var text = ""
    private var inPattern = false

    init(path: String) { self.path = path }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        let code = (parseError as NSError).code
        let reason: String = switch code {
        case 4: "the document is empty"
        case 5: "the document ends too early (an element is not closed)"
        case 26: "an undeclared entity"
        case 73, 76: "an end tag does not match its start tag"
        case 9: "an invalid character"
        default: "libxml2 error \(code)"
        }
        fail(parser, "not well-formed XML: \(reason)")
    }

    private func fail(_ parser: XMLParser, _ message: String) {
        if error == nil { error = SRXDocument.LoadError(path: path, line: parser.lineNumber, message: message) }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "srx":
            sawRoot = true
            if let v = attributes["version"], !v.hasPrefix("2") && !v.hasPrefix("1") {
                fail(parser, "unsupported SRX version \(v)")
            }
        case "header":
            cascade = (attributes["cascade"] ?? "no").lowercased() == "yes"
        case "languagerule":
            guard let n = attributes["languagerulename"] else { return fail(parser, "<languagerule> without languagerulename") }
            currentRuleName = n
            if rules[n] == nil { rules[n] = [] }
        case "rule":
            guard let lr = currentRuleName else { return fail(parser, "<rule> outside a <languagerule>") }
            let isBreak = (attributes["break"] ?? "yes").lowercased() != "no"
            currentRule = SRXDocument.Rule(isBreak: isBreak, before: "", after: "", languageRule: lr,
                                           index: (rules[lr]?.count ?? 0) + 1, line: parser.lineNumber)
        case "beforebreak", "afterbreak":
            inPattern = true
            text = ""
        case "languagemap":
            guard let p = attributes["languagepattern"], let n = attributes["languagerulename"] else {
                return fail(parser, "<languagemap> needs languagepattern and languagerulename")
            }
            maps.append(SRXDocument.LanguageMap(pattern: p, ruleName: n))
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inPattern { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "beforebreak": currentRule?.before = text; inPattern = false
        case "afterbreak": currentRule?.after = text; inPattern = false
        case "rule":
            if let r = currentRule, let n = currentRuleName { rules[n, default: []].append(r) }
            currentRule = nil
        case "languagerule": currentRuleName = nil
        default: break
        }
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? { Data() }
}
