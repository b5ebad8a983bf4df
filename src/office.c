/* office.c - Word (.docx) and OpenDocument (.odt) files → their text, one
 * paragraph a line.
 *
 * Both are zip archives of XML parts. The archive's directory is read here;
 * each part needed is unpacked by zlib a piece at a time, and each piece
 * goes straight to expat, so memory grows with the text, not with the XML.
 * A paragraph's text is gathered from all its runs, so a phrase split by
 * formatting ("service" in bold, " users" plain) is still one phrase. Each
 * paragraph (a heading, a table cell, a list item, a paragraph of a note or
 * a comment) becomes one line, in this order: the body, the footnotes, the
 * endnotes, the comments. Line N of the text is paragraph N. A Word file's
 * parts are those its relationships name (_rels/.rels for the body, the
 * body's own for the notes and comments); without them, where Word puts
 * them.
 *
 * Word: the text of w:t in the runs of each w:p, w:tab as a tab, w:br and
 * w:cr as a space. Not taken: deleted and moved-away text (w:del,
 * w:moveFrom), field codes (w:instrText, and anything between a field's
 * begin and separate marks, deleted marks included; its result is kept),
 * the fallback copy of a text box (mc:Fallback), hidden text (w:vanish in
 * a run's own properties; a style's is not followed), and the separators
 * of the notes.
 *
 * OpenDocument: text:p and text:h, white space collapsed as the format
 * says, text:s as spaces, text:tab, text:line-break as a space. The notes'
 * bodies and the annotations (comments) are taken out of the paragraphs
 * that hold them and follow the body; their citations, authors and dates,
 * and tracked deletions, are not taken.
 *
 * A paragraph inside another (a text box) becomes a line after the one that
 * holds it.
 *
 * Files are untrusted: every offset in the archive is checked against its
 * size; a part may unpack to at most HM_OFFICE_MAX_PART bytes, and to at most
 * HM_OFFICE_RATIO times its packed size once past HM_OFFICE_RATIO_FROM (a zip
 * bomb is refused, not unpacked); a part with a document type declaration
 * is refused, so no entity is ever defined or expanded and nothing is
 * fetched. Every allocation, zlib's and expat's too, goes through
 * hm_malloc. */
#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

enum { OK = 0, NOMEM = -1, BAD = 1, FOUND = 2 };

/* Bytes unpacked at a time. */
#define CHUNK 65536
/* Bytes given to expat at a time from a stored part. */
#define FEED ((size_t)1 << 20)

/* ---- memory ------------------------------------------------------------- */

/* Whether zlib or expat was refused memory, on this thread: both report it,
 * and this makes sure that no such failure passes as a result. */
static _Thread_local int lib_failed;

static void *lib_malloc(size_t n)
{
    void *p = hm_malloc(n);
    if (!p)
        lib_failed = 1;
    return p;
}

static void *lib_realloc(void *p, size_t n)
{
    void *q = hm_realloc(p, n);
    if (!q)
        lib_failed = 1;
    return q;
}

static void lib_free(void *p)
{
    hm_free(p);
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    if (size && items > SIZE_MAX / size) {
        lib_failed = 1;
        return Z_NULL;
    }
    return lib_malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    hm_free(p);
}

/* ---- the reader's state ------------------------------------------------- */

/* Where a paragraph's line goes: one of the four parts of the text, or
 * after the paragraph that holds it. */
enum { BODY, FOOTNOTES, ENDNOTES, COMMENTS, HEADERS, N_STREAMS, AFTER = N_STREAMS };
/* Not a stream: the part being read is a Word file's list of
 * relationships, which names the other parts. */
enum { RELS = AFTER + 1 };
/* The longest part name followed from a relationship. */
#define MAX_PART_NAME 512
/* The most header and footer parts of a Word file read (Word makes at most
 * three of each per section). */
#define MAX_HEADERS 64

/* Paragraphs nested deeper than this share the innermost line. */
#define MAX_NEST 8
/* Levels of nested fields whose state is kept; deeper ones are taken as
 * codes to their end. */
#define MAX_FIELDS 64
/* The most spaces one text:s gives. */
#define MAX_SPACES 1024

