// CICUShim: a C facade over the system ICU (libicu).
//
// This header uses only stdint types and opaque struct pointers, so that Swift can import it
// next to Foundation (whose embedded ICU declares the same C types as the system headers).
// Only CICUShim.c includes <unicode/*.h>. All text crosses this boundary as UTF-8 or UTF-16
// buffers with explicit lengths; offsets are in UTF-8 bytes unless a function says otherwise.
// Every function that can fail takes `int32_t *status`: 0 is success, a negative value a
// warning, a positive value an ICU UErrorCode (see tmk_error_name).
#ifndef CICUSHIM_H
#define CICUSHIM_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ICU's name for an error code ("U_ILLEGAL_ARGUMENT_ERROR").
const char *tmk_error_name(int32_t status);
/// The ICU version string ("72.1").
void tmk_icu_version(char *out, int32_t capacity);

// MARK: Break iterators over UTF-8 text (UText, no copy)

typedef struct tmk_breaker tmk_breaker;

enum { TMK_BREAK_CHARACTER = 0, TMK_BREAK_WORD = 1, TMK_BREAK_LINE = 2, TMK_BREAK_SENTENCE = 3 };

/// Opens a break iterator of `kind` for `locale` ("en", "en@ss=standard", "ru").
tmk_breaker *tmk_breaker_open(int32_t kind, const char *locale, int32_t *status);
/// A new iterator sharing the rules of `b` (cheaper than opening again).
tmk_breaker *tmk_breaker_clone(const tmk_breaker *b, int32_t *status);
void tmk_breaker_close(tmk_breaker *b);
/// Points the iterator at `length` bytes of UTF-8. The bytes are NOT copied: the caller keeps
/// them alive and unchanged until the next set_text or close.
void tmk_breaker_set_utf8(tmk_breaker *b, const char *text, int64_t length, int32_t *status);
/// The next boundary after the current one, in bytes, or -1 at the end.
int64_t tmk_breaker_next(tmk_breaker *b);
/// The first boundary (0) and resets the iterator.
int64_t tmk_breaker_first(tmk_breaker *b);
/// The rule status of the last boundary (for words: 0 none, 100 number, 200 letter, 300 kana, 400 ideo).
int32_t tmk_breaker_rule_status(const tmk_breaker *b);
/// 1 if `language` is an ISO 639 language code ICU knows ("en", "ru", "haw"), 0 if not.
int32_t tmk_language_is_known(const char *language);

// MARK: Normalization and case (UTF-8 in, malloc'ed UTF-8 out; free with tmk_free)

enum { TMK_NORM_NFC = 0, TMK_NORM_NFD = 1, TMK_NORM_NFKC = 2, TMK_NORM_NFKD = 3, TMK_NORM_NFKC_CF = 4 };

/// Normalizes UTF-8 text. Returns a buffer of *out_length bytes the caller frees.
char *tmk_normalize(int32_t form, const char *text, int64_t length, int64_t *out_length, int32_t *status);
/// 1 if the text is already in `form`, 0 if not, -1 on error.
int32_t tmk_is_normalized(int32_t form, const char *text, int64_t length, int32_t *status);
/// Full Unicode case folding (default mapping).
char *tmk_fold_case(const char *text, int64_t length, int64_t *out_length, int32_t *status);
/// Lower or upper case for a locale ("tr", "ru", "" for root).
char *tmk_to_lower(const char *locale, const char *text, int64_t length, int64_t *out_length, int32_t *status);
char *tmk_to_upper(const char *locale, const char *text, int64_t length, int64_t *out_length, int32_t *status);
void tmk_free(void *p);

// MARK: Transliteration

typedef struct tmk_translit tmk_translit;
/// Opens a transliterator by ICU id ("Any-Latin; Latin-ASCII").
tmk_translit *tmk_translit_open(const char *id, int32_t *status);
void tmk_translit_close(tmk_translit *t);
char *tmk_translit_apply(tmk_translit *t, const char *text, int64_t length, int64_t *out_length, int32_t *status);

// MARK: Characters and scripts

/// UScriptCode of a code point (0 Common, 1 Inherited, 8 Cyrillic, 25 Latin, ...).
int32_t tmk_script_of(uint32_t codepoint, int32_t *status);
/// Short ISO 15924 name of a script code ("Latn", "Cyrl").
const char *tmk_script_short_name(int32_t script);
/// Long name of a script code ("Latin", "Cyrillic").
const char *tmk_script_long_name(int32_t script);
/// 1 if the character has the property: 0 alphabetic, 1 uppercase, 2 lowercase, 3 white space,
/// 4 decimal digit, 5 punctuation (general category P*), 6 dash, 7 quotation mark,
/// 8 sentence terminal, 9 terminal punctuation, 10 ideographic.
int32_t tmk_char_has(uint32_t codepoint, int32_t property);
/// General category as ICU's UCharCategory value.
int32_t tmk_char_category(uint32_t codepoint);

// MARK: Regular expressions over UTF-8 text

typedef struct tmk_regex tmk_regex;
/// Compiles a pattern (UTF-8) with ICU flags (2 case-insensitive, 4 comments, 8 dotall, 32 multiline).
/// On a syntax error, *error_offset is the UTF-16 offset into the pattern where it was found.
tmk_regex *tmk_regex_open(const char *pattern, int64_t length, uint32_t flags, int32_t *error_offset, int32_t *status);
tmk_regex *tmk_regex_clone(const tmk_regex *r, int32_t *status);
void tmk_regex_close(tmk_regex *r);
/// Points the regex at UTF-8 text (not copied: keep it alive).
void tmk_regex_set_utf8(tmk_regex *r, const char *text, int64_t length, int32_t *status);
/// Finds the next match starting at byte `start` (or continuing after the last match when start < 0).
/// Returns 1 when found, 0 when not.
int32_t tmk_regex_find(tmk_regex *r, int64_t start, int32_t *status);
/// Whether the pattern matches the text starting exactly at `start` (lookingAt) up to `limit`.
int32_t tmk_regex_looking_at(tmk_regex *r, int64_t start, int32_t *status);
/// Bounds of group `group` (0 the whole match) of the last match, in bytes.
int64_t tmk_regex_start(tmk_regex *r, int32_t group, int32_t *status);
int64_t tmk_regex_end(tmk_regex *r, int32_t group, int32_t *status);
/// Limits matching to bytes [start, limit); with transparent bounds lookaround sees outside.
void tmk_regex_set_region(tmk_regex *r, int64_t start, int64_t limit, int32_t transparent, int32_t *status);

/// The CLDR plural categories of a locale's cardinal numbers ("one,few,many,other"), comma-separated into `out`.
int32_t tmk_plural_categories(const char *locale, char *out, int32_t capacity, int32_t *status);

#ifdef __cplusplus
}
#endif

#endif
