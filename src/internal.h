/* internal.h - private types shared by the library's modules; never installed. */
#ifndef HMMM_INTERNAL_H
#define HMMM_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hmmm/hmmm.h"

#if defined(__GNUC__)
#define HM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HM_PRINTF(a, b)
#endif

/* ---- util.c: memory, buffers, arenas, diagnostics, files ---------------- */

/* Every allocation goes through these, so that a test can make the Nth one
 * fail. They return NULL on failure and never abort. */
void *hm_malloc(size_t n);
void *hm_calloc(size_t n, size_t size);
void *hm_realloc(void *p, size_t n);
void hm_free(void *p);
/* Makes room for NEED items of SIZE bytes in the array *P of *CAP, doubling
 * it as needed. Returns -1 when out of memory (*P and *CAP unchanged). */
int hm_grow(void **p, size_t *cap, size_t need, size_t size);
char *hm_strndup(const char *s, size_t n);
char *hm_strdup(const char *s);

/* Fault injection for tests: fail the Nth allocation from now (1-based);
 * 0 switches it off. Returns how many allocations were made since the last
 * call. */
size_t hm_alloc_fail_at(size_t n);

/* A growable byte buffer, always NUL-terminated when data is not NULL. The
 * add functions return 0, or -1 when memory ran out (the buffer is kept). */
typedef struct hm_buf {
    char *data;
    size_t len, cap;
} hm_buf;

int hm_buf_grow(hm_buf *b, size_t extra);
int hm_buf_add(hm_buf *b, const char *s, size_t n);
int hm_buf_adds(hm_buf *b, const char *s);
int hm_buf_addc(hm_buf *b, char c);
int hm_buf_printf(hm_buf *b, const char *fmt, ...) HM_PRINTF(2, 3);
void hm_buf_free(hm_buf *b);
/* Hands over the buffer's string (never NULL unless out of memory). */
char *hm_buf_take(hm_buf *b);

/* An arena: many small allocations freed at once. */
typedef struct hm_arena_block hm_arena_block;
typedef struct hm_arena {
    hm_arena_block *head;
} hm_arena;

void *hm_arena_alloc(hm_arena *a, size_t n);
char *hm_arena_strndup(hm_arena *a, const char *s, size_t n);
char *hm_arena_strdup(hm_arena *a, const char *s);
void hm_arena_free(hm_arena *a);

/* A set of strings, each kept once in an arena: for text that many
 * findings repeat. */
typedef struct hm_strset_slot {
    const char *s; /* NULL for an empty slot */
    size_t len;
    uint64_t hash;
} hm_strset_slot;

typedef struct hm_strset {
    hm_strset_slot *slots;
    size_t cap, n;
} hm_strset;

/* The copy of S (N bytes, then a NUL) that SET keeps in A, made the first
 * time; NULL when out of memory. */
const char *hm_strset_add(hm_strset *set, hm_arena *a, const char *s, size_t n);
void hm_strset_free(hm_strset *set);

/* A growable array of pointers. */
typedef struct hm_vec {
    void **items;
    size_t n, cap;
} hm_vec;

int hm_vec_push(hm_vec *v, void *item);
void hm_vec_free(hm_vec *v);

/* Adds a diagnostic. Returns HMMM_EINVAL, or HMMM_ENOMEM if it could not. */
hmmm_status hm_diag(hmmm_diags *d, const char *file, unsigned line, unsigned column,
                    const char *fmt, ...) HM_PRINTF(5, 6);

hmmm_status hm_vdiag(hmmm_diags *d, const char *file, unsigned line, unsigned column,
                     const char *fmt, va_list ap) HM_PRINTF(5, 0);

/* Reads a whole file. Returns 0, or an errno value. */
int hm_read_file(const char *path, char **data, size_t *len);
/* The same, refusing (EFBIG) a file of more than MAX bytes. */
int hm_read_file_max(const char *path, size_t max, char **data, size_t *len);

/* The most a rule or config file may hold: far more than any real one, and
 * little enough that a wrong path (a log, a disk image) is refused at once
 * rather than read into memory. */
#define HM_SETTINGS_MAX ((size_t)16 << 20)

/* ASCII case-insensitive comparison. */
int hm_strcaseeq(const char *a, const char *b);

/* ---- utf8.c ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at S (at most N bytes), or 0 if the
 * bytes there are not valid UTF-8. *CP receives the code point. */
