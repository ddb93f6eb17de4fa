import XCTest
@testable import Formats
import TranslationMemory

/// A TSV file read in chunks of any size gives what it gives read whole: units, and errors with
/// their lines (chunks cut lines, CRLF pairs, multi-byte characters and the byte-order mark).
final class TSVStreamingTests: XCTestCase {
    func read(_ bytes: [UInt8], chunk: Int?) -> (units: [TranslationUnit], error: String?) {
        var units: [TranslationUnit] = []
        do {
            if let chunk {
                var start = 0
                try TSVReader.read(chunks: {
                    guard start < bytes.count else { return nil }
                    defer { start += chunk }
                    return Array(bytes[start..<min(bytes.count, start + chunk)])
                }, file: "t.tsv") { units.append($0) }
            } else {
                try TSVReader.read(bytes, file: "t.tsv") { units.append($0) }
            }
            return (units, nil)
        } catch {
            return (units, "\(error)")
        }
    }

    func testChunksOfEverySizeGiveTheSameUnitsAndErrors() {
        let good = Array("\u{FEFF}# comment\r\nen\tru\tkey\r\nSave\tСохранить\tbtn.save\r\n\nLine\\nbreak\tПеренос\\tстроки\tk2\nСлово\tслово\t\nLast\tПоследний\tk3".utf8)
        let (whole, error) = read(good, chunk: nil)
        XCTAssertNil(error)
        XCTAssertEqual(whole.map { $0.variants.map(\.text) }, [["Save", "Сохранить"], ["Line\nbreak", "Перенос\tстроки"], ["Слово", "слово"], ["Last", "Последний"]])
        XCTAssertEqual(whole.map(\.originKey), ["btn.save", "k2", nil, "k3"])
        var badUTF8 = Array("en\tru\nA\tБ\nB\tВ\nC\t".utf8) + [0xD0] + Array("\n".utf8)
        let fields = Array("en\tru\nA\tБ\n\nB\tВ\textra\n".utf8)
        for chunk in [1, 2, 3, 5, 8, 1 << 20] {
            let (units, e) = read(good, chunk: chunk)
            XCTAssertNil(e, "chunk \(chunk)")
            XCTAssertEqual(units.map(\.variants), whole.map(\.variants), "chunk \(chunk)")
            XCTAssertEqual(units.map(\.originKey), whole.map(\.originKey))
            XCTAssertEqual(read(badUTF8, chunk: chunk).error, "t.tsv:4: invalid UTF-8 at byte offset 18", "chunk \(chunk)")
            XCTAssertEqual(read(fields, chunk: chunk).error, "t.tsv:4: 3 fields where the header has 2", "chunk \(chunk)")
        }
        XCTAssertEqual(read(badUTF8, chunk: nil).error, "t.tsv:4: invalid UTF-8 at byte offset 18")
        badUTF8.removeAll()
        XCTAssertEqual(read(badUTF8, chunk: 4).error, "t.tsv: empty file: no header row")
    }
}
