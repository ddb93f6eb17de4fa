// The only file of tmkit that includes ICU's headers. See include/CICUShim.h.
#include "CICUShim.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uscript.h>
#include <unicode/uchar.h>
#include <unicode/uregex.h>
#include <unicode/uloc.h>

const char *tmk_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

void tmk_icu_version(char *out, int32_t capacity) {
    UVersionInfo v;
    u_getVersion(v);
    char buf[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(v, buf);
    strncpy(out, buf, (size_t)capacity);
    if (capacity > 0) out[capacity - 1] = 0;
}

// MARK: UTF-8 <-> UTF-16 helpers (malloc'ed results)

static UChar *to_utf16(const char *text, int64_t length, int32_t *out_len, UErrorCode *st) {
    if (length > INT32_MAX) { *st = U_INDEX_OUTOFBOUNDS_ERROR; return NULL; }
    int32_t need = 0;
    UErrorCode pre = U_ZERO_ERROR;
    u_strFromUTF8WithSub(NULL, 0, &need, text, (int32_t)length, 0xFFFD, NULL, &pre);
    if (pre != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(pre)) { *st = pre; return NULL; }
    UChar *buf = (UChar *)malloc(sizeof(UChar) * (size_t)(need + 1));
    if (!buf) { *st = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    u_strFromUTF8WithSub(buf, need + 1, out_len, text, (int32_t)length, 0xFFFD, NULL, st);
    if (U_FAILURE(*st)) { free(buf); return NULL; }
    return buf;
}

static char *from_utf16(const UChar *u, int32_t ulen, int64_t *out_len, UErrorCode *st) {
    int32_t need = 0;
    UErrorCode pre = U_ZERO_ERROR;
    u_strToUTF8WithSub(NULL, 0, &need, u, ulen, 0xFFFD, NULL, &pre);
    if (pre != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(pre)) { *st = pre; return NULL; }
    char *buf = (char *)malloc((size_t)need + 1);
    if (!buf) { *st = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    int32_t got = 0;
    u_strToUTF8WithSub(buf, need + 1, &got, u, ulen, 0xFFFD, NULL, st);
    if (U_FAILURE(*st)) { free(buf); return NULL; }
    *out_len = got;
    return buf;
}

void tmk_free(void *p) { free(p); }

// MARK: Break iterators

struct tmk_breaker {
    UBreakIterator *bi;
    UText *ut;
};

tmk_breaker *tmk_breaker_open(int32_t kind, const char *locale, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open((UBreakIteratorType)kind, locale, NULL, 0, &st);
    *status = st;
    if (U_FAILURE(st)) return NULL;
    tmk_breaker *b = (tmk_breaker *)calloc(1, sizeof(tmk_breaker));
    if (!b) { ubrk_close(bi); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    b->bi = bi;
    return b;
}

tmk_breaker *tmk_breaker_clone(const tmk_breaker *src, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_clone(src->bi, &st);
    *status = st;
    if (U_FAILURE(st)) return NULL;
    tmk_breaker *b = (tmk_breaker *)calloc(1, sizeof(tmk_breaker));
    if (!b) { ubrk_close(bi); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    b->bi = bi;
    return b;
}

void tmk_breaker_close(tmk_breaker *b) {
    if (!b) return;
    ubrk_close(b->bi);
    if (b->ut) utext_close(b->ut);
    free(b);
}

void tmk_breaker_set_utf8(tmk_breaker *b, const char *text, int64_t length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    b->ut = utext_openUTF8(b->ut, text, length, &st);
    if (U_SUCCESS(st)) ubrk_setUText(b->bi, b->ut, &st);
    *status = st;
}

int64_t tmk_breaker_next(tmk_breaker *b) {
    int32_t r = ubrk_next(b->bi);
    return r == UBRK_DONE ? -1 : r;
}

int64_t tmk_breaker_first(tmk_breaker *b) { return ubrk_first(b->bi); }

int32_t tmk_breaker_rule_status(const tmk_breaker *b) { return ubrk_getRuleStatus((UBreakIterator *)b->bi); }

int32_t tmk_language_is_known(const char *language) {
    const char *iso3 = uloc_getISO3Language(language);
    return (iso3 && iso3[0]) ? 1 : 0;
}

// MARK: Normalization and case

static const UNormalizer2 *normalizer(int32_t form, UErrorCode *st) {
    switch (form) {
    case TMK_NORM_NFC: return unorm2_getNFCInstance(st);
    case TMK_NORM_NFD: return unorm2_getNFDInstance(st);
    case TMK_NORM_NFKC: return unorm2_getNFKCInstance(st);
    case TMK_NORM_NFKD: return unorm2_getNFKDInstance(st);
    case TMK_NORM_NFKC_CF: return unorm2_getNFKCCasefoldInstance(st);
    default: *st = U_ILLEGAL_ARGUMENT_ERROR; return NULL;
    }
}

char *tmk_normalize(int32_t form, const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    *out_length = 0;
    const UNormalizer2 *n = normalizer(form, &st);
    int32_t ulen = 0;
    UChar *u = U_SUCCESS(st) ? to_utf16(text, length, &ulen, &st) : NULL;
    if (U_FAILURE(st)) { *status = st; return NULL; }
    // Fast path: the text is already normalized.
    int32_t span = unorm2_spanQuickCheckYes(n, u, ulen, &st);
    if (U_SUCCESS(st) && span == ulen) {
        free(u);
        char *copy = (char *)malloc((size_t)length + 1);
        if (!copy) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
        memcpy(copy, text, (size_t)length);
        *out_length = length;
        *status = U_ZERO_ERROR;
        return copy;
    }
    st = U_ZERO_ERROR;
    UErrorCode pre = U_ZERO_ERROR;
    int32_t need = unorm2_normalize(n, u, ulen, NULL, 0, &pre);
    UChar *dest = (UChar *)malloc(sizeof(UChar) * (size_t)(need + 1));
    if (!dest) { free(u); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    int32_t got = unorm2_normalize(n, u, ulen, dest, need + 1, &st);
    free(u);
    char *out = U_SUCCESS(st) ? from_utf16(dest, got, out_length, &st) : NULL;
    free(dest);
    *status = st;
    return out;
}

int32_t tmk_is_normalized(int32_t form, const char *text, int64_t length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *n = normalizer(form, &st);
    int32_t ulen = 0;
    UChar *u = U_SUCCESS(st) ? to_utf16(text, length, &ulen, &st) : NULL;
    if (U_FAILURE(st)) { *status = st; return -1; }
    UBool yes = unorm2_isNormalized(n, u, ulen, &st);
    free(u);
    *status = st;
    return U_FAILURE(st) ? -1 : (yes ? 1 : 0);
}

typedef int32_t (*case_fn)(UChar *, int32_t, const UChar *, int32_t, const char *, UErrorCode *);

static int32_t fold_adapter(UChar *d, int32_t cap, const UChar *s, int32_t n, const char *loc, UErrorCode *st) {
    (void)loc;
    return u_strFoldCase(d, cap, s, n, U_FOLD_CASE_DEFAULT, st);
}

static char *map_case(case_fn fn, const char *locale, const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    *out_length = 0;
    int32_t ulen = 0;
    UChar *u = to_utf16(text, length, &ulen, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }
    UErrorCode pre = U_ZERO_ERROR;
    int32_t need = fn(NULL, 0, u, ulen, locale, &pre);
    UChar *dest = (UChar *)malloc(sizeof(UChar) * (size_t)(need + 1));
    if (!dest) { free(u); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    int32_t got = fn(dest, need + 1, u, ulen, locale, &st);
    free(u);
    char *out = U_SUCCESS(st) ? from_utf16(dest, got, out_length, &st) : NULL;
    free(dest);
    *status = st;
    return out;
}

char *tmk_fold_case(const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    return map_case(fold_adapter, "", text, length, out_length, status);
}

char *tmk_to_lower(const char *locale, const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    return map_case(u_strToLower, locale, text, length, out_length, status);
}

char *tmk_to_upper(const char *locale, const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    return map_case(u_strToUpper, locale, text, length, out_length, status);
}

// MARK: Transliteration

struct tmk_translit { UTransliterator *t; };

tmk_translit *tmk_translit_open(const char *id, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    UChar *uid = to_utf16(id, (int64_t)strlen(id), &ulen, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }
    UParseError pe;
    UTransliterator *t = utrans_openU(uid, ulen, UTRANS_FORWARD, NULL, 0, &pe, &st);
    free(uid);
    *status = st;
    if (U_FAILURE(st)) return NULL;
    tmk_translit *r = (tmk_translit *)calloc(1, sizeof(tmk_translit));
    if (!r) { utrans_close(t); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    r->t = t;
    return r;
}

void tmk_translit_close(tmk_translit *t) {
    if (!t) return;
    utrans_close(t->t);
    free(t);
}

char *tmk_translit_apply(tmk_translit *t, const char *text, int64_t length, int64_t *out_length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    *out_length = 0;
    int32_t ulen = 0;
    UChar *u = to_utf16(text, length, &ulen, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }
    // Transliteration can grow the text; retry with a larger buffer when it does.
    int32_t cap = ulen * 4 + 16;
    for (int attempt = 0; attempt < 4; attempt++) {
        UChar *buf = (UChar *)malloc(sizeof(UChar) * (size_t)cap);
        if (!buf) { free(u); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
        memcpy(buf, u, sizeof(UChar) * (size_t)ulen);
        int32_t textLength = ulen, limit = ulen;
        st = U_ZERO_ERROR;
        utrans_transUChars(t->t, buf, &textLength, cap, 0, &limit, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) { free(buf); cap = textLength + 16; continue; }
        char *out = U_SUCCESS(st) ? from_utf16(buf, textLength, out_length, &st) : NULL;
        free(buf);
        free(u);
        *status = st;
        return out;
    }
    free(u);
    *status = U_BUFFER_OVERFLOW_ERROR;
    return NULL;
}

// MARK: Characters and scripts

int32_t tmk_script_of(uint32_t codepoint, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript((UChar32)codepoint, &st);
    *status = st;
    return (int32_t)s;
}

const char *tmk_script_short_name(int32_t script) { return uscript_getShortName((UScriptCode)script); }
const char *tmk_script_long_name(int32_t script) { return uscript_getName((UScriptCode)script); }

int32_t tmk_char_has(uint32_t c, int32_t property) {
    UChar32 cp = (UChar32)c;
    switch (property) {
    case 0: return u_isUAlphabetic(cp);
    case 1: return u_isUUppercase(cp);
    case 2: return u_isULowercase(cp);
    case 3: return u_isUWhiteSpace(cp);
    case 4: return u_isdigit(cp);
    case 5: return u_ispunct(cp);
    case 6: return u_hasBinaryProperty(cp, UCHAR_DASH);
    case 7: return u_hasBinaryProperty(cp, UCHAR_QUOTATION_MARK);
    case 8: return u_hasBinaryProperty(cp, UCHAR_S_TERM);
    case 9: return u_hasBinaryProperty(cp, UCHAR_TERMINAL_PUNCTUATION);
    case 10: return u_hasBinaryProperty(cp, UCHAR_IDEOGRAPHIC);
    default: return 0;
    }
}

int32_t tmk_char_category(uint32_t c) { return u_charType((UChar32)c); }

// MARK: Regular expressions

struct tmk_regex {
    URegularExpression *re;
    UText *ut;
};

tmk_regex *tmk_regex_open(const char *pattern, int64_t length, uint32_t flags, int32_t *error_offset, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    memset(&pe, 0, sizeof pe);
    *error_offset = -1;
    int32_t ulen = 0;
    UChar *u = to_utf16(pattern, length, &ulen, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }
    URegularExpression *re = uregex_open(u, ulen, flags, &pe, &st);
    free(u);
    *status = st;
    if (U_FAILURE(st)) { *error_offset = pe.offset; return NULL; }
    tmk_regex *r = (tmk_regex *)calloc(1, sizeof(tmk_regex));
    if (!r) { uregex_close(re); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    r->re = re;
    return r;
}

tmk_regex *tmk_regex_clone(const tmk_regex *src, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *re = uregex_clone(src->re, &st);
    *status = st;
    if (U_FAILURE(st)) return NULL;
    tmk_regex *r = (tmk_regex *)calloc(1, sizeof(tmk_regex));
    if (!r) { uregex_close(re); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    r->re = re;
    return r;
}

void tmk_regex_close(tmk_regex *r) {
    if (!r) return;
    uregex_close(r->re);
    if (r->ut) utext_close(r->ut);
    free(r);
}

void tmk_regex_set_utf8(tmk_regex *r, const char *text, int64_t length, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    r->ut = utext_openUTF8(r->ut, text, length, &st);
    if (U_SUCCESS(st)) uregex_setUText(r->re, r->ut, &st);
    *status = st;
}

int32_t tmk_regex_find(tmk_regex *r, int64_t start, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UBool found = start < 0 ? uregex_findNext(r->re, &st) : uregex_find64(r->re, start, &st);
    *status = st;
    return U_SUCCESS(st) && found ? 1 : 0;
}

int32_t tmk_regex_looking_at(tmk_regex *r, int64_t start, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UBool found = uregex_lookingAt64(r->re, start, &st);
    *status = st;
    return U_SUCCESS(st) && found ? 1 : 0;
}

int64_t tmk_regex_start(tmk_regex *r, int32_t group, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    int64_t v = uregex_start64(r->re, group, &st);
    *status = st;
    return v;
}

int64_t tmk_regex_end(tmk_regex *r, int32_t group, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    int64_t v = uregex_end64(r->re, group, &st);
    *status = st;
    return v;
}

void tmk_regex_set_region(tmk_regex *r, int64_t start, int64_t limit, int32_t transparent, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    uregex_setRegion64(r->re, start, limit, &st);
    if (U_SUCCESS(st)) uregex_useTransparentBounds(r->re, transparent ? 1 : 0, &st);
    *status = st;
}

// MARK: Plural rules

#include <unicode/upluralrules.h>
#include <unicode/uenum.h>

int32_t tmk_plural_categories(const char *locale, char *out, int32_t capacity, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    UPluralRules *rules = uplrules_open(locale, &st);
    if (U_FAILURE(st)) { *status = st; return 0; }
    UEnumeration *e = uplrules_getKeywords(rules, &st);
    int32_t used = 0;
    if (U_SUCCESS(st)) {
        const char *kw;
        int32_t len = 0;
        while ((kw = uenum_next(e, &len, &st)) != NULL && U_SUCCESS(st)) {
            if (used + len + 2 > capacity) { st = U_BUFFER_OVERFLOW_ERROR; break; }
            if (used > 0) out[used++] = ',';
            memcpy(out + used, kw, (size_t)len);
            used += len;
        }
        uenum_close(e);
    }
    if (capacity > 0) out[used < capacity ? used : capacity - 1] = 0;
    uplrules_close(rules);
    *status = st;
    return used;
}
