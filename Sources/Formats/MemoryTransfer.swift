import Foundation
import TranslationMemory

/// The files a memory imports units from.
public enum UnitFileFormat: String, CaseIterable, Sendable {
    case tmx, tsv, po, mo

    /// The format a file name's extension tells, or nil.
    public static func byExtension(_ name: String) -> UnitFileFormat? {
        switch (name as NSString).pathExtension.lowercased() {
        case "tmx": .tmx
        case "po", "pot": .po
        case "mo", "gmo": .mo
        case "tsv", "tab", "txt", "utf8": .tsv
        default: nil
        }
    }
}

/// Reads the units of one file of any `UnitFileFormat`, streaming TMX and TSV (a large file is
/// never held whole). Used by `tm import` and by the server's import.
public struct UnitFileReader: Sendable {
    /// The source language of PO/MO catalogs (their msgid).
    public var sourceLanguage = "en"
    /// The target language of PO/MO catalogs (else their Language header, else their path).
    public var targetLanguage: String?
    /// TMX: leave out (and report) the units that are wrong instead of failing.
    public var skipBad = false

    public init(sourceLanguage: String = "en", targetLanguage: String? = nil, skipBad: Bool = false) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.skipBad = skipBad
    }

    /// What a read met besides its units.
    public struct Notice: Sendable {
        public var line: Int
        public var message: String
        /// A unit left out (`skipBad`) rather than a warning about one that was read.
        public var skipped: Bool
    }

    /// Reads the file at `path` (called `name` in messages), handing each unit to `emit`; returns
    /// how many units it read. A file that does not parse throws `FormatError` (file and line).
    /// - Parameter path: the file to read.
    /// - Parameter name: the file's name in messages and notices.
    /// - Parameter format: the file's format.
    /// - Parameter notice: called with each warning and each unit left out.
    /// - Parameter emit: called with each unit, in file order; an error it throws ends the read.
    /// - Parameter progress: called now and then with the units read so far.
    public func read(path: String, name: String, format: UnitFileFormat, notice: (Notice) -> Void = { _ in },
                     progress: ((Int) -> Void)? = nil, _ emit: (TranslationUnit) throws -> Void) throws -> Int {
        var count = 0
        func counted(_ u: TranslationUnit) throws {
            try emit(u)
            count += 1
            if count % 4096 == 0 { progress?(count) }
        }
        switch format {
        case .tmx:
            let parser: XMLPullParser
            do { parser = try XMLPullParser(path: path) } catch let e as XMLPullParser.ParseError {
                throw FormatError(file: name, line: e.line > 0 ? e.line : nil, e.message)
            }
            let result = try TMXReader(file: name, skipBad: skipBad).read(parser, unit: counted,
                warning: { p in notice(Notice(line: p.line, message: p.message, skipped: false)) })
            for p in result.skipped { notice(Notice(line: p.line, message: p.message, skipped: true)) }
        case .tsv:
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw FormatError(file: name, line: nil, "cannot read the file (\(String(cString: strerror(errno))))") }
            let chunks = FileChunks(fd: fd, owned: true)
            try TSVReader.read(chunks: {
                do { return try chunks.next() } catch let e as FileIOError { throw FormatError(file: name, line: nil, e.message) }
            }, file: name, counted)
        case .po, .mo:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FormatError(file: name, line: nil, "cannot read the file (\(String(cString: strerror(errno))))")
            }
            let bytes = [UInt8](data)
            let msgs = format == .po ? try GettextReader.readPO(bytes, file: name) : try GettextReader.readMO(bytes, file: name)
            let header = msgs.first { $0.id.isEmpty }?.strings.first ?? ""
            guard let target = targetLanguage ?? GettextReader.language(ofHeader: header) ?? GettextReader.language(ofPath: name) else {
                throw FormatError(file: name, line: nil, "the catalog's header names no Language; give the target language")
            }
            for tag in [sourceLanguage, target] where !LanguageTag.isWellFormed(tag) {
                throw FormatError(file: name, line: nil, "'\(tag)' is not a BCP 47 language tag (like en, ru, pt-BR)")
            }
            for u in GettextReader.units(msgs, file: name, sourceLanguage: sourceLanguage, targetLanguage: target) { try counted(u) }
        }
        return count
    }
}