size_t hm_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Characters in S[0..N): a valid sequence or an invalid byte counts as one. */
size_t hm_utf8_count(const char *s, size_t n);
/* The length of the longest start of S that is well-formed UTF-8 (no
 * overlong forms, surrogates or code points beyond U+10FFFF). */
size_t hm_utf8_valid_prefix(const char *s, size_t n);
/* Appends code point CP as UTF-8. */
int hm_buf_add_cp(hm_buf *b, uint32_t cp);

/* ---- source.c: lines, columns and words ------------------------------- */

/* A cursor over a document's lines. It moves forward; asked for an offset
 * behind it, it starts again from the top. */
typedef struct hm_lines {
    const char *data;
    size_t len;
    int cr; /* the document has carriage returns */
    size_t pos, line_start;
    unsigned line;
    size_t col_pos, col; /* characters from the line's start to col_pos */
} hm_lines;

void hm_lines_init(hm_lines *t, const char *data, size_t len);
/* 1-based line and character column of OFFSET. */
void hm_lines_position(hm_lines *t, size_t offset, unsigned *line, unsigned *column);
/* Words in the text: runs of letters, digits, apostrophes and characters
 * beyond ASCII. */
size_t hm_count_words(const char *s, size_t n);

/* ---- yaml.c: YAML as a tree with source marks --------------------------- */

typedef enum hm_node_kind { HM_NULL, HM_SCALAR, HM_SEQ, HM_MAP } hm_node_kind;

typedef struct hm_node hm_node;
struct hm_node {
    hm_node_kind kind;
    unsigned line, column; /* 1-based */
    int quoted;            /* scalar was quoted or a block scalar */
    char *str;             /* scalar text, NUL-terminated */
    size_t len;
    hm_node **items; /* a sequence's items; a mapping's keys and values, alternating */
    size_t n;
};

/* Parses DATA into a tree allocated in ARENA. On error adds a diagnostic
 * against NAME and returns NULL. An empty document gives an HM_NULL node. */
hm_node *hm_yaml_parse(hm_arena *arena, const char *name, const char *data, size_t len,
                       hmmm_diags *diags);
/* The value for KEY in mapping MAP, or NULL. */
hm_node *hm_yaml_get(const hm_node *map, const char *key);

/* A tree parsed at build time (src/tools/bake.c), as flat arrays: node 0 is
 * the root; a node's items are ITEMS[items .. items + n); its text is at
 * STRINGS + str (UINT32_MAX: none). */
typedef struct hm_baked_node {
    uint8_t kind, quoted;
    uint32_t line, column, str, len, items, n;
} hm_baked_node;

typedef struct hm_baked_tree {
    const hm_baked_node *nodes;
    size_t n_nodes;
    const uint32_t *items;
    const char *strings;
} hm_baked_tree;

/* The tree T in ARENA (its text stays in T), or NULL when out of memory. */
hm_node *hm_yaml_unbake(hm_arena *arena, const hm_baked_tree *t);
const char *hm_yaml_kind_name(hm_node_kind kind);

/* ---- phrase.c: words → PCRE2 pattern ----------------------------------- */

/* Appends to OUT a PCRE2 pattern matching PHRASE as SPEC's "words" do. */
int hm_phrase_regex(hm_buf *out, const char *phrase);
/* Appends a pattern matching any of the N PHRASES, the first that matches
 * where they start, as the alternation of their patterns would. */
int hm_phrases_regex(hm_buf *out, char *const *phrases, size_t n);

/* ---- markup.c: documents → plain text with an offset map ----------------- */

/* Offsets fit in 32 bits: md4c reads at most 4 GiB (MD_SIZE). */
typedef struct hm_seg {
    uint32_t plain, plain_len; /* a run of the plain text */
    uint32_t src, src_len;     /* the source bytes it came from */
} hm_seg;

typedef struct hm_range {
    size_t start, end;
} hm_range;

typedef struct hm_plain {
    const char *text; /* the prose to match; may point into the source */
    size_t len;
    hm_buf own; /* holds TEXT when it is not the source */
    /* Where TEXT starts in the whole prose: 0, unless the prose is checked a
     * window at a time and the text before has been let go (hm_plain_drop).
     * Offsets into TEXT are relative to it; the segments' are not. */
    size_t origin;
    hm_seg *segs; /* empty when the text is the source at offset BASE */
    size_t n_segs, cap_segs;
    size_t base;
    hm_range *html; /* source ranges where directives may stand (Markdown) */
    size_t n_html, cap_html;
    int all_html; /* directives are honoured anywhere (plain text) */
} hm_plain;

