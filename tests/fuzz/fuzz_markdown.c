/* fuzz_markdown.c - Markdown, HTML and plain text to prose: never crashes,
 * and every offset in the prose maps back inside the document (in order,
 * for Markdown and text; an HTML parser may move text, as browsers do). */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    for (int kind = 0; kind < 3; kind++) {
        hm_plain p;
        int r = kind == 1   ? hm_markup_markdown(&p, text, size, 0)
                : kind == 2 ? hm_markup_html(&p, text, size)
                            : hm_markup_text(&p, text, size);
        if (r < 0)
            continue;
        size_t last = 0;
        for (size_t i = 0; i <= p.len; i++) {
            size_t at = hm_plain_to_src(&p, i, 0);
            FUZZ_CHECK(at <= size);
            FUZZ_CHECK(kind == 2 || at >= last);
            last = at;
            size_t end = hm_plain_to_src(&p, i, 1);
            FUZZ_CHECK(end <= size);
        }
        hm_plain_free(&p);
    }
    return 0;
}