/// Writes a memory, or a part of it, as TMX 1.4b or as a two-column TSV, streamed to a file
/// descriptor. Used by `tm export` and by the server's export.
public struct MemoryExport: Sendable {
    public enum Format: String, CaseIterable, Sendable { case tmx, tsv }

    /// The source language (the TMX header's srclang), or "*all*".
    public var sourceLanguage = "*all*"
    /// Only this target language (with the source); needed for TSV.
    public var targetLanguage: String?
    /// Only units changed (or created) on or after this date.
    public var since: Date?
    /// Only units with a variant containing this text (case-insensitive).
    public var filter: String?
    public var format: Format = .tmx
    /// The version written in the TMX header's creationtoolversion.
    public var toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    /// What the export needs and lacks, or nil when it can run.
    public var problem: String? {
        if targetLanguage != nil && sourceLanguage == "*all*" { return "a target language needs a source language" }
        if format == .tsv && (sourceLanguage == "*all*" || targetLanguage == nil) {
            return "a TSV export has one source and one target column: give the source and the target language"
        }
        return nil
    }

    /// The unit as exported (the source first, only the target asked for), or nil when left out.
    func select(_ unit: TranslationUnit) -> TranslationUnit? {
        var u = unit
        if let since, (u.changedAt ?? u.createdAt ?? .distantPast) < since { return nil }
        if sourceLanguage != "*all*" {
            // The tag asked for, else another region of its language ("en" for "en-US").
            guard let k = u.variants.firstIndex(where: { LanguageTag.matches($0.language, requested: sourceLanguage) })
                ?? u.variants.firstIndex(where: { LanguageTag.isFallback($0.language, requested: sourceLanguage) }) else { return nil }
            u.variants.insert(u.variants.remove(at: k), at: 0)
            if let t = targetLanguage {
                let rest = TranslationUnit(variants: Array(u.variants.dropFirst()))
                u.variants = [u.variants[0]] + rest.variants(answering: t)
                if u.variants.count < 2 { return nil }
            }
        }
        if let needle = filter?.lowercased(), !u.variants.contains(where: { $0.text.lowercased().contains(needle) }) { return nil }
        return u
    }

    /// Writes the export to `fd`: the units written and the warnings (characters XML forbids).
    /// A failed write throws `FileIOError`.
    public func write(_ store: any TranslationMemoryStore, to fd: Int32) throws -> (units: Int, warnings: [String]) {
        let filtered = since != nil || sourceLanguage != "*all*" || filter != nil
        let me = self
        switch format {
        case .tmx:
            // Units are read here and formatted and written on another core.
            let stream = TMXStreamWriter(fd: fd, writer: TMXWriter(sourceLanguage: sourceLanguage, creationToolVersion: toolVersion))
            stream.writeHeader()
            do {
                try store.forEachUnitBatch(units: 2048) { batch in
                    stream.add {
                        let units = try batch.decode()
                        return filtered ? units.compactMap(me.select) : units
                    }
                }
                let warnings = try stream.finish()
                return (stream.unitsWritten, warnings)
            } catch {
                _ = try? stream.finish()
                throw error
            }
        case .tsv:
            guard let target = targetLanguage else { return (0, []) }
            let writer = TSVWriter(sourceLanguage: sourceLanguage, targetLanguage: target)
            var out = writer.header
            var n = 0
            try store.forEachUnitBatch(units: 2048) { batch in
                for u in try batch.decode() {
                    if let u = select(u), writer.append(u, to: &out) { n += 1 }
                }
                if out.count >= 1 << 20 {
                    try FileChunks.writeAll(out, to: fd)
                    out.removeAll(keepingCapacity: true)
                }
            }
            try FileChunks.writeAll(out, to: fd)
            return (n, [])
        }
    }
}
