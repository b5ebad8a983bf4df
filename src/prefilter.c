/* prefilter.c - finds, in one pass over the prose, the few places where a
 * rule could match, so that each rule's pattern runs only there.
 *
 * Every phrase of a "words" rule starts a whole word, and so does a pattern
 * that begins with \b (or (?<!\w)) and a literal or an alternation of
 * literals. Each such rule is indexed by the lower-case ASCII prefixes its
 * matches must start with ("service", "engag", "co"), kept in a trie. The scan
 * walks the trie at every word start and reports (rule, position) pairs;
 * the rule's own pattern, compiled anchored, is the judge at each. A rule
 * whose start cannot be told this way is scanned in full, as before. The
 * prefilter may only skip text where a rule cannot match: it reports a
 * superset of the places, never fewer. */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

/* The characters a prefix is made of: a-z; DIGITS, which stands for a run
 * of one or more digits (so "\d+ week" is a key like any other, and a
 * number starts no more places than a word); and SEP, which stands for the
 * white space (or hyphen) between two words of a phrase. */
#define ALPHABET 28
#define DIGITS 26
#define SEP 27
#define NO_NODE UINT32_MAX
/* The longest prefix kept: a shorter one is still a valid prefix. */
#define LIT_MAX 48
/* The gate (see hm_prefilter) looks at a word's first GATE_CODES bytes,
 * CODE_BITS bits each. */
#define GATE_CODES 4
#define CODE_BITS 5
#define GATE_BITS ((size_t)1 << CODE_BITS * GATE_CODES)

/* A trie node while building: its rules are a run of rule_ids. Nodes are
 * built from the sorted keys in one go, depth first, with each node's
 * children listed in a run of edge_child, one for each bit set in SLOTS, in
 * order; then they are numbered again breadth first, so that a node's
 * children are the nodes from FIRST_EDGE on, and the few nodes near the
 * root, where every walk goes, lie together in memory, and they are made
 * into the scan's nodes (see node). The root has a table for its first
 * step. */
typedef struct building_node {
    uint32_t first_edge; /* its first child, as an index into edge_child */
    uint32_t first_rule; /* index into rule_ids of the rules ending here */
    uint32_t n_rules;
    uint32_t slots; /* bit K set when an edge is labelled K; edges go in order of K */
} building_node;

/* A node as the scan walks it: eight bytes, so that twice as many stay
 * near the processor. HAS_RULES in SLOTS is set when rules end at the
 * node: those of node I are rule_ids from rule_from[I] to
 * rule_from[I + 1]. */
typedef struct node {
    uint32_t first_edge;
    uint32_t slots;
} node;
#define HAS_RULES (1u << 31)

/* A key while building: LEN slots at OFF in the key buffer, for RULE. */
typedef struct entry {
    uint32_t off, len, rule;
} entry;

struct hm_prefilter {
    building_node *building;
    node *nodes;
    uint32_t *rule_from;
    size_t n_nodes, cap_nodes;
    uint32_t *edge_child;
    size_t n_edges, cap_children;
    uint32_t root[ALPHABET]; /* the root's children, NO_NODE where none */
    uint32_t *rule_ids;
    size_t n_ids, cap_ids;
    /* While building: every key and its rule. */
    hm_buf keys;
    entry *entries;
    size_t n_entries, cap_entries;
    /* Per rule: 0, or what rule_prefixes said when the trie covers it: 1,
     * or 2 when a match may start a character before the word. */
    unsigned char *indexed;
    size_t n_rules;
    /* The gate: bit C0 << 5 * (GATE_CODES - 1) | ... | CN, for the gate
     * codes (see gate_code) of a word's first GATE_CODES bytes, set when
     * the walk from there may go past its last step or report a rule
     * before it, or when the bytes need the walk's closer look. Most words
     * start with bytes no key does, and are passed over at once. */
    uint64_t *gate;
};

/* The scan is built twice where the compiler can: once with the
 * processor's instruction for counting set bits, once without, for
 * processors that lack it; the right one is chosen when hmmm starts. */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(__clang__)
#if __has_attribute(target_clones) /* clang 14 leaves the chooser out */
#define SCAN_CLONES __attribute__((target_clones("popcnt", "default")))
#endif
#endif
#ifndef SCAN_CLONES
#define SCAN_CLONES
#endif
/* What the scan calls is built into each of its clones. */
#if defined(__GNUC__)
#define INTO_SCAN inline __attribute__((always_inline))
#else
#define INTO_SCAN inline
#endif

/* Set bits in X. */
static INTO_SCAN uint32_t bits_in(uint32_t x)
{
    return (uint32_t)__builtin_popcount(x);
}

static INTO_SCAN size_t bits_in64(uint64_t x)
{
    return (size_t)__builtin_popcountll(x);
}

/* A byte's place in the alphabet, or -1. Upper case folds to lower case;
 * a space in a prefix stands for SEP. */
static int key_slot(unsigned char c)
{
    return c == ' ' ? SEP : -1;
}

static int slot(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '0' && c <= '9')
        return DIGITS;
    return -1;
}

/* The slot of the character at S (at most N bytes), with the length of the
 * character in *LEN: an ASCII letter or digit, or one of the two non-ASCII
 * letters that match an ASCII one without regard to case: the Kelvin sign
 * (k) and the long s (s). -1 for anything else. */
static INTO_SCAN int text_slot(const unsigned char *s, size_t n, size_t *len)
{
    *len = 1;
    int k = slot(s[0]);
    if (k >= 0 || s[0] < 0x80)
        return k;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x84 && s[2] == 0xAA) {
        *len = 3;
        return 'k' - 'a';
    }
    if (n >= 2 && s[0] == 0xC5 && s[1] == 0xBF) {
        *len = 2;
        return 's' - 'a';
    }
    return -1;
}

