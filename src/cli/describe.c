/* describe.c - the rules for people: the table of hmmm rules, the rule
 * reference (hmmm rules --format markdown, which is docs/rules.md), and
 * hmmm explain for one rule or glossary entry. Each comes from the rule files
 * alone, so the documentation cannot drift from the rules. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Writes an example without its [[ ]] marks; in Markdown the marked words
 * are shown in bold. */
static void put_example(FILE *out, const char *ex, int markdown)
{
    for (const char *p = ex; *p; p++) {
        if ((p[0] == '[' && p[1] == '[') || (p[0] == ']' && p[1] == ']')) {
            if (markdown)
                fputs("**", out);
            p++;
            continue;
        }
        fputc(*p == '\n' ? ' ' : *p, out);
    }
}

static void put_list(FILE *out, const char *const *items, size_t n, const char *quote)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", quote, items[i], quote);
}

/* The conditions of R in words: "not followed by "services" or "post"". */
static void put_conditions(FILE *out, const hmmm_rule *r, const char *quote)
{
    static const char *const say[6] = {"followed by", "not followed by", "after", "not after",
                                       "near",        "not near"};
    int first = 1;
    for (int k = 0; k < 6; k++) {
        if (!r->n_context[k])
            continue;
        fprintf(out, "%s%s ", first ? "" : "; ", say[k]);
        put_list(out, r->context[k], r->n_context[k], quote);
        first = 0;
    }
    if (r->n_context[0] + r->n_context[1] + r->n_context[2] + r->n_context[3])
        fprintf(out, " (up to %u word%s between)", r->gap, r->gap == 1 ? "" : "s");
    if (r->n_context[4] + r->n_context[5])
        fprintf(out, " (within %u words)", r->window);
}

/* ---- hmmm rules -------------------------------------------------------- */

/* A heading's anchor as GitHub makes it: lower case, without punctuation. */
static void put_anchor(FILE *out, const char *heading)
{
    for (const char *p = heading; *p; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            fputc(c + 32, out);
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            fputc(c, out);
        else if (c == ' ')
            fputc('-', out);
    }
}

static void reference(const hmmm_ruleset *rs, const char *only_pack)
{
    FILE *out = stdout;
    fputs("# Rule reference\n\n"
          "Generated from the rule files by `hmmm rules --format markdown`; do not edit.\n"
          "`hmmm explain ID` shows the same for one rule.\n\n",
          out);
    for (size_t p = 0; p < hmmm_ruleset_pack_count(rs); p++) {
        const hmmm_pack *pk = hmmm_ruleset_pack(rs, p);
        if (only_pack && strcmp(pk->name, only_pack) != 0)
            continue;
        fprintf(out, "- [%s](#", pk->name);
        put_anchor(out, pk->name);
        fprintf(out, ")%s%s\n", pk->title ? ": " : "", pk->title ? pk->title : "");
    }
    for (size_t p = 0; p < hmmm_ruleset_pack_count(rs); p++) {
        const hmmm_pack *pk = hmmm_ruleset_pack(rs, p);
        if (only_pack && strcmp(pk->name, only_pack) != 0)
            continue;
        fprintf(out, "\n## %s\n\n", pk->name);
        if (pk->title)
            fprintf(out, "**%s.** ", pk->title);
        if (pk->description)
            fputs(pk->description, out);
        fputs("\n\n| rule | level | write instead |\n|---|---|---|\n", out);
        for (size_t i = 0; i < hmmm_ruleset_rule_count(rs); i++) {
            const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
            if (strcmp(r->pack, pk->name) != 0)
                continue;
            fprintf(out, "| [%s](#", r->id);
            put_anchor(out, r->id);
            fprintf(out, ") | %s | %s |\n", hmmm_level_name(r->level),
                    r->n_suggest ? r->suggest[0] : "");
        }
        for (size_t i = 0; i < hmmm_ruleset_rule_count(rs); i++) {
            const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
            if (strcmp(r->pack, pk->name) != 0)
                continue;
            fprintf(out, "\n### %s\n\n", r->id);
            fprintf(out, "Level: %s. Message: %s\n\n", hmmm_level_name(r->level), r->message);
            if (r->n_words) {
                fputs("Flags: ", out);
                put_list(out, r->words, r->n_words, "\"");
                fputs(r->pattern ? "" : ".\n", out);
            }
            if (r->pattern)
                fprintf(out, "%sthe pattern `%s`.\n", r->n_words ? "; " : "Flags: ", r->pattern);
            if (r->has_context) {
                fputs("\nOnly when ", out);
                put_conditions(out, r, "\"");
                fputs(".\n", out);
            }
            if (r->n_exceptions) {
                fputs("\nNot inside: ", out);
                put_list(out, r->exceptions, r->n_exceptions, "\"");
                fputs(".\n", out);
            }
            if (r->n_suggest) {
                fputs("\nWrite instead: ", out);
                put_list(out, r->suggest, r->n_suggest, "\"");
                fputs(".\n", out);
            }
            if (r->fix && r->n_suggest)
                fprintf(out, "\n`hmmm --fix` puts \"%s\" in its place.\n", r->suggest[0]);
            if (r->why)
                fprintf(out, "\n%s\n", r->why);
            for (size_t k = 0; k < r->n_glossary; k++)
                if (r->glossary[k])
                    fprintf(out, "\n- Glossary, *%s*: %s%s%s%s\n", r->glossary[k]->term,
                            r->glossary[k]->definition, r->glossary[k]->source ? " (" : "",
                            r->glossary[k]->source ? r->glossary[k]->source : "",
                            r->glossary[k]->source ? ")" : "");
            if (r->n_flag || r->n_pass)
                fputs("\nExamples:\n\n", out);
            for (size_t k = 0; k < r->n_flag; k++) {
                fputs("- flagged: ", out);
                put_example(out, r->flag[k], 1);
                fputc('\n', out);
            }
            for (size_t k = 0; k < r->n_pass; k++) {
                fputs("- not flagged: ", out);
                put_example(out, r->pass[k], 1);
                fputc('\n', out);
            }
            if (r->source)
                fprintf(out, "\nSource: %s%s%s%s\n", r->source, r->link ? " (" : "",
                        r->link ? r->link : "", r->link ? ")" : "");
        }
    }
}

