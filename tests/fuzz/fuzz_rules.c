/* fuzz_rules.c - a rule file: loading either succeeds or gives diagnostics
 * with positions inside the file, and rules that load check a text. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    FUZZ_CHECK(rs && d);
    hmmm_status st = hmmm_ruleset_load_buffer(rs, "fuzz.yaml", (const char *)data, size, d);
    if (st == HMMM_OK)
        st = hmmm_ruleset_compile(rs, d);
    if (st != HMMM_OK) {
        FUZZ_CHECK(hmmm_diags_count(d) > 0);
    } else {
        static const char text[] = "We will empower service users and engage stakeholders; "
                                   "a 12-week consultation. \xE2\x80\x9CI\xE2\x80\x9D statements";
        hmmm_result *res = NULL;
        hmmm_status cs = hmmm_check(rs, text, sizeof text - 1, HMMM_TEXT, &res);
        FUZZ_CHECK(cs == HMMM_OK || cs == HMMM_ELIMIT);
        for (size_t i = 0; i < hmmm_result_count(res); i++) {
            const hmmm_finding *f = hmmm_result_get(res, i);
            FUZZ_CHECK(f->offset + f->length <= sizeof text - 1);
        }
        hmmm_result_free(res);
    }
    for (size_t i = 0; i < hmmm_diags_count(d); i++)
        FUZZ_CHECK(hmmm_diags_get(d, i)->message != NULL);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
    return 0;
}