/* Records PREFIX (lower-case letters, digits, and spaces for SEP) as a key
 * of RULE. */
static int add_prefix(hm_prefilter *pf, const char *prefix, size_t len, uint32_t rule)
{
    if (hm_grow((void **)&pf->entries, &pf->cap_entries, pf->n_entries + 1, sizeof(entry)) < 0)
        return -1;
    size_t off = pf->keys.len;
    for (size_t i = 0; i < len; i++) {
        int k = slot((unsigned char)prefix[i]);
        if (k < 0)
            k = key_slot((unsigned char)prefix[i]);
        if (k < 0)
            return -1;
        if (k == DIGITS && pf->keys.len > off && pf->keys.data[pf->keys.len - 1] == DIGITS)
            continue; /* digits in a row are one run */
        if (hm_buf_addc(&pf->keys, (char)k) < 0)
            return -1;
    }
    pf->entries[pf->n_entries++] = (entry){(uint32_t)off, (uint32_t)(pf->keys.len - off), rule};
    return 0;
}

/* ---- what a rule's matches start with ---------------------------------- */

/* A set of prefixes being gathered for one rule. */
typedef struct prefixes {
    hm_buf all; /* NUL-separated */
    size_t n;
} prefixes;

static int add(prefixes *ps, const char *s, size_t n)
{
    char lower[64];
    if (n == 0)
        return -1;
    if (n > sizeof lower)
        n = sizeof lower; /* a shorter prefix is still a valid one */
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    if (hm_buf_add(&ps->all, lower, n) < 0 || hm_buf_addc(&ps->all, '\0') < 0)
        return -2;
    ps->n++;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The prefixes of a words phrase from P on, after the KEY built so far: its
 * letters and digits, and the words after them as long as each is whole
 * (white space between words becomes SEP). A hyphen inside a word matches a
 * hyphen, white space or nothing, so it forks the key into a SEP and a
 * joined form (a few times at most). It stops at anything else: a '*', an
 * apostrophe, other punctuation. */
static int phrase_keys(prefixes *ps, char *key, size_t n, const char *p, int forks)
{
    while (n + 1 < LIT_MAX) {
        if (slot((unsigned char)*p) >= 0) {
            key[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            p++;
        } else if (is_space(*p) && n) {
            const char *q = p;
            while (is_space(*q))
                q++;
            if (slot((unsigned char)*q) < 0)
                break;
            if (key[n - 1] != ' ')
                key[n++] = ' ';
            p = q;
        } else if (n && ((*p && strchr("',&/:;.!?\"", *p)) || !strncmp(p, "\xE2\x80\x99", 3) ||
                         !strncmp(p, "\xE2\x80\x98", 3))) {
            /* Punctuation: the scan takes it as part of a gap. */
            if (key[n - 1] != ' ')
                key[n++] = ' ';
            p += (unsigned char)*p >= 0x80 ? 3 : 1;
        } else if (*p == '-' && n && key[n - 1] != ' ' && slot((unsigned char)p[1]) >= 0 &&
                   forks < 3) {
            char copy[LIT_MAX];
            memcpy(copy, key, n);
            copy[n] = ' ';
            int r = phrase_keys(ps, copy, n + 1, p + 1, forks + 1);
            if (r < 0)
                return r;
            p++;
            forks++;
        } else {
            break;
        }
    }
    return add(ps, key, n);
}

static int phrase_prefix(prefixes *ps, const char *phrase)
{
    char key[LIT_MAX];
    const char *p = phrase;
    while (is_space(*p))
        p++;
    return phrase_keys(ps, key, 0, p, 0);
}

/* Skips a parenthesised group starting at P (at '('); returns the position
 * after its ')', or NULL if it does not close. */
static const char *skip_group(const char *p)
{
    int depth = 0, in_class = 0;
    for (; *p; p++) {
        if (*p == '\\') {
            if (!*++p)
                return NULL;
            continue;
        }
        if (in_class) {
            if (*p == ']')
                in_class = 0;
            continue;
        }
        if (*p == '[')
            in_class = 1;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

/* A set of literal strings a pattern's matches start with, built atom by
 * atom. A string is "open" while what follows it is still literal and can
 * be added; once closed it is a prefix only. */
#define SET_MAX 2048
/* A sequence stops growing its strings once they would number more than
 * this: shorter prefixes are still right, and already selective. */
#define GROW_MAX 64

typedef struct lit {
    char s[LIT_MAX];
    size_t n;
    int open;
} lit;

typedef struct litset {
    lit *v;
    size_t n;
} litset;

static void set_free(litset *a)
{
    hm_free(a->v);
    a->v = NULL;
    a->n = 0;
}

static int any_open(const litset *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].open)
            return 1;
    return 0;
}

static int has_empty(const litset *set)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].n == 0)
            return 1;
    return 0;
}

static void close_all(litset *a)
{
    for (size_t i = 0; i < a->n; i++)
        a->v[i].open = 0;
}

/* The size of A after following each open string with each string of B
 * (KEEP: the open strings also stay as they are, for an optional B). */
static size_t concat_size(const litset *a, const litset *b, int keep)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++)
        n += a->v[i].open ? b->n + (size_t)keep : 1;
    return n;
}

/* A := A with each open string followed by each string of B (and, with
 * KEEP, also left as it is). -1 if it grows too big, -2 out of memory. */
