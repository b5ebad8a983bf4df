/* Unit tests for office.c: the text of Word and OpenDocument files, one
 * paragraph a line, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../office/zipmake.h"
#include "internal.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DOCX_HEAD                                                                                  \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"                              \
    "<w:document xmlns:w=\"" W_NS "\" "                                                            \
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>"
#define DOCX_TAIL "<w:sectPr/></w:body></w:document>"
#define ODT_HEAD                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<office:document-content "                                                                    \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                           \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                               \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                             \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:body><office:text>"
#define ODT_TAIL "</office:text></office:body></office:document-content>"

/* An archive of the NULL-terminated (name, text) pairs that follow. */
static unsigned char *archive(size_t *len, int deflated, ...)
{
    zipmake z = {0};
    va_list ap;
    va_start(ap, deflated);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        const char *text = va_arg(ap, const char *);
        zipmake_add(&z, name, text, strlen(text), deflated);
    }
    va_end(ap);
    return zipmake_finish(&z, len);
}

/* A Word document whose body is BODY. */
static unsigned char *docx(const char *body, size_t *len)
{
    size_t n = strlen(DOCX_HEAD) + strlen(body) + strlen(DOCX_TAIL) + 1;
    char *xml = malloc(n);
    assert_non_null(xml);
    snprintf(xml, n, "%s%s%s", DOCX_HEAD, body, DOCX_TAIL);
    unsigned char *zip = archive(len, 1, "word/document.xml", xml, (const char *)NULL);
    free(xml);
    return zip;
}

static unsigned char *odt(const char *body, size_t *len)
{
    size_t n = strlen(ODT_HEAD) + strlen(body) + strlen(ODT_TAIL) + 1;
    char *xml = malloc(n);
    assert_non_null(xml);
    snprintf(xml, n, "%s%s%s", ODT_HEAD, body, ODT_TAIL);
    unsigned char *zip = archive(len, 1, "mimetype", "application/vnd.oasis.opendocument.text",
                                 "content.xml", xml, (const char *)NULL);
    free(xml);
    return zip;
}

/* The text of TYPE file ZIP must be WANT. */
static void expect_text(hmmm_doctype type, const unsigned char *zip, size_t len, const char *want)
{
    hm_buf text = {0}, why = {0};
    int rc = hm_office_text(type, (const char *)zip, len, &text, &why);
    if (rc != 0)
        fail_msg("not read: %s", why.data ? why.data : "out of memory");
    assert_non_null(text.data);
    assert_string_equal(text.data, want);
    assert_int_equal(text.len, strlen(want));
    hm_buf_free(&text);
    hm_buf_free(&why);
}

/* TYPE file ZIP must be refused, with a reason that holds WHY. */
static void expect_refused(hmmm_doctype type, const unsigned char *zip, size_t len, const char *why)
{
    hm_buf text = {0}, reason = {0};
    int rc = hm_office_text(type, (const char *)zip, len, &text, &reason);
    if (rc != 1)
        fail_msg("rc %d, text '%s'", rc, text.data ? text.data : "");
    assert_non_null(reason.data);
    if (!strstr(reason.data, why))
        fail_msg("reason '%s' does not hold '%s'", reason.data, why);
    assert_true(!strncmp(reason.data,
                         type == HMMM_DOCX ? "not a readable Word document: "
                                           : "not a readable OpenDocument text: ",
                         type == HMMM_DOCX ? 30 : 34));
    hm_buf_free(&text);
    hm_buf_free(&reason);
}

#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define B(t) "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define P(x) "<w:p>" x "</w:p>"

static void docx_paragraphs_are_lines(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        docx(P("<w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr>" R("Our plan"))
                 P(R("We asked ") B("service") R(" users") R(" again.")) P("") P(R("Last.")),
             &len);
    expect_text(HMMM_DOCX, zip, len, "Our plan\nWe asked service users again.\n\nLast.\n");
    free(zip);
}

static void docx_tabs_breaks_and_hyphens(void **state)
{
    (void)state;
    size_t len;
    /* The tab stops of a paragraph's properties are no tabs. */
    unsigned char *zip =
        docx(P("<w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>" R(
                 "a") "<w:r><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>co</"
                      "w:t><w:noBreakHyphen/>"
                      "<w:t>op</w:t><w:softHyphen/><w:t>er</w:t></w:r>" R("line\nend")),
             &len);
    expect_text(HMMM_DOCX, zip, len, "a\tb c co-operline end\n");
    free(zip);
}

