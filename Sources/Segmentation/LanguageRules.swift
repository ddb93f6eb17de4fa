/// tmkit's own sentence data for one language: what ICU's suppressions lack.
///
/// Abbreviations are stored without their final period and compared case-sensitively first,
/// then in lower case (so "Co" and "co" are one entry, but "US" stays apart from "us").
public struct LanguageRules: Sendable {
    /// How an abbreviation behaves before the next word.
    public enum AbbreviationKind: Sendable {
        /// Never ends a sentence: titles before a name ("Mr.", "Dr.", "проф."), "г." before a name.
        case prefix
        /// Ends a sentence only when a number does not follow ("p. 55", "No. 5", "ул. 1 Мая").
        case beforeNumber
        /// Ends a sentence when the next word is one that starts sentences ("etc. The").
        case general
        /// Closes a list and usually its sentence: any capitalised word after it starts a new
        /// one ("etc. Officials", "и т. п. Состоянием").
        case final
    }

    /// BCP 47 language ("en").
    public let language: String
    /// The ICU locale of the sentence iterator ("en@ss=standard" where ICU has suppressions).
    public let icuLocale: String
    let abbreviations: [String: AbbreviationKind]
    /// Capitalised words that typically open a sentence: after an abbreviation they mean a break.
    let sentenceStarters: Set<String>
    /// Whether ". –" and "? —" continue a quotation (Russian dialogue punctuation).
    let dashContinuesSentence: Bool
    /// Whether "12." before a word is an ordinal number (German), not a sentence end.
    let ordinalPeriod: Bool
    /// Abbreviations that close their clause after a number ("5 a.m.", "в 2015 г.", "XV в."):
    /// there a capitalised word starts a new sentence.
    let endAfterNumber: Set<String>
    /// What tmkit learnt from running text in the language, if anything (read on first use).
    var statistics: SentenceStatistics? { SentenceStatistics.forLanguage(language) }

    init(language: String, icuLocale: String, prefix: [String] = [], beforeNumber: [String] = [],
         general: [String] = [], final: [String] = [], starters: [String] = [], dashContinues: Bool = true, ordinalPeriod: Bool = false,
         endAfterNumber: [String] = []) {
        self.language = language
        self.icuLocale = icuLocale
        var table: [String: AbbreviationKind] = [:]
        for a in general { table[a] = .general }
        for a in final { table[a] = .final }
        for a in beforeNumber { table[a] = .beforeNumber }
        for a in prefix { table[a] = .prefix }
        abbreviations = table
        sentenceStarters = Set(starters)
        dashContinuesSentence = dashContinues
        self.ordinalPeriod = ordinalPeriod
        self.endAfterNumber = Set(endAfterNumber)
    }

    /// The kind of `word` (without its final period) as an abbreviation, if it is one.
    func abbreviation(_ word: Substring) -> AbbreviationKind? {
        let w = String(word)
        if let k = abbreviations[w] { return k }
        guard w.unicodeScalars.contains(where: \.isUpper) else { return nil }
        return abbreviations[w.lowercased()]
    }

    /// The kind of `word` only when listed in exactly this case ("S" in German, not "s").
    func exactAbbreviation(_ word: Substring) -> AbbreviationKind? { abbreviations[String(word)] }

    func isStarter(_ word: Substring) -> Bool { sentenceStarters.contains(String(word)) }

    func endsAfterNumber(_ word: Substring) -> Bool {
        guard !endAfterNumber.isEmpty, word.utf8.count <= 6 else { return false }
        return endAfterNumber.contains(word.lowercased())
    }

    /// The rules for a BCP 47 tag ("en-GB" uses "en"), or nil when tmkit has none.
    public static func forLanguage(_ tag: String) -> LanguageRules? {
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        return table[primary]
    }

    /// Languages with tmkit rules.
    public static var supportedLanguages: [String] { table.keys.sorted() }

    /// ICU's root rules only, for a language tmkit has no data for.
    public static func root(language: String) -> LanguageRules {
        LanguageRules(language: language, icuLocale: language)
    }

    static let table: [String: LanguageRules] = [
        "en": english, "ru": russian, "de": german, "fr": french, "es": spanish,
    ]

    // MARK: English