static int set_concat(litset *a, const litset *b, int keep)
{
    size_t size = concat_size(a, b, keep);
    if (size > SET_MAX)
        return -1;
    lit *v = hm_malloc((size ? size : 1) * sizeof *v);
    if (!v)
        return -2;
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->v[i].open || keep)
            v[k++] = a->v[i];
        if (!a->v[i].open)
            continue;
        for (size_t j = 0; j < b->n; j++) {
            lit *o = &v[k++];
            *o = a->v[i];
            const char *add = b->v[j].s;
            size_t add_n = b->v[j].n;
            /* One gap between words, however it is written. */
            if (add_n && add[0] == ' ' && o->n && o->s[o->n - 1] == ' ') {
                add++;
                add_n--;
            }
            size_t room = LIT_MAX - o->n;
            size_t take = add_n < room ? add_n : room;
            memcpy(o->s + o->n, add, take);
            o->n += take;
            o->open = b->v[j].open && take == add_n;
        }
    }
    hm_free(a->v);
    a->v = v;
    a->n = k;
    return 0;
}

/* A := A together with B. */
static int set_union(litset *a, const litset *b)
{
    if (a->n + b->n > SET_MAX)
        return -1;
    lit *v = hm_realloc(a->v, (a->n + b->n ? a->n + b->n : 1) * sizeof *v);
    if (!v)
        return -2;
    memcpy(v + a->n, b->v, b->n * sizeof *v);
    a->v = v;
    a->n += b->n;
    return 0;
}

static int set_single(litset *a, const char *s, size_t n)
{
    a->v = hm_malloc(sizeof *a->v);
    if (!a->v)
        return -2;
    a->n = 1;
    a->v[0].n = n < LIT_MAX ? n : LIT_MAX;
    memcpy(a->v[0].s, s, a->v[0].n);
    a->v[0].open = 1;
    return 0;
}

static int set_alternatives(litset *out, const char **pp);

/* Whether P starts a group the literal sets can look into: "(", "(?:" or
 * one with option letters, "(?-i:". Sets *INNER to its first atom. */
static int plain_group(const char *p, const char **inner)
{
    if (p[0] != '(')
        return 0;
    if (p[1] != '?') {
        *inner = p + 1;
        return 1;
    }
    const char *q = p + 2;
    int extended = 0; /* (?x: ignores white space, so it is not a gap */
    for (int on = 1; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-'; q++) {
        if (*q == '-')
            on = 0;
        else if (*q == 'x' && on)
            extended = 1;
    }
    if (*q != ':' || extended)
        return 0;
    *inner = q + 1;
    return 1;
}

/* If P starts a piece of punctuation the scan would take as part of a gap
 * (a space, a literal such as ' , - & or a curly quote, an escaped one such as \. or
 * a class of them and white space such as ['’] or [-\s]), returns the
 * position after it; otherwise NULL. */
static const char *gap_atom(const char *p)
{
    static const char *const curly[] = {"\xE2\x80\x99", "\xE2\x80\x98", "\xE2\x80\x9C",
                                        "\xE2\x80\x9D", "\xE2\x80\x93", "\xE2\x80\x94",
                                        "\xE2\x80\x90", "\xE2\x80\x91"};
    for (size_t i = 0; i < sizeof curly / sizeof curly[0]; i++)
        if (!strncmp(p, curly[i], 3))
            return p + 3;
    if (strchr("',-&/:;\" ", *p) && *p)
        return p + 1;
    if (p[0] == '\\' && p[1] && strchr(".,-'&/:;!\"", p[1]))
        return p + 2;
    if (p[0] != '[' || p[1] == '^')
        return NULL;
    const char *q = p + 1;
    while (*q && *q != ']') {
        int curly_char = 0;
        for (size_t i = 0; i < sizeof curly / sizeof curly[0]; i++)
            if (!strncmp(q, curly[i], 3))
                curly_char = 1;
        if (curly_char)
            q += 3;
        else if (q[0] == '\\' && q[1] && strchr("sh.,-'&/", q[1]))
            q += 2;
        else if (strchr("',-&/\" ", *q))
            q++;
        else
            return NULL;
    }
    return *q == ']' && q > p + 1 ? q + 1 : NULL;
}

/* If P starts a class of plain letters and digits ([sz]), fills ATOM with
 * one string a character and returns the position after it; else NULL. */
static const char *letter_class(const char *p, litset *atom)
{
    if (p[0] != '[' || p[1] == '^')
        return NULL;
    const char *q = p + 1;
    while (*q && *q != ']' && slot((unsigned char)*q) >= 0)
        q++;
    if (*q != ']' || q == p + 1)
        return NULL;
    for (const char *c = p + 1; c < q; c++) {
        char ch = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        litset one = {0};
        if (set_single(&one, &ch, 1) < 0 || set_union(atom, &one) < 0) {
            set_free(&one);
            set_free(atom);
            return q + 1; /* atom left empty: out of memory */
        }
        set_free(&one);
    }
    return q + 1;
}

/* After a digit at *PP: "+" or "{N}", "{N,}", "{N,M}" with N at least 1
 * repeat it, which the keys' runs of digits take as one. Steps over a brace
 * quantifier (leaving a "+" for the caller) and returns 1 when one follows. */
static int digit_run(const char **pp)
{
    const char *p = *pp;
    if (*p == '+')
        return 1;
    if (*p != '{' || p[1] < '1' || p[1] > '9')
        return 0;
    p++;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == ',')
        p++;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p != '}')
        return 0;
    p++;
    if (*p == '?' || *p == '+')
        return 0; /* lazy or possessive: leave it alone */
    *pp = p;
    return 1;
}

/* Extends SET with the atoms of a sequence at *PP, as far as they are
 * literal. Leaves *PP at the '|' or ')' ending the sequence. */