typedef struct office {
    hmmm_doctype type;
    const unsigned char *data;
    size_t len;
    size_t cd, cd_len; /* the central directory */
    uint64_t entries;
    hm_buf *why;
    const char *part; /* the part being read */
    XML_Parser xp;
    int rc; /* NOMEM or BAD, from a handler */

    hm_buf streams[N_STREAMS];
    hm_buf line[MAX_NEST]; /* the open paragraphs' text */
    int target[MAX_NEST];  /* where each goes */
    hm_buf after;          /* lines to follow the outermost paragraph */
    uint64_t total;        /* bytes of text so far */
    unsigned depth;        /* paragraphs open */
    int base;              /* the stream of the part being read */
    unsigned skip;         /* > 0 inside an element whose content is not text */
    /* Word */
    unsigned in_t, runs;
    uint64_t instr;             /* bit L: field L is in its codes */
    unsigned fields;            /* fields open */
    unsigned in_code;           /* fields open that are in their codes */
    int run_props;              /* in the w:rPr of a run (skip is 1 there) */
    unsigned hidden;            /* > 0: the run at this depth is hidden text (w:vanish) */
    char *part_of[N_STREAMS];   /* the part each stream is read from, when a relationship says */
    char *headers[MAX_HEADERS]; /* a Word file's header and footer parts */
    unsigned n_headers;
    unsigned in_header;   /* OpenDocument's styles: > 0 inside a page's header or footer */
    const char *rels_dir; /* the folder the relationships being read are relative to */
    unsigned rels_want;   /* bit S: take the part for stream S from them */
    int rels_found;       /* the relationships were there to be read */
    /* OpenDocument */
    unsigned in_note_body, in_annotation;
    int note_stream;
} office;

static const char *kind_name(hmmm_doctype type)
{
    return type == HMMM_DOCX ? "Word document" : "OpenDocument text";
}

/* Says why the file cannot be read (the first reason only). Returns BAD, or
 * NOMEM when the reason could not be kept. */
static int bad(office *o, const char *fmt, ...) HM_PRINTF(2, 3);

static int bad(office *o, const char *fmt, ...)
{
    if (o->why->len)
        return BAD;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (hm_buf_printf(o->why, "not a readable %s: %s", kind_name(o->type), msg) < 0)
        return NOMEM;
    return BAD;
}

/* ---- the zip archive ---------------------------------------------------- */

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int sig(const unsigned char *p, unsigned char a, unsigned char b)
{
    return p[0] == 'P' && p[1] == 'K' && p[2] == a && p[3] == b;
}

/* Finds the archive's directory, from the record at its end. */
static int zip_open(office *o)
{
    const unsigned char *d = o->data;
    size_t len = o->len;
    if (len >= 8 && !memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return o->type == HMMM_DOCX
                   ? bad(o, "it is password-protected, or an older Word file (.doc); save it "
                            "from Word as a .docx without a password")
                   : bad(o, "it is password-protected, or not an OpenDocument file; save it as "
                            ".odt without a password");
    /* The end record is the last 22 bytes, before a comment of up to 64 KB. */
    size_t end = SIZE_MAX;
    if (len >= 22) {
        size_t lowest = len - 22 > 65535 ? len - 22 - 65535 : 0;
        for (size_t i = len - 22 + 1; i-- > lowest;)
            if (sig(d + i, 5, 6) && i + 22 + rd16(d + i + 20) <= len) {
                end = i;
                break;
            }
    }
    if (end == SIZE_MAX) {
        if (len >= 4 && sig(d, 3, 4))
            return bad(o, "the zip archive is cut short (its directory, at the end, is missing)");
        return bad(o, "it is not a zip archive, as every .%s file is",
                   o->type == HMMM_DOCX ? "docx" : "odt");
    }
    const unsigned char *e = d + end;
    uint64_t entries = rd16(e + 10), cd_len = rd32(e + 12), cd = rd32(e + 16);
    if (entries == 0xFFFF || cd_len == 0xFFFFFFFF || cd == 0xFFFFFFFF) {
        /* Zip64: a locator just before the end record points at a bigger one. */
        if (end >= 20 && sig(e - 20, 6, 7)) {
            uint64_t at = rd64(e - 20 + 8);
            if (at <= len && len - at >= 56 && sig(d + at, 6, 6)) {
                entries = rd64(d + at + 32);
                cd_len = rd64(d + at + 40);
                cd = rd64(d + at + 48);
            }
        }
    }
    if (cd > len || cd_len > len - cd)
        return bad(o, "the zip archive is damaged or cut short (its directory lies outside it)");
    o->cd = (size_t)cd;
    o->cd_len = (size_t)cd_len;
    o->entries = entries;
    return OK;
}

typedef struct member {
    const char *name;
    uint16_t flags, method;
    uint32_t crc;
    uint64_t csize, usize, local;
} member;

/* Whether the N bytes at S name NAME: ASCII case does not count (nor do
 * part names in Office files), and a backslash stands for a slash. */
static int same_name(const unsigned char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = s[i] == '\\' ? '/' : s[i], b = (unsigned char)name[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b + 32);
        if (a != b)
            return 0;
    }
    return 1;
}

