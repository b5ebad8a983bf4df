/* opts.c - the command line: a table of options, parsed with getopt_long. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    "Usage: hmmm [OPTIONS] [PATH...]     check files and folders (\"-\" reads stdin)\n"
    "       hmmm rules [--pack NAME]     list the rules in use\n"
    "       hmmm explain ID|TERM         explain a rule or a glossary entry\n"
    "       hmmm test [RULE-FILE...]     run the rules' own examples\n"
    "       hmmm lsp                     a language server for editors (stdio)\n"
    "\n"
    "Finds jargon and words that undermine co-production in writing about care\n"
    "and support, and says why each jars and what to write instead.\n"
    "\n"
    "Options:\n"
    "  -f, --format FORMAT     pretty, line, json, sarif (code scanning), github\n"
    "                          (Actions annotations), checkstyle (XML) or html\n"
    "                          (a web page to read, print or send);\n"
    "                          default: pretty on a terminal, line otherwise;\n"
    "                          with 'rules', markdown prints the rule reference\n"
    "      --rules PATH        also load a rule file or a folder of them (repeatable)\n"
    "      --no-builtin        do not load the built-in packs\n"
    "      --config FILE       use this config file\n"
    "      --no-config         do not look for .hmmm.yaml\n"
    "      --min-level LEVEL   do not report below suggestion, warning or error\n"
    "      --fail-on LEVEL     exit 1 when a finding at or above LEVEL is reported:\n"
    "                          suggestion, warning, error (default) or never\n"
    "      --stdin-filename NAME  the name (and type) of the document on stdin\n"
    "      --type TYPE         text, markdown, html, docx (Word) or odt (OpenDocument);\n"
    "                          default: from the file name\n"
    "      --color WHEN        auto, always or never (NO_COLOR is honoured)\n"
    "  -j, --jobs N            files checked in parallel (default: one per processor)\n"
    "      --fix               put the first suggestion in place of each finding\n"
    "                          whose rule says that is safe, rewriting the files;\n"
    "                          then report what is left\n"
    "      --diff              show what --fix would change, as a unified diff\n"
    "      --baseline FILE     do not report the findings FILE holds (matched by\n"
    "                          file, rule, words and the words around them)\n"
    "      --write-baseline FILE  write the findings to FILE, for --baseline\n"
    "      --mentions          also report terms quoted on their own ('the word\n"
    "                          \"empower\"'), which are otherwise taken as talked about\n"
    "      --no-prefilter      run every rule over the whole text (slower; the same\n"
    "                          findings, for checking the fast path)\n"
    "      --pack NAME         with 'rules': only this pack\n"
    "  -q, --quiet             print nothing; the exit status tells\n"
    "      --version           print the version\n"
    "  -h, --help              print this help\n"
    "\n"
    "Exit status: 0 nothing at or above --fail-on; 1 something was; 2 a usage,\n"
    "config or rule error, or an input that could not be read.\n";

enum {
    OPT_RULES = 256,
    OPT_NO_BUILTIN,
    OPT_CONFIG,
    OPT_NO_CONFIG,
    OPT_MIN_LEVEL,
    OPT_FAIL_ON,
    OPT_STDIN_FILENAME,
    OPT_TYPE,
    OPT_COLOR,
    OPT_PACK,
    OPT_MENTIONS,
    OPT_NO_PREFILTER,
    OPT_FIX,
    OPT_DIFF,
    OPT_BASELINE,
    OPT_WRITE_BASELINE,
    OPT_VERSION,
};

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"rules", required_argument, NULL, OPT_RULES},
    {"no-builtin", no_argument, NULL, OPT_NO_BUILTIN},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"min-level", required_argument, NULL, OPT_MIN_LEVEL},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_FILENAME},
    {"type", required_argument, NULL, OPT_TYPE},
    {"color", required_argument, NULL, OPT_COLOR},
    {"colour", required_argument, NULL, OPT_COLOR},
    {"jobs", required_argument, NULL, 'j'},
    {"pack", required_argument, NULL, OPT_PACK},
    {"mentions", no_argument, NULL, OPT_MENTIONS},
    {"no-prefilter", no_argument, NULL, OPT_NO_PREFILTER},
    {"fix", no_argument, NULL, OPT_FIX},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
    {"quiet", no_argument, NULL, 'q'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int bad(const char *fmt, ...) CLI_PRINTF(1, 2);

static int bad(const char *fmt, ...)
{
    va_list ap;
    fputs("hmmm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'hmmm --help' for more.\n", stderr);
    return EXIT_TROUBLE;
}

static int command_named(const char *name, command *cmd)
{
    static const struct {
        const char *name;
        command cmd;
    } cmds[] = {
        {"rules", CMD_RULES}, {"explain", CMD_EXPLAIN}, {"test", CMD_TEST}, {"lsp", CMD_LSP}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(name, cmds[i].name)) {
            *cmd = cmds[i].cmd;
            return 1;
        }
    return 0;
}

static int push(const char ***list, size_t *n, const char *s)
{
    const char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    l[(*n)++] = s;
    *list = l;
    return 0;
}

int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->format = -1;
    o->min_level = -1;
    o->fail_on = -1;
    o->type = -1;
    int first = 1;
    if (argc > 1 && command_named(argv[1], &o->cmd))
        first = 2;
    argv[first - 1] = argv[0];
    argc -= first - 1;
    argv += first - 1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":f:j:qh", long_options, NULL)) != -1) {
        hmmm_level lv;
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "pretty"))
                o->format = FMT_PRETTY;
            else if (!strcmp(optarg, "line"))
                o->format = FMT_LINE;
            else if (!strcmp(optarg, "json"))
                o->format = FMT_JSON;
            else if (!strcmp(optarg, "sarif"))
                o->format = FMT_SARIF;
            else if (!strcmp(optarg, "github"))
                o->format = FMT_GITHUB;
            else if (!strcmp(optarg, "checkstyle"))
                o->format = FMT_CHECKSTYLE;
            else if (!strcmp(optarg, "html"))
                o->format = FMT_HTML;
            else if (!strcmp(optarg, "markdown"))
                o->format = FMT_MARKDOWN;
            else
                return bad("unknown format '%s' (use pretty, line, json, sarif, github, "
                           "checkstyle or html)",
                           optarg);
            break;
        case OPT_RULES:
            if (push(&o->rules, &o->n_rules, optarg) < 0)
                return bad("%s", "out of memory");
            break;
        case OPT_NO_BUILTIN:
            o->no_builtin = 1;
            break;
        case OPT_CONFIG:
            o->config = optarg;
            break;
        case OPT_NO_CONFIG:
            o->no_config = 1;
            break;
        case OPT_MIN_LEVEL:
            if (hmmm_level_parse(optarg, &lv) < 0)
                return bad("unknown level '%s' (use suggestion, warning or error)", optarg);
            o->min_level = (int)lv;
            break;
        case OPT_FAIL_ON:
            if (!strcmp(optarg, "never"))
                o->fail_on = FAIL_NEVER;
            else if (hmmm_level_parse(optarg, &lv) == 0)
                o->fail_on = (int)lv;
            else
                return bad("unknown level '%s' (use suggestion, warning, error or never)", optarg);
            break;
        case OPT_STDIN_FILENAME:
            o->stdin_filename = optarg;
            break;
        case OPT_TYPE:
            if (!strcmp(optarg, "text"))
                o->type = HMMM_TEXT;
            else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
                o->type = HMMM_MARKDOWN;
            else if (!strcmp(optarg, "html"))
                o->type = HMMM_HTML;
            else if (!strcmp(optarg, "docx"))
                o->type = HMMM_DOCX;
            else if (!strcmp(optarg, "odt"))
                o->type = HMMM_ODT;
            else
                return bad("unknown type '%s' (use text, markdown, html, docx or odt)", optarg);
            break;
        case OPT_COLOR:
            if (!strcmp(optarg, "auto"))
                o->color = COLOR_AUTO;
            else if (!strcmp(optarg, "always"))
                o->color = COLOR_ALWAYS;
            else if (!strcmp(optarg, "never"))
                o->color = COLOR_NEVER;
            else
                return bad("unknown colour mode '%s' (use auto, always or never)", optarg);
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256)
                return bad("--jobs takes a number from 1 to 256, not '%s'", optarg);
            o->jobs = (int)n;
            break;
        }
        case OPT_PACK:
            o->pack = optarg;
            break;
        case OPT_MENTIONS:
            o->mentions = 1;
            break;
        case OPT_NO_PREFILTER:
            o->no_prefilter = 1;
            break;
        case OPT_FIX:
            o->fix = 1;
            break;
        case OPT_DIFF:
            o->diff = 1;
            break;
        case OPT_BASELINE:
            o->baseline = optarg;
            break;
        case OPT_WRITE_BASELINE:
            o->write_baseline = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case OPT_VERSION:
            printf("hmmm %s\n", hmmm_version());
            return -1;
        case 'h':
            fputs(usage_text, stdout);
            return -1;
        case ':':
            return bad("option '%s' needs a value", argv[optind - 1]);
        default:
            return bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++)
        if (push(&o->args, &o->n_args, argv[i]) < 0)
            return bad("%s", "out of memory");
    /* "hmmm --no-config test": a command after options, unless a file of
     * that name is meant. */
    if (o->cmd == CMD_CHECK && o->n_args && access(o->args[0], F_OK) != 0 &&
        command_named(o->args[0], &o->cmd)) {
        o->n_args--;
        memmove(o->args, o->args + 1, o->n_args * sizeof *o->args);
    }
    if (o->format == FMT_MARKDOWN && o->cmd != CMD_RULES)
        return bad("%s", "--format markdown goes with 'hmmm rules'");
    if ((o->format == FMT_SARIF || o->format == FMT_GITHUB || o->format == FMT_CHECKSTYLE ||
         o->format == FMT_HTML) &&
        o->cmd != CMD_CHECK)
        return bad("%s",
                   "--format sarif, github, checkstyle and html report a check, not a command");
    if ((o->fix || o->diff) && o->cmd != CMD_CHECK)
        return bad("%s", "--fix and --diff go with a check, not a command");
    if ((o->baseline || o->write_baseline) && o->cmd != CMD_CHECK)
        return bad("%s", "--baseline and --write-baseline go with a check, not a command");
    if (o->fix && o->diff)
        return bad("%s", "--fix writes the changes and --diff shows them: choose one");
    if (o->pack && o->cmd != CMD_RULES)
        return bad("%s", "--pack goes with 'hmmm rules'");
    if (o->cmd == CMD_EXPLAIN && o->n_args == 0)
        return bad("%s", "'hmmm explain' needs a rule id or a term");
    if (o->cmd == CMD_LSP && o->n_args)
        return bad("'hmmm lsp' takes no paths ('%s'): the editor sends the documents", o->args[0]);
    if (o->cmd == CMD_RULES && o->n_args)
        return bad("'hmmm rules' takes no paths ('%s')", o->args[0]);
    return 0;
}

void options_free(options *o)
{
    free(o->rules);
    free(o->args);
}