static int set_sequence(litset *set, const char **pp)
{
    const char *p = *pp;
    while (any_open(set) && *p && *p != '|' && *p != ')') {
        /* Assertions take no characters: \b, lookbehinds, lookaheads. */
        if (p[0] == '\\' && p[1] == 'b') {
            p += 2;
            continue;
        }
        if (p[0] == '(' && p[1] == '?' &&
            (p[2] == '=' || p[2] == '!' || (p[2] == '<' && (p[3] == '=' || p[3] == '!')))) {
            const char *end = skip_group(p);
            if (!end)
                return -1;
            p = end;
            continue;
        }
        litset atom = {0};
        int r = 0, digits = 0;
        const char *next, *inner;
        if (slot((unsigned char)*p) >= 0) {
            char c = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            r = set_single(&atom, &c, 1);
            next = p + 1;
        } else if (p[0] == '\\' && p[1] == 'd') {
            /* A digit: any stands for all, as the keys hold runs of digits. */
            r = set_single(&atom, "0", 1);
            next = p + 2;
            if (digit_run(&next))
                digits = 1;
        } else if (p[0] == '\\' && (p[1] == 's' || p[1] == 'h')) {
            /* White space: the gap between words. */
            r = set_single(&atom, " ", 1);
            next = p + 2;
            if (*next == '+') /* one gap or more: the scan takes a run as one */
                next++;
        } else if ((next = gap_atom(p)) != NULL) {
            /* Punctuation, or a class of it, stands where the scan sees a gap:
             * the gap it sees is never shorter. */
            r = set_single(&atom, " ", 1);
            if (*next == '+')
                next++;
        } else if ((next = letter_class(p, &atom)) != NULL) {
            r = atom.n ? 0 : -2;
        } else if (plain_group(p, &inner)) {
            r = set_alternatives(&atom, &inner);
            if (r == 0 && *inner != ')')
                r = -1;
            next = inner + 1;
        } else {
            close_all(set); /* not literal: what we have are prefixes */
            break;
        }
        int optional = 0;
        if (r == 0) {
            if (*next == '?') {
                optional = 1;
                next++;
            } else if (next[0] == '{' && next[1] == '0' && next[2] == ',' && next[3] == '1' &&
                       next[4] == '}') {
                optional = 1;
                next += 5;
            } else if (*next == '*' && atom.n == 1 && atom.v[0].n == 1 && atom.v[0].s[0] == ' ') {
                optional = 1; /* a gap or none: the scan takes a run of gap as one */
                next++;
            } else if (*next == '*' || *next == '{') {
                r = -1; /* any number, or none: stop before it */
            }
            if (optional && (*next == '?' || *next == '+'))
                next++;
        }
        if (r == 0 && concat_size(set, &atom, optional) > GROW_MAX && !has_empty(set))
            r = -1; /* enough: what we have is selective */
        if (r == 0)
            r = set_concat(set, &atom, optional);
        set_free(&atom);
        if (r == -2)
            return -2;
        if (r < 0) {
            close_all(set);
            break;
        }
        /* One or more: the first is certain, the rest not, except for
         * digits, whose run is one character of the keys. */
        if (*next == '+' && !digits)
            close_all(set);
        if (*next == '+' && digits)
            next++;
        p = next;
    }
    /* Skip to the end of this alternative, whatever it holds. */
    int in_class = 0;
    while (*p && (in_class || (*p != '|' && *p != ')'))) {
        if (*p == '\\' && p[1]) {
            p += 2;
            continue;
        }
        if (in_class && *p == ']')
            in_class = 0;
        else if (!in_class && *p == '[')
            in_class = 1;
        else if (!in_class && *p == '(') {
            const char *end = skip_group(p);
            if (!end)
                return -1;
            p = end;
            continue;
        }
        p++;
    }
    *pp = p;
    return 0;
}

/* The union of the alternatives at *PP, up to ')' or the end. */
static int set_alternatives(litset *out, const char **pp)
{
    const char *p = *pp;
    for (;;) {
        litset alt = {0};
        int r = set_single(&alt, "", 0);
        if (r == 0)
            r = set_sequence(&alt, &p);
        if (r == 0 && has_empty(&alt))
            r = -1; /* an alternative that may start with anything */
        if (r == 0)
            r = set_union(out, &alt);
        set_free(&alt);
        if (r < 0)
            return r;
        if (*p != '|')
            break;
        p++;
    }
    *pp = p;
    return 0;
}

/* The prefixes a pattern's matches start with: it must begin (each of its
 * top-level alternatives must begin) at a word start, \b or (?<!\w),
 * before any literal. Lookbehinds there are passed over. An alternative may
 * also begin with one optional character of punctuation before the word,
 * as in ['"]?\bI\b: then *LEAD is set, and a match may start one
 * character before the word the keys find. */
static int pattern_prefixes(prefixes *ps, const char *pattern, int *lead)
{
    const char *p = pattern, *inner;
    /* A pattern wholly inside one group, "(?-i:...)": look inside it. */
    if (plain_group(p, &inner)) {
        const char *end = skip_group(p);
        if (end && *end == '\0') {
            char *copy = hm_strndup(inner, (size_t)(end - 1 - inner));
            if (!copy)
                return -2;
            int r = pattern_prefixes(ps, copy, lead);
            hm_free(copy);
            return r;
        }
    }
    for (;;) {
        int bounded = 0;
        /* One optional character of punctuation: no more than one. */
        const char *after = gap_atom(p);
        if (after && after[0] == '?' && after[1] != '?' && after[1] != '+') {
            *lead = 1;
            p = after + 1;
        }
        for (;;) {
            if (p[0] == '\\' && p[1] == 'b') {
                p += 2;
                bounded = 1;
            } else if (!strncmp(p, "(?<!\\w)", 7)) {
                p += 7;
                bounded = 1;
            } else if (!strncmp(p, "(?<!", 4) || !strncmp(p, "(?<=", 4)) {
                if (!(p = skip_group(p)))
                    return -1;
            } else {
                break;
            }
        }
        if (!bounded)
            return -1;
        litset set = {0};
        int r = set_single(&set, "", 0);
        if (r == 0)
            r = set_sequence(&set, &p);
        for (size_t i = 0; r == 0 && i < set.n; i++)
            r = set.v[i].n && slot((unsigned char)set.v[i].s[0]) >= 0
                    ? add(ps, set.v[i].s, set.v[i].n)
                    : -1;
        set_free(&set);
        if (r < 0)
            return r;
        if (*p != '|')
            break;
        p++;
    }
    return *p == '\0' ? 0 : -1;
}