/* Looks NAME up in the directory. Returns FOUND and fills *M, 0 when there
 * is no such part, BAD, or NOMEM. */
static int zip_find(office *o, const char *name, member *m)
{
    const unsigned char *d = o->data;
    size_t p = o->cd, end = o->cd + o->cd_len;
    for (uint64_t i = 0; i < o->entries; i++) {
        if (end - p < 46 || !sig(d + p, 1, 2))
            return bad(o, "the zip archive's directory is damaged");
        size_t nl = rd16(d + p + 28), xl = rd16(d + p + 30), cl = rd16(d + p + 32);
        if (end - p - 46 < nl + xl + cl)
            return bad(o, "the zip archive's directory is damaged");
        if (same_name(d + p + 46, nl, name)) {
            *m = (member){.name = name,
                          .flags = rd16(d + p + 8),
                          .method = rd16(d + p + 10),
                          .crc = rd32(d + p + 16),
                          .csize = rd32(d + p + 20),
                          .usize = rd32(d + p + 24),
                          .local = rd32(d + p + 42)};
            /* Zip64 sizes and offset, in that order, for those that are all ones. */
            const unsigned char *x = d + p + 46 + nl, *xe = x + xl;
            while (xe - x >= 4) {
                size_t id = rd16(x), n = rd16(x + 2);
                if ((size_t)(xe - x - 4) < n)
                    break;
                if (id == 1) {
                    const unsigned char *v = x + 4, *ve = v + n;
                    if (m->usize == 0xFFFFFFFF && ve - v >= 8)
                        m->usize = rd64(v), v += 8;
                    if (m->csize == 0xFFFFFFFF && ve - v >= 8)
                        m->csize = rd64(v), v += 8;
                    if (m->local == 0xFFFFFFFF && ve - v >= 8)
                        m->local = rd64(v);
                }
                x += 4 + n;
            }
            return FOUND;
        }
        p += 46 + nl + xl + cl;
    }
    return 0;
}

/* Unpacks member M, giving SINK each piece in turn. Returns OK, NOMEM,
 * BAD, or what SINK returned when it was not OK. */
static int zip_read(office *o, const member *m, int (*sink)(office *, const char *, size_t))
{
    const unsigned char *d = o->data;
    size_t len = o->len;
    if (m->flags & 1)
        return bad(o, "%s is encrypted", m->name);
    if (m->local > len || len - m->local < 30 || !sig(d + m->local, 3, 4))
        return bad(o, "the zip archive is damaged (%s is not where its directory says)", m->name);
    size_t at = (size_t)m->local + 30 + rd16(d + m->local + 26) + rd16(d + m->local + 28);
    if (at > len || m->csize > len - at)
        return bad(o, "the zip archive is cut short (%s runs past its end)", m->name);
    if (m->usize > HM_OFFICE_MAX_PART)
        return bad(o, "%s would unpack to more than %u MB", m->name,
                   (unsigned)(HM_OFFICE_MAX_PART >> 20));
    const unsigned char *in = d + at;
    uLong crc = crc32(0, Z_NULL, 0);
    if (m->method == 0) {
        if (m->csize != m->usize)
            return bad(o, "the zip archive is damaged (the sizes of %s disagree)", m->name);
        for (size_t done = 0; done < m->csize;) {
            size_t n = m->csize - done > FEED ? FEED : (size_t)m->csize - done;
            crc = crc32(crc, in + done, (uInt)n);
            int rc = sink(o, (const char *)in + done, n);
            if (rc)
                return rc;
            done += n;
        }
    } else if (m->method == 8) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        zs.zalloc = z_alloc;
        zs.zfree = z_free;
        int zr = inflateInit2(&zs, -MAX_WBITS);
        if (zr != Z_OK)
            return zr == Z_MEM_ERROR ? NOMEM : bad(o, "zlib: %s", zs.msg ? zs.msg : "no start");
        unsigned char *buf = hm_malloc(CHUNK);
        uint64_t left = m->csize, out = 0;
        int rc = buf ? OK : NOMEM;
        while (rc == OK) {
            if (zs.avail_in == 0 && left) {
                uInt n = left > (1u << 30) ? 1u << 30 : (uInt)left;
                zs.next_in = (Bytef *)in;
                zs.avail_in = n;
                in += n;
                left -= n;
            }
            zs.next_out = buf;
            zs.avail_out = CHUNK;
            zr = inflate(&zs, Z_NO_FLUSH);
            size_t got = CHUNK - zs.avail_out;
            if (got) {
                out += got;
                if (out > HM_OFFICE_MAX_PART) {
                    rc = bad(o, "%s would unpack to more than %u MB", m->name,
                             (unsigned)(HM_OFFICE_MAX_PART >> 20));
                    break;
                }
                if (out > HM_OFFICE_RATIO_FROM && out / HM_OFFICE_RATIO > m->csize) {
                    rc = bad(o,
                             "%s would unpack to more than %u times its packed size (a zip bomb?)",
                             m->name, (unsigned)HM_OFFICE_RATIO);
                    break;
                }
                crc = crc32(crc, buf, (uInt)got);
                rc = sink(o, (const char *)buf, got);
                if (rc)
                    break;
            }
            if (zr == Z_STREAM_END)
                break;
            if (zr == Z_MEM_ERROR)
                rc = NOMEM;
            else if (zr == Z_BUF_ERROR && !got && !zs.avail_in && !left)
                rc = bad(o, "the zip archive is cut short (%s ends too soon)", m->name);
            else if (zr != Z_OK && zr != Z_BUF_ERROR)
                rc = bad(o, "%s is damaged (%s)", m->name, zs.msg ? zs.msg : "it does not unpack");
        }
        inflateEnd(&zs);
        hm_free(buf);
        if (rc)
            return rc;
        if (out != m->usize)
            return bad(o, "%s is damaged (it does not unpack to the size its directory gives)",
                       m->name);
    } else {
        return bad(o, "%s is packed in a way hmmm cannot unpack (zip method %u)", m->name,
                   (unsigned)m->method);
    }
    if (crc != m->crc)
        return bad(o, "%s is damaged (its checksum does not match)", m->name);
    return OK;
}

