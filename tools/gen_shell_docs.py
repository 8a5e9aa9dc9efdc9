#!/usr/bin/env python3
"""The man page and the shell completions of tweetcheck, generated from the built binary's own
--help (so they cannot drift from it).

  gen_shell_docs.py man BINARY HELP2MAN OUT.1
  gen_shell_docs.py completions BINARY OUT.bash OUT.zsh OUT.fish

The commands are read from `tweetcheck --help` (the lines under its "Subcommands:" heading), the
options of each from `tweetcheck COMMAND --help` (lines starting with -x/--name, with the choices
CLI11 shows as TEXT:{a,b}).
"""
import os
import re
import subprocess
import sys
import tempfile


def help_text(binary, *args):
    env = dict(os.environ, NO_COLOR="1", COLUMNS="100")
    # argv[0] "tweetcheck", so that usage lines name the program, not the build's path to it.
    return subprocess.run(["tweetcheck", *args, "--help"], executable=binary, check=True, capture_output=True,
                          text=True, env=env).stdout


def sections(text):
    """{"Options": [lines], "Subcommands": [lines], ...}: a heading is a line ending with ':' at column 0."""
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z][A-Za-z ,/()-]*):\s*$", line)
        if m:
            current = m.group(1).strip().lower()
            out.setdefault(current, [])
        elif current is not None:
            out[current].append(line)
    return out


def commands(binary):
    """[(name, description)] of the subcommands, in the order --help lists them."""
    out = subcommands(help_text(binary))
    if not out:
        sys.exit("gen_shell_docs.py: no commands found in `%s --help`" % binary)
    return out


def subcommands(text):
    """[(name, description)] listed under the "Subcommands:" heading of one --help text (a command's
    own subcommands: `cache stats`, ...)."""
    out = []
    for key, lines in sections(text).items():
        if "subcommand" not in key and "command" != key and "commands" != key:
            continue
        for line in lines:
            m = re.match(r"^\s{1,4}([a-z][a-z0-9-]*)(?:\s{2,}(.*))?$", line)
            if m:
                out.append((m.group(1), (m.group(2) or "").strip()))
    return out


def options(text):
    """[(names, choices)] of the options in one --help text: names such as ['-o', '--output']."""
    out = []
    for line in text.splitlines():
        # "  -o,--output TEXT:{a,b}=a   description": the value's type follows after one space.
        m = re.match(r"^\s+(-[^\s]+)(?: ([A-Z][A-Z_]*\b\S*))?", line)
        if not m:
            continue
        names = [n for n in m.group(1).split(",") if n.startswith("-")]
        choices = []
        takes_value = bool(m.group(2))
        if m.group(2):
            c = re.search(r"\{([^}]*)\}", m.group(2))
            if c:
                choices = [x for x in c.group(1).split(",") if x]
        out.append((names, choices, takes_value))
    return out


def without_sections(text, names):
    """The lines of a --help text without the sections headed by one of `names` (lower case)."""
    out, skipping = [], False
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z][A-Za-z ,/()-]*):\s*$", line)
        if m:
            skipping = m.group(1).strip().lower() in names
        if not skipping:
            out.append(line)
    return out


def global_options(binary):
    return options(help_text(binary))