/* Gathers what every match of RULE must start with. Returns 1 when the rule
 * can be indexed (2 when a match may start a character before the word; see
 * pattern_prefixes), 0 when it must be scanned in full, -1 when out of
 * memory. */
static int rule_prefixes(const hm_rule *rule, prefixes *ps)
{
    int lead = 0;
    for (size_t i = 0; i < rule->pub.n_words; i++) {
        int r = phrase_prefix(ps, rule->pub.words[i]);
        if (r != 0)
            return r == -2 ? -1 : 0;
    }
    if (rule->pub.pattern) {
        int r = pattern_prefixes(ps, rule->pub.pattern, &lead);
        if (r != 0)
            return r == -2 ? -1 : 0;
    }
    return ps->n == 0 ? 0 : lead ? 2 : 1;
}

/* ---- building and scanning --------------------------------------------- */

void hm_prefilter_free(hm_prefilter *pf)
{
    if (!pf)
        return;
    hm_free(pf->building);
    hm_free(pf->nodes);
    hm_free(pf->rule_from);
    hm_free(pf->edge_child);
    hm_free(pf->rule_ids);
    hm_buf_free(&pf->keys);
    hm_free(pf->entries);
    hm_free(pf->indexed);
    hm_free(pf->gate);
    hm_free(pf);
}