/* ---- building the text -------------------------------------------------- */

static void no_memory(office *o)
{
    if (!o->rc)
        o->rc = NOMEM;
    XML_StopParser(o->xp, XML_FALSE);
}

/* The line being built, or NULL outside a paragraph. */
static hm_buf *cur(office *o)
{
    if (!o->depth)
        return NULL;
    return &o->line[o->depth <= MAX_NEST ? o->depth - 1 : MAX_NEST - 1];
}

/* Counts N more bytes of text: the text may be no longer than the most a
 * part may unpack to (text:s makes many spaces of a few bytes). */
static int charge(office *o, size_t n)
{
    o->total += n;
    if (o->total <= HM_OFFICE_MAX_PART)
        return 0;
    if (!o->rc)
        o->rc = bad(o, "its text would be more than %u MB", (unsigned)(HM_OFFICE_MAX_PART >> 20));
    XML_StopParser(o->xp, XML_FALSE);
    return -1;
}

static void add(office *o, const char *s, size_t n)
{
    hm_buf *b = cur(o);
    if (b && n && charge(o, n) == 0 && hm_buf_add(b, s, n) < 0)
        no_memory(o);
}

static void open_para(office *o, int target)
{
    unsigned level = o->depth++;
    if (level < MAX_NEST) {
        o->line[level].len = 0;
        o->target[level] = target;
    } else {
        add(o, " ", 1);
    }
}

static void close_para(office *o)
{
    if (!o->depth)
        return;
    unsigned level = --o->depth;
    if (level >= MAX_NEST)
        return;
    hm_buf *line = &o->line[level];
    if (charge(o, 1) < 0)
        return;
    hm_buf *to = o->target[level] == AFTER ? &o->after : &o->streams[o->target[level]];
    if (hm_buf_add(to, line->data ? line->data : "", line->len) < 0 || hm_buf_addc(to, '\n') < 0 ||
        (level == 0 && o->after.len && hm_buf_add(to, o->after.data, o->after.len) < 0)) {
        no_memory(o);
        return;
    }
    if (level == 0)
        o->after.len = 0;
}

/* Adds text from a part's characters: line ends become spaces (Word), or
 * white space is collapsed (OpenDocument: a run of it is one space, and
 * none starts a paragraph). */
static void add_chars(office *o, const char *s, size_t n)
{
    hm_buf *b = cur(o);
    if (!b)
        return;
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && s[run] != '\n' && s[run] != '\r' &&
               (o->type == HMMM_DOCX || (s[run] != ' ' && s[run] != '\t')))
            run++;
        add(o, s + i, run - i);
        if (run == n)
            break;
        int last = b->len ? b->data[b->len - 1] : 0;
        if (o->type == HMMM_DOCX || (last && last != ' ' && last != '\t'))
            add(o, " ", 1);
        i = run + 1;
    }
}

