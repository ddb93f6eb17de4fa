import Foundation
import ICUText

// MARK: Text keys

package enum TextKeys {
    /// A variant's `normHash` combined with the language of another variant of its unit.
    package static func pairHash(_ normHash: Int64, _ lang: String) -> Int64 {
        var h = UInt64(bitPattern: normHash)
        h = (h ^ 0xFF) &* 0x100_0000_01b3
        for b in lang.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: h)
    }

    /// FNV-1a (64 bits) of the language tag, a zero byte and the norm: the duplicate key stored
    /// in `variant.norm_hash`. Stable across processes and versions (it is stored).
    package static func normHash(lang: String, norm: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in lang.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0) &* 0x100_0000_01b3
        var norm = norm
        // Over the contiguous bytes (an import hashes every text: the UTF-8 view's iterator cost more).
        norm.withUTF8 { b in
            for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        }
        return Int64(bitPattern: h)
    }

    /// Whether the UTF-8 at `i` (a lead byte C2–E3) is white space (Unicode's White_Space,
    /// what `Unicode.Scalar.Properties.isWhitespace` reads): U+0085, U+00A0, U+1680, U+2000–U+200A,
    /// U+2028, U+2029, U+202F, U+205F, U+3000.
    @inline(__always)
    package static func isWhiteSpace(_ u: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let n = u.count
        switch u[i] {
        case 0xC2: return i + 1 < n && (u[i + 1] == 0x85 || u[i + 1] == 0xA0)
        case 0xE1: return i + 2 < n && u[i + 1] == 0x9A && u[i + 2] == 0x80
        case 0xE2:
            guard i + 2 < n else { return false }
            let c1 = u[i + 1], c2 = u[i + 2]
            return (c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) || (c1 == 0x81 && c2 == 0x9F)
        case 0xE3: return i + 2 < n && u[i + 1] == 0x80 && u[i + 2] == 0x80
        default: return false
        }
    }

    /// NFC with runs of white space collapsed to one space and the ends trimmed.
    package static func norm(_ text: String) throws -> String {
        try normOfNFC(try text.normalized(.nfc))
    }

    /// `norm` of a text already in NFC.
    package static func normOfNFC(_ nfc: String) throws -> String {
        // Nothing to collapse: no run of spaces, no space at the ends, no other white space.
        var previousSpace = true
        var simple = true
        var copy = nfc
        copy.withUTF8 { u in
            let n = u.count
            var i = 0
            while i < n {
                let b = u[i]
                if b == 0x20 {
                    if previousSpace { simple = false; return }
                    previousSpace = true
                } else if b < 0x20 || (b >= 0xC2 && b <= 0xE3 && TextKeys.isWhiteSpace(u, i)) {
                    simple = false // a control, or Unicode white space other than a space: the slow path
                    return
                } else {
                    previousSpace = false
                }
                i += 1
            }
        }
        if simple && !previousSpace { return nfc }
        // Over the bytes: white space is ASCII's (tab to carriage return, space) or starts with one
        // of the lead bytes `isWhiteSpace` reads. (Scalar by scalar with `properties.isWhitespace`,
        // this was a tenth of the worker's time on Debian's catalogs, whose strings end in new lines.)
        return copy.withUTF8 { u in
            let n = u.count
            var out: [UInt8] = []
            out.reserveCapacity(n)
            var pendingSpace = false
            var i = 0
            while i < n {
                let b = u[i]
                let space = b == 0x20 || (b >= 0x09 && b <= 0x0D) ? 1
                    : b >= 0xC2 && b <= 0xE3 && TextKeys.isWhiteSpace(u, i) ? (b < 0xE0 ? 2 : 3) : 0
                if space > 0 {
                    pendingSpace = !out.isEmpty
                    i += space
                    continue
                }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(b)
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Case-folded, without diacritics (ё = е, é = e): what concordance compares.
    package static func search(_ text: String) throws -> String {
        if let lower = UTF8Scan.lowercasedPlain(text, foldYo: true) { return String(decoding: lower, as: UTF8.self) }
        return try searchGeneral(text)
    }

    /// `search` as UTF-8 bytes.
    package static func searchBytes(_ text: String) throws -> [UInt8] {
        if let lower = UTF8Scan.lowercasedPlain(text, foldYo: true) { return lower }
        return Array(try searchGeneral(text).utf8)
    }

    /// Appends a variant's part of the search column (`PackedUnit.appendSearch`) for its NFC text.
    package static func appendSearch(langKey: String, text: String, to out: inout [UInt8]) throws {
        out.append(0x1E)
        out.append(contentsOf: langKey.utf8)
        out.append(0x1F)
        let start = out.count
        if UTF8Scan.appendLowercasedPlain(text, foldYo: true, to: &out) { return }
        out.removeSubrange(start...)
        out.append(contentsOf: try searchGeneral(text).utf8)
    }

    /// `search` without the byte-level fast path (tests compare the two).
    package static func searchGeneral(_ text: String) throws -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        if UTF8Scan.isPlainLatinCyrillic(text, allowLatin1: false) {
            // Folding is lower-casing here; the only mark to drop is the diaeresis of ё (й keeps its breve).
            let lower = text.lowercased()
            guard lower.unicodeScalars.contains("ё") else { return lower }
            return String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "ё" ? "е" : $0 }))
        }
        let folded = try text.caseFolded().normalized(.nfd)
        var stripped = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        var marks = false
        for u in folded.unicodeScalars {
            defer { previous = u }
            // Combining marks go (é = e, ё = е), but Й is a letter of its own in Russian: keep its breve.
            if u.value >= 0x300, u.value < 0x370 || (u.value >= 0x1AB0 && u.value < 0x1B00) || (u.value >= 0x1DC0 && u.value < 0x1E00)
                || (u.value >= 0x20D0 && u.value < 0x2100) || (u.value >= 0xFE20 && u.value < 0xFE30) {
                if u == "\u{306}" && previous == "и" { stripped.append(u); marks = true }
                continue
            }
            stripped.append(u)
        }
        let s = String(stripped)
        return marks ? try s.normalized(.nfc) : s
    }
}