static void docx_tables_are_paragraphs(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx(
        "<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/>" P(
            R("service")) "</w:tc>"
                          "<w:tc>" P(R("users")) P(R("two")) "</w:tc></w:tr></w:tbl>" P(R("after")),
        &len);
    expect_text(HMMM_DOCX, zip, len, "service\nusers\ntwo\nafter\n");
    free(zip);
}

#define FLD(type) "<w:r><w:fldChar w:fldCharType=\"" type "\"/></w:r>"
#define INSTR(t) "<w:r><w:instrText xml:space=\"preserve\">" t "</w:instrText></w:r>"

static void docx_field_codes_are_skipped(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx(
        P(R("See ") FLD("begin") INSTR(" HYPERLINK \"x\" ") FLD("separate") R("the guide")
              FLD("end") R("."))
        /* A field in the codes of another: its result is code too. */
        P(FLD("begin") INSTR(" IF ") FLD("begin") INSTR(" DOCPROPERTY A ") FLD("separate")
              R("inner") FLD("end") R("code text") FLD("separate") R("outer") FLD("end"))
            P("<w:fldSimple w:instr=\" TITLE \">" R("Simple result") "</w:fldSimple>")
        /* A field that runs over two paragraphs. */
        P(FLD("begin") INSTR(" TOC ") FLD("separate") R("Contents")) P(R("Entry") FLD("end"))
        /* An end without a begin is ignored. */
        P(FLD("end") R("fine"))
        /* A field whose marks were deleted with changes tracked still
         * has them: what follows its end is text. */
        P(FLD("begin") INSTR(" REF x ") "<w:del w:id=\"9\" w:author=\"a\">" FLD(
            "separate") "<w:r><w:delText>old</w:delText></w:r>" FLD("end") "</w:del>" R("kept")),
        &len);
    expect_text(HMMM_DOCX, zip, len,
                "See the guide.\nouter\nSimple result\nContents\nEntry\nfine\nkept\n");
    free(zip);
}

static void docx_deep_fields(void **state)
{
    (void)state;
    /* More fields open at once than their states are kept for. */
    char body[20000] = "<w:p>";
    for (int i = 0; i < 70; i++)
        strcat(body, FLD("begin") FLD("separate") R("x"));
    for (int i = 0; i < 70; i++)
        strcat(body, FLD("end"));
    strcat(body, R("end") "</w:p>");
    size_t len;
    unsigned char *zip = docx(body, &len);
    hm_buf text = {0}, why = {0};
    assert_int_equal(hm_office_text(HMMM_DOCX, (const char *)zip, len, &text, &why), 0);
    /* Results of the fields it keeps; those deeper are codes to the end. */
    assert_non_null(strstr(text.data, "xxx"));
    assert_non_null(strstr(text.data, "end\n"));
    hm_buf_free(&text);
    hm_buf_free(&why);
    free(zip);
}

static void docx_deletions_and_fallbacks_are_skipped(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx(
        P(R("We ") "<w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>empower</w:delText></w:r>"
                   "</w:del><w:ins w:id=\"2\" w:author=\"a\">" R(
                       "work with") "</w:ins>"
                                    "<w:moveFrom w:id=\"3\" w:author=\"a\">" R(
                                        " moved") "</w:moveFrom>" R(" people."))
            P(R("Box:") "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
                        "<w:txbxContent>" P(
                            R("inside")) "</w:txbxContent></w:drawing></mc:Choice>"
                                         "<mc:Fallback><w:pict><w:txbxContent>" P(
                                             R("inside")) "</w:txbxContent>"
                                                          "</w:pict></mc:Fallback></"
                                                          "mc:AlternateContent></w:r>" R(" after"))
                P(R("next")),
        &len);
    expect_text(HMMM_DOCX, zip, len, "We work with people.\nBox: after\ninside\nnext\n");
    free(zip);
}

/* Hidden text (w:vanish on the run) is not on the page; w:vanish="0" turns
 * it off, and a paragraph mark's own properties hide nothing. */
static void docx_hidden_text_is_skipped(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        docx(P("<w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>" R(
                 "Shown ") "<w:r><w:rPr><w:b/><w:vanish/></w:rPr><w:t>hidden "
                           "</w:t><w:tab/></w:r>" R("and ") "<w:r><w:rPr><w:vanish "
                                                            "w:val=\"0\"/></w:rPr><w:t>not "
                                                            "hidden</w:t></w:r>"
                                                            "<w:r><w:rPr><w:vanish "
                                                            "w:val=\"true\"/></w:rPr><w:t> "
                                                            "gone</w:t></w:r>" R(".")) P(R("next")),
             &len);
    expect_text(HMMM_DOCX, zip, len, "Shown and not hidden.\nnext\n");
    free(zip);
}

