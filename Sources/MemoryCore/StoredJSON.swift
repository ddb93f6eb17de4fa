import Foundation
import ICUText

package func decodeList<T: Decodable>(_ s: String?) -> [T] {
    guard let s, let d = s.data(using: .utf8) else { return [] }
    return (try? JSONDecoder().decode([T].self, from: d)) ?? []
}


/// The JSON of the props and notes columns, written and read by hand: arrays of strings or of
/// objects with string fields (JSONEncoder/Decoder cost more than the rest of an export).
package enum StoredJSON {
    package enum Item { case string(String), object([String: String]) }

    package static func appendString(_ s: String, to out: inout String) { JSONString.append(s, to: &out) }

    /// The items of a JSON array of strings or flat string objects; nil for anything else.
    package static func parseArray(_ s: String) -> [Item]? {
        var copy = s
        return copy.withUTF8 { b -> [Item]? in
            var i = 0
            func space() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            func string() -> String? { JSONString.read(b, at: &i, validated: true) } // a Swift String's bytes
            space()
            guard i < b.count, b[i] == 0x5B else { return nil }
            i += 1
            var items: [Item] = []
            space()
            if i < b.count, b[i] == 0x5D { return [] }
            while true {
                space()
                guard i < b.count else { return nil }
                if b[i] == 0x22 {
                    guard let v = string() else { return nil }
                    items.append(.string(v))
                } else if b[i] == 0x7B {
                    i += 1
                    var fields: [String: String] = [:]
                    space()
                    if i < b.count, b[i] == 0x7D { i += 1 } else {
                        while true {
                            space()
                            guard let k = string() else { return nil }
                            space()
                            guard i < b.count, b[i] == 0x3A else { return nil }
                            i += 1
                            space()
                            guard let v = string() else { return nil }
                            fields[k] = v
                            space()
                            guard i < b.count else { return nil }
                            if b[i] == 0x2C { i += 1; continue }
                            if b[i] == 0x7D { i += 1; break }
                            return nil
                        }
                    }
                    items.append(.object(fields))
                } else {
                    return nil
                }
                space()
                guard i < b.count else { return nil }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x5D { return items }
                return nil
            }
        }
    }
}
