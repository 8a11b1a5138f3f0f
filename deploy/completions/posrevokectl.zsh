#compdef posrevokectl

__posrevokectl_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__posrevokectl_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __posrevokectl_complete "${completions[@]:0:-1}"
    fi
}

__posrevokectl_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_posrevokectl() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'status:Show what the daemon is doing.'
            'terminals:List terminals or show one, or write an inventory from the TMS.'
            'alerts:List, acknowledge or silence alerts; list and lift silences.'
            'plans:Create and steer cancellation plans.'
            'jobs:Inspect and steer jobs.'
            'feedback:Record, import and report what customers and cashiers say.'
            'authorizations:The users'\'' credit-pay authorizations at each store, which confirm-unbind ends on the real platforms.'
            'platform:Check the payment platforms'\'' keys and clock.'
            'bills:The payment platform'\''s daily trade bills, read for Pay Score payments after cutover.'
            'reload:Reload the config file; exits 1 and prints every error when it is invalid.'
            'backups:Check backups.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        status|terminals|alerts|plans|jobs|feedback|authorizations|platform|bills|reload|backups|help)
            "_posrevokectl_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_terminals() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List every terminal with its cancellation state.'
            'show:Show one terminal.'
            'import:Write a terminals file from the TMS'\''s terminal list (active terminals).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|import)
            "_posrevokectl_terminals_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_terminals_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_terminals_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_terminals_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--from[The TMS to read (paxstore).]:from:'
        '--merchant[Only this merchant'\''s terminals.]:merchant:'
        '--reseller[Only this reseller'\''s terminals.]:reseller:'
        '--stores[A YAML file mapping merchant names to store ids (`Merchant name\: store-id`).]:stores:'
        '--provider[The credit providers each terminal offers (default\: all).]:provider:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_alerts() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List firing and pending alerts.'
            'ack:Acknowledge a firing alert: no repeats until it resolves.'
            'silence:Write no journal entries for matching alerts for a while (state is still tracked).'
            'silences:List the silences in force.'
            'unsilence:Lift a silence at once: matching alerts are written to the journal again from now on.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|ack|silence|silences|unsilence)
            "_posrevokectl_alerts_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_alerts_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--all[Include resolved alerts.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_alerts_ack() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':key:'
        '--comment[Why.]:comment:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_alerts_silence() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':matcher:'
        '--for[How long, e.g. 30m or 2h.]:for:'
        '--comment[Why.]:comment:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_alerts_silences() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_alerts_unsilence() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create a plan from a YAML file (the same keys as one entry of `plans:` in the config).'
            'list:List plans.'
            'show:Show a plan and its waves.'
            'pause:Pause a plan: no job starts a new step.'
            'resume:Resume a paused plan.'
            'cancel:Cancel a plan and every unfinished job in it.'
            'watch:Show live per-wave progress until the plan finishes (Ctrl-C to stop).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|list|show|pause|resume|cancel|watch)
            "_posrevokectl_plans_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_plans_create() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':file:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_pause() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_resume() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '--skip-gate[Let the next wave start even if its health gate would fail.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_cancel() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_plans_watch() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '--interval[Seconds between refreshes.]:interval:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List jobs.'
            'show:Show one job.'
            'confirm:Confirm a gated step (vendor confirmation, manual platform, hardware removed).'
            'retry:Retry a failed job from its failed step.'
            'pause:Pause a job: it starts no new step until resumed.'
            'resume:Resume a paused job.'
            'cancel:Cancel a job.'
            'run-now:Run a job'\''s current step now (its window still applies).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|confirm|retry|pause|resume|cancel|run-now)
            "_posrevokectl_jobs_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_jobs_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--plan[Only this plan.]:plan:'
        '--status[Only this status (queued, ready, running, waiting, gated, paused, failed, cancelled, completed).]:status:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_confirm() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_retry() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_pause() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_resume() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_cancel() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_jobs_run-now() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_feedback() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Record one piece of feedback heard in person or by phone.'
            'import:Import a survey export (CSV, UTF-8, header row). See docs/feedback.md for the columns.'
            'report:Counts by category, ratings before and after cutover, the worst stores, recent comments.'
            'digest:Write the daily feedback digest to the journal now (again, if it was already sent).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|import|report|digest)
            "_posrevokectl_feedback_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_feedback_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--terminal[The terminal it concerns (its store is implied).]:terminal:'
        '--store[The store it concerns, when no terminal is known.]:store:'
        '--rating[Rating from 1 (bad) to 5 (good).]:rating:'
        '--category[Category from the configured taxonomy (default\: other).]:category:'
        '--comment[What was said, as said. Kept in the state store, never written to the journal.]:comment:'
        '--source[customer or cashier (default\: customer).]:source:'
        '--provider[The credit provider it is about, if any.]:provider:'
        '--time[When it was said (default\: now), e.g. '\''2026-11-20 14\:30'\'' in the digest time zone.]:time:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_feedback_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':file:'
        '--skip-bad[Import the good rows and report the bad ones, instead of importing nothing.]'
        '*--column[FIELD=HEADER\: read FIELD from the column titled HEADER (repeatable).]:column:'
        '--time-zone[Time zone of times written without an offset (default\: UTC).]:time-zone:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_feedback_report() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--plan[Only the terminals and stores of this plan.]:plan:'
        '--store[Only this store.]:store:'
        '--since[Only feedback since a date (2026-11-01) or for a duration back (7d).]:since:'
        '--csv[Print the summary as CSV (sections total, category, store).]'
        '--html[Also write a self-contained HTML page with charts to this file.]:html:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_feedback_digest() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--day[The day to summarise, YYYY-MM-DD (default\: yesterday).]:day:'
        '--plan[Only this plan (default\: every unfinished plan).]:plan:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_authorizations() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'import:Import authorizations from a CSV export (UTF-8, header row). See docs/platform-api.md.'
            'list:How many authorizations each store has.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        import|list)
            "_posrevokectl_authorizations_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_authorizations_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        ':file:'
        '--skip-bad[Import the good rows and report the bad ones, instead of importing nothing.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_authorizations_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_platform() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'check:Sign one harmless query per provider and verify the answer.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        check)
            "_posrevokectl_platform_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_platform_check() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_bills() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'fetch:Download, check and read one day'\''s WeChat Pay trade bill now, and print what it found.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        fetch)
            "_posrevokectl_bills_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_bills_fetch() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '--date[The day, YYYY-MM-DD in the merchant'\''s time zone (default\: yesterday).]:date:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_reload() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_backups() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'verify:Verify every transaction backup against its SHA-256 manifest.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        verify)
            "_posrevokectl_backups_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_posrevokectl_backups_verify() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of a table.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_posrevokectl_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _posrevokectl ]]; then
    _posrevokectl "${@}"
else
    compdef _posrevokectl posrevokectl
fi
