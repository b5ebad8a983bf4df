# bash completion for hmmm
_hmmm()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi
    local opts="--format --rules --no-builtin --config --no-config --min-level
        --fail-on --stdin-filename --type --color --jobs --fix --diff --baseline
        --write-baseline --mentions --no-prefilter --pack --quiet --version --help"
    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W "pretty line json sarif github checkstyle html markdown" -- "$cur"))
            return ;;
        --min-level)
            COMPREPLY=($(compgen -W "suggestion warning error" -- "$cur"))
            return ;;
        --fail-on)
            COMPREPLY=($(compgen -W "suggestion warning error never" -- "$cur"))
            return ;;
        --type)
            COMPREPLY=($(compgen -W "text markdown html docx odt" -- "$cur"))
            return ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return ;;
        --pack)
            COMPREPLY=($(compgen -W "$(hmmm rules 2>/dev/null | awk 'NR > 1 { print $3 }' | sort -u)" -- "$cur"))
            return ;;
        -j | --jobs)
            return ;;
        --rules | --config | --baseline | --write-baseline | --stdin-filename)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    local i command=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            rules | explain | test | lsp) command=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $command && $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "rules explain test lsp" -- "$cur") $(compgen -f -- "$cur"))
    elif [[ $command == explain ]]; then
        COMPREPLY=($(compgen -W "$(hmmm rules 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _hmmm -o filenames hmmm