/* Orders entries by their keys (in the key buffer KEYS), then by rule. */
static int cmp_entry(const void *a, const void *b, void *keys)
{
    const unsigned char *sort_keys = keys;
    const entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(sort_keys + x->off, sort_keys + y->off, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Builds the node for the sorted entries [LO, HI), which share their first
 * DEPTH slots. Returns its index, or NO_NODE when out of memory. */
static uint32_t build_node(hm_prefilter *pf, size_t lo, size_t hi, size_t depth)
{
    const unsigned char *keys = (const unsigned char *)pf->keys.data;
    if (hm_grow((void **)&pf->building, &pf->cap_nodes, pf->n_nodes + 1, sizeof(building_node)) < 0)
        return NO_NODE;
    uint32_t me = (uint32_t)pf->n_nodes++;
    pf->building[me] = (building_node){0, (uint32_t)pf->n_ids, 0, 0};
    size_t i = lo;
    for (; i < hi && pf->entries[i].len == depth; i++) {
        uint32_t rule = pf->entries[i].rule;
        size_t first = pf->building[me].first_rule, n = pf->building[me].n_rules;
        if (n && pf->rule_ids[first + n - 1] == rule)
            continue;
        if (hm_grow((void **)&pf->rule_ids, &pf->cap_ids, pf->n_ids + 1, sizeof(uint32_t)) < 0)
            return NO_NODE;
        pf->rule_ids[pf->n_ids++] = rule;
        pf->building[me].n_rules++;
    }
    /* The children: one for each slot that comes next. */
    size_t groups = 0;
    for (size_t j = i; j < hi; j++)
        if (j == i || keys[pf->entries[j].off + depth] != keys[pf->entries[j - 1].off + depth])
            groups++;
    size_t first = pf->n_edges;
    if (hm_grow((void **)&pf->edge_child, &pf->cap_children, first + groups, sizeof(uint32_t)) < 0)
        return NO_NODE;
    pf->n_edges += groups;
    pf->building[me].first_edge = (uint32_t)first;
    pf->building[me].slots = 0;
    size_t g = 0;
    while (i < hi) {
        unsigned char k = keys[pf->entries[i].off + depth];
        size_t j = i;
        while (j < hi && keys[pf->entries[j].off + depth] == k)
            j++;
        uint32_t child = build_node(pf, i, j, depth + 1);
        if (child == NO_NODE)
            return NO_NODE;
        pf->building[me].slots |= 1u << k;
        pf->edge_child[first + g] = child;
        g++;
        i = j;
    }
    return me;
}

int hm_prefilter_keys(const hm_rule *rule, hm_buf *keys, size_t *n)
{
    size_t before = keys->len;
    prefixes ps = {.all = *keys};
    int r = rule_prefixes(rule, &ps);
    if (r < 1) { /* what was gathered before it gave up is no use */
        ps.all.len = before;
        ps.n = 0;
    }
    *keys = ps.all;
    *n += ps.n;
    return r;
}

/* Indexes rule I under its N keys, NUL-separated in KEYS; LEAD as
 * rule_prefixes says. */
static int add_keys(hm_prefilter *pf, size_t i, const char *keys, size_t n, int lead)
{
    for (size_t k = 0; k < n; k++, keys += strlen(keys) + 1)
        if (add_prefix(pf, keys, strlen(keys), (uint32_t)i) < 0)
            return -1;
    pf->indexed[i] = lead ? 2 : 1;
    return 0;
}

static int build_gate(hm_prefilter *pf);

/* Numbers the nodes again, breadth first, so that each node's children
 * follow one another (see building_node), and makes them the scan's nodes,
 * with their rules in the same order. Returns -1 when out of memory. */
static int breadth_first(hm_prefilter *pf)
{
    size_t n = pf->n_nodes;
    uint32_t *order = hm_malloc(n * sizeof *order);
    node *nodes = hm_malloc(n * sizeof *nodes);
    uint32_t *rule_from = hm_malloc((n + 1) * sizeof *rule_from);
    uint32_t *rule_ids = hm_malloc((pf->n_ids ? pf->n_ids : 1) * sizeof *rule_ids);
    if (!order || !nodes || !rule_from || !rule_ids) {
        hm_free(order);
        hm_free(nodes);
        hm_free(rule_from);
        hm_free(rule_ids);
        return -1;
    }
    size_t tail = 1, ids = 0;
    order[0] = 0;
    for (size_t head = 0; head < tail; head++) {
        const building_node *at = &pf->building[order[head]];
        uint32_t kids = bits_in(at->slots);
        nodes[head] = (node){(uint32_t)tail, at->slots | (at->n_rules ? HAS_RULES : 0)};
        rule_from[head] = (uint32_t)ids;
        for (uint32_t r = 0; r < at->n_rules; r++)
            rule_ids[ids++] = pf->rule_ids[at->first_rule + r];
        for (uint32_t k = 0; k < kids; k++)
            order[tail++] = pf->edge_child[at->first_edge + k];
    }
    rule_from[n] = (uint32_t)ids;
    hm_free(order);
    hm_free(pf->building);
    pf->building = NULL;
    pf->nodes = nodes;
    pf->rule_from = rule_from;
    hm_free(pf->rule_ids);
    pf->rule_ids = rule_ids;
    pf->n_ids = pf->cap_ids = ids;
    hm_free(pf->edge_child);
    pf->edge_child = NULL;
    pf->n_edges = pf->cap_children = 0;
    return 0;
}

hm_prefilter *hm_prefilter_build(hm_rule *const *rules, size_t n)
{
    hm_prefilter *pf = hm_calloc(1, sizeof *pf);
    if (!pf || !(pf->indexed = hm_calloc(n ? n : 1, 1)))
        goto fail;
    pf->n_rules = n;
    for (size_t i = 0; i < n; i++) {
        const hm_rule *rule = rules[i];
        if (rule->baked != HM_KEYS_NONE) {
            if (rule->baked == HM_KEYS_INDEXED &&
                add_keys(pf, i, rule->keys, rule->n_keys, rule->lead) < 0)
                goto fail;
            continue;
        }
        hm_buf keys = {0};
        size_t n_keys = 0;
        int r = hm_prefilter_keys(rule, &keys, &n_keys);
        if (r < 0 || (r >= 1 && add_keys(pf, i, keys.data, n_keys, r == 2) < 0)) {
            hm_buf_free(&keys);
            goto fail;
        }
        hm_buf_free(&keys);
    }
    if (hm_buf_grow(&pf->keys, 0) < 0)
        goto fail;
    if (pf->n_entries)
        qsort_r(pf->entries, pf->n_entries, sizeof *pf->entries, cmp_entry, pf->keys.data);
    if (build_node(pf, 0, pf->n_entries, 0) != 0 || breadth_first(pf) < 0)
        goto fail;
    for (int k = 0, e = 0; k < ALPHABET; k++)
        pf->root[k] = pf->nodes[0].slots >> k & 1 ? pf->nodes[0].first_edge + e++ : NO_NODE;
    if (build_gate(pf) < 0)
        goto fail;
    hm_buf_free(&pf->keys);
    hm_free(pf->entries);
    pf->entries = NULL;
    return pf;
fail:
    hm_prefilter_free(pf);
    return NULL;
}

void hm_prefilter_open_gate(hm_prefilter *pf)
{
    memset(pf->gate, 0xFF, GATE_BITS / 8);
}

int hm_prefilter_covers(const hm_prefilter *pf, size_t rule)
{
    return pf && rule < pf->n_rules && pf->indexed[rule];
}

int hm_prefilter_lead(const hm_prefilter *pf, size_t rule)
{
    return hm_prefilter_covers(pf, rule) && pf->indexed[rule] == 2;
}

/* Byte classes for the scan: a letter or digit's slot (below ALPHABET);
 * then: */
enum { C_UNDERSCORE = 40, C_FOLD = 41 /* may start K or long s */, C_OTHER = 42 };

static unsigned char byte_class(unsigned c)
{
    int k = slot((unsigned char)c);
    if (k >= 0)
        return (unsigned char)k;
    if (c == '_')
        return C_UNDERSCORE;
    if (c == 0xE2 || c == 0xC5)
        return C_FOLD;
    return C_OTHER;
}

/* A byte's code for the gate: a letter or digit's slot; GAP for an ASCII
 * byte outside words, which the walk takes as SEP after a letter; ODD for
 * '_' and bytes beyond ASCII, which may be either or fold to a letter. */
enum { G_GAP = SEP, G_ODD = 28 };

static unsigned char gate_code(unsigned c)
{
    int k = slot((unsigned char)c);
    if (k >= 0)
        return (unsigned char)k;
    return c == '_' || c >= 0x80 ? G_ODD : G_GAP;
}

static unsigned char classes[256], gate_codes[256];
static int classes_ready;

/* The tables are the same whoever fills them first, so two threads racing
 * to fill them write the same bytes. */
static void init_classes(void)
{
    if (__atomic_load_n(&classes_ready, __ATOMIC_ACQUIRE))
        return;
    for (unsigned c = 0; c < 256; c++) {
        classes[c] = byte_class(c);
        gate_codes[c] = gate_code(c);
    }
    __atomic_store_n(&classes_ready, 1, __ATOMIC_RELEASE);
}

static INTO_SCAN uint32_t child_of(const node *at, int k)
{
    uint32_t bit = 1u << k;
    if (!(at->slots & bit))
        return NO_NODE;
    return at->first_edge + bits_in(at->slots & (bit - 1));
}

/* Sets the gate's bits for every word whose first D gate codes are PREFIX
 * (CODE_BITS each), whatever follows. */
static void gate_all(uint64_t *gate, uint32_t prefix, unsigned d)
{
    size_t lo = (size_t)prefix << CODE_BITS * (GATE_CODES - d);
    size_t hi = (size_t)(prefix + 1) << CODE_BITS * (GATE_CODES - d);
    for (size_t i = lo; i < hi;) {
        if (i % 64 == 0 && hi - i >= 64) {
            gate[i / 64] = UINT64_MAX;
            i += 64;
        } else {
            gate[i / 64] |= (uint64_t)1 << (i % 64);
            i++;
        }
    }
}

/* What the last code was, for gate_from: the walk takes a run of gaps, or
 * of digits, as one step. */
enum { AFTER_LETTER, AFTER_GAP, AFTER_DIGITS };

/* Opens the gate for the words whose first D gate codes are PREFIX and
 * take the walk to AT, the last of them as AFTER says, and further on for
 * the codes that may follow. '_' and bytes beyond ASCII need the walk's
 * closer look: after one the gate opens for whatever follows. */
static void gate_from(const hm_prefilter *pf, uint32_t prefix, unsigned d, const node *at,
                      int after)
{
    if ((at->slots & HAS_RULES) || d == GATE_CODES) {
        gate_all(pf->gate, prefix, d);
        return;
    }
    uint32_t to;
    prefix <<= CODE_BITS;
    gate_all(pf->gate, prefix | G_ODD, d + 1);
    if (after == AFTER_DIGITS) /* the run goes on */
        gate_from(pf, prefix | DIGITS, d + 1, at, AFTER_DIGITS);
    else if ((to = child_of(at, DIGITS)) != NO_NODE)
        gate_from(pf, prefix | DIGITS, d + 1, &pf->nodes[to], AFTER_DIGITS);
    if (after == AFTER_GAP)
        gate_from(pf, prefix | G_GAP, d + 1, at, AFTER_GAP);
    else if ((to = child_of(at, SEP)) != NO_NODE)
        gate_from(pf, prefix | G_GAP, d + 1, &pf->nodes[to], AFTER_GAP);
    for (int k = 0; k < 26; k++)
        if ((to = child_of(at, k)) != NO_NODE)
            gate_from(pf, prefix | (uint32_t)k, d + 1, &pf->nodes[to], AFTER_LETTER);
}

static int build_gate(hm_prefilter *pf)
{
    pf->gate = hm_calloc(GATE_BITS / 64, sizeof *pf->gate);
    if (!pf->gate)
        return -1;
    /* A character that may fold to a letter: the walk tells. */
    gate_all(pf->gate, G_ODD, 1);
    if (pf->root[DIGITS] != NO_NODE)
        gate_from(pf, DIGITS, 1, &pf->nodes[pf->root[DIGITS]], AFTER_DIGITS);
    for (int k = 0; k < 26; k++)
        if (pf->root[k] != NO_NODE)
            gate_from(pf, (uint32_t)k, 1, &pf->nodes[pf->root[k]], AFTER_LETTER);
    return 0;
}

/* Four masks of a block of N bytes (at most 64) at S, bit I for byte I:
 * letters and digits (*ALNUM), the bytes of a word: those and '_' (*WORD),
 * the first bytes of a Kelvin sign or a long s (*FOLD), and the bytes that
 * the word count takes as part of a word (*COUNTED, see hm_count_words). */
static INTO_SCAN void block_masks(const unsigned char *s, size_t n, const unsigned char *cls,
                                  uint64_t *alnum, uint64_t *word, uint64_t *fold,
                                  uint64_t *counted)
{
    uint64_t a = 0, w = 0, f = 0, wc = 0;
    size_t i = 0;
#if defined(__SSE2__)
    if (n == 64) {
        const __m128i lower_a = _mm_set1_epi8('a'), case_bit = _mm_set1_epi8(0x20);
        const __m128i zero = _mm_set1_epi8('0'), under = _mm_set1_epi8('_');
        const __m128i k25 = _mm_set1_epi8(25), k9 = _mm_set1_epi8(9);
        const __m128i e2 = _mm_set1_epi8((char)0xE2), c5 = _mm_set1_epi8((char)0xC5);
        const __m128i apostrophe = _mm_set1_epi8('\''), zeros = _mm_setzero_si128();
        for (; i < 64; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i l = _mm_sub_epi8(_mm_or_si128(v, case_bit), lower_a);
            __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, k25), l);
            __m128i d = _mm_sub_epi8(v, zero);
            __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, k9), d);
            __m128i an = _mm_or_si128(is_letter, is_digit);
            __m128i wd = _mm_or_si128(an, _mm_cmpeq_epi8(v, under));
            __m128i fd = _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, c5));
            a |= (uint64_t)(unsigned)_mm_movemask_epi8(an) << i;
            w |= (uint64_t)(unsigned)_mm_movemask_epi8(wd) << i;
            f |= (uint64_t)(unsigned)_mm_movemask_epi8(fd) << i;
            /* Bytes beyond ASCII have the top bit, which movemask takes. */
            __m128i ct = _mm_or_si128(an, _mm_cmpeq_epi8(v, apostrophe));
            wc |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(ct, _mm_cmplt_epi8(v, zeros)))
                  << i;
        }
    }
