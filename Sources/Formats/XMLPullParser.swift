import Foundation
import ICUText

/// A small, safe, streaming XML reader for the exchange formats (TMX, TBX).
///
/// It reads UTF-8 in chunks (UTF-16 files, recognised by their byte-order mark, are converted
/// first), reports events with their line numbers, and refuses what exchange files never need
/// and attackers use: entity declarations in a DTD (so no "billion laughs"), external entities
/// (never fetched or read), undefined entities. Only the five predefined entities and numeric
/// character references are expanded. Memory stays bounded by the largest single element.
public final class XMLPullParser {
    /// An element's name without its namespace prefix ("xliff:source" → "source").
    public static func localName(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

    public enum Event: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    /// Input that is not well-formed, with its line.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    private let source: ChunkSource
    @exclusivity(unchecked) private var buf: [UInt8] = []
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var eof = false
    /// 1-based line of the current position.
    @exclusivity(unchecked) public private(set) var line = 1
    /// Line where the last event started.
    @exclusivity(unchecked) public private(set) var eventLine = 1
    /// Bytes dropped from the front of the buffer so far (to give absolute offsets).
    @exclusivity(unchecked) private var dropped = 0
    /// How far (from the start of the input) the fast lane's input was searched for NUL, and the first found.
    @exclusivity(unchecked) private var nulScanned = 0
    @exclusivity(unchecked) private var firstNUL: Int?
    /// Byte offset (in the UTF-8 input, after a UTF-8 byte-order mark) where the last event
    /// started, and where it ended (exclusive). For UTF-16 input they count the converted UTF-8.
    @exclusivity(unchecked) public private(set) var eventStart = 0
    @exclusivity(unchecked) public private(set) var eventEnd = 0
    @exclusivity(unchecked) private var stack: [String] = []
    @exclusivity(unchecked) private var pendingEnd: String?
    @exclusivity(unchecked) private var sawRoot = false
    private let maxElementBytes = 64 << 20

    /// Reads from a file (streaming).
    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ParseError(line: 0, message: "cannot open the file") }
        try self.init(source: ChunkSource(fd: fd))
    }

    /// Reads from bytes in memory.
    public convenience init(bytes: [UInt8]) throws {
        try self.init(source: ChunkSource(bytes: bytes))
    }

    private init(source: ChunkSource) throws {
        self.source = source
        try fill(minimum: 4)
        // Byte-order marks: UTF-8 is skipped, UTF-16 converted whole (it is rare and small).
        if buf.starts(with: [0xEF, 0xBB, 0xBF]) {
            pos = 3
        } else if buf.starts(with: [0xFF, 0xFE]) || buf.starts(with: [0xFE, 0xFF]) {
            while !eof { try fill(minimum: buf.count + (1 << 20)) }
            let big = buf[0] == 0xFE
            let data = Data(buf[2...])
            guard let s = String(data: data, encoding: big ? .utf16BigEndian : .utf16LittleEndian) else {
                throw ParseError(line: 1, message: "invalid UTF-16")
            }
            buf = Array(s.utf8)
            pos = 0
            source.utf16 = true
        }
    }

    /// Whether the input was UTF-16.
    public var wasUTF16: Bool { source.utf16 }
    /// The offset of the next unread byte in the document (of its UTF-8 form).
    public var offset: Int { dropped + pos }

    // MARK: Buffer

    private func fill(minimum: Int) throws {
        while buf.count - pos < minimum && !eof {
            if pos > 1 << 20 {
                buf.removeFirst(pos)
                dropped += pos
                pos = 0
            }
            guard try source.append(to: &buf) else { eof = true; break }
            if buf.count - pos > maxElementBytes { throw ParseError(line: line, message: "an element or text run larger than 64 MB") }
        }
    }

    @inline(__always) private func byte(_ offset: Int = 0) throws -> UInt8? {
        if pos + offset >= buf.count { try fill(minimum: offset + 1) }
        return pos + offset < buf.count ? buf[pos + offset] : nil
    }

    private func advance(_ n: Int) {
        if n == 1 {
            if buf[pos] == 0x0A { line += 1 }
            pos += 1
            return
        }
        buf.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            line += XMLPullParser.newlines(base + pos, count: n)
        }
        pos += n
    }

    /// The line breaks (LF) in `count` bytes at `p`.
    static func newlines(_ p: UnsafePointer<UInt8>, count: Int) -> Int {
        var n = 0
        var p = p
        let end = p + count
        while p < end, let hit = memchr(p, 0x0A, end - p) {
            n += 1
            p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// Offset of the next `byte` at or after `from` (filling the buffer as needed), or nil at the end.
    private func find(_ byte: UInt8, from: Int) throws -> Int? {
        var i = from
        while true {
            let found: Int? = buf.withUnsafeBufferPointer { b in
                var k = i
                while k < b.count { if b[k] == byte { return k }; k += 1 }
                return nil
            }
            if let found { return found }
            if eof { return nil }
            let have = buf.count - pos
            let offset = i - pos
            try fill(minimum: have + 1)
            if buf.count - pos == have { return nil }
            i = pos + offset + (have - offset)
        }
    }

    /// Bytes up to (not including) `terminator`; the position moves past the terminator.
    private func read(until terminator: [UInt8], what: String) throws -> [UInt8] {
        var i = pos
        while true {
            if i + terminator.count > buf.count {
                let have = i - pos
                try fill(minimum: have + terminator.count + 4096)
                i = pos + have
                if i + terminator.count > buf.count {
                    throw ParseError(line: line, message: "the file ends inside \(what) (truncated?)")
                }
            }
            if buf[i] == terminator[0] && buf[i..<i + terminator.count].elementsEqual(terminator) {
                let out = Array(buf[pos..<i])
                advance(i - pos + terminator.count)
                return out
            }
            i += 1
        }
    }

    // MARK: Fast lane

    /// For readers of regular documents (a TMX body is a long run of small `<tu>` elements): calls
    /// `body` with the unread input from the current position (at least `lookahead` bytes of it,
    /// unless the input ends first) and the line the position is on. When `body` returns a value
    /// and the number of bytes it read (and of line breaks in them, when it knows), those bytes are
    /// consumed as if they had been parsed; when
    /// it returns nil (anything it does not handle, or an element longer than what it was given),
    /// nothing is consumed and the events come as usual. Only between events inside the root element.
    ///
    /// `body` must accept only well-formed, valid UTF-8 input that nests within itself. It never
    /// sees a NUL: the input it is given ends before the first one (XML allows none; the events
    /// then report it).
    public func fastLane<T>(lookahead: Int,
                            _ body: (UnsafeBufferPointer<UInt8>, _ line: Int) -> (value: T, consumed: Int, newlines: Int?)?) throws -> T? {
        guard pendingEnd == nil, !stack.isEmpty else { return nil }
        if buf.count - pos < lookahead { try fill(minimum: lookahead) }
        let start = pos
        // Each byte is searched for NUL once, as it is first offered.
        if firstNUL == nil, nulScanned < dropped + buf.count {
            let from = max(nulScanned - dropped, pos)
            buf.withUnsafeBufferPointer { b in
                if from < b.count, let hit = memchr(b.baseAddress! + from, 0, b.count - from) {
                    firstNUL = dropped + b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
            }
            nulScanned = dropped + buf.count
        }
        var end = buf.count
        if let z = firstNUL { end = min(end, max(start, z - dropped)) }
        guard let r = buf.withUnsafeBufferPointer({ body(UnsafeBufferPointer(rebasing: $0[start..<end]), line) }) else { return nil }
        eventLine = line
        eventStart = dropped + pos
        if let n = r.newlines { line += n; pos += r.consumed } else { advance(r.consumed) }
        eventEnd = dropped + pos
        return r.value
    }

    // MARK: Events

    /// The next event, or nil at the end of the document.
    public func next() throws -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            eventStart = eventEnd
            return .end(name: name)
        }
        let e = try nextEvent()
        eventEnd = dropped + pos
        return e
    }

    private func nextEvent() throws -> Event? {
        while true {
            eventLine = line
            eventStart = dropped + pos
            guard let b = try byte() else {
                if let open = stack.last { throw ParseError(line: line, message: "the file ends before </\(open)> (truncated?)") }
                if !sawRoot { throw ParseError(line: line, message: "no root element: the file is empty or not XML") }
                return nil
            }
            if b != 0x3C { // text
                let raw = try readText()
                if stack.isEmpty {
                    if raw.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
                        throw ParseError(line: eventLine, message: "text outside the root element")
                    }
                    continue
                }
                return .text(try decodeText(raw))
            }
            guard let c = try byte(1) else { throw ParseError(line: line, message: "the file ends after '<' (truncated?)") }
            switch c {
            case 0x3F: // <? ... ?>
                _ = try read(until: Array("?>".utf8), what: "a processing instruction")
                continue
            case 0x21: // <! comment, CDATA, DOCTYPE
                if try byte(2) == 0x2D && byte(3) == 0x2D {
                    advance(4)
                    _ = try read(until: Array("-->".utf8), what: "a comment")
                    continue
                }
                try fill(minimum: 9)
                if buf[pos..<min(buf.count, pos + 9)].elementsEqual(Array("<![CDATA[".utf8)) {
                    advance(9)
                    let raw = try read(until: Array("]]>".utf8), what: "a CDATA section")
                    guard !stack.isEmpty else { throw ParseError(line: eventLine, message: "CDATA outside the root element") }
                    return .text(try utf8(raw))
                }
                if buf[pos..<min(buf.count, pos + 9)].elementsEqual(Array("<!DOCTYPE".utf8)) {
                    try skipDoctype()
                    continue
                }
                throw ParseError(line: line, message: "unexpected '<!'")
            case 0x2F: // </name>
                advance(2)
                var raw = try read(until: [0x3E], what: "an end tag")
                while let l = raw.last, l == 0x20 || l == 0x0A || l == 0x0D || l == 0x09 { raw.removeLast() }
                let name = try utf8(raw)
                guard let open = stack.popLast() else { throw ParseError(line: eventLine, message: "</\(name)> without a start tag") }
                guard open == name else { throw ParseError(line: eventLine, message: "</\(name)> does not match <\(open)>") }
                return .end(name: name)
            default:
                advance(1)
                let raw = try readTag()
                var selfClosing = false
                var count = raw.count
                if raw.last == 0x2F { selfClosing = true; count -= 1 }
                let (name, attrs) = try raw.withUnsafeBufferPointer { try parseTag(UnsafeBufferPointer(rebasing: $0[0..<count])) }
                if stack.isEmpty {
                    if sawRoot { throw ParseError(line: eventLine, message: "a second root element <\(name)>") }
                    sawRoot = true
                }
                if selfClosing { pendingEnd = name } else { stack.append(name) }
                return .start(name: name, attributes: attrs, selfClosing: selfClosing)
            }
        }
    }

    /// The rest of a start tag, up to '>' not inside quotes.
    private func readTag() throws -> [UInt8] {
        var quote: UInt8 = 0
        var i = pos
        while true {
            if i >= buf.count {
                let offset = i - pos
                try fill(minimum: offset + 4096)
                i = pos + offset
                if i >= buf.count { throw ParseError(line: line, message: "the file ends inside a tag (truncated?)") }
            }
            let b = buf[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == 0x3E {
                let out = Array(buf[pos..<i])
                advance(i - pos + 1)
                return out
            } else if b == 0x3C {
                advance(i - pos)
                throw ParseError(line: line, message: "'<' inside a tag")
            }
            i += 1
            if i - pos > 1 << 20 { throw ParseError(line: line, message: "a tag longer than 1 MB") }
        }
    }

    private func readText() throws -> [UInt8] {
        let end = try find(0x3C, from: pos) ?? buf.count
        if end - pos > maxElementBytes { throw ParseError(line: line, message: "a text run longer than 64 MB") }
        let out = Array(buf[pos..<end])
        advance(end - pos)
        return out
    }

    /// A DOCTYPE may name an external DTD (never read) but may not declare entities.
    private func skipDoctype() throws {
        var depth = 0
        var quote: UInt8 = 0
        advance(9)
        var content: [UInt8] = []
        while true {
            guard let b = try byte() else { throw ParseError(line: line, message: "the file ends inside <!DOCTYPE") }
            advance(1)
            if quote != 0 { if b == quote { quote = 0 }; content.append(b); continue }
            if b == 0x22 || b == 0x27 { quote = b } else if b == 0x5B { depth += 1 } else if b == 0x5D { depth -= 1 } else if b == 0x3E && depth == 0 { break }
            content.append(b)
        }
        let text = String(decoding: content, as: UTF8.self)
        if text.contains("<!ENTITY") {
            throw ParseError(line: eventLine, message: "the DOCTYPE declares entities; tmkit does not expand DTD entities (a \"billion laughs\" or external-entity attack is refused)")
        }
    }

    private func utf8(_ raw: [UInt8]) throws -> String {
        try raw.withUnsafeBufferPointer { b in
            if let bad = XMLPullParser.firstBadUTF8(b) {
                if b[bad] == 0 { throw ParseError(line: eventLine, message: "a NUL byte at byte \(bad) of this line's content") }
                throw ParseError(line: eventLine, message: "invalid UTF-8 at byte \(bad) of this line's content")
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    /// Offset of the first byte that is not well-formed UTF-8 or is NUL (XML allows neither); nil when there is none.
    static func firstBadUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        // Most of a TMX is ASCII without NUL: eight bytes at a time settle it.
        var i = 0
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= b.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let high = w & 0x8080_8080_8080_8080
                let zero = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
                if high != 0 || zero != 0 { break }
                i += 8
            }
        }
        while i < b.count, b[i] != 0, b[i] < 0x80 { i += 1 }
        if i == b.count { return nil }
        let rest = UnsafeBufferPointer(rebasing: b[i...])
        let nul = rest.firstIndex(of: 0).map { $0 + i }
        guard let bad = UTF8Validation.firstInvalidOffset(rest).map({ $0 + i }) else { return nul }
        return min(bad, nul ?? bad)
    }

    private func decodeText(_ raw: [UInt8]) throws -> String {
        let s = try utf8(raw)
        return raw.contains(0x26) ? try expandEntities(s) : s
    }

    private func expandEntities(_ s: String) throws -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 12 else {
                throw ParseError(line: eventLine, message: "a bare '&' (write &amp;)")
            }
            let name = rest[rest.index(after: amp)..<semi]
            switch name {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                if name.hasPrefix("#") {
                    let digits = name.dropFirst()
                    let v = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    guard let v, let u = Unicode.Scalar(v), v != 0 else {
                        throw ParseError(line: eventLine, message: "an invalid character reference &\(name);")
                    }
                    out.unicodeScalars.append(u)
                } else {
                    throw ParseError(line: eventLine, message: "an undefined entity &\(name); (only &lt; &gt; &amp; &quot; &apos; are allowed)")
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        out += rest
        return out
    }

    private func string(_ b: UnsafeBufferPointer<UInt8>) throws -> String {
        if let bad = XMLPullParser.firstBadUTF8(b) {
            throw ParseError(line: eventLine, message: b[bad] == 0 ? "a NUL byte in a tag" : "invalid UTF-8 in a tag")
        }
        return String(decoding: b, as: UTF8.self)
    }

    private func parseTag(_ raw: UnsafeBufferPointer<UInt8>) throws -> (String, [String: String]) {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        func slice(_ r: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: raw[r]) }
        var i = 0
        let n = raw.count
        while i < n, !isSpace(raw[i]) { i += 1 }
        let name = try string(slice(0..<i))
        guard !name.isEmpty else { throw ParseError(line: eventLine, message: "a tag without a name") }
        var attrs: [String: String] = [:]
        while true {
            while i < n, isSpace(raw[i]) { i += 1 }
            if i == n { break }
            let nameStart = i
            while i < n, raw[i] != 0x3D, !isSpace(raw[i]) { i += 1 }
            let key = try string(slice(nameStart..<i))
            while i < n, isSpace(raw[i]) { i += 1 }
            guard i < n, raw[i] == 0x3D else { throw ParseError(line: eventLine, message: "attribute '\(key)' of <\(name)> has no value") }
            i += 1
            while i < n, isSpace(raw[i]) { i += 1 }
            guard i < n, raw[i] == 0x22 || raw[i] == 0x27 else { throw ParseError(line: eventLine, message: "attribute '\(key)' of <\(name)> is not quoted") }
            let q = raw[i]
            i += 1
            let vStart = i
            var special = false
            while i < n, raw[i] != q {
                let c = raw[i]
                if c == 0x26 || c == 0x09 || c == 0x0A || c == 0x0D { special = true }
                i += 1
            }
            guard i < n else { throw ParseError(line: eventLine, message: "attribute '\(key)' of <\(name)> is not closed") }
            var value = try string(slice(vStart..<i))
            if special {
                if value.utf8.contains(0x26) { value = try expandEntities(value) }
                if value.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                    value = value.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\t", with: " ")
                        .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
                }
            }
            if attrs[key] != nil { throw ParseError(line: eventLine, message: "attribute '\(key)' repeated in <\(name)>") }
            attrs[key] = value
            i += 1
        }
        return (name, attrs)
    }
}

/// Chunks of a file or of bytes in memory.
final class ChunkSource {
    private let file: FileChunks?
    @exclusivity(unchecked) private var bytes: [UInt8]?
    @exclusivity(unchecked) var utf16 = false

    /// Takes over `fd` (closed when done).
    init(fd: Int32) { file = FileChunks(fd: fd, owned: true) }
    init(bytes: [UInt8]) {
        file = nil
        self.bytes = bytes
    }

    /// Appends the next chunk to `buffer`; false at the end.
    func append(to buffer: inout [UInt8]) throws -> Bool {
        if let b = bytes {
            bytes = nil
            buffer.append(contentsOf: b)
            return !b.isEmpty
        }
        guard let file else { return false }
        do {
            return try file.read(appendingTo: &buffer)
        } catch let e as FileIOError {
            throw XMLPullParser.ParseError(line: 0, message: e.message)
        }
    }
}
