import XCTest
@testable import Segmentation

/// Running-text cases beyond the Golden Rules: news conventions (Russian initials, years and
/// centuries, domains, times of day), informal English that starts sentences in lower case,
/// and `explain`, which names what decided each boundary.
final class RunningTextTests: XCTestCase {
    private func split(_ text: String, _ lang: String = "en") throws -> [String] {
        try SentenceSegmenter(language: lang).segment(text).map(\.text)
    }

    func testRussianInitialsThatAreAlsoOneLetterWords() throws {
        XCTAssertEqual(try split("Закон подписал В. В. Путин. Он вступит в силу в июле.", "ru"),
                       ["Закон подписал В. В. Путин.", "Он вступит в силу в июле."])
        XCTAssertEqual(try split("Она окончила МГУ им. М. В. Ломоносова и уехала в Казань.", "ru"),
                       ["Она окончила МГУ им. М. В. Ломоносова и уехала в Казань."])
        XCTAssertEqual(try split("На встрече выступили С. К. Шойгу и О. Ю. Васильева. Итоги подведут завтра.", "ru"),
                       ["На встрече выступили С. К. Шойгу и О. Ю. Васильева.", "Итоги подведут завтра."])
        XCTAssertEqual(try split("Приказ подписали Сидоров А. И. и Козлов У. В. после обеда.", "ru"),
                       ["Приказ подписали Сидоров А. И. и Козлов У. В. после обеда."])
        // A one-letter word after a name is still a sentence end when a new sentence starts.
        XCTAssertEqual(try split("Звонил Андрей К. Он просил перезвонить.", "ru"), ["Звонил Андрей К.", "Он просил перезвонить."])
    }

    func testRussianYearAndCenturyAfterANumber() throws {
        XCTAssertEqual(try split("Мост открыли в 2018 г. Движение по нему бесплатное.", "ru"),
                       ["Мост открыли в 2018 г.", "Движение по нему бесплатное."])
        XCTAssertEqual(try split("Собор заложили в XII в. Нынешний облик он получил позже.", "ru"),
                       ["Собор заложили в XII в.", "Нынешний облик он получил позже."])
        XCTAssertEqual(try split("Цены росли в 1990-х гг. Зарплаты отставали.", "ru"),
                       ["Цены росли в 1990-х гг.", "Зарплаты отставали."])
        // Never after "г." before a city, and not when the sentence so far is only the date.
        XCTAssertEqual(try split("Делегация прибыла в г. Самара утром.", "ru"), ["Делегация прибыла в г. Самара утром."])
        XCTAssertEqual(try split("В 2018 г. Казань принимала чемпионат.", "ru"), ["В 2018 г. Казань принимала чемпионат."])
        XCTAssertEqual(try split("Мост открыли в 2018 г. в присутствии министра.", "ru"),
                       ["Мост открыли в 2018 г. в присутствии министра."])
    }

    func testDomainsAndFileNamesAtTheEndOfASentence() throws {
        XCTAssertEqual(try split("Полный текст опубликован на сайте kremlin.ru. Комментариев пока нет.", "ru"),
                       ["Полный текст опубликован на сайте kremlin.ru.", "Комментариев пока нет."])
        XCTAssertEqual(try split("Read the full report at oecd.org. Officials declined to comment."),
                       ["Read the full report at oecd.org.", "Officials declined to comment."])
        XCTAssertEqual(try split("Die Tabelle steht in daten.csv. Sie wird täglich erneuert.", "de"),
                       ["Die Tabelle steht in daten.csv.", "Sie wird täglich erneuert."])
        // An e-mail address or a dotted abbreviation is not a domain.
        XCTAssertEqual(try split("The U.S. Navy said so."), ["The U.S. Navy said so."])
    }

    func testTimesOfDayAndListEnders() throws {
        XCTAssertEqual(try split("The polls closed at 8 p.m. Turnout was low."), ["The polls closed at 8 p.m.", "Turnout was low."])
        XCTAssertEqual(try split("The talks resumed at 10 a.m. Negotiators had slept little."),
                       ["The talks resumed at 10 a.m.", "Negotiators had slept little."])
        XCTAssertEqual(try split("The train leaves at 9 a.m. EST on weekdays."), ["The train leaves at 9 a.m. EST on weekdays."])
        XCTAssertEqual(try split("At 7 a.m. Police Chief Ray spoke."), ["At 7 a.m. Police Chief Ray spoke."])
        XCTAssertEqual(try split("They sell maps, tents, stoves etc. Prices vary."), ["They sell maps, tents, stoves etc.", "Prices vary."])
        XCTAssertEqual(try split("Везут зерно, масло, сахар и т. п. Поставки растут.", "ru"),
                       ["Везут зерно, масло, сахар и т. п.", "Поставки растут."])
    }