    static let english = LanguageRules(
        language: "en", icuLocale: "en@ss=standard",
        prefix: ["Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Prof", "Rev", "Hon", "St", "Mt", "Ft",
                 "Gov", "Sen", "Rep", "Gen", "Lt", "Col", "Capt", "Cmdr", "Sgt", "Maj", "Adm", "Pres",
                 "Supt", "Insp", "Fr", "Sr", "Msgr", "vs", "v", "cf", "viz", "approx", "ca", "Ave",
                 "Blvd", "Rd", "Mme", "Mlle"],
        beforeNumber: ["p", "pp", "No", "Nos", "no", "nos", "N°", "№", "vol", "vols", "ch", "chap",
                       "fig", "figs", "art", "sec", "para", "ed", "eds", "ref", "tel", "ext", "op",
                       "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"],
        general: ["co", "Co", "Corp", "Inc", "Ltd", "Bros", "Jr", "e.g", "i.e", "al", "esp",
                  "dept", "est", "govt", "univ", "assn", "misc", "min", "max", "hr", "hrs", "mins",
                  "sec", "secs", "yr", "yrs", "mo", "mos", "wk", "wks", "ft", "in", "lb", "lbs",
                  "oz", "km", "cm", "mm", "kg", "mg", "st", "ave", "dist", "div", "inst", "intl",
                  "natl", "dept", "a.m", "p.m", "A.M", "P.M", "U.S", "U.S.A", "U.K", "U.N", "E.U",
                  "D.C", "Ph.D", "M.D", "B.A", "M.A", "B.Sc", "M.Sc", "Jr", "Sr", "Mon", "Tue",
                  "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "Ala", "Ariz", "Ark",
                  "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky", "La", "Md",
                  "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
                  "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo"],
        final: ["etc"],
        starters: ["A", "About", "After", "Afterwards", "Again", "All", "Also", "Although", "An",
                   "And", "Another", "Any", "Are", "As", "At", "Because", "Before", "Both", "But",
                   "By", "Can", "Could", "Did", "Do", "Does", "During", "Each", "Either", "Even",
                   "Every", "Finally", "First", "For", "From", "Had", "Has", "Have", "He", "Her",
                   "Here", "His", "How", "However", "I", "If", "In", "Is", "It", "Its", "It's",
                   "Let", "Let's", "Many", "Meanwhile", "More", "Most", "My", "Neither", "Never",
                   "Nevertheless", "No", "Nobody", "Nor", "Not", "Now", "Of", "On", "Once", "One",
                   "Only", "Or", "Our", "Please", "She", "Should", "Since", "So", "Some", "Still",
                   "Such", "That", "The", "Their", "Then", "There", "These", "They", "This",
                   "Those", "Though", "Thus", "To", "Today", "Two", "Under", "Unlike", "Until",
                   "We", "Was", "Were", "What", "When", "Where", "Whether", "Which", "While", "Who",
                   "Why", "Will", "With", "Would", "Yet", "You", "Your", "Yesterday", "Tomorrow"],
        endAfterNumber: ["a.m", "p.m"]
    )

    // MARK: Russian

    static let russian = LanguageRules(
        language: "ru", icuLocale: "ru@ss=standard",
        prefix: ["г", "гг", "гр", "им", "ул", "пр-т", "просп", "пл", "пер", "наб", "бул", "ш",
                 "пгт", "пос", "дер", "с", "обл", "р-н", "р", "оз", "о-в", "проф", "акад", "доц",
                 "д-р", "канд", "св", "ген", "полк", "подп", "кап", "ст", "мл", "тов", "г-н",
                 "г-жа", "т", "т.е", "т.к", "т.н", "т.о", "т.ч", "в т.ч", "напр", "см", "ср", "ок",
                 "около", "род", "англ", "франц", "нем", "лат", "греч", "рус", "укр", "янв",
                 "февр", "фев", "мар", "апр", "июн", "июл", "авг", "сент", "сен", "окт", "нояб",
                 "ноя", "дек", "ред", "изд", "пред", "зам", "зав", "нач", "кв", "куб", "км/ч"],
        beforeNumber: ["№", "N", "д", "кв", "корп", "стр", "стр", "с", "гл", "рис", "табл",
                       "п", "пп", "ч", "т", "вып", "кн", "разд", "прил", "ст", "ок", "оф"],
        general: ["др", "пр", "проч", "руб", "коп", "долл", "дол",
                  "млн", "млрд", "тыс", "трлн", "кг", "км", "м", "см", "мм", "л", "мин", "сек",
                  "ч", "в", "вв", "н.э", "до н.э", "у.е", "кв.м", "куб.м", "ед", "экз", "чел",
                  "шт", "га", "т", "ц", "руб", "е", "д"],
        final: ["т.д", "т.п", "и т.д", "и т.п"],
        starters: ["А", "Б", "В", "Во", "Вот", "Все", "Всё", "Вчера", "Где", "Да", "Для", "До",
                   "Его", "Ее", "Её", "Если", "Еще", "Ещё", "Же", "За", "Затем", "Здесь", "И",
                   "Из", "Или", "Их", "К", "Как", "Когда", "Кроме", "Кто", "Ли", "Между", "Мне",
                   "Мы", "На", "Но", "Нет", "Ни", "О", "Об", "Он", "Она", "Они", "Оно", "От",
                   "По", "Под", "Позже", "После", "Потом", "Поэтому", "При", "Про", "С", "Сегодня",
                   "Так", "Также", "Там", "Теперь", "То", "Тогда", "Тут", "У", "Уже", "Хотя",
                   "Что", "Чтобы", "Это", "Этот", "Эта", "Эти", "Я", "Ты", "Вы", "Однако", "Кстати",
                   "Завтра", "Почему", "Зачем"],
        endAfterNumber: ["г", "гг", "в", "вв"]
    )

