#!/usr/bin/env python3
"""Writes tmkit's manual page (roff, section 1) from the command definitions themselves
(`tmkit --experimental-dump-help`), so that it can never disagree with `--help`.

Usage: Scripts/make_manual.py --tmkit BINARY -o tmkit.1
"""
import argparse
import datetime
import json
import subprocess


def roff(text):
    """Text safe in roff: backslashes doubled, a leading dot or quote escaped."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def synopsis(cmd, path):
    parts = []
    for a in cmd.get("arguments", []):
        if not a.get("shouldDisplay", True):
            continue
        if a["kind"] == "positional":
            s = f"<{a['valueName']}>" + ("..." if a.get("isRepeating") else "")
        else:
            name = a["preferredName"]
            flag = ("--" if name["kind"] == "long" else "-") + name["name"]
            s = flag if a["kind"] == "flag" else f"{flag} <{a['valueName']}>"
        parts.append(f"[{s}]" if a.get("isOptional") else s)
    return " ".join(path + parts)


def options(cmd):
    out = []
    for a in cmd.get("arguments", []):
        if not a.get("shouldDisplay", True):
            continue
        if a["kind"] == "positional":
            head = f"<{a['valueName']}>"
        else:
            names = [("--" if n["kind"] == "long" else "-") + n["name"] for n in a.get("names", [])]
            head = ", ".join(names) + ("" if a["kind"] == "flag" else f" <{a['valueName']}>")
        out.append(f".TP\n.B {roff(head)}\n{roff(a.get('abstract', ''))}" + (f" (default: {roff(a['defaultValue'])})" if a.get("defaultValue") else ""))
    return "\n".join(out)


def walk(cmd, path, out):
    """One section a command, subcommands after their parent."""
    if path:
        out.append(f".SS {roff(' '.join(path))}")
        out.append(roff(cmd.get("abstract", "")))
        if cmd.get("discussion"):
            out.append(".PP\n" + roff(cmd["discussion"]))
        if cmd.get("arguments") or not cmd.get("subcommands"):
            out.append(".PP\n.B " + roff(synopsis(cmd, ["tmkit"] + path)))
        opts = options(cmd)
        if opts:
            out.append(opts)
    for sub in cmd.get("subcommands", []):
        if sub.get("commandName") == "help" or not sub.get("shouldDisplay", True):
            continue
        walk(sub, path + [sub["commandName"]], out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", required=True)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    dump = json.loads(subprocess.run([args.tmkit, "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout)
    root = dump["command"]
    version = subprocess.run([args.tmkit, "--version"], capture_output=True, text=True).stdout.strip()
    date = datetime.date.today().isoformat()
    out = [f'.TH TMKIT 1 "{date}" "tmkit {roff(version)}" "tmkit manual"',
           ".SH NAME", "tmkit \\- " + roff(root.get("abstract", "")),
           ".SH SYNOPSIS", ".B tmkit\n<command> [<subcommand>] [<options>]",
           ".SH DESCRIPTION",
           "tmkit segments articles into sentences, aligns them with their translations, keeps translation "
           "memories and glossaries, exchanges TMX, TBX, XLIFF, PO and UI-string files, checks translations, "
           "and serves memories and glossaries over HTTP. Every command prints its own help with \\fB--help\\fR.",
           ".SH COMMANDS"]
    walk(root, [], out)
    out += [".SH FILES",
            ".TP\n.B $XDG_DATA_HOME/tmkit/default.tmdb, default.tbdb, tokens.json\n"
            "The default memory, glossary and server token file of an installed tmkit (else ~/.local/share/tmkit/); "
            "in a folder with Memories/ and Glossaries/ (a checkout), those are used. \\fBtmkit where\\fR tells which.",
            ".SH ENVIRONMENT",
            ".TP\n.B TMKIT_MEMORY, TMKIT_GLOSSARY, TMKIT_TOKENS\nThe memory, glossary and token file when no option names one.",
            ".TP\n.B TMKIT_SERVER, TMKIT_TOKEN, TMKIT_SERVER_MEMORY\nA tmkit server for the memory commands, the token sent to it, and the memory's name there.",
            ".TP\n.B NO_COLOR\nNo colour in lookups and concordance on a terminal.",
            ".SH SEE ALSO", "The README of tmkit; the API of \\fBtmkit serve\\fR at /openapi.yaml of a running server."]
    open(args.output, "w", encoding="utf-8").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
