import Foundation

/// A term in one language of a concept entry.
public struct Term: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case preferred, admitted, deprecated, forbidden }

    public var id: Int64?
    public var language: String
    public var text: String
    public var partOfSpeech: String?
    public var status: Status?
    public var note: String?
    /// Recognition keys of the term's words (stored by the glossary; computed when nil).
    package var keys: [String]?

    public static func == (a: Term, b: Term) -> Bool {
        a.id == b.id && a.language == b.language && a.text == b.text && a.partOfSpeech == b.partOfSpeech && a.status == b.status && a.note == b.note
    }

    public init(id: Int64? = nil, language: String, text: String, partOfSpeech: String? = nil, status: Status? = nil, note: String? = nil) {
        self.id = id
        self.language = language
        self.text = text
        self.partOfSpeech = partOfSpeech
        self.status = status
        self.note = note
    }
}

/// A concept: its terms in any number of languages, and what describes it.
public struct TermEntry: Sendable, Equatable {
    public var id: Int64?
    public var terms: [Term]
    public var definition: String?
    public var domain: String?
    public var note: String?
    public var source: String?
    public var createdAt: Date?
    public var changedAt: Date?

    public init(id: Int64? = nil, terms: [Term], definition: String? = nil, domain: String? = nil, note: String? = nil,
                source: String? = nil, createdAt: Date? = nil, changedAt: Date? = nil) {
        self.id = id
        self.terms = terms
        self.definition = definition
        self.domain = domain
        self.note = note
        self.source = source
        self.createdAt = createdAt
        self.changedAt = changedAt
    }

    public func terms(in language: String) -> [Term] {
        terms.filter { GlossaryLanguage.matches($0.language, requested: language) }
    }
}

package enum GlossaryLanguage {
    package static func primary(_ tag: String) -> String { String(tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "").lowercased() }
    package static func matches(_ stored: String, requested: String) -> Bool {
        let s = stored.lowercased(), r = requested.lowercased()
        return s == r || s.hasPrefix(r + "-") || r.hasPrefix(s + "-")
    }
}