    // MARK: German, French, Spanish

    static let german = LanguageRules(
        language: "de", icuLocale: "de@ss=standard",
        prefix: ["Hr", "Hrn", "Fr", "Frl", "Dr", "Prof", "St", "Dipl", "Ing", "z.B", "z. B", "u.a",
                 "d.h", "bzw", "ca", "vgl", "sog", "u.U", "i.d.R", "z.T", "ggf", "evtl", "inkl",
                 "zzgl", "Str", "usw", "etc", "med", "phil", "jur", "rer", "nat", "theol", "habil",
                 "dent", "vet", "oec", "pol", "techn", "kath", "ev", "evang"],
        beforeNumber: ["Nr", "S", "Abs", "Art", "Bd", "Jan", "Feb", "Mär", "Apr", "Jun", "Jul",
                       "Aug", "Sep", "Sept", "Okt", "Nov", "Dez", "Kap", "Tel", "Abb"],
        general: ["usw", "etc", "bzw", "Jh", "Jhd", "Mio", "Mrd", "Tsd", "min", "max", "v. Chr",
                  "n. Chr", "v.Chr", "n.Chr", "Co", "Inc", "Ltd", "GmbH"],
        starters: ["Der", "Die", "Das", "Ein", "Eine", "Er", "Sie", "Es", "Wir", "Ich", "Ihr",
                   "Aber", "Und", "Doch", "Dann", "Denn", "Dies", "Diese", "Dieser", "Wenn",
                   "Als", "Auch", "Am", "Im", "In", "Nach", "Heute", "Was", "Wie", "Wo", "Warum", "Dort", "Da", "Hier", "Du", "Man", "Wir", "Mein", "Meine", "Unser", "Unsere", "Jetzt", "Danach"],
        ordinalPeriod: true
    )

    static let french = LanguageRules(
        language: "fr", icuLocale: "fr@ss=standard",
        prefix: ["M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Pr", "Me", "Mgr", "St", "Ste",
                 "av", "bd", "cf", "env", "etc", "p.ex", "c.-à-d", "vs"],
        beforeNumber: ["p", "pp", "n", "no", "N°", "vol", "chap", "art", "fig", "janv", "févr",
                       "avr", "juil", "sept", "oct", "nov", "déc", "tél"],
        general: ["etc", "env", "min", "max", "Cie", "Inc", "Ltd"],
        starters: ["Le", "La", "Les", "Un", "Une", "Il", "Elle", "Ils", "Elles", "Nous", "Vous",
                   "Je", "On", "Ce", "Cette", "Ces", "Mais", "Et", "Puis", "Alors", "Donc", "Si",
                   "Quand", "Dans", "En", "Au", "Aux", "Depuis", "Pour", "Aujourd'hui"]
    )

    static let spanish = LanguageRules(
        language: "es", icuLocale: "es@ss=standard",
        prefix: ["Sr", "Sra", "Srta", "Sres", "Dr", "Dra", "Lic", "Ing", "Arq", "Prof", "Profa",
                 "D", "Dña", "Da", "Ud", "Uds", "Vd", "Vds", "Sto", "Sta", "Av", "Avda", "Gral",
                 "Excmo", "Excma", "Ilmo", "Ilma", "aprox", "p.ej", "vs", "etc", "Mt", "EE", "párr", "párrf"],
        beforeNumber: ["p", "pág", "págs", "núm", "n", "no", "N°", "nº", "vol", "cap", "art", "fig",
                       "tel", "ene", "feb", "mar", "abr", "jun", "jul", "ago", "sept", "oct",
                       "nov", "dic"],
        general: ["etc", "aprox", "admón", "dcha", "izq", "izda", "Cía", "S.A", "S.L", "EE.UU",
                  "min", "máx", "mín", "UU", "EE.UU"],
        starters: ["El", "La", "Los", "Las", "Un", "Una", "Él", "Ella", "Ellos", "Ellas",
                   "Nosotros", "Yo", "Pero", "Y", "Entonces", "Si", "Cuando", "En", "Por",
                   "Para", "Esto", "Este", "Esta", "Hoy", "¿", "¡"]
    )
}