static void docx_deep_paragraphs(void **state)
{
    (void)state;
    /* Paragraphs in paragraphs deeper than the reader keeps apart. */
    char body[20000] = "";
    for (int i = 0; i < 20; i++)
        strcat(body, "<w:p><w:r><w:t>a</w:t></w:r><w:r><w:txbxContent>");
    for (int i = 0; i < 20; i++)
        strcat(body, "</w:txbxContent></w:r></w:p>");
    size_t len;
    unsigned char *zip = docx(body, &len);
    hm_buf text = {0}, why = {0};
    assert_int_equal(hm_office_text(HMMM_DOCX, (const char *)zip, len, &text, &why), 0);
    /* Every a is kept, and each line ends. */
    size_t as = 0, lines = 0;
    for (size_t i = 0; i < text.len; i++) {
        as += text.data[i] == 'a';
        lines += text.data[i] == '\n';
    }
    assert_int_equal(as, 20);
    assert_int_equal(lines, 8);
    assert_int_equal(text.data[text.len - 1], '\n');
    hm_buf_free(&text);
    hm_buf_free(&why);
    free(zip);
}

#define NOTES(kind, text)                                                                          \
    "<w:" kind "s xmlns:w=\"" W_NS "\"><w:" kind " w:type=\"separator\" w:id=\"-1\"><w:p><w:r>"    \
    "<w:separator/></w:r></w:p></w:" kind "><w:" kind " w:type=\"continuationSeparator\" "         \
    "w:id=\"0\"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:" kind "><w:" kind             \
    " w:id=\"1\">" P(R(text)) "</w:" kind "></w:" kind "s>"

static void docx_notes_and_comments_follow_the_body(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = archive(
        &len, 1, "word/comments.xml",
        "<w:comments xmlns:w=\"" W_NS "\"><w:comment w:id=\"0\" w:author=\"A\">" P(R("A comment."))
            P(R("Its second paragraph.")) "</w:comment></w:comments>",
        "word/document.xml", DOCX_HEAD P(R("Body.")) DOCX_TAIL, "word/endnotes.xml",
        NOTES("endnote", "An endnote."), "WORD/FOOTNOTES.XML", NOTES("footnote", "A footnote."),
        (const char *)NULL);
    expect_text(HMMM_DOCX, zip, len,
                "Body.\nA footnote.\nAn endnote.\nA comment.\nIts second paragraph.\n");
    free(zip);
}

#define RELS(x)                                                                                    \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" x     \
    "</Relationships>"
#define REL(type, target)                                                                          \
    "<Relationship Id=\"r" type "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/" \
    "relationships/" type "\" Target=\"" target "\"/>"

/* The parts are those the relationships name, wherever they are; with
 * relationships, a part they do not name is not the document's. */