int hm_markup_text(hm_plain *p, const char *data, size_t len);
/* TERMINATED: DATA[LEN] is a readable NUL byte, which md4c needs; without
 * it the document is copied first. */
int hm_markup_markdown(hm_plain *p, const char *data, size_t len, int terminated);
/* The same, handing the prose over as it grows: after a block ends with at
 * least EVERY more bytes of prose than at the last call, FLUSH(CTX, P) is
 * called, and may check what it can and let the text before some point go
 * (hm_plain_drop). A negative return stops the parse: -1 is returned. */
typedef int (*hm_flush_fn)(void *ctx, hm_plain *p);
int hm_markup_markdown_flushing(hm_plain *p, const char *data, size_t len, int terminated,
                                size_t every, hm_flush_fn flush, void *ctx);
/* Lets go of P's text before offset FROM (relative to P->text), and of the
 * segments that lie wholly before it: TEXT then starts at FROM, and ORIGIN
 * grows by FROM. */
void hm_plain_drop(hm_plain *p, size_t from);
int hm_markup_html(hm_plain *p, const char *data, size_t len);
/* Text whose lines are paragraphs (a Word or OpenDocument file's, from
 * hm_office_text): checked as it is, except that no phrase runs from one
 * line to the next, and no directive counts. */
int hm_markup_lines(hm_plain *p, const char *data, size_t len);
void hm_plain_free(hm_plain *p);
/* Source offset of plain offset POS (START) or of the end of a match ending
 * at POS (exclusive). POS counts from the start of the whole prose, not from
 * ORIGIN. */
size_t hm_plain_to_src(const hm_plain *p, size_t pos, int is_end);

/* ---- office.c: Word and OpenDocument files → their paragraphs ---------- */

/* The most bytes one part of a Word or OpenDocument file (its body, its
 * footnotes…) may unpack to; and, once past HM_OFFICE_RATIO_FROM bytes, the
 * most times its packed size. A file asking for more is refused. The XML
 * of real documents packs 5 to 30 times, a long run of the same table row
 * about 80; a zip bomb about 1,000. */
#define HM_OFFICE_MAX_PART ((uint64_t)256 << 20)
#define HM_OFFICE_RATIO 200u
#define HM_OFFICE_RATIO_FROM ((uint64_t)16 << 20)

/* Appends to TEXT the text of the Word (HMMM_DOCX) or OpenDocument
 * (HMMM_ODT) file held in DATA: one paragraph a line, each ending with a
 * line feed, the body's first, then the footnotes', the endnotes', the
 * comments', and last the headers' and footers'. Returns 0; -1 when out
 * of memory; 1 when the file cannot be read as that type, with the reason
 * in WHY ("not a readable Word document: the zip archive has no
 * word/document.xml"). */
int hm_office_text(hmmm_doctype type, const char *data, size_t len, hm_buf *text, hm_buf *why);

/* ---- rules ------------------------------------------------------------- */

/* Word-sense conditions: the phrases that must or must not stand next to or
 * near a match for it to count. */
typedef enum hm_ctx_kind {
    HM_FOLLOWED_BY,
    HM_NOT_FOLLOWED_BY,
    HM_PRECEDED_BY,
    HM_NOT_PRECEDED_BY,
    HM_NEAR,
    HM_NOT_NEAR,
    HM_N_CTX
} hm_ctx_kind;

extern const char *const hm_ctx_names[HM_N_CTX];

#define HM_DEFAULT_GAP 2
#define HM_DEFAULT_WINDOW 10