#endif
    for (; i < n; i++) {
        unsigned c = cls[s[i]];
        a |= (uint64_t)(c < ALPHABET) << i;
        w |= (uint64_t)(c < ALPHABET || c == C_UNDERSCORE) << i;
        f |= (uint64_t)(c == C_FOLD) << i;
        wc |= (uint64_t)(c < ALPHABET || s[i] >= 0x80 || s[i] == '\'') << i;
    }
    *alnum = a;
    *word = w;
    *fold = f;
    *counted = wc;
}

/* Walks the trie from the word starting at START, whose first character
 * (CLEN bytes) has slot K0, a child of the root: calls FN for each rule
 * whose prefix the text there begins with. Returns 0, what FN returned when
 * it was not 0, or, when OPEN (more text is to come) and the walk reached
 * the end of the text, 1. */
static INTO_SCAN int walk(const hm_prefilter *pf, const unsigned char *s, size_t len, size_t start,
                          int k0, size_t clen, int open, int (*fn)(void *, size_t rule, size_t pos),
                          void *arg)
{
    const unsigned char *cls = classes;
    const node *nodes = pf->nodes;
    const node *at = &nodes[pf->root[k0]];
    size_t j = start + clen;
    if (k0 == DIGITS) /* a run of digits is one step */
        while (j < len && cls[s[j]] == DIGITS)
            j++;
    for (;;) {
        if (at->slots & HAS_RULES) {
            size_t me = (size_t)(at - nodes);
            for (uint32_t r = pf->rule_from[me]; r < pf->rule_from[me + 1]; r++) {
                int e = fn(arg, pf->rule_ids[r], start);
                if (e)
                    return e;
            }
        }
        if (j >= len)
            return open;
        int k = cls[s[j]];
        if (k < 26) { /* a letter, the usual step */
            uint32_t bit = 1u << k;
            if (!(at->slots & bit))
                return 0;
            at = &nodes[at->first_edge + bits_in(at->slots & (bit - 1))];
            j++;
            continue;
        }
        clen = 1;
        if (k == C_FOLD || k == C_UNDERSCORE)
            k = text_slot(s + j, len - j, &clen);
        else if (k == C_OTHER)
            k = -1;
        uint32_t to;
        if (k < 0) {
            /* Between words: any run of other characters is taken as the
             * gap, which is more than a phrase allows, never less. */
            to = child_of(at, SEP);
            if (to == NO_NODE)
                return 0;
            while (j < len && text_slot(s + j, len - j, &clen) < 0)
                j++;
        } else {
            to = child_of(at, k);
            if (to == NO_NODE)
                return 0;
            j += clen;
            if (k == DIGITS)
                while (j < len && cls[s[j]] == DIGITS)
                    j++;
        }
        at = &nodes[to];
    }
}