def man(binary, help2man, out):
    cmds = commands(binary)
    with tempfile.NamedTemporaryFile("w", suffix=".h2m", delete=False) as inc:
        inc.write("[NAME]\ntweetcheck \\- find social-media posts embedded in articles and check them against the originals\n")
        inc.write("[COMMANDS]\n")
        for name, desc in cmds:
            inc.write(".SS \"tweetcheck %s\"\n.nf\n" % name)
            # The exit statuses and the environment are the page's own sections (from the
            # program's --help); each command keeps its options and examples.
            for line in without_sections(help_text(binary, name), ("exit status", "environment")):
                inc.write(line.replace("\\", "\\e").replace("-", "\\-") + "\n")
            inc.write(".fi\n")
            for sub, _ in subcommands(help_text(binary, name)):
                inc.write(".SS \"tweetcheck %s %s\"\n.nf\n" % (name, sub))
                for line in help_text(binary, name, sub).splitlines():
                    inc.write(line.replace("\\", "\\e").replace("-", "\\-") + "\n")
                inc.write(".fi\n")
        inc.write("[SEE ALSO]\nThe README of the tweetcheck sources, and CHANGELOG.md.\n")
        path = inc.name
    try:
        # The version line only: the libraries' lines of --version describe the build machine.
        version = subprocess.run([binary, "--version"], check=True, capture_output=True, text=True).stdout
        version = version.splitlines()[0].split(" ", 1)[1]
        subprocess.run([help2man, "--no-info", "--no-discard-stderr", "--version-string", version, "--include", path,
                        "--output", out, binary],
                       check=True, env=dict(os.environ, NO_COLOR="1", COLUMNS="100"))
        move_subcommands(out)
    finally:
        os.unlink(path)


def move_subcommands(page):
    """help2man puts --help's "Subcommands:" list inside OPTIONS (as a subsection): move it to the
    top of the COMMANDS section, before each command's own help; make the exit statuses a section
    and keep the examples' lines as they are."""
    with open(page) as f:
        lines = f.read().split("\n")
    start = next((i for i, l in enumerate(lines) if re.match(r'^\.SS "?Subcommands:?"?\s*$', l)), None)
    if start is None:
        return
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\.S[HS] ", lines[i])), len(lines))
    block = lines[start + 1:end]
    del lines[start:end]
    at = next((i for i, l in enumerate(lines) if re.match(r'^\.SH "?COMMANDS"?\s*$', l)), None)
    if at is None:
        return
    lines[at + 1:at + 1] = block
    # The exit statuses are a section of their own (help2man makes them a subsection of OPTIONS).
    lines = [".SH \"EXIT STATUS\"" if re.match(r'^\.SS "?Exit status:?"?\s*$', l) else l for l in lines]
    # Examples are command lines: not filled into one paragraph.
    ex = next((i for i, l in enumerate(lines) if re.match(r'^\.SH "?EXAMPLES"?\s*$', l)), None)
    if ex is not None:
        end = next((i for i in range(ex + 1, len(lines)) if lines[i].startswith(".SH ")), len(lines))
        body = [l for l in lines[ex + 1:end] if l not in (".PP", ".IP", ".br") and not l.startswith(".IP ")]
        lines[ex + 1:end] = [".nf"] + body + [".fi"]
    with open(page, "w") as f:
        f.write("\n".join(lines))


def words(opts):
    return " ".join(n for names, _, _ in opts for n in names)


