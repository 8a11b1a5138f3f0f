function __posrevokectl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __posrevokectl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __posrevokectl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __posrevokectl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __posrevokectl_parse_tokens -S
    set -l unparsed_tokens (__posrevokectl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'posrevokectl'
        __posrevokectl_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'terminals'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            case 'show'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'import'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'from=' 'merchant=' 'reseller=' 'stores=' 'provider=+' 'h/help'
            end
        case 'alerts'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'all' 'h/help'
            case 'ack'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'comment=' 'h/help'
            case 'silence'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'for=' 'comment=' 'h/help'
            case 'silences'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            case 'unsilence'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            end
        case 'plans'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'list'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            case 'show'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'pause'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'resume'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'skip-gate' 'h/help'
            case 'cancel'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'watch'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'interval=' 'h/help'
            end
        case 'jobs'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'plan=' 'status=' 'h/help'
            case 'show'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'confirm'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'retry'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'pause'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'resume'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'cancel'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'run-now'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'h/help'
            end
        case 'feedback'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'add'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'terminal=' 'store=' 'rating=' 'category=' 'comment=' 'source=' 'provider=' 'time=' 'h/help'
            case 'import'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'skip-bad' 'column=+' 'time-zone=' 'h/help'
            case 'report'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'plan=' 'store=' 'since=' 'csv' 'html=' 'h/help'
            case 'digest'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'day=' 'plan=' 'h/help'
            end
        case 'authorizations'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'import'
                __posrevokectl_parse_subcommand 1 'socket=' 'json' 'skip-bad' 'h/help'
            case 'list'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            end
        case 'platform'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            end
        case 'bills'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'fetch'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'date=' 'h/help'
            end
        case 'reload'
            __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'backups'
            __posrevokectl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'verify'
                __posrevokectl_parse_subcommand 0 'socket=' 'json' 'h/help'
            end
        case 'help'
            __posrevokectl_parse_subcommand -r 1 
        end
    end
end

function __posrevokectl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __posrevokectl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __posrevokectl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __posrevokectl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__posrevokectl_tokens -p)
    if test -z "$(__posrevokectl_tokens -t)"
        set -l index (count (__posrevokectl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'posrevokectl' -f
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'status' -d 'Show what the daemon is doing.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'terminals' -d 'List terminals or show one, or write an inventory from the TMS.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'alerts' -d 'List, acknowledge or silence alerts; list and lift silences.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'plans' -d 'Create and steer cancellation plans.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'jobs' -d 'Inspect and steer jobs.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'feedback' -d 'Record, import and report what customers and cashiers say.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'authorizations' -d 'The users\' credit-pay authorizations at each store, which confirm-unbind ends on the real platforms.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'platform' -d 'Check the payment platforms\' keys and clock.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'bills' -d 'The payment platform\'s daily trade bills, read for Pay Score payments after cutover.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'reload' -d 'Reload the config file; exits 1 and prints every error when it is invalid.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'backups' -d 'Check backups.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl status" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl status" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl terminals" -eq 1' -fa 'list' -d 'List every terminal with its cancellation state.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl terminals" -eq 1' -fa 'show' -d 'Show one terminal.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl terminals" -eq 1' -fa 'import' -d 'Write a terminals file from the TMS\'s terminal list (active terminals).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals list" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals show" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals show" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" from' -l 'from' -d 'The TMS to read (paxstore).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" merchant' -l 'merchant' -d 'Only this merchant\'s terminals.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" reseller' -l 'reseller' -d 'Only this reseller\'s terminals.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" stores' -l 'stores' -d 'A YAML file mapping merchant names to store ids (`Merchant name: store-id`).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import"' -l 'provider' -d 'The credit providers each terminal offers (default: all).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl terminals import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl alerts" -eq 1' -fa 'list' -d 'List firing and pending alerts.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl alerts" -eq 1' -fa 'ack' -d 'Acknowledge a firing alert: no repeats until it resolves.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl alerts" -eq 1' -fa 'silence' -d 'Write no journal entries for matching alerts for a while (state is still tracked).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl alerts" -eq 1' -fa 'silences' -d 'List the silences in force.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl alerts" -eq 1' -fa 'unsilence' -d 'Lift a silence at once: matching alerts are written to the journal again from now on.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts list" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts list" all' -l 'all' -d 'Include resolved alerts.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts ack" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts ack" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts ack" comment' -l 'comment' -d 'Why.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts ack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silence" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silence" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silence" for' -l 'for' -d 'How long, e.g. 30m or 2h.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silence" comment' -l 'comment' -d 'Why.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silences" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silences" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts silences" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts unsilence" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts unsilence" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl alerts unsilence" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'create' -d 'Create a plan from a YAML file (the same keys as one entry of `plans:` in the config).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'list' -d 'List plans.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'show' -d 'Show a plan and its waves.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'pause' -d 'Pause a plan: no job starts a new step.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'resume' -d 'Resume a paused plan.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'cancel' -d 'Cancel a plan and every unfinished job in it.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl plans" -eq 1' -fa 'watch' -d 'Show live per-wave progress until the plan finishes (Ctrl-C to stop).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans create" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans create" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans list" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans show" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans show" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans pause" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans pause" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans resume" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans resume" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans resume" skip-gate' -l 'skip-gate' -d 'Let the next wave start even if its health gate would fail.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans cancel" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans cancel" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans watch" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans watch" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans watch" interval' -l 'interval' -d 'Seconds between refreshes.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl plans watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'list' -d 'List jobs.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'show' -d 'Show one job.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'confirm' -d 'Confirm a gated step (vendor confirmation, manual platform, hardware removed).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'retry' -d 'Retry a failed job from its failed step.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'pause' -d 'Pause a job: it starts no new step until resumed.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'resume' -d 'Resume a paused job.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'cancel' -d 'Cancel a job.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl jobs" -eq 1' -fa 'run-now' -d 'Run a job\'s current step now (its window still applies).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs list" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs list" plan' -l 'plan' -d 'Only this plan.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs list" status' -l 'status' -d 'Only this status (queued, ready, running, waiting, gated, paused, failed, cancelled, completed).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs show" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs show" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs confirm" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs confirm" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs confirm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs retry" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs retry" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs retry" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs pause" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs pause" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs pause" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs resume" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs resume" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs resume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs cancel" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs cancel" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs cancel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs run-now" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs run-now" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl jobs run-now" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl feedback" -eq 1' -fa 'add' -d 'Record one piece of feedback heard in person or by phone.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl feedback" -eq 1' -fa 'import' -d 'Import a survey export (CSV, UTF-8, header row). See docs/feedback.md for the columns.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl feedback" -eq 1' -fa 'report' -d 'Counts by category, ratings before and after cutover, the worst stores, recent comments.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl feedback" -eq 1' -fa 'digest' -d 'Write the daily feedback digest to the journal now (again, if it was already sent).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" terminal' -l 'terminal' -d 'The terminal it concerns (its store is implied).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" store' -l 'store' -d 'The store it concerns, when no terminal is known.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" rating' -l 'rating' -d 'Rating from 1 (bad) to 5 (good).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" category' -l 'category' -d 'Category from the configured taxonomy (default: other).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" comment' -l 'comment' -d 'What was said, as said. Kept in the state store, never written to the journal.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" source' -l 'source' -d 'customer or cashier (default: customer).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" provider' -l 'provider' -d 'The credit provider it is about, if any.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" time' -l 'time' -d 'When it was said (default: now), e.g. \'2026-11-20 14:30\' in the digest time zone.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import" skip-bad' -l 'skip-bad' -d 'Import the good rows and report the bad ones, instead of importing nothing.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import"' -l 'column' -d 'FIELD=HEADER: read FIELD from the column titled HEADER (repeatable).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import" time-zone' -l 'time-zone' -d 'Time zone of times written without an offset (default: UTC).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" plan' -l 'plan' -d 'Only the terminals and stores of this plan.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" store' -l 'store' -d 'Only this store.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" since' -l 'since' -d 'Only feedback since a date (2026-11-01) or for a duration back (7d).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" csv' -l 'csv' -d 'Print the summary as CSV (sections total, category, store).'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" html' -l 'html' -d 'Also write a self-contained HTML page with charts to this file.' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback digest" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback digest" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback digest" day' -l 'day' -d 'The day to summarise, YYYY-MM-DD (default: yesterday).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback digest" plan' -l 'plan' -d 'Only this plan (default: every unfinished plan).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl feedback digest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl authorizations" -eq 1' -fa 'import' -d 'Import authorizations from a CSV export (UTF-8, header row). See docs/platform-api.md.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl authorizations" -eq 1' -fa 'list' -d 'How many authorizations each store has.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations import" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations import" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations import" skip-bad' -l 'skip-bad' -d 'Import the good rows and report the bad ones, instead of importing nothing.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations list" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl authorizations list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl platform" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl platform" -eq 1' -fa 'check' -d 'Sign one harmless query per provider and verify the answer.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl platform check" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl platform check" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl platform check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl bills" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl bills" -eq 1' -fa 'fetch' -d 'Download, check and read one day\'s WeChat Pay trade bill now, and print what it found.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl bills fetch" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl bills fetch" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl bills fetch" date' -l 'date' -d 'The day, YYYY-MM-DD in the merchant\'s time zone (default: yesterday).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl bills fetch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl reload" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl reload" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl reload" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl backups" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_positional "posrevokectl backups" -eq 1' -fa 'verify' -d 'Verify every transaction backup against its SHA-256 manifest.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl backups verify" socket' -l 'socket' -d 'The daemon\'s control socket (default: $RUNTIME_DIRECTORY/control.sock, else /run/posrevoke/control.sock).' -rfka ''
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl backups verify" json' -l 'json' -d 'Print the daemon\'s JSON instead of a table.'
complete -c 'posrevokectl' -n '__posrevokectl_should_offer_completions_for_flags_or_options "posrevokectl backups verify" h help' -s 'h' -l 'help' -d 'Show help information.'