/* The gate's bit for the word starting at S[I] (at least GATE_CODES bytes
 * before the end; nearer the end, the walk always looks). */
static INTO_SCAN uint64_t gate_bit(const hm_prefilter *pf, const unsigned char *s, size_t i)
{
    size_t bit = 0;
    for (unsigned d = 0; d < GATE_CODES; d++)
        bit = bit << CODE_BITS | gate_codes[s[i + d]];
    return pf->gate[bit / 64] >> (bit % 64) & 1;
}

int hm_prefilter_scan(const hm_prefilter *pf, const char *text, size_t len,
                      int (*fn)(void *, size_t rule, size_t pos), void *arg, size_t *words)
{
    size_t from = 0;
    if (words)
        *words = 0;
    return hm_prefilter_scan_from(pf, text, len, &from, 0, fn, arg, words);
}

SCAN_CLONES
int hm_prefilter_scan_from(const hm_prefilter *pf, const char *text, size_t len, size_t *from,
                           int open, int (*fn)(void *, size_t rule, size_t pos), void *arg,
                           size_t *words)
{
    init_classes();
    const unsigned char *s = (const unsigned char *)text;
    size_t first = *from;
    /* 1 when the byte before the block is a word byte; likewise for the
     * word count. */
    uint64_t before = 0, counted_before = 0;
    if (first > 0) {
        unsigned c = classes[s[first - 1]];
        before = c < ALPHABET || c == C_UNDERSCORE;
        counted_before = c < ALPHABET || s[first - 1] >= 0x80 || s[first - 1] == '\'';
    }
    size_t n_words = 0;
    /* Word starts, a block of 64 bytes at a time: a letter or digit (or a
     * character folding to one) after a byte that is not part of a word. */
    for (size_t base = first; base < len; base += 64) {
        size_t n = len - base < 64 ? len - base : 64;
        uint64_t alnum, word, fold, counted;
        block_masks(s + base, n, classes, &alnum, &word, &fold, &counted);
        uint64_t starts = (alnum | fold) & ~((word << 1) | before);
        before = word >> 63;
        uint64_t counted_starts = counted & ~((counted << 1) | counted_before);
        n_words += bits_in64(counted_starts);
        counted_before = counted >> 63;
        /* First the gate, without a branch that depends on the text. */
        uint64_t passed = 0;
        size_t gated = len - base >= 64 + GATE_CODES - 1 ? 64
                       : len - base < GATE_CODES         ? 0
                                                         : len - base - (GATE_CODES - 1);
        for (uint64_t m = starts; m; m &= m - 1) {
            unsigned b = (unsigned)__builtin_ctzll(m);
            passed |= b < gated ? gate_bit(pf, s, base + b) << b : (uint64_t)1 << b;
        }
        starts = passed;
        while (starts) {
            size_t i = base + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            size_t clen = 1;
            int k = classes[s[i]] == C_FOLD ? text_slot(s + i, len - i, &clen) : classes[s[i]];
            if (k < 0 || pf->root[k] == NO_NODE)
                continue;
            int e = walk(pf, s, len, i, k, clen, open, fn, arg);
            if (e < 0)
                return e;
            if (e) {
                /* The walk or the place waits for more text: go on from
                 * this word next time, and count its words then. */
                size_t b = i - base;
                n_words -= bits_in64(counted_starts >> b);
                *from = i;
                if (words)
                    *words += n_words;
                return e;
            }
        }
    }
    *from = len > first ? len : first;
    if (words)
        *words += n_words;
    return 0;
}
