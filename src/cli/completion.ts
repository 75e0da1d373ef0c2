// `fleetdeck completion bash|zsh|fish`: a completion script generated from the command
// line's own definition (every subcommand and its flags, declared once in src/cli.ts), plus
// context names for --context read at completion time through `fleetdeck __contexts`.
import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CommandSpec {
  name: string;
  description: string;
  /** long and short flags, e.g. ['--context', '-n', '--namespace'] */
  flags: string[];
}

/** The visible subcommands and flags of a commander program. */
export function specOf(program: Command): { global: string[]; commands: CommandSpec[] } {
  const flagsOf = (c: Command) => c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string'));
  const commands = program.commands
    .filter((c) => !c.name().startsWith('__'))
    .map((c) => ({ name: c.name(), description: c.description().split('\n')[0], flags: [...flagsOf(c), '--help'] }));
  return { global: [...flagsOf(program), '--help', '--version'], commands };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(spec: ReturnType<typeof specOf>): string {
  const cases = spec.commands.map((c) => `    ${c.name}) flags=${q(c.flags.join(' '))} ;;`).join('\n');
  return `# fleetdeck bash completion: source <(fleetdeck completion bash)
_fleetdeck() {
  local cur prev cmd flags i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ "$prev" == "--context" ]]; then
    COMPREPLY=( $(compgen -W "$(fleetdeck __contexts 2>/dev/null)" -- "$cur") )
    return
  fi
  cmd=""
  for ((i=1; i<COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
${cases}
    *) flags=${q(spec.global.join(' '))}
       if [[ "$cur" != -* ]]; then COMPREPLY=( $(compgen -W ${q(spec.commands.map((c) => c.name).join(' '))} -- "$cur") ); return; fi ;;
  esac
  COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
}
complete -F _fleetdeck fleetdeck
`;
}

function zsh(spec: ReturnType<typeof specOf>): string {
  const cmds = spec.commands.map((c) => `    ${q(`${c.name}:${c.description.replace(/:/g, '\\:')}`)}`).join('\n');
  const cases = spec.commands.map((c) => `    ${c.name}) _values 'flag' ${c.flags.map(q).join(' ')} ;;`).join('\n');
  return `#compdef fleetdeck
# fleetdeck zsh completion: source <(fleetdeck completion zsh)
_fleetdeck() {
  local -a cmds
  cmds=(
${cmds}
  )
  if [[ "\${words[CURRENT-1]}" == "--context" ]]; then
    _values 'context' \${(f)"$(fleetdeck __contexts 2>/dev/null)"}
    return
  fi
  if (( CURRENT == 2 )); then
    _describe 'command' cmds
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
compdef _fleetdeck fleetdeck
`;
}

function fish(spec: ReturnType<typeof specOf>): string {
  const lines = ['# fleetdeck fish completion: fleetdeck completion fish | source', 'complete -c fleetdeck -f'];
  const names = spec.commands.map((c) => c.name).join(' ');
  for (const c of spec.commands) lines.push(`complete -c fleetdeck -n "not __fish_seen_subcommand_from ${names}" -a ${q(c.name)} -d ${q(c.description)}`);
  for (const c of spec.commands) {
    for (const f of c.flags) {
      const opt = f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`;
      lines.push(`complete -c fleetdeck -n "__fish_seen_subcommand_from ${c.name}" ${opt}`);
    }
  }
  lines.push(`complete -c fleetdeck -l context -x -a "(fleetdeck __contexts 2>/dev/null)"`);
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell, program: Command): string {
  const spec = specOf(program);
  return { bash, zsh, fish }[shell](spec);
}
