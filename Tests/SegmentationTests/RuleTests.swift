import XCTest
import ICUText
@testable import Segmentation

final class RuleTests: XCTestCase {
    private func split(_ text: String, _ lang: String = "en") throws -> [String] {
        try SentenceSegmenter(language: lang).segment(text).map(\.text)
    }

    func testEnglishAbbreviationsAndTitles() throws {
        XCTAssertEqual(try split("Mr. Smith met Dr. Jones. They talked."), ["Mr. Smith met Dr. Jones.", "They talked."])
        XCTAssertEqual(try split("I work for the U.S. Government in Virginia."), ["I work for the U.S. Government in Virginia."])
        XCTAssertEqual(try split("I live in the U.S. How about you?"), ["I live in the U.S.", "How about you?"])
        XCTAssertEqual(try split("Use a tool, e.g. OmegaT, i.e. a CAT tool. Fine."), ["Use a tool, e.g. OmegaT, i.e. a CAT tool.", "Fine."])
        XCTAssertEqual(try split("It opened on Jan. 5 in Rome. It closed soon."), ["It opened on Jan. 5 in Rome.", "It closed soon."])
        XCTAssertEqual(try split("Please turn to p. 55. Then read on."), ["Please turn to p. 55.", "Then read on."])
    }

    func testInitials() throws {
        XCTAssertEqual(try split("My name is Jonas E. Smith. Hi."), ["My name is Jonas E. Smith.", "Hi."])
        XCTAssertEqual(try split("Д-р наук А. И. Семенов выступал. Зал слушал.", "ru"),
                       ["Д-р наук А. И. Семенов выступал.", "Зал слушал."])
    }

    func testRussianAbbreviations() throws {
        XCTAssertEqual(try split("С 30 сент. Россия наносит удары. Это так.", "ru"), ["С 30 сент. Россия наносит удары.", "Это так."])
        XCTAssertEqual(try split("В 2010 г. Виктор посещал г. Волгоград. Потом уехал.", "ru"),
                       ["В 2010 г. Виктор посещал г. Волгоград.", "Потом уехал."])
        XCTAssertEqual(try split("Это не так, т. е. неверно. Да.", "ru"), ["Это не так, т. е. неверно.", "Да."])
        XCTAssertEqual(try split("Театр им. Пушкина открыт. Билеты есть.", "ru"), ["Театр им. Пушкина открыт.", "Билеты есть."])
    }

    func testNumbers() throws {
        XCTAssertEqual(try split("They flew 1,800 sorties. Pi is 3.14 here. It was 24.05.2015 then."),
                       ["They flew 1,800 sorties.", "Pi is 3.14 here.", "It was 24.05.2015 then."])
        XCTAssertEqual(try split("She has $100.00. It is in her bag."), ["She has $100.00.", "It is in her bag."])
    }

    func testEllipsesQuotesAndBrackets() throws {
        XCTAssertEqual(try split("I never meant that.... She left."), ["I never meant that....", "She left."])
        XCTAssertEqual(try split("He said, \"This is great.\" she said."), ["He said, \"This is great.\" she said."])
        XCTAssertEqual(try split("Она сказала: «Я устала». Он ушёл.", "ru"), ["Она сказала: «Я устала».", "Он ушёл."])
        XCTAssertEqual(try split("«Кто там? – спросила мама. – Открой».", "ru"), ["«Кто там? – спросила мама. – Открой»."])
        XCTAssertEqual(try split("He teaches (He worked as an engineer.) at the University."),
                       ["He teaches (He worked as an engineer.) at the University."])
        XCTAssertEqual(try split("“Nested ‘quotes.’ here.” Next one."), ["“Nested ‘quotes.’ here.”", "Next one."])
    }

    func testListsURLsAndAddresses() throws {
        XCTAssertEqual(try split("1) The first item 2) The second item"), ["1) The first item", "2) The second item"])
        XCTAssertEqual(try split("• 9. The first item • 10. The second item"), ["• 9. The first item", "• 10. The second item"])
        XCTAssertEqual(try split("The site is https://www.example.50.com/new-site/awesome_content.html. Check it."),
                       ["The site is https://www.example.50.com/new-site/awesome_content.html.", "Check it."])
        XCTAssertEqual(try split("Mail Jane.Doe@example.com. I did."), ["Mail Jane.Doe@example.com.", "I did."])
        XCTAssertEqual(try split("Hello world.Today is Tuesday."), ["Hello world.", "Today is Tuesday."])
    }

    func testParagraphsHeadingsAndLines() throws {
        let text = "A Heading Without Punctuation\n\nFirst line of a\nwrapped sentence. Second.\n\n- item one\n- item two\n# Title\nBody text here."
        XCTAssertEqual(try split(text), ["A Heading Without Punctuation", "First line of a wrapped sentence.", "Second.",
                                         "- item one", "- item two", "# Title", "Body text here."])
        XCTAssertEqual(try split("no punctuation\nat all\n"), ["no punctuation", "at all"])
        XCTAssertEqual(try split("Windows\r\nline ends. Work.\r\n\r\nNext para"), ["Windows line ends.", "Work.", "Next para"])
        XCTAssertEqual(try split("   \n\n  "), [])
        XCTAssertEqual(try split(""), [])
    }

    func testNormalizationIsPerSegmentAndOffsetsStayOnTheInput() throws {
        let text = "Cafe\u{301} opens. Then what?"
        let nfc = try SentenceSegmenter(language: "en").segment(text)
        XCTAssertEqual(nfc.map(\.text), ["Caf\u{E9} opens.", "Then what?"])
        XCTAssertEqual(nfc[0].start, 0)
        XCTAssertEqual(nfc[0].end, 12) // 12 scalars in the input, 11 in the NFC text
        XCTAssertEqual(nfc[1].start, 13)
        let raw = try SentenceSegmenter(language: "en", normalization: nil).segment(text)
        XCTAssertEqual(raw[0].text.unicodeScalars.count, 12)
        let nfkc = try SentenceSegmenter(language: "en", normalization: .nfkc).segment("The ﬁle is here.")
        XCTAssertEqual(nfkc.map(\.text), ["The file is here."])
    }

    func testUnknownLanguageFallsBackToICU() throws {
        let s = try SentenceSegmenter(language: "haw")
        XCTAssertFalse(s.hasLanguageRules)
        XCTAssertEqual(try s.segment("Aloha. Mahalo.").map(\.text), ["Aloha.", "Mahalo."])
        XCTAssertTrue(try SentenceSegmenter(language: "en-GB").hasLanguageRules)
    }

    func testChineseAndJapanese() throws {
        XCTAssertEqual(try split("我们明天一起去看《摔跤吧！爸爸》好吗？好！", "zh"), ["我们明天一起去看《摔跤吧！爸爸》好吗？", "好！"])
        XCTAssertEqual(try split("これは父の\n家です。", "ja"), ["これは父の家です。"])
    }
}