def completions(binary, bash_out, zsh_out, fish_out):
    cmds = commands(binary)
    top = global_options(binary)
    per = {name: options(help_text(binary, name)) for name, _ in cmds}
    # A command with its own subcommands (`cache stats|clear|vacuum`): their names, and their options.
    subs = {name: subcommands(help_text(binary, name)) for name, _ in cmds}
    for name, children in subs.items():
        for sub, _ in children:
            per[name] += [o for o in options(help_text(binary, name, sub)) if o not in per[name]]

    # bash: the command in the first word, then its options; an option with choices completes them.
    b = ["# bash completion for tweetcheck (generated from `tweetcheck --help`; do not edit)",
         "_tweetcheck() {",
         "  local cur prev cmd i",
         "  cur=\"${COMP_WORDS[COMP_CWORD]}\"",
         "  prev=\"\"",
         "  [ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"",
         "  cmd=\"\"",
         "  for ((i = 1; i < COMP_CWORD; i++)); do",
         "    case \"${COMP_WORDS[i]}\" in",
         "      %s) cmd=\"${COMP_WORDS[i]}\"; break ;;" % "|".join(n for n, _ in cmds),
         "    esac",
         "  done",
         "  case \"$cmd:$prev\" in"]
    for name, opts in [("", top)] + list(per.items()):
        for names, choices, _ in opts:
            if choices:
                b.append("    %s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return 0 ;;"
                         % ("|".join("%s:%s" % (name, n) for n in names), " ".join(choices)))
    b += ["  esac",
          "  if [ -z \"$cmd\" ]; then",
          "    if [[ \"$cur\" == -* ]]; then",
          "      COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))" % words(top),
          "    else",
          "      COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))" % " ".join(n for n, _ in cmds),
          "    fi",
          "    return 0",
          "  fi",
          "  case \"$cmd\" in"]
    for name, opts in per.items():
        b.append("    %s) local opts=\"%s\" subs=\"%s\" ;;" % (name, words(opts), " ".join(n for n, _ in subs[name])))
    b += ["  esac",
          "  if [[ \"$cur\" == -* ]]; then",
          "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))",
          "  elif [ -n \"$subs\" ] && [ \"$prev\" = \"$cmd\" ]; then",
          "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))",
          "  else",
          "    COMPREPLY=($(compgen -f -- \"$cur\"))",
          "  fi",
          "}",
          "complete -o filenames -F _tweetcheck tweetcheck", ""]
    with open(bash_out, "w") as f:
        f.write("\n".join(b))

    # zsh: _arguments per command.
    def zq(s):
        return s.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")
    z = ["#compdef tweetcheck", "# zsh completion for tweetcheck (generated from `tweetcheck --help`; do not edit)",
         "_tweetcheck() {", "  local -a commands", "  commands=("]
    for name, desc in cmds:
        z.append("    '%s:%s'" % (name, zq(desc)))
    z += ["  )", "  if (( CURRENT == 2 )); then", "    _describe 'command' commands", "    return", "  fi",
          "  case ${words[2]} in"]
    for name, opts in per.items():
        specs = []
        for names, choices, takes_value in opts:
            action = ":value:(%s)" % " ".join(choices) if choices else (":value:_files" if takes_value else "")
            for n in names:
                specs.append("'%s%s'" % (n, action))
        rest = ("'1:command:(%s)'" % " ".join(n for n, _ in subs[name])) if subs[name] else "'*:file:_files'"
        z.append("    %s) _arguments %s %s ;;" % (name, " ".join(specs), rest))
    z += ["  esac", "}", "_tweetcheck \"$@\"", ""]
    with open(zsh_out, "w") as f:
        f.write("\n".join(z))

    # fish
    def fq(s):
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    fl = ["# fish completion for tweetcheck (generated from `tweetcheck --help`; do not edit)",
          "complete -c tweetcheck -f",
          "set -l __tweetcheck_commands %s" % " ".join(n for n, _ in cmds)]
    for name, desc in cmds:
        fl.append("complete -c tweetcheck -n \"not __fish_seen_subcommand_from $__tweetcheck_commands\" -a %s -d %s"
                  % (name, fq(desc)))

    def fish_opt(cond, names, choices):
        parts = []
        for n in names:
            if n.startswith("--"):
                parts.append("-l " + n[2:])
            elif len(n) == 2:
                parts.append("-s " + n[1:])
            else:
                parts.append("-o " + n[1:])
        extra = " -x -a %s" % fq(" ".join(choices)) if choices else ""
        return "complete -c tweetcheck -n %s %s%s" % (fq(cond), " ".join(parts), extra)
    for names, choices, _ in top:
        fl.append(fish_opt("not __fish_seen_subcommand_from %s" % " ".join(n for n, _ in cmds), names, choices))
    for name, opts in per.items():
        fl.append("complete -c tweetcheck -n %s -F" % fq("__fish_seen_subcommand_from " + name))
        for sub, desc in subs[name]:
            fl.append("complete -c tweetcheck -n %s -a %s -d %s" % (fq("__fish_seen_subcommand_from " + name), sub, fq(desc)))
        for names, choices, takes_value in opts:
            fl.append(fish_opt("__fish_seen_subcommand_from " + name, names, choices))
    fl.append("")
    with open(fish_out, "w") as f:
        f.write("\n".join(fl))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "man":
        man(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 6 and sys.argv[1] == "completions":
        completions(*sys.argv[2:])
    else:
        sys.exit(__doc__)