static void docx_parts_named_by_relationships(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        archive(&len, 1, "_rels/.rels",
                RELS("<Relationship Id=\"x\" Type=\"http://example.org/officeDocument\" "
                     "TargetMode=\"External\" Target=\"http://example.org/\"/>" REL(
                         "officeDocument", "/drafts/./plan.xml")),
                "drafts/plan.xml", DOCX_HEAD P(R("Body.")) DOCX_TAIL, "drafts/_rels/plan.xml.rels",
                RELS(REL("styles", "styles.xml") REL("footnotes", "../notes/fn.xml")
                         REL("endnotes", "notes/../../notes/en.xml")),
                "notes/fn.xml", NOTES("footnote", "A footnote."), "notes/en.xml",
                NOTES("endnote", "An endnote."), "word/document.xml",
                DOCX_HEAD P(R("Not this.")) DOCX_TAIL, "word/comments.xml",
                "<w:comments xmlns:w=\"" W_NS
                "\"><w:comment w:id=\"0\">" P(R("Not this either.")) "</w:comment></w:comments>",
                (const char *)NULL);
    expect_text(HMMM_DOCX, zip, len, "Body.\nA footnote.\nAn endnote.\n");
    free(zip);
    /* A body the relationships name must be there. */
    zip = archive(&len, 1, "_rels/.rels", RELS(REL("officeDocument", "word/missing.xml")),
                  "word/document.xml", DOCX_HEAD P(R("Body.")) DOCX_TAIL, (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "no word/missing.xml");
    free(zip);
    /* Relationships that are not XML are a damaged file. */
    zip = archive(&len, 1, "_rels/.rels", "<Relationships", "word/document.xml",
                  DOCX_HEAD P(R("Body.")) DOCX_TAIL, (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "_rels/.rels is not well-formed XML");
    free(zip);
}

/* Styles with text outside the pages (not checked), and a page with a
 * header, a footer and a first page's footer (checked, in that order). */
#define ODT_STYLES                                                                                 \
    "<office:document-styles xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "   \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                             \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"                               \
    "<office:styles><style:style style:name=\"x\"><text:p>Not a page.</text:p></style:style>"      \
    "</office:styles><office:master-styles><style:master-page style:name=\"Standard\">"            \
    "<style:header-style/><style:header><text:p>Head.</text:p></style:header>"                     \
    "<style:footer><text:p>Foot.</text:p></style:footer>"                                          \
    "<style:footer-first><text:p>First foot.</text:p></style:footer-first>"                        \
    "</style:master-page></office:master-styles></office:document-styles>"

/* Headers and footers come last: a Word file's as its relationships name
 * them, an OpenDocument file's from the pages in its styles. */
static void headers_and_footers_come_last(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        archive(&len, 1, "word/document.xml", DOCX_HEAD P(R("Body.")) DOCX_TAIL,
                "word/_rels/document.xml.rels",
                RELS(REL("footer", "footer1.xml") REL("header", "/word/header2.xml")
                         REL("comments", "comments.xml")),
                "word/header2.xml", "<w:hdr xmlns:w=\"" W_NS "\">" P(R("Head.")) "</w:hdr>",
                "word/footer1.xml", "<w:ftr xmlns:w=\"" W_NS "\">" P(R("Foot.")) "</w:ftr>",
                "word/header9.xml", "<w:hdr xmlns:w=\"" W_NS "\">" P(R("Unnamed.")) "</w:hdr>",
                "word/comments.xml",
                "<w:comments xmlns:w=\"" W_NS
                "\"><w:comment w:id=\"0\">" P(R("Comment.")) "</w:comment></w:comments>",
                (const char *)NULL);
    expect_text(HMMM_DOCX, zip, len, "Body.\nComment.\nFoot.\nHead.\n");
    free(zip);
    zip = archive(&len, 1, "content.xml", ODT_HEAD "<text:p>Body.</text:p>" ODT_TAIL, "styles.xml",
                  ODT_STYLES, (const char *)NULL);
    expect_text(HMMM_ODT, zip, len, "Body.\nHead.\nFoot.\nFirst foot.\n");
    free(zip);
}

static void docx_stored_and_strict(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        archive(&len, 0, "word/document.xml",
                "<w:document xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\">"
                "<w:body><w:p><w:r><w:t>Strict.</w:t></w:r></w:p></w:body></w:document>",
                (const char *)NULL);
    expect_text(HMMM_DOCX, zip, len, "Strict.\n");
    free(zip);
}

static void docx_empty_body(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx("", &len);
    expect_text(HMMM_DOCX, zip, len, "");
    free(zip);
}

#define TP(x) "<text:p>" x "</text:p>"

static void odt_paragraphs_notes_and_annotations(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = odt(
        "<text:tracked-changes><text:changed-region text:id=\"c\"><text:deletion>" TP(
            "gone") "</text:deletion></text:changed-region></text:tracked-changes>"
                    "<text:h text:outline-level=\"1\">Our "
                    "<text:span>plan</text:span></text:h>" TP(
                        "We asked <text:span>service</text:span> users<text:note "
                        "text:note-class=\"footnote\">"
                        "<text:note-citation>1</text:note-citation><text:note-body>" TP(
                            "A footnote.") "</text:note-body></text:note> and<text:s "
                                           "text:c=\"3\"/>carers.")
                        TP("Our "
                           "<office:annotation><dc:creator>Ann</dc:creator><dc:date>2024</"
                           "dc:date>" TP(
                               "A comment.") "</office:annotation>partners.<text:note "
                                             "text:note-class=\"endnote\"><text:note-"
                                             "citation>i</text:note-citation>"
                                             "<text:note-body>" TP(
                                                 "An endnote.") "</text:note-body></"
                                                                "text:note>") "<table:"
                                                                              "table><"
                                                                              "table:table-"
                                                                              "row><table:"
                                                                              "table-"
                                                                              "cell>" TP(
                                                                                  "c"
                                                                                  "e"
                                                                                  "l"
                                                                                  "l"
                                                                                  " "
                                                                                  "o"
                                                                                  "n"
                                                                                  "e") "</"
                                                                                       "table:"
                                                                                       "table-cell>"
                                                                                       "<table:"
                                                                                       "table-"
                                                                                       "cell>" TP(
                                                                                           "cell "
                                                                                           "two") "</table:table-cell></table:table-row></table:table><text:p/>",
        &len);
    expect_text(HMMM_ODT, zip, len,
                "Our plan\nWe asked service users and   carers.\nOur partners.\ncell one\ncell "
                "two\n\nA footnote.\nAn endnote.\nA comment.\n");
    free(zip);
}

static void odt_white_space(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = odt("<text:p>\n   Ward  3<text:tab/>bed \t\n blocking<text:line-break/>"
                             "next<text:s/>one <text:s text:c=\"2\"/>two<text:s text:c=\"-4\"/>"
                             "</text:p><text:p>   </text:p>",
                             &len);
    expect_text(HMMM_ODT, zip, len, "Ward 3\tbed blocking next one   two \n\n");
    free(zip);
}

static void odt_spaces_are_capped(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = odt(TP("a<text:s text:c=\"99999999999\"/>b"), &len);
    hm_buf text = {0}, why = {0};
    assert_int_equal(hm_office_text(HMMM_ODT, (const char *)zip, len, &text, &why), 0);
    assert_int_equal(text.len, 1 + 1024 + 2);
    hm_buf_free(&text);
    hm_buf_free(&why);
    free(zip);
}

/* ---- what is refused ------------------------------------------------------ */

static void not_a_zip(void **state)
{
    (void)state;
    const char *s = "We asked service users.\n";
    expect_refused(HMMM_DOCX, (const unsigned char *)s, strlen(s), "not a zip archive");
    expect_refused(HMMM_ODT, (const unsigned char *)s, strlen(s), "every .odt file");
    expect_refused(HMMM_DOCX, (const unsigned char *)"", 0, "not a zip archive");
    const unsigned char ole[16] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    expect_refused(HMMM_DOCX, ole, sizeof ole, "password-protected");
}

static void cut_short(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx(P(R("We asked service users, and then we asked them again.")), &len);
    /* Every length short of the whole is refused, never read wrongly. */
    for (size_t n = 0; n < len; n++) {
        hm_buf text = {0}, why = {0};
        int rc = hm_office_text(HMMM_DOCX, (const char *)zip, n, &text, &why);
        if (rc != 1)
            fail_msg("cut to %zu of %zu bytes: rc %d", n, len, rc);
        hm_buf_free(&text);
        hm_buf_free(&why);
    }
    expect_refused(HMMM_DOCX, zip, len / 2, "cut short");
    free(zip);
}

static void missing_parts(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = archive(&len, 1, "[Content_Types].xml", "<Types/>", (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "no word/document.xml");
    expect_refused(HMMM_ODT, zip, len, "no content.xml");
    free(zip);
    zip = odt("", &len);
    expect_refused(HMMM_DOCX, zip, len, "looks like an OpenDocument file");
    free(zip);
    zip = docx("", &len);
    expect_refused(HMMM_ODT, zip, len, "looks like a Word document");
    free(zip);
}

static void bad_xml(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip = docx("<w:p><w:r><w:t>open</w:r></w:p>", &len);
    expect_refused(HMMM_DOCX, zip, len, "word/document.xml is not well-formed XML: mismatched tag");
    free(zip);
    zip = archive(&len, 1, "word/document.xml", "<w:document xmlns:w=\"" W_NS "\"><w:body>",
                  (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "not well-formed XML");
    free(zip);
    zip = archive(&len, 1, "word/document.xml", "<x:document/>", (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "unbound prefix");
    free(zip);
    /* An entity never declared. */
    zip = docx(P(R("&bomb;")), &len);
    expect_refused(HMMM_DOCX, zip, len, "undefined entity");
    free(zip);
    /* The XML of a footnote is read too. */
    zip = archive(&len, 1, "word/document.xml", DOCX_HEAD P(R("Body.")) DOCX_TAIL,
                  "word/footnotes.xml", "<w:footnotes>", (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "word/footnotes.xml is not well-formed XML");
    free(zip);
}

static void document_types_are_refused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        archive(&len, 1, "content.xml",
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">"
                "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;\">]>"
                "<d>&c;</d>",
                (const char *)NULL);
    expect_refused(HMMM_ODT, zip, len, "content.xml has a document type declaration");
    free(zip);
    zip = archive(&len, 0, "word/document.xml",
                  "<!DOCTYPE w:document SYSTEM \"http://example.org/x.dtd\"><w:document/>",
                  (const char *)NULL);
    expect_refused(HMMM_DOCX, zip, len, "document type declaration");
    free(zip);
}

/* Where the fields of an entry of the directory are: flags at 8, method at
 * 10, checksum at 16, packed size at 20, size at 24, local header at 42. */
static unsigned char *stored_docx(size_t *len, size_t *cd)
{
    unsigned char *zip =
        archive(len, 0, "word/document.xml", DOCX_HEAD P(R("Text.")) DOCX_TAIL, (const char *)NULL);
    /* The directory starts where the end record says. */
    const unsigned char *e = zip + *len - 22;
    *cd = (size_t)e[16] | (size_t)e[17] << 8 | (size_t)e[18] << 16 | (size_t)e[19] << 24;
    return zip;
}

static void damaged_archives(void **state)
{
    (void)state;
    size_t len, cd;
    unsigned char *zip = stored_docx(&len, &cd);
    zip[cd + 8] |= 1; /* encrypted */
    expect_refused(HMMM_DOCX, zip, len, "word/document.xml is encrypted");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 10] = 12; /* bzip2 */
    expect_refused(HMMM_DOCX, zip, len, "zip method 12");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 16] ^= 0xFF;
    expect_refused(HMMM_DOCX, zip, len, "checksum does not match");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 24] ^= 1; /* its size, unpacked */
    expect_refused(HMMM_DOCX, zip, len, "sizes of word/document.xml disagree");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 42] = 7; /* where its local header is */
    expect_refused(HMMM_DOCX, zip, len, "not where its directory says");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 20] = zip[cd + 24] = 0xFF; /* sizes past the end */
    zip[cd + 21] = zip[cd + 25] = 0xFF;
    expect_refused(HMMM_DOCX, zip, len, "runs past its end");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd] = 'Q'; /* not a directory entry */
    expect_refused(HMMM_DOCX, zip, len, "directory is damaged");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[len - 22 + 16] = 0xFE; /* the directory's offset */
    zip[len - 22 + 19] = 0x7F;
    expect_refused(HMMM_DOCX, zip, len, "lies outside it");
    free(zip);

    zip = stored_docx(&len, &cd);
    zip[cd + 27] = 0x7F; /* said to unpack to more than allowed */
    expect_refused(HMMM_DOCX, zip, len, "more than 256 MB");
    free(zip);
}