    func testInformalTextStartsSentencesInLowerCase() throws {
        XCTAssertEqual(try split("where are you from? texas? we should meet"), ["where are you from?", "texas?", "we should meet"])
        XCTAssertEqual(try split("i called them yesterday. they never answered. so annoying"),
                       ["i called them yesterday.", "they never answered.", "so annoying"])
        XCTAssertEqual(try split("the food was awesome! we will come back"), ["the food was awesome!", "we will come back"])
        // What stays one sentence: abbreviations, names with "!", quotations, URLs.
        XCTAssertEqual(try split("Use a tool, e.g. the one we built. It works."), ["Use a tool, e.g. the one we built.", "It works."])
        XCTAssertEqual(try split("It costs approx. five dollars."), ["It costs approx. five dollars."])
        XCTAssertEqual(try split("She works at Yahoo! in the accounting department."), ["She works at Yahoo! in the accounting department."])
        XCTAssertEqual(try split("He asked \"Why?\" and left."), ["He asked \"Why?\" and left."])
        XCTAssertEqual(try split("Search http://example.com/find?q=cats now."), ["Search http://example.com/find?q=cats now."])
        XCTAssertEqual(try split("They met at 5 p.m. and talked."), ["They met at 5 p.m. and talked."])
    }

    func testExplainNamesWhatDecidedEachBoundary() throws {
        let segmenter = try SentenceSegmenter(language: "ru")
        let text = "Указ подписал В. В. Путин. Мост открыли в 2018 г. Движение идёт.\n\nНовости на ria.ru. Следите."
        let items = try segmenter.explain(text)
        func item(after before: String) throws -> BoundaryExplanation {
            try XCTUnwrap(items.first { $0.before.hasSuffix(before) }, "no candidate after \(before): \(items)")
        }
        let initial = try item(after: "подписал В.")
        XCTAssertFalse(initial.isBreak)
        XCTAssertEqual(initial.rule, "initial")
        XCTAssertTrue(initial.after.hasPrefix("В. Путин"))
        XCTAssertTrue(try item(after: "В. Путин.").isBreak)
        let year = try item(after: "2018 г.")
        XCTAssertTrue(year.isBreak)
        XCTAssertEqual(year.rule, "after-number")
        XCTAssertTrue(year.reason.contains("\"г.\""), year.reason)
        XCTAssertEqual(try item(after: "идёт.").rule, "paragraph")
        XCTAssertEqual(try item(after: "ria.ru.").rule, "domain")
        // Offsets are Unicode scalars in the input, at the start of the next sentence.
        let scalars = Array(text.unicodeScalars)
        XCTAssertEqual(String(String.UnicodeScalarView(scalars[year.offset..<(year.offset + 8)])), "Движение")
        // The breaks explain gives are the segmenter's.
        let starts = try segmenter.segment(text).dropFirst().map(\.start)
        XCTAssertEqual(items.filter(\.isBreak).map(\.offset), Array(starts))
    }

    func testLearntStatistics() throws {
        let en = try XCTUnwrap(SentenceStatistics.forLanguage("en"))
        XCTAssertGreaterThan(en.sentences, 5000)
        // Pronouns and connectives open sentences far more often than an average word; "of" does not.
        XCTAssertTrue(en.isStarter("However"))
        XCTAssertTrue(en.isStarter("This"))
        XCTAssertFalse(en.isStarter("of"))
        XCTAssertTrue(en.isLowerCaseWord("system"))
        XCTAssertFalse(en.isLowerCaseWord("Debian"))
        let ru = try XCTUnwrap(SentenceStatistics.forLanguage("ru"))
        XCTAssertTrue(ru.isStarter("Однако"))
        XCTAssertFalse(ru.isStarter("и"))
        XCTAssertNil(SentenceStatistics.forLanguage("ja"))
        // After an abbreviation that may end a sentence, a learnt starter breaks and explain
        // names the statistic; an ordinary lower-case word capitalised does too (Punkt's
        // orthographic evidence); a name does not.
        let segmenter = try SentenceSegmenter(language: "en")
        let items = try segmenter.explain("The maker is Acme Inc. Nowadays it sells online.")
        let learnt = try XCTUnwrap(items.first { $0.before.hasSuffix("Inc.") })
        XCTAssertTrue(learnt.isBreak)
        XCTAssertTrue(learnt.reason.contains("\"Nowadays\" opens sentences"), learnt.reason)
        XCTAssertTrue(learnt.reason.contains("training text"), learnt.reason)
        XCTAssertFalse(en.isStarter("Nowadays") && LanguageRules.forLanguage("en")!.isStarter("Nowadays"),
                       "the case should rest on the learnt list, not the hand-made one")
        let ortho = try XCTUnwrap(segmenter.explain("The maker is Acme Inc. Package prices rose.").first { $0.before.hasSuffix("Inc.") })
        XCTAssertTrue(ortho.isBreak, ortho.reason)
        XCTAssertTrue(ortho.reason.contains("ordinary lower-case word"), ortho.reason)
        XCTAssertEqual(try split("The maker is Acme Inc. Debian prices rose."), ["The maker is Acme Inc. Debian prices rose."])
    }
}
