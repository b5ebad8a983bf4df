/* fuzz_office.c - Word and OpenDocument files, checked with every built-in
 * pack: the input as a .docx and as an .odt file (the zip archive), and as
 * the XML of a Word document's body and of an OpenDocument file's content,
 * each put in an archive of its own. A file is read or refused with a
 * reason; a read one gives a text of whole lines, and findings that lie
 * inside it, in order. */
#include <string.h>

#include "../office/zipmake.h"
#include "fuzz.h"
#include "internal.h"

static void check(const char *data, size_t size, hmmm_doctype type)
{
    hmmm_result *res = NULL;
    hmmm_status st = hmmm_check(fuzz_builtin_rules(), data, size, type, &res);
    FUZZ_CHECK(st == HMMM_OK || st == HMMM_ELIMIT);
    size_t len;
    const char *text = hmmm_result_text(res, &len);
    if (hmmm_result_unreadable(res)) {
        FUZZ_CHECK(!text && hmmm_result_count(res) == 0);
        FUZZ_CHECK(!strncmp(hmmm_result_unreadable(res), "not a readable ", 15));
    } else {
        FUZZ_CHECK(text && strlen(text) == len);
        FUZZ_CHECK(len == 0 || text[len - 1] == '\n');
        FUZZ_CHECK(!memchr(text, '\r', len));
        size_t lines = 0;
        for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
            lines++;
        size_t last = 0;
        for (size_t i = 0; i < hmmm_result_count(res); i++) {
            const hmmm_finding *f = hmmm_result_get(res, i);
            FUZZ_CHECK(f->offset + f->length <= len);
            FUZZ_CHECK(f->offset >= last);
            FUZZ_CHECK(f->line >= 1 && f->line <= lines && f->column >= 1);
            /* A finding stays within its paragraph. */
            FUZZ_CHECK(f->end_line == f->line);
            FUZZ_CHECK(!memchr(text + f->offset, '\n', f->length));
            last = f->offset;
        }
    }
    hmmm_result_free(res);
}

/* The input as part NAME of an archive of its own, checked as TYPE. */
static void check_part(const uint8_t *data, size_t size, const char *name, hmmm_doctype type)
{
    zipmake z = {0};
    zipmake_add(&z, name, data, size, 0);
    size_t len;
    unsigned char *zip = zipmake_finish(&z, &len);
    check((const char *)zip, len, type);
    free(zip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size, HMMM_DOCX);
    check((const char *)data, size, HMMM_ODT);
    check_part(data, size, "word/document.xml", HMMM_DOCX);
    check_part(data, size, "content.xml", HMMM_ODT);
    return 0;
}