static void damaged_deflate(void **state)
{
    (void)state;
    size_t len;
    unsigned char *zip =
        docx(P(R("We asked service users, and we asked them again and again.")), &len);
    /* The packed data starts after the local header and the name. */
    size_t at = 30 + strlen("word/document.xml");
    zip[at] = 0xFF; /* a block type that does not exist */
    hm_buf text = {0}, why = {0};
    assert_int_equal(hm_office_text(HMMM_DOCX, (const char *)zip, len, &text, &why), 1);
    assert_non_null(strstr(why.data, "word/document.xml is damaged"));
    hm_buf_free(&text);
    hm_buf_free(&why);
    free(zip);
}

static void zip_bombs_are_refused(void **state)
{
    (void)state;
    /* 24 MB of one letter packs to about 24 KB: more than 200 times. */
    size_t n = (size_t)24 << 20;
    char *xml = malloc(n + 1);
    assert_non_null(xml);
    memset(xml, 'a', n);
    xml[n] = '\0';
    memcpy(xml, "<document>", 10);
    size_t len;
    unsigned char *zip = archive(&len, 1, "word/document.xml", xml, (const char *)NULL);
    free(xml);
    expect_refused(HMMM_DOCX, zip, len, "more than 200 times its packed size");
    free(zip);
}