int list_rules(const options *o, const hmmm_ruleset *rs)
{
    int found_pack = !o->pack;
    for (size_t i = 0; i < hmmm_ruleset_pack_count(rs); i++)
        if (o->pack && !strcmp(hmmm_ruleset_pack(rs, i)->name, o->pack))
            found_pack = 1;
    if (!found_pack) {
        errorf("no pack named '%s' is loaded", o->pack);
        return EXIT_TROUBLE;
    }
    if (o->format == FMT_MARKDOWN) {
        reference(rs, o->pack);
        return EXIT_CLEAN;
    }
    size_t n = hmmm_ruleset_rule_count(rs), width = 4;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(hmmm_ruleset_rule(rs, i)->id);
        width = w > width ? w : width;
    }
    printf("%-*s  %-10s  %-14s  %s\n", (int)width, "RULE", "LEVEL", "PACK", "FIRST SUGGESTION");
    for (size_t i = 0; i < n; i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
        if (o->pack && strcmp(r->pack, o->pack) != 0)
            continue;
        printf("%-*s  %-10s  %-14s  %s\n", (int)width, r->id, hmmm_level_name(r->level), r->pack,
               r->n_suggest ? r->suggest[0] : "-");
    }
    return EXIT_CLEAN;
}

/* ---- hmmm explain ------------------------------------------------------ */

static void explain_gloss(const hmmm_ruleset *rs, const hmmm_gloss *g)
{
    printf("%s (glossary: %s)\n\n", g->term, g->key);
    print_wrapped(stdout, "  ", g->definition, 78);
    putchar('\n');
    if (g->n_aliases) {
        printf("Also written: ");
        put_list(stdout, g->aliases, g->n_aliases, "");
        putchar('\n');
    }
    if (g->n_see_also) {
        printf("See also:     ");
        for (size_t i = 0; i < g->n_see_also; i++) {
            const hmmm_gloss *o = hmmm_ruleset_find_gloss(rs, g->see_also[i]);
            printf("%s%s", i ? ", " : "", o ? o->term : g->see_also[i]);
        }
        putchar('\n');
    }
    if (g->source)
        printf("Source:       %s\n", g->source);
    size_t used = 0;
    for (size_t i = 0; i < hmmm_ruleset_rule_count(rs); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
        for (size_t k = 0; k < r->n_glossary; k++)
            if (r->glossary[k] == g) {
                printf("%s%s", used++ ? ", " : "Rules:        ", r->id);
                break;
            }
    }
    if (used)
        putchar('\n');
}

