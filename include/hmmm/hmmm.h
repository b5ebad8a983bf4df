/* hmmm.h - the public interface of libhmmm, a linter for writing about care
 * and support.
 *
 * The library loads rule packs (YAML), checks a document held in memory and
 * returns findings with their source positions. It never prints and never
 * exits: every failure comes back as an hmmm_status, and problems in rule or
 * config files come back as diagnostics (file, line, column, message).
 *
 * Ownership: every object returned by an hmmm_*_new, hmmm_*_load or
 * hmmm_check call belongs to the caller, who releases it with the matching
 * hmmm_*_free. Pointers obtained from an object (rules, glossary entries,
 * findings, strings) stay valid until that object is freed.
 *
 * Threads: a compiled hmmm_ruleset is read-only and may be shared by any
 * number of threads calling hmmm_check at once.
 */
#ifndef HMMM_HMMM_H
#define HMMM_HMMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HMMM_BUILDING) && defined(__GNUC__)
#define HMMM_EXPORT __attribute__((visibility("default")))
#else
#define HMMM_EXPORT
#endif

#define HMMM_VERSION "0.1.0"
#define HMMM_ABI_VERSION 1

typedef enum hmmm_status {
    HMMM_OK = 0,
    HMMM_ENOMEM, /* an allocation failed; nothing was changed */
    HMMM_EINVAL, /* a rule, glossary or config file is not valid (see diags) */
    HMMM_EIO,    /* a file could not be read (see diags) */
    HMMM_ELIMIT, /* a rule hit its match limit on this document */
} hmmm_status;

typedef enum hmmm_level {
    HMMM_SUGGESTION = 0,
    HMMM_WARNING = 1,
    HMMM_ERROR = 2,
} hmmm_level;

typedef enum hmmm_doctype {
    HMMM_TEXT = 0,
    HMMM_MARKDOWN = 1,
    HMMM_HTML = 2, /* visible text and alt and title attributes */
    HMMM_DOCX = 3, /* a Word file: the text of its paragraphs (see hmmm_result_text) */
    HMMM_ODT = 4,  /* an OpenDocument text file, likewise */
} hmmm_doctype;

/* The library's version string, for checking against HMMM_VERSION. */
HMMM_EXPORT const char *hmmm_version(void);

/* "suggestion", "warning" or "error". */
HMMM_EXPORT const char *hmmm_level_name(hmmm_level level);
/* Parses a level name; returns 0 and sets *out, or -1 if NAME is none. */
HMMM_EXPORT int hmmm_level_parse(const char *name, hmmm_level *out);

/* The document type for a file name: .md, .markdown, .mdown, .mkd, .mkdn →
 * Markdown; .txt, .text → text; .html, .htm → HTML; .docx → Word; .odt →
 * OpenDocument. Returns -1 for an unknown extension. */
HMMM_EXPORT int hmmm_doctype_for_path(const char *path);

/* ---- Diagnostics ------------------------------------------------------- */

typedef struct hmmm_diag {
    const char *file; /* the file the problem is in */
    unsigned line;    /* 1-based; 0 when the problem is the whole file */
    unsigned column;  /* 1-based, in characters; 0 with line 0 */
    const char *message;
} hmmm_diag;

typedef struct hmmm_diags hmmm_diags;

HMMM_EXPORT hmmm_diags *hmmm_diags_new(void);
HMMM_EXPORT void hmmm_diags_free(hmmm_diags *diags);
HMMM_EXPORT size_t hmmm_diags_count(const hmmm_diags *diags);
HMMM_EXPORT const hmmm_diag *hmmm_diags_get(const hmmm_diags *diags, size_t i);
/* How many messages could not be kept for want of memory (the problem they
 * described still made the call fail). */
HMMM_EXPORT size_t hmmm_diags_lost(const hmmm_diags *diags);

/* ---- Rules and glossary ------------------------------------------------ */

