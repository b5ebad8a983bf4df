/* fuzz_config.c - a .hmmm.yaml: read or refused with a diagnostic. */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hmmm_diags *d = hmmm_diags_new();
    FUZZ_CHECK(d);
    hmmm_config *cfg = hmmm_config_load_buffer(".hmmm.yaml", (const char *)data, size, d);
    if (!cfg)
        FUZZ_CHECK(hmmm_diags_count(d) > 0);
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
    return 0;
}