/* A zip64 directory: the end record's fields all ones, and the real ones in
 * the zip64 end record its locator points at. */
static void zip64_directory(void **state)
{
    (void)state;
    size_t len;
    unsigned char *plain = docx(P(R("Sixty-four.")), &len);
    const unsigned char *e = plain + len - 22;
    uint64_t cd =
        (uint64_t)e[16] | (uint64_t)e[17] << 8 | (uint64_t)e[18] << 16 | (uint64_t)e[19] << 24;
    uint64_t cd_len =
        (uint64_t)e[12] | (uint64_t)e[13] << 8 | (uint64_t)e[14] << 16 | (uint64_t)e[15] << 24;
    zm_bytes z = {0};
    zm_put(&z, plain, len - 22);
    uint64_t at = z.len;
    zm_u32(&z, 0x06064b50);
    zm_u32(&z, 44);
    zm_u32(&z, 0); /* the high half of the record's size */
    zm_u16(&z, 45);
    zm_u16(&z, 45);
    zm_u32(&z, 0);
    zm_u32(&z, 0);
    for (int i = 0; i < 2; i++) {
        zm_u32(&z, 1);
        zm_u32(&z, 0);
    }
    zm_u32(&z, (uint32_t)cd_len);
    zm_u32(&z, 0);
    zm_u32(&z, (uint32_t)cd);
    zm_u32(&z, 0);
    zm_u32(&z, 0x07064b50);
    zm_u32(&z, 0);
    zm_u32(&z, (uint32_t)at);
    zm_u32(&z, 0);
    zm_u32(&z, 1);
    zm_u32(&z, 0x06054b50);
    zm_u32(&z, 0);
    zm_u16(&z, 0xFFFF);
    zm_u16(&z, 0xFFFF);
    zm_u32(&z, 0xFFFFFFFF);
    zm_u32(&z, 0xFFFFFFFF);
    zm_u16(&z, 0);
    expect_text(HMMM_DOCX, z.data, z.len, "Sixty-four.\n");
    free(z.data);
    free(plain);
}