typedef struct hmmm_gloss {
    const char *key;
    const char *term;
    const char *definition;
    const char *source;
    const char *const *aliases;
    size_t n_aliases;
    const char *const *see_also;
    size_t n_see_also;
    const char *file; /* where the entry is defined */
    unsigned line, column;
} hmmm_gloss;

typedef struct hmmm_rule {
    const char *id;   /* full id, "pack.name" */
    const char *pack; /* "coproduction" */
    const char *name; /* "service-users" */
    hmmm_level level;
    const char *message; /* may hold "{match}" */
    const char *why;     /* NULL when the rule has none; likewise below */
    const char *source;
    const char *link;
    const char *const *words;
    size_t n_words;
    const char *pattern;
    const char *const *suggest;
    size_t n_suggest;
    const hmmm_gloss *const *glossary;
    size_t n_glossary;
    const char *const *flag;
    size_t n_flag;
    const char *const *pass;
    size_t n_pass;
    const char *const *exceptions; /* phrases inside which a match is dropped */
    size_t n_exceptions;
    int has_context;               /* the rule has word-sense conditions: */
    const char *const *context[6]; /* phrases, by hmmm_context_name(kind) */
    size_t n_context[6];
    unsigned gap, window;
    const char *file; /* where the rule is defined */
    unsigned line, column;
    /* fix: true in the rule file: the first suggestion can stand in for
     * every match as it is, so hmmm --fix may put it there. */
    int fix;
} hmmm_rule;

/* The name of a word-sense condition, kind 0 to 5: "followed-by",
 * "not-followed-by", "preceded-by", "not-preceded-by", "near", "not-near". */
HMMM_EXPORT const char *hmmm_context_name(int kind);

typedef struct hmmm_pack {
    const char *name;
    const char *title;
    const char *description;
    const char *file;
} hmmm_pack;

typedef struct hmmm_ruleset hmmm_ruleset;

HMMM_EXPORT hmmm_ruleset *hmmm_ruleset_new(void);
HMMM_EXPORT void hmmm_ruleset_free(hmmm_ruleset *rs);

/* The names of the packs built into the library, NULL-terminated. */
HMMM_EXPORT const char *const *hmmm_builtin_packs(void);

/* The stems of every built-in file: the packs and "glossary", NULL-terminated. */
HMMM_EXPORT const char *const *hmmm_builtin_files(void);
/* Loads one built-in file by stem ("coproduction", "glossary"). */
HMMM_EXPORT hmmm_status hmmm_ruleset_load_builtin_file(hmmm_ruleset *rs, const char *stem,
                                                       hmmm_diags *diags);

/* Loads the built-in glossary and the built-in packs named in PACKS
 * (N_PACKS names), or every built-in pack when PACKS is NULL. An unknown
 * pack name is reported in DIAGS. */
HMMM_EXPORT hmmm_status hmmm_ruleset_load_builtin(hmmm_ruleset *rs, const char *const *packs,
                                                  size_t n_packs, hmmm_diags *diags);

/* Loads one rule or glossary file, or every .yaml/.yml file below a folder
 * (sorted). Problems are added to DIAGS; the status is HMMM_EINVAL or HMMM_EIO
 * when there were any. */
HMMM_EXPORT hmmm_status hmmm_ruleset_load_path(hmmm_ruleset *rs, const char *path,
                                               hmmm_diags *diags);

/* Loads rules or glossary from a buffer; NAME is used in diagnostics. */
HMMM_EXPORT hmmm_status hmmm_ruleset_load_buffer(hmmm_ruleset *rs, const char *name,
                                                 const char *data, size_t len, hmmm_diags *diags);

/* Resolves glossary references, checks ids are unique and checks every
 * rule. Must be called once, after loading and configuring and before
 * checking. The patterns of rules loaded from files and buffers are compiled
 * here, so that a mistake is reported with its rule; those of the built-in
 * packs when a document first needs them (a check on another thread may do
 * it at the same time: the ruleset stays safe to share). */