/* The value of attribute LOCAL (in any namespace, or none), or NULL. */
static const char *attr(const XML_Char **atts, const char *local)
{
    for (size_t i = 0; atts[i]; i += 2) {
        const char *sp = strrchr(atts[i], ' ');
        if (!strcmp(sp ? sp + 1 : atts[i], local))
            return atts[i + 1];
    }
    return NULL;
}

/* The local part of NAME ("URI local", as expat gives it) when its
 * namespace is NS, or NULL. */
static const char *in_ns(const char *name, const char *ns)
{
    size_t n = strlen(ns);
    return !strncmp(name, ns, n) && name[n] == ' ' ? name + n + 1 : NULL;
}

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_STRICT_NS "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define META_NS "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

/* ---- Word --------------------------------------------------------------- */

static const char *word(const char *name)
{
    const char *l = in_ns(name, W_NS);
    return l ? l : in_ns(name, W_STRICT_NS);
}

static int field_in_code(const office *o, unsigned level)
{
    return level >= MAX_FIELDS || (o->instr >> level & 1);
}

static void on_field_char(office *o, const char *type)
{
    if (!type)
        return;
    if (!strcmp(type, "begin")) {
        if (o->fields < MAX_FIELDS)
            o->instr |= (uint64_t)1 << o->fields;
        o->fields++;
        o->in_code++;
    } else if (!strcmp(type, "separate")) {
        unsigned level = o->fields - 1;
        if (o->fields && level < MAX_FIELDS && field_in_code(o, level)) {
            o->instr &= ~((uint64_t)1 << level);
            o->in_code--;
        }
    } else if (!strcmp(type, "end") && o->fields) {
        unsigned level = --o->fields;
        if (field_in_code(o, level)) {
            if (level < MAX_FIELDS)
                o->instr &= ~((uint64_t)1 << level);
            o->in_code--;
        }
    }
}

static void XMLCALL docx_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    office *o = ud;
    if (o->rc)
        return;
    const char *w = word(name);
    /* A field's marks count wherever they are, deleted ones too: a field
     * whose end was deleted still ends there. */
    if (w && !strcmp(w, "fldChar"))
        on_field_char(o, attr(atts, "fldCharType"));
    /* Hidden text (w:vanish set on the run itself) is not on the page. */
    if (o->run_props && o->skip == 1 && w && !strcmp(w, "vanish")) {
        const char *val = attr(atts, "val");
        int on = !val || !(!strcmp(val, "0") || !strcmp(val, "false") || !strcmp(val, "off"));
        if (on && !o->hidden)
            o->hidden = o->runs;
        else if (!on && o->hidden == o->runs)
            o->hidden = 0;
    }
    if (o->skip) {
        o->skip++;
        return;
    }
    if (!w) {
        const char *mc = in_ns(name, MC_NS);
        if (mc && !strcmp(mc, "Fallback"))
            o->skip = 1; /* the same content as mc:Choice, for older readers */
        return;
    }
    if (!strcmp(w, "p")) {
        open_para(o, o->depth ? AFTER : o->base);
    } else if (!strcmp(w, "r")) {
        o->runs++;
    } else if (!strcmp(w, "t")) {
        o->in_t++;
    } else if (!strcmp(w, "del") || !strcmp(w, "moveFrom") || !strcmp(w, "pPr") ||
               !strcmp(w, "rPr") || !strcmp(w, "sectPr")) {
        o->skip = 1;
        o->run_props = o->runs && !strcmp(w, "rPr");
    } else if (!strcmp(w, "footnote") || !strcmp(w, "endnote")) {
        const char *type = attr(atts, "type");
        if (type && strcmp(type, "normal"))
            o->skip = 1; /* a separator, drawn by Word, not written */
    } else if (o->runs && !o->in_code && !o->hidden) {
        if (!strcmp(w, "tab") || !strcmp(w, "ptab"))
            add(o, "\t", 1);
        else if (!strcmp(w, "br") || !strcmp(w, "cr"))
            add(o, " ", 1);
        else if (!strcmp(w, "noBreakHyphen"))
            add(o, "-", 1);
    }
}

static void XMLCALL docx_end(void *ud, const XML_Char *name)
{
    office *o = ud;
    if (o->rc)
        return;
    if (o->skip) {
        if (--o->skip == 0)
            o->run_props = 0;
        return;
    }
    const char *w = word(name);
    if (!w)
        return;
    if (!strcmp(w, "p"))
        close_para(o);
    else if (!strcmp(w, "r") && o->runs) {
        if (o->hidden == o->runs)
            o->hidden = 0;
        o->runs--;
    } else if (!strcmp(w, "t") && o->in_t)
        o->in_t--;
}