/* ---- out of memory -------------------------------------------------------- */

/* Fails each allocation of reading ZIP in turn: each run must say it ran
 * out of memory (and hold no text) or give the whole text. */
static void each_allocation_fails(hmmm_doctype type, const unsigned char *zip, size_t len)
{
    hm_buf want = {0}, why = {0};
    assert_int_equal(hm_office_text(type, (const char *)zip, len, &want, &why), 0);
    for (size_t n = 1;; n++) {
        hm_buf text = {0}, reason = {0};
        hm_alloc_fail_at(n);
        int rc = hm_office_text(type, (const char *)zip, len, &text, &reason);
        size_t made = hm_alloc_fail_at(0);
        if (made < n) {
            assert_int_equal(rc, 0);
            assert_string_equal(text.data, want.data);
            hm_buf_free(&text);
            hm_buf_free(&reason);
            break;
        }
        if (rc != -1)
            fail_msg("allocation %zu failing: rc %d (%s)", n, rc, reason.data ? reason.data : "");
        hm_buf_free(&text);
        hm_buf_free(&reason);
    }
    hm_buf_free(&want);
    hm_buf_free(&why);
}

static void out_of_memory(void **state)
{
    (void)state;
    size_t len;
    char body[20000] = "";
    for (int i = 0; i < 40; i++)
        strcat(body, P(R("We asked ") B("service") R(" users") "<w:r><w:tab/></w:r>" R("again.")));
    size_t n = strlen(DOCX_HEAD) + strlen(body) + strlen(DOCX_TAIL) + 1;
    char *xml = malloc(n);
    assert_non_null(xml);
    snprintf(xml, n, "%s%s%s", DOCX_HEAD, body, DOCX_TAIL);
    unsigned char *zip = archive(&len, 1, "word/document.xml", xml, "word/footnotes.xml",
                                 NOTES("footnote", "A footnote."), (const char *)NULL);
    each_allocation_fails(HMMM_DOCX, zip, len);
    free(zip);
    zip = archive(&len, 1, "_rels/.rels", RELS(REL("officeDocument", "word/document.xml")),
                  "word/document.xml", xml, "word/_rels/document.xml.rels",
                  RELS(REL("footnotes", "footnotes.xml")), "word/footnotes.xml",
                  NOTES("footnote", "A footnote."), (const char *)NULL);
    free(xml);
    each_allocation_fails(HMMM_DOCX, zip, len);
    free(zip);
    zip = odt(TP("a<text:span>b</text:span><text:note><text:note-body>" TP(
                  "note") "</text:note-body></text:note>") TP("two<text:s text:c=\"40\"/>spaces"),
              &len);
    each_allocation_fails(HMMM_ODT, zip, len);
    free(zip);
}

/* ---- the check of a Word file --------------------------------------------- */

static hmmm_ruleset *rules(void)
{
    static const char text[] = "pack: t\nrules:\n"
                               "  - id: su\n    words: [\"service user*\"]\n    message: m\n";
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "t.yaml", text, strlen(text), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_diags_free(d);
    return rs;
}

