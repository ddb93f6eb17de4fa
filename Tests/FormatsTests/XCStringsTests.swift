import XCTest
@testable import Formats

final class XCStringsTests: XCTestCase {
    static let catalog = """
        {
          "sourceLanguage" : "en",
          "strings" : {
            "%lld comments" : {
              "localizations" : {
                "en" : {
                  "variations" : {
                    "plural" : {
                      "one" : { "stringUnit" : { "state" : "new", "value" : "%lld comment" } },
                      "other" : { "stringUnit" : { "state" : "new", "value" : "%lld comments" } }
                    }
                  }
                }
              }
            },
            "Done" : {
              "localizations" : {
                "de" : {
                  "stringUnit" : {
                    "state" : "translated",
                    "value" : "Fertig"
                  }
                },
                "uk" : {
                  "stringUnit" : {
                    "state" : "translated",
                    "value" : "Готово"
                  }
                }
              }
            },
            "nav.subscribe" : {
              "comment" : "Top bar",
              "localizations" : {
                "en" : {
                  "stringUnit" : {
                    "state" : "translated",
                    "value" : "Subscribe \\"now\\""
                  }
                },
                "ru" : {
                  "stringUnit" : {
                    "state" : "new",
                    "value" : ""
                  }
                }
              }
            },
            "Settings" : {
              "shouldTranslate" : false
            }
          },
          "version" : "1.0"
        }
        """

    func testEntries() throws {
        let doc = try XCStrings.read(Array(Self.catalog.utf8), file: "L.xcstrings", targetLanguage: "ru")
        XCTAssertEqual(doc.sourceLanguage, "en")
        XCTAssertEqual(doc.entries.map(\.key), ["%lld comments", "Done", "nav.subscribe", "Settings"])
        XCTAssertEqual(doc.entries.map(\.source), ["%lld comments", "Done", "Subscribe \"now\"", "Settings"])
        XCTAssertEqual(doc.entries.map(\.hasVariations), [true, false, false, false])
        XCTAssertEqual(doc.entries.map(\.shouldTranslate), [true, true, true, false])
        XCTAssertEqual(doc.entries[2].comment, "Top bar")
        XCTAssertEqual(doc.entries[2].target, "")
        XCTAssertEqual(doc.entries[2].line, 32)
    }

    func testFillsChangeOnlyWhatTheyMust() throws {
        let doc = try XCStrings.read(Array(Self.catalog.utf8), file: "L.xcstrings", targetLanguage: "ru")
        let out = String(decoding: XCStrings.apply([XCStrings.Fill(entry: 1, text: "Готово", needsReview: true),
                                                    XCStrings.Fill(entry: 2, text: "Подписаться «сейчас»", needsReview: false)], to: doc), as: UTF8.self)
        // "ru" goes between "de" and "uk", indented like its siblings; the existing unit gets value and state.
        var expected = Self.catalog.replacingOccurrences(of: """
                    "uk" : {
            """, with: """
                    "ru" : {
                      "stringUnit" : {
                        "state" : "needs_review",
                        "value" : "Готово"
                      }
                    },
                    "uk" : {
            """)
        expected = expected.replacingOccurrences(of: """
                        "state" : "new",
                        "value" : ""
            """, with: """
                        "state" : "translated",
                        "value" : "Подписаться «сейчас»"
            """)
        XCTAssertEqual(out, expected)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(out.utf8)))
        XCTAssertEqual(String(decoding: XCStrings.apply([], to: doc), as: UTF8.self), Self.catalog)
    }

    func testBrokenJSONNamesTheLine() {
        let broken = Self.catalog.replacingOccurrences(of: "\"comment\" : \"Top bar\",", with: "\"comment\" : \"Top bar\"")
        XCTAssertThrowsError(try XCStrings.read(Array(broken.utf8), file: "L.xcstrings", targetLanguage: "ru")) {
            XCTAssertEqual("\($0)", "L.xcstrings:34: not valid JSON: ',' or '}' expected")
        }
        XCTAssertThrowsError(try XCStrings.read(Array("{\"strings\": {}}".utf8), file: "x.xcstrings", targetLanguage: "ru")) {
            XCTAssertTrue("\($0)".contains("no \"sourceLanguage\""), "\($0)")
        }
    }
}