static void XMLCALL docx_chars(void *ud, const XML_Char *s, int n)
{
    office *o = ud;
    if (!o->rc && !o->skip && o->in_t && !o->in_code && !o->hidden && n > 0)
        add_chars(o, s, (size_t)n);
}

/* ---- Word's relationships ---------------------------------------------- */

#define RELS_NS "http://schemas.openxmlformats.org/package/2006/relationships"

/* TARGET, relative to folder DIR ("" or ending in '/') unless it starts
 * with '/', as a part name: no leading '/', "." and ".." resolved. NULL when
 * out of memory; "" when too long. */
static char *part_name(const char *dir, const char *target)
{
    char *out = hm_malloc(MAX_PART_NAME + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    const char *from[2] = {target[0] == '/' ? "" : dir, target};
    for (int k = 0; k < 2; k++) {
        for (const char *p = from[k]; *p;) {
            size_t seg = strcspn(p, "/");
            if ((seg == 1 && p[0] == '.') || seg == 0) {
                /* nothing */
            } else if (seg == 2 && p[0] == '.' && p[1] == '.') {
                while (n && out[n - 1] != '/')
                    n--;
                if (n)
                    n--;
            } else {
                if (n + (n ? 1 : 0) + seg > MAX_PART_NAME) {
                    out[0] = '\0';
                    return out;
                }
                if (n)
                    out[n++] = '/';
                memcpy(out + n, p, seg);
                n += seg;
            }
            p += seg + (p[seg] == '/');
        }
    }
    out[n] = '\0';
    return out;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    office *o = ud;
    const char *l = in_ns(name, RELS_NS);
    if (o->rc || !l || strcmp(l, "Relationship"))
        return;
    const char *type = attr(atts, "Type"), *target = attr(atts, "Target");
    const char *mode = attr(atts, "TargetMode");
    if (!type || !target || (mode && !strcmp(mode, "External")))
        return;
    const char *kind = strrchr(type, '/');
    kind = kind ? kind + 1 : type;
    int s = !strcmp(kind, "officeDocument")                      ? BODY
            : !strcmp(kind, "footnotes")                         ? FOOTNOTES
            : !strcmp(kind, "endnotes")                          ? ENDNOTES
            : !strcmp(kind, "comments")                          ? COMMENTS
            : !strcmp(kind, "header") || !strcmp(kind, "footer") ? HEADERS
                                                                 : -1;
    if (s < 0 || !(o->rels_want >> s & 1))
        return;
    char *part = part_name(o->rels_dir, target);
    if (!part) {
        o->rc = NOMEM;
        XML_StopParser(o->xp, XML_FALSE);
    } else if (s == HEADERS && o->n_headers < MAX_HEADERS) {
        o->headers[o->n_headers++] = part;
    } else if (s != HEADERS && !o->part_of[s]) {
        o->part_of[s] = part; /* the first of a kind counts */
    } else {
        hm_free(part);
    }
}

/* ---- OpenDocument ------------------------------------------------------- */

/* Whether style:NAME holds a page's header or footer text. */
static int is_page_header(const char *name)
{
    static const char *const names[] = {"header",      "footer",       "header-left",
                                        "footer-left", "header-first", "footer-first"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

static void XMLCALL odt_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    office *o = ud;
    if (o->rc)
        return;
    if (o->skip) {
        o->skip++;
        return;
    }
    const char *t = in_ns(name, TEXT_NS), *l;
    /* In the styles, only the text of the pages' headers and footers. */
    if (o->base == HEADERS && (l = in_ns(name, STYLE_NS)) && is_page_header(l))
        o->in_header++;
    if (o->base == HEADERS && !o->in_header)
        return;
    if (t) {
        if (!strcmp(t, "p") || !strcmp(t, "h")) {
            open_para(o, o->in_annotation  ? COMMENTS
                         : o->in_note_body ? o->note_stream
                         : o->depth        ? AFTER
                                           : o->base);
        } else if (!strcmp(t, "s")) {
            const char *c = attr(atts, "c");
            long k = c ? strtol(c, NULL, 10) : 1;
            k = k < 1 ? 1 : k > MAX_SPACES ? MAX_SPACES : k;
            for (long i = 0; i < k && !o->rc; i++)
                add(o, " ", 1);
        } else if (!strcmp(t, "tab")) {
            add(o, "\t", 1);
        } else if (!strcmp(t, "line-break")) {
            add(o, " ", 1);
        } else if (!strcmp(t, "note")) {
            const char *c = attr(atts, "note-class");
            o->note_stream = c && !strcmp(c, "endnote") ? ENDNOTES : FOOTNOTES;
        } else if (!strcmp(t, "note-body")) {
            o->in_note_body++;
        } else if (!strcmp(t, "tracked-changes") || !strcmp(t, "note-citation")) {
            o->skip = 1;
        }
    } else if ((l = in_ns(name, OFFICE_NS)) && !strcmp(l, "annotation")) {
        o->in_annotation++;
    } else if (in_ns(name, DC_NS) || in_ns(name, META_NS) || in_ns(name, SVG_NS)) {
        o->skip = 1; /* an author, a date, a picture's title */
    }
}

static void XMLCALL odt_end(void *ud, const XML_Char *name)
{
    office *o = ud;
    if (o->rc)
        return;
    if (o->skip) {
        o->skip--;
        return;
    }
    const char *t = in_ns(name, TEXT_NS), *l;
    if (o->base == HEADERS && (l = in_ns(name, STYLE_NS)) && is_page_header(l) && o->in_header) {
        o->in_header--;
        return;
    }
    if (t) {
        if (!strcmp(t, "p") || !strcmp(t, "h"))
            close_para(o);
        else if (!strcmp(t, "note-body") && o->in_note_body)
            o->in_note_body--;
    } else if ((l = in_ns(name, OFFICE_NS)) && !strcmp(l, "annotation") && o->in_annotation) {
        o->in_annotation--;
    }
}

static void XMLCALL odt_chars(void *ud, const XML_Char *s, int n)
{
    office *o = ud;
    if (!o->rc && !o->skip && n > 0)
        add_chars(o, s, (size_t)n);
}

/* ---- parts -------------------------------------------------------------- */

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal)
{
    office *o = ud;
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)internal;
    if (!o->rc)
        o->rc = bad(o, "%s has a document type declaration, which no %s has", o->part,
                    kind_name(o->type));
    XML_StopParser(o->xp, XML_FALSE);
}