static void check_finds_paragraphs_and_characters(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules();
    size_t len;
    /* A phrase split by formatting is found; none runs from one paragraph
     * to the next; no directive counts; columns count characters. */
    unsigned char *zip =
        docx(P(R("&lt;!-- hmmm off --&gt;")) P(R("Café and ") B("serv") R("ice users"))
                 P(R("service")) P(R("users")) P(R("\xE2\x80\x9Cservice users\xE2\x80\x9D "
                                                   "is what we say.")),
             &len);
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, (const char *)zip, len, HMMM_DOCX, &res), HMMM_OK);
    assert_null(hmmm_result_unreadable(res));
    size_t tlen;
    const char *text = hmmm_result_text(res, &tlen);
    assert_non_null(text);
    assert_string_equal(text, "<!-- hmmm off -->\nCafé and service users\nservice\nusers\n"
                              "\xE2\x80\x9Cservice users\xE2\x80\x9D is what we say.\n");
    assert_int_equal(tlen, strlen(text));
    assert_int_equal(hmmm_result_count(res), 2);
    const hmmm_finding *f = hmmm_result_get(res, 0);
    assert_int_equal(f->line, 2);
    assert_int_equal(f->column, 10);
    assert_int_equal(f->end_line, 2);
    assert_int_equal(f->end_column, 23);
    assert_memory_equal(text + f->offset, "service users", f->length);
    f = hmmm_result_get(res, 1);
    assert_int_equal(f->line, 5);
    assert_int_equal(f->column, 2);
    hmmm_result_free(res);

    /* A file that cannot be read: no findings, and why. */
    assert_int_equal(hmmm_check(rs, (const char *)zip, len / 2, HMMM_DOCX, &res), HMMM_OK);
    assert_non_null(hmmm_result_unreadable(res));
    assert_null(hmmm_result_text(res, &tlen));
    assert_int_equal(tlen, 0);
    assert_int_equal(hmmm_result_count(res), 0);
    hmmm_result_free(res);

    /* Other types give no text of their own. */
    assert_int_equal(hmmm_check(rs, "service users", 13, HMMM_TEXT, &res), HMMM_OK);
    assert_null(hmmm_result_text(res, NULL));
    assert_null(hmmm_result_unreadable(res));
    hmmm_result_free(res);

    /* Out of memory in any allocation of the check: HMMM_ENOMEM or the
     * whole result. */
    for (size_t n = 1;; n++) {
        hm_alloc_fail_at(n);
        hmmm_status st = hmmm_check(rs, (const char *)zip, len, HMMM_DOCX, &res);
        size_t made = hm_alloc_fail_at(0);
        if (made < n) {
            assert_int_equal(st, HMMM_OK);
            assert_int_equal(hmmm_result_count(res), 2);
            hmmm_result_free(res);
            break;
        }
        assert_int_equal(st, HMMM_ENOMEM);
        assert_null(res);
    }
    free(zip);
    hmmm_ruleset_free(rs);
}

static void doctype_for_path(void **state)
{
    (void)state;
    assert_int_equal(hmmm_doctype_for_path("a/draft.docx"), HMMM_DOCX);
    assert_int_equal(hmmm_doctype_for_path("DRAFT.DOCX"), HMMM_DOCX);
    assert_int_equal(hmmm_doctype_for_path("draft.odt"), HMMM_ODT);
    assert_int_equal(hmmm_doctype_for_path("draft.doc"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docx_paragraphs_are_lines),
        cmocka_unit_test(docx_tabs_breaks_and_hyphens),
        cmocka_unit_test(docx_tables_are_paragraphs),
        cmocka_unit_test(docx_field_codes_are_skipped),
        cmocka_unit_test(docx_deep_fields),
        cmocka_unit_test(docx_deletions_and_fallbacks_are_skipped),
        cmocka_unit_test(docx_hidden_text_is_skipped),
        cmocka_unit_test(docx_deep_paragraphs),
        cmocka_unit_test(docx_notes_and_comments_follow_the_body),
        cmocka_unit_test(docx_parts_named_by_relationships),
        cmocka_unit_test(headers_and_footers_come_last),
        cmocka_unit_test(docx_stored_and_strict),
        cmocka_unit_test(docx_empty_body),
        cmocka_unit_test(odt_paragraphs_notes_and_annotations),
        cmocka_unit_test(odt_white_space),
        cmocka_unit_test(odt_spaces_are_capped),
        cmocka_unit_test(not_a_zip),
        cmocka_unit_test(cut_short),
        cmocka_unit_test(missing_parts),
        cmocka_unit_test(bad_xml),
        cmocka_unit_test(document_types_are_refused),
        cmocka_unit_test(damaged_archives),
        cmocka_unit_test(damaged_deflate),
        cmocka_unit_test(zip_bombs_are_refused),
        cmocka_unit_test(zip64_directory),
        cmocka_unit_test(out_of_memory),
        cmocka_unit_test(check_finds_paragraphs_and_characters),
        cmocka_unit_test(doctype_for_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