HMMM_EXPORT hmmm_status hmmm_ruleset_compile(hmmm_ruleset *rs, hmmm_diags *diags);

/* Whether to use the prefilter, which finds in one pass the places where any
 * rule could match and runs each rule's pattern only there (on by default).
 * The findings are the same either way; off, every rule scans the whole
 * text. Call before hmmm_ruleset_compile. */
HMMM_EXPORT void hmmm_ruleset_set_prefilter(hmmm_ruleset *rs, int on);

/* Whether to compile the rules' patterns to machine code with PCRE2's JIT
 * (on by default). On, a rule is compiled so once it has been tried often
 * enough to repay the cost (about 32 times, in any documents and threads):
 * a few small documents never pay it, a large one or a long run pays it
 * for its busy rules only. The findings are the same either way. Call
 * before hmmm_ruleset_compile. */
HMMM_EXPORT void hmmm_ruleset_set_jit(hmmm_ruleset *rs, int on);

/* The rules in use (loaded and not disabled), in load order. */
HMMM_EXPORT size_t hmmm_ruleset_rule_count(const hmmm_ruleset *rs);
HMMM_EXPORT const hmmm_rule *hmmm_ruleset_rule(const hmmm_ruleset *rs, size_t i);
/* Finds a rule by full id ("pack.name") or, when unambiguous, by name. */
HMMM_EXPORT const hmmm_rule *hmmm_ruleset_find_rule(const hmmm_ruleset *rs, const char *id);

HMMM_EXPORT size_t hmmm_ruleset_pack_count(const hmmm_ruleset *rs);
HMMM_EXPORT const hmmm_pack *hmmm_ruleset_pack(const hmmm_ruleset *rs, size_t i);

HMMM_EXPORT size_t hmmm_ruleset_gloss_count(const hmmm_ruleset *rs);
HMMM_EXPORT const hmmm_gloss *hmmm_ruleset_gloss(const hmmm_ruleset *rs, size_t i);
/* Finds a glossary entry by key, term or alias, ignoring case. */
HMMM_EXPORT const hmmm_gloss *hmmm_ruleset_find_gloss(const hmmm_ruleset *rs, const char *name);

/* ---- Configuration ----------------------------------------------------- */

typedef struct hmmm_config hmmm_config;

/* Looks for .hmmm.yaml in DIR and each folder above it. Returns a new string
 * (free with hmmm_free) with the nearest one's path, or NULL with errno set:
 * ENOENT when there is none, ENOMEM when out of memory, or why DIR could not
 * be resolved. */
HMMM_EXPORT char *hmmm_config_find(const char *dir);

/* Reads a config file. Returns NULL on failure, with the reason in DIAGS. */
HMMM_EXPORT hmmm_config *hmmm_config_load(const char *path, hmmm_diags *diags);
HMMM_EXPORT hmmm_config *hmmm_config_load_buffer(const char *name, const char *data, size_t len,
                                                 hmmm_diags *diags);
HMMM_EXPORT void hmmm_config_free(hmmm_config *cfg);

/* Packs to load: returns NULL when the config does not say (meaning all). */
HMMM_EXPORT const char *const *hmmm_config_packs(const hmmm_config *cfg, size_t *n);
/* More rule files or folders, already resolved against the config's folder. */
HMMM_EXPORT const char *const *hmmm_config_rules(const hmmm_config *cfg, size_t *n);
/* min-level and fail-on; -1 when unset. fail-on "never" is 3. */
HMMM_EXPORT int hmmm_config_min_level(const hmmm_config *cfg);
HMMM_EXPORT int hmmm_config_fail_on(const hmmm_config *cfg);
/* Whether PATH (as given on the command line) matches an ignore pattern. */
HMMM_EXPORT int hmmm_config_ignores(const hmmm_config *cfg, const char *path);

/* Applies disable, levels and accept to a loaded, not yet compiled ruleset.
 * An id or pack that matches nothing is reported in DIAGS. */