typedef struct hm_rule {
    hmmm_rule pub;        /* must be first */
    char **ctx[HM_N_CTX]; /* phrases of each condition, or NULL */
    size_t n_ctx[HM_N_CTX];
    pcre2_code *ctx_re[HM_N_CTX];
    unsigned gap, window;
    int case_sensitive;
    int disabled;
    char **exceptions;
    size_t n_exceptions;
    char **gloss_keys; /* glossary keys as written, resolved by compile */
    unsigned *gloss_line, *gloss_col;
    unsigned pattern_line, pattern_col;
    int pattern_quoted;
    int trusted; /* built in: its patterns are compiled when first needed */
    /* The patterns, once compiled (see hm_rule_ready); the exceptions' takes
     * an offset limit. */
    pcre2_code *re; /* compiled anchored when the prefilter finds its places */
    int anchored;
    pcre2_code *exc_re;
    unsigned exc_words;           /* the most words a match of an exception spans */
    unsigned ctx_words[HM_N_CTX]; /* likewise for each condition's phrases */
    int ready;                    /* 1 compiled; -1 failed, with PCRE2's code in ERROR; 0 not yet */
    int error;
    size_t index; /* position in the ruleset */
    /* The prefilter's keys for a built-in rule, worked out when hmmm was
     * built (see hm_prefilter_keys): HM_KEYS_NONE when not, else whether
     * the rule is indexed, with its N_KEYS keys NUL-separated in KEYS. */
    int baked;
    const char *keys;
    size_t n_keys;
    int lead; /* indexed, and a match may start a character before the word */
    /* A built-in rule's patterns, compiled when hmmm was built and
     * serialized by PCRE2 (NULL for none), by HM_PAT_SLOT; the main one was
     * compiled anchored when the rule is indexed. */
    const unsigned char *code[HM_N_CTX + 2];
    /* How much the rule has been used, in all documents and threads (see
     * hm_rule_used); once it has been used enough, its patterns are
     * compiled again to machine code, and the interpreted ones they
     * replace are kept here until the ruleset is freed, as another thread
     * may still be matching with them. */
    unsigned uses;
    pcre2_code *retired[HM_N_CTX + 2];
    /* How the machine code of the rule's own pattern matches: completely
     * (PCRE2_JIT_COMPLETE), partially (PCRE2_JIT_PARTIAL_HARD, for a
     * document checked a window at a time), or both once documents of both
     * kinds have used it; 0 before. Code for one way that code for both
     * replaced is kept in RETIRED_JIT, as RETIRED keeps the interpreted. */
    unsigned jit_modes;
    pcre2_code *retired_jit[HM_N_CTX + 2];
} hm_rule;

/* Which of a rule's patterns: its own, one of its conditions', or its
 * exceptions'; and where each is kept in hm_rule.code. */
enum { HM_PAT_MAIN = -1, HM_PAT_EXCEPTIONS = HM_N_CTX };
#define HM_PAT_SLOT(which) ((which) + 1)
#define HM_N_PATS (HM_N_CTX + 2)

/* Notes that R was used N more times (an anchored try, a candidate
 * checked, 16 KB scanned in full), its own pattern matching as MODE says:
 * PCRE2_JIT_COMPLETE, or PCRE2_JIT_PARTIAL_HARD in a document checked a
 * window at a time. The first caller to take the count past HM_JIT_AFTER
 * compiles the rule's patterns to machine code for MODE, unless the JIT is
 * off: a rule that most documents never reach costs nothing to compile,
 * and one tried thousands of times runs ten times faster. Code made for the
 * other mode is made again for both, once. R must be ready
 * (hm_rule_ready). */
#define HM_JIT_AFTER 32
void hm_rule_used(const hmmm_ruleset *rs, hm_rule *r, unsigned n, uint32_t mode);
/* The same for the ruleset's accepted phrases, once per candidate. */
void hm_accept_used(const hmmm_ruleset *rs);

/* Writes the source of pattern WHICH of R into OUT. Returns -1 when out of
 * memory. */
int hm_rule_source(const hm_rule *r, int which, hm_buf *out);
/* The PCRE2 options pattern WHICH of R is compiled with, beyond
 * hm_compile's own; INDEXED when the prefilter finds its places. */
uint32_t hm_rule_options(const hm_rule *r, int which, int indexed);

enum { HM_KEYS_NONE, HM_KEYS_INDEXED, HM_KEYS_SCANNED };

/* A built-in rule's prefilter keys and compiled patterns, as hmmm_bake
 * writes them. */
typedef struct hm_baked_keys {
    uint32_t off, n;             /* into the file's key text */
    uint8_t indexed;             /* as hm_prefilter_keys returned: 0, 1 or 2 */
    uint32_t code[HM_N_CTX + 2]; /* into the file's code, or UINT32_MAX */
} hm_baked_keys;

typedef struct hm_gloss {
    hmmm_gloss pub; /* must be first */
    unsigned *see_line, *see_col;
} hm_gloss;

/* ---- prefilter.c: where rules could match, in one pass ------------------ */

typedef struct hm_prefilter hm_prefilter;

hm_prefilter *hm_prefilter_build(hm_rule *const *rules, size_t n);
/* What every match of RULE starts with, as the prefilter indexes it: the
 * keys, NUL-separated, appended to KEYS and counted in *N. Returns 1 when
 * the rule can be indexed, 2 when it can and a match may also start one
 * character (of punctuation) before the word a key finds, 0 when it must
 * be scanned in full, -1 when out of memory. */