static void explain_rule(const hmmm_rule *r)
{
    printf("%s (%s)\n\n", r->id, hmmm_level_name(r->level));
    print_wrapped(stdout, "  ", r->message, 78);
    putchar('\n');
    if (r->n_words) {
        printf("Flags:        ");
        put_list(stdout, r->words, r->n_words, "\"");
        putchar('\n');
    }
    if (r->pattern)
        printf("Pattern:      %s\n", r->pattern);
    if (r->has_context) {
        printf("Only when:    ");
        put_conditions(stdout, r, "\"");
        putchar('\n');
    }
    if (r->n_exceptions) {
        printf("Not inside:   ");
        put_list(stdout, r->exceptions, r->n_exceptions, "\"");
        putchar('\n');
    }
    if (r->n_suggest) {
        printf("Try:          ");
        put_list(stdout, r->suggest, r->n_suggest, "\"");
        putchar('\n');
    }
    if (r->fix && r->n_suggest)
        printf("Fix:          hmmm --fix puts \"%s\" in its place\n", r->suggest[0]);
    if (r->why) {
        printf("Why:\n");
        print_wrapped(stdout, "  ", r->why, 78);
    }
    for (size_t i = 0; i < r->n_glossary; i++) {
        const hmmm_gloss *g = r->glossary[i];
        if (!g)
            continue;
        printf("Glossary:     %s\n", g->term);
        print_wrapped(stdout, "  ", g->definition, 78);
        if (g->source)
            printf("  (%s)\n", g->source);
    }
    if (r->source)
        printf("Source:       %s\n", r->source);
    if (r->link)
        printf("Link:         %s\n", r->link);
    if (r->n_flag || r->n_pass)
        printf("Examples:\n");
    for (size_t i = 0; i < r->n_flag; i++) {
        printf("  flagged:     ");
        put_example(stdout, r->flag[i], 0);
        putchar('\n');
    }
    for (size_t i = 0; i < r->n_pass; i++) {
        printf("  not flagged: ");
        put_example(stdout, r->pass[i], 0);
        putchar('\n');
    }
    printf("Defined at:   %s:%u:%u\n", r->file, r->line, r->column);
}

int explain(const options *o, const hmmm_ruleset *rs)
{
    /* The arguments form one term: "hmmm explain service users" works. */
    size_t len = 0;
    for (size_t i = 0; i < o->n_args; i++)
        len += strlen(o->args[i]) + 1;
    char *term = malloc(len + 1);
    if (!term) {
        errorf("out of memory");
        return EXIT_TROUBLE;
    }
    term[0] = '\0';
    for (size_t i = 0; i < o->n_args; i++) {
        if (i)
            strcat(term, " ");
        strcat(term, o->args[i]);
    }
    int rc = EXIT_CLEAN;
    const hmmm_rule *r = hmmm_ruleset_find_rule(rs, term);
    const hmmm_gloss *g = hmmm_ruleset_find_gloss(rs, term);
    if (r) {
        explain_rule(r);
    } else if (g) {
        explain_gloss(rs, g);
    } else {
        /* Not a name: explain whichever rules the words set off. */
        hmmm_result *res = NULL;
        size_t shown = 0;
        hmmm_status st =
            hmmm_check_with(rs, term, strlen(term), HMMM_TEXT, HMMM_CHECK_MENTIONS, &res);
        if (st == HMMM_ENOMEM) {
            errorf("out of memory");
            free(term);
            return EXIT_TROUBLE;
        }
        for (size_t i = 0; res && i < hmmm_result_error_count(res); i++) {
            errorf("%s", hmmm_result_error(res, i));
            rc = EXIT_TROUBLE;
        }
        if (res) {
            const hmmm_rule *last = NULL;
            for (size_t i = 0; i < hmmm_result_count(res); i++) {
                const hmmm_rule *hit = hmmm_result_get(res, i)->rule;
                if (hit == last)
                    continue;
                if (shown++)
                    putchar('\n');
                explain_rule(hit);
                last = hit;
            }
        }
        hmmm_result_free(res);
        if (!shown) {
            errorf("no rule, glossary entry or flagged phrase matches '%s'", term);
            fputs("Try 'hmmm rules' for the list of rules.\n", stderr);
            rc = EXIT_TROUBLE;
        }
    }
    free(term);
    return rc;
}