/* What went wrong when expat stopped. */
static int xml_failed(office *o)
{
    if (o->rc)
        return o->rc;
    enum XML_Error e = XML_GetErrorCode(o->xp);
    if (e == XML_ERROR_NO_MEMORY || lib_failed)
        return NOMEM;
    return bad(o, "%s is not well-formed XML: %s (line %lu, column %lu)", o->part,
               XML_ErrorString(e), (unsigned long)XML_GetCurrentLineNumber(o->xp),
               (unsigned long)XML_GetCurrentColumnNumber(o->xp) + 1);
}

static int feed(office *o, const char *s, size_t n)
{
    while (n) {
        size_t k = n > FEED ? FEED : n;
        if (XML_Parse(o->xp, s, (int)k, XML_FALSE) != XML_STATUS_OK)
            return xml_failed(o);
        s += k;
        n -= k;
    }
    return OK;
}

/* Reads part NAME, when the archive has it, into stream BASE. */
static int read_part(office *o, const char *name, int base)
{
    member m;
    int found = zip_find(o, name, &m);
    if (found != FOUND)
        return found;
    if (base == RELS)
        o->rels_found = 1;
    static const XML_Memory_Handling_Suite mem = {lib_malloc, lib_realloc, lib_free};
    XML_Parser xp = XML_ParserCreate_MM(NULL, &mem, " ");
    if (!xp)
        return NOMEM;
    o->xp = xp;
    o->part = name;
    o->base = base;
    o->depth = o->skip = o->in_t = o->runs = o->fields = o->in_code = o->hidden = 0;
    o->run_props = 0;
    o->in_note_body = o->in_annotation = o->in_header = 0;
    o->instr = 0;
    o->note_stream = FOOTNOTES;
    XML_SetUserData(xp, o);
    if (base == RELS) {
        XML_SetElementHandler(xp, rels_start, NULL);
    } else if (o->type == HMMM_DOCX) {
        XML_SetElementHandler(xp, docx_start, docx_end);
        XML_SetCharacterDataHandler(xp, docx_chars);
    } else {
        XML_SetElementHandler(xp, odt_start, odt_end);
        XML_SetCharacterDataHandler(xp, odt_chars);
    }
    XML_SetStartDoctypeDeclHandler(xp, on_doctype);
    XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
    int rc = zip_read(o, &m, feed);
    if (rc == OK && XML_Parse(xp, "", 0, XML_TRUE) != XML_STATUS_OK)
        rc = xml_failed(o);
    XML_ParserFree(xp);
    o->xp = NULL;
    return rc;
}