int hm_prefilter_keys(const hm_rule *rule, hm_buf *keys, size_t *n);
void hm_prefilter_free(hm_prefilter *pf);
/* Whether rule number RULE (of those built from) is found by the scan. */
int hm_prefilter_covers(const hm_prefilter *pf, size_t rule);
/* Whether a match of RULE may start one character before a place the scan
 * reports for it (see hm_prefilter_keys). */
int hm_prefilter_lead(const hm_prefilter *pf, size_t rule);
/* Makes the scan walk the trie from every word, as if the gate that passes
 * over most words on their first characters were not there. The places
 * are the same either way: tests compare them. */
void hm_prefilter_open_gate(hm_prefilter *pf);
/* Calls FN for each (rule, position) where a covered rule could match, in
 * order of position. A non-zero return from FN stops the scan and is
 * returned. Unless WORDS is NULL, a scan that finishes sets *WORDS to the
 * text's words, as hm_count_words counts them, counted on the way. */
int hm_prefilter_scan(const hm_prefilter *pf, const char *text, size_t len,
                      int (*fn)(void *, size_t rule, size_t pos), void *arg, size_t *words);
/* The same from *FROM on, adding to *WORDS the words that start there. When
 * OPEN, more text is to come: a walk that reaches the end of the text, or
 * FN returning a positive value, stops the scan at the word it started
 * from. Sets *FROM to where the next call goes on (the end of the text when
 * the scan got there) and returns 0, a negative value from FN, or the
 * positive value that stopped it (1 for a walk). */
int hm_prefilter_scan_from(const hm_prefilter *pf, const char *text, size_t len, size_t *from,
                           int open, int (*fn)(void *, size_t rule, size_t pos), void *arg,
                           size_t *words);

struct hmmm_ruleset {
    hm_arena arena;
    hm_vec rules;          /* hm_rule *, every rule loaded */
    hm_vec active;         /* hm_rule *, the ones not disabled */
    hm_vec gloss;          /* hm_gloss * */
    hm_vec packs;          /* hmmm_pack * */
    hm_vec accept;         /* char *, phrases never flagged */
    pcre2_code *accept_re; /* compiled to take an offset limit */
    unsigned accept_words;
    unsigned accept_uses; /* as hm_rule's uses and retired */
    pcre2_code *accept_retired;
    hm_prefilter *pf; /* NULL when every rule is scanned in full */
    int no_prefilter;
    int no_jit;
    int compiled;
};

/* Compiles PATTERN with the library's flags; on error adds a diagnostic. */
pcre2_code *hm_compile(const char *pattern, size_t len, int case_sensitive, uint32_t extra, int jit,
                       int *errcode, size_t *erroffset);

/* Loads rules from a parsed tree; TRUSTED for the built-in ones. */
hmmm_status hm_ruleset_load_tree(hmmm_ruleset *rs, const char *name, const hm_node *root,
                                 int trusted, hmmm_diags *diags);

/* Compiles R's patterns if that has not been done, which any thread may do
 * while others check documents. Returns 0; -1 when out of memory (a later
 * call tries again); or the PCRE2 error code that stopped it, the same on
 * every later call. */
int hm_rule_ready(const hmmm_ruleset *rs, hm_rule *r);
/* One of a rule's patterns, read as another thread may be publishing it. */
#define HM_CODE(slot) ((const pcre2_code *)__atomic_load_n(&(slot), __ATOMIC_ACQUIRE))

/* ---- check.c ----------------------------------------------------------- */

/* A Markdown document's prose is checked a window at a time once it grows
 * past HM_WINDOW_EVERY bytes: a window is checked each time that much more
 * has been parsed, and the text is let go up to what the checks of the
 * first place still to check may look at, less HM_WINDOW_KEEP bytes for the
 * longest lookbehind PCRE2 allows (65,535 characters of up to 4 bytes). */
#define HM_WINDOW_EVERY ((size_t)1 << 20)
#define HM_WINDOW_KEEP ((size_t)4 * 65535)
/* hmmm_check_with, with the window's sizes given: EVERY 0 checks the whole
 * prose in one go; KEEP must cover the rules' lookbehinds. For tests. */
hmmm_status hm_check_windowed(const hmmm_ruleset *rs, const char *data, size_t len,
                              hmmm_doctype type, unsigned flags, size_t every, size_t keep,
                              hmmm_result **out);

#endif /* HMMM_INTERNAL_H */