HMMM_EXPORT hmmm_status hmmm_ruleset_configure(hmmm_ruleset *rs, const hmmm_config *cfg,
                                               hmmm_diags *diags);

/* ---- Checking ---------------------------------------------------------- */

typedef struct hmmm_finding {
    const hmmm_rule *rule;
    hmmm_level level;
    size_t offset;                 /* byte offset of the match in the document */
    size_t length;                 /* bytes */
    unsigned line, column;         /* 1-based; column counts characters */
    unsigned end_line, end_column; /* one character past the match */
    const char *match;             /* the words matched, white space folded */
    const char *message;           /* the rule's message with {match} filled in */
    int mention;                   /* the words are quoted on their own: talked about, not used */
} hmmm_finding;

typedef struct hmmm_result hmmm_result;

/* Checks LEN bytes of DATA as a document of type TYPE. On HMMM_OK or
 * HMMM_ELIMIT *OUT holds the result (with HMMM_ELIMIT, the rules that ran
 * out of budget are listed by hmmm_result_error and the other findings are
 * complete).
 *
 * A Word (HMMM_DOCX) or OpenDocument (HMMM_ODT) file is given as the bytes
 * of the file. Its text is taken out first, one paragraph a line, and the
 * findings' offsets, lines and columns refer to that text
 * (hmmm_result_text): line N is the Nth paragraph, and the column counts
 * characters from the paragraph's start. A file that cannot be read as its
 * type gives a result with no findings and hmmm_result_unreadable set. */
HMMM_EXPORT hmmm_status hmmm_check(const hmmm_ruleset *rs, const char *data, size_t len,
                                   hmmm_doctype type, hmmm_result **out);

/* Flags for hmmm_check_with. */
#define HMMM_CHECK_MENTIONS 0x1u /* also report words quoted on their own */
/* DATA[LEN] is a readable NUL byte (the caller's buffer holds one more byte
 * than the document): a Markdown document is then not copied first. */
#define HMMM_CHECK_TERMINATED 0x2u

/* hmmm_check with FLAGS. hmmm_check is hmmm_check_with(..., 0, ...): a term
 * quoted on its own ('the word "empower"') is being discussed, not used, and
 * is not reported. */
HMMM_EXPORT hmmm_status hmmm_check_with(const hmmm_ruleset *rs, const char *data, size_t len,
                                        hmmm_doctype type, unsigned flags, hmmm_result **out);
HMMM_EXPORT void hmmm_result_free(hmmm_result *res);
HMMM_EXPORT size_t hmmm_result_count(const hmmm_result *res);
HMMM_EXPORT const hmmm_finding *hmmm_result_get(const hmmm_result *res, size_t i);
/* Non-zero when the document looked binary and was not checked. */
HMMM_EXPORT int hmmm_result_binary(const hmmm_result *res);
/* Problems met while checking (a rule over its match limit), as messages. */
HMMM_EXPORT size_t hmmm_result_error_count(const hmmm_result *res);
HMMM_EXPORT const char *hmmm_result_error(const hmmm_result *res, size_t i);
/* The number of words of prose checked. */
HMMM_EXPORT size_t hmmm_result_words(const hmmm_result *res);
/* The text the findings' positions refer to when it is not the document
 * that was given: a Word or OpenDocument file's paragraphs, one a line
 * (each line ends with a line feed), the body's first, then those of the
 * footnotes, the endnotes, the comments, and the headers and footers. Its
 * length goes in *LEN (when
 * LEN is not NULL). NULL for the other types, whose findings point into the
 * document itself. */
HMMM_EXPORT const char *hmmm_result_text(const hmmm_result *res, size_t *len);
/* Why the document could not be read as its type ("not a readable Word
 * document: the zip archive is cut short …"), or NULL when it was read.
 * Such a document has no findings. */
HMMM_EXPORT const char *hmmm_result_unreadable(const hmmm_result *res);

/* Frees a string the library returned. */
HMMM_EXPORT void hmmm_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* HMMM_HMMM_H */