/* Reads the body, part NAME, which every file of the type has. When the
 * archive has OTHER instead, the body of the other format, it says that
 * the file looks like LOOKS_LIKE. */
static int read_body(office *o, const char *name, const char *other, const char *looks_like)
{
    member m;
    int found = zip_find(o, name, &m);
    if (found == 0) {
        found = zip_find(o, other, &m);
        if (found == FOUND)
            return bad(o, "the zip archive has no %s, but has %s: it looks like %s", name, other,
                       looks_like);
        return found ? found
                     : bad(o, "the zip archive has no %s, the body of every %s", name,
                           kind_name(o->type));
    }
    return found == FOUND ? read_part(o, name, BODY) : found;
}

/* A Word file: the parts its relationships name (the package's for the
 * body, the body's for the notes and comments), or where Word puts them
 * when a file has no relationships to say. */
static int read_word(office *o)
{
    o->rels_dir = "";
    o->rels_want = 1u << BODY;
    int rc = read_part(o, "_rels/.rels", RELS);
    const char *body =
        o->part_of[BODY] && *o->part_of[BODY] ? o->part_of[BODY] : "word/document.xml";
    if (rc == OK)
        rc = read_body(o, body, "content.xml", "an OpenDocument file (.odt)");
    if (rc != OK)
        return rc;
    /* The body's relationships: "word/document.xml" has
     * "word/_rels/document.xml.rels". */
    const char *slash = strrchr(body, '/');
    size_t dir_len = slash ? (size_t)(slash - body) + 1 : 0;
    hm_buf dir = {0}, rels = {0};
    if (hm_buf_add(&dir, body, dir_len) < 0 || hm_buf_add(&rels, body, dir_len) < 0 ||
        hm_buf_adds(&rels, "_rels/") < 0 || hm_buf_adds(&rels, body + dir_len) < 0 ||
        hm_buf_adds(&rels, ".rels") < 0)
        rc = NOMEM;
    o->rels_found = 0;
    if (rc == OK) {
        o->rels_dir = dir.data;
        o->rels_want = 1u << FOOTNOTES | 1u << ENDNOTES | 1u << COMMENTS | 1u << HEADERS;
        rc = read_part(o, rels.data, RELS);
    }
    static const char *const usual[N_STREAMS] = {NULL, "word/footnotes.xml", "word/endnotes.xml",
                                                 "word/comments.xml", NULL};
    for (int s = FOOTNOTES; s <= COMMENTS && rc == OK; s++) {
        /* With relationships, only the parts they name are the document's. */
        const char *part = o->part_of[s] ? o->part_of[s] : o->rels_found ? NULL : usual[s];
        if (part && *part)
            rc = read_part(o, part, s);
    }
    /* Headers and footers only as the relationships name them: their
     * parts' names vary. */
    for (unsigned i = 0; i < o->n_headers && rc == OK; i++)
        if (*o->headers[i])
            rc = read_part(o, o->headers[i], HEADERS);
    o->rels_dir = "";
    hm_buf_free(&dir);
    hm_buf_free(&rels);
    return rc;
}

int hm_office_text(hmmm_doctype type, const char *data, size_t len, hm_buf *text, hm_buf *why)
{
    office *o = hm_calloc(1, sizeof *o);
    if (!o)
        return NOMEM;
    o->type = type;
    o->data = (const unsigned char *)data;
    o->len = len;
    o->why = why;
    lib_failed = 0;
    int rc = zip_open(o);
    if (rc == OK && type == HMMM_DOCX)
        rc = read_word(o);
    else if (rc == OK) {
        rc = read_body(o, "content.xml", "word/document.xml", "a Word document (.docx)");
        if (rc == OK)
            rc = read_part(o, "styles.xml", HEADERS); /* the pages' headers and footers */
    }
    if (lib_failed)
        rc = NOMEM;
    for (int s = 0; s < N_STREAMS && rc == OK; s++)
        if (o->streams[s].len && hm_buf_add(text, o->streams[s].data, o->streams[s].len) < 0)
            rc = NOMEM;
    if (rc == OK && !text->data && hm_buf_grow(text, 1) < 0)
        rc = NOMEM;
    for (int s = 0; s < N_STREAMS; s++) {
        hm_buf_free(&o->streams[s]);
        hm_free(o->part_of[s]);
    }
    for (unsigned i = 0; i < o->n_headers; i++)
        hm_free(o->headers[i]);
    for (int l = 0; l < MAX_NEST; l++)
        hm_buf_free(&o->line[l]);
    hm_buf_free(&o->after);
    hm_free(o);
    return rc;
}
