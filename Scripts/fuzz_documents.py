#!/usr/bin/env python3
"""Generated documents through `tmkit l10n extract` and `l10n merge` (run on demand, not in CI).

Each document is random Markdown (headings, setext headings, lists, quotes, code blocks, tables,
HTML blocks, front matter, reference definitions; emphasis, code spans, links, images, autolinks,
inline HTML, escapes, entities, unclosed runs) or a random HTML page. For each it checks:
1. extract then merge with no targets gives the document back byte for byte;
2. targets that copy their sources merge into a document whose extraction gives the same sources
   (every translation is escaped as its place needs: Markdown, HTML, a code span).
Failing documents are written to --out for a test to keep.

usage: Scripts/fuzz_documents.py [--kind markdown|html] [--count 300] [--seed 1] [--unbalanced] [--tmkit PATH] [--out DIR]
"""
import argparse, os, random, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = "Iraq Russia cooperation Mr. U.S. said Friday ministry 1,800 sorties т. е. сент. Москва snake_case 2*3 a_b".split()
MARKDOWN_INLINE = ["**{}**", "*{}*", "_{}_", "__{}__", "~~{}~~", "`{}`", "[{}](http://x.com/a_(b))", "[{}][ref]", "<b>{}</b>",
                   "\\*{}\\*", "&amp;{}", "&laquo;{}&raquo;", "![{}](i.png)", "<https://x.org>", "{} <br> ", "***{}***", "[{}]"]
# Runs left open ("**word" … "word*"): with them, check 2 can fail where a run is part literal, part
# emphasis ("**a … b*"): the literal star is written back escaped and the run then pairs otherwise.
UNBALANCED = ["**{}", "{}*"]
HTML_INLINE = ["<b>{}</b>", "<i>{}</i>", "<a href='x?a=1&amp;b=2'>{}</a>", "{} <img src=i.png> ", "<span class=x>{}", "{}</span>",
               "&amp;{}", "&lt;{}&gt;", "{}<br>", "<!-- c -->{}", "**{}**"]


def generator(rng, kind, unbalanced):
    inline = (MARKDOWN_INLINE + (UNBALANCED if unbalanced else [])) if kind == "markdown" else HTML_INLINE

    def sentence():
        ws = [rng.choice(inline).format(w) if rng.random() < 0.3 else w for w in (rng.choice(WORDS) for _ in range(rng.randint(2, 9)))]
        return " ".join(ws) + rng.choice([".", ".", "!", "?", ""])

    def para():
        return "\n".join(" ".join(sentence() for _ in range(rng.randint(1, 2))) for _ in range(rng.randint(1, 3)))

    def block():
        r = rng.random()
        if r < 0.1: return "#" * rng.randint(1, 6) + " " + sentence()
        if r < 0.15: return sentence() + "\n" + rng.choice(["===", "---"])
        if r < 0.3: return "\n".join(rng.choice(["-", "*", "+", "1.", "2)"]) + " " + sentence() for _ in range(rng.randint(1, 4)))
        if r < 0.38: return "\n".join("> " + sentence() for _ in range(rng.randint(1, 3)))
        if r < 0.45: return "```\ncode " + sentence() + "\n```"
        if r < 0.5: return "    indented code"
        if r < 0.58: return "| a | b |\n|---|:-:|\n| " + sentence() + " | " + sentence() + " |"
        if r < 0.62: return "<div>\n<p>" + sentence() + "</p>\n</div>"
        if r < 0.65: return "* * *"
        if r < 0.67: return "[ref]: http://example.com"
        return para()

    def document():
        if kind == "markdown":
            front = "---\nt: x\n---\n\n" if rng.random() < 0.2 else ""
            return front + "\n\n".join(block() for _ in range(rng.randint(1, 6))) + rng.choice(["\n", ""])
        body = "\n".join(rng.choice(["<p>", "<li>", "<h2>", "<td>", "<p>"]) + para() + rng.choice(["</p>", "", "</h2>", ""])
                         for _ in range(rng.randint(1, 6)))
        return f"<html><head><title>{sentence()}</title><script>var s='<p>x</p>';</script></head><body>\n{body}\n</body></html>\n"

    return document


def sources(xliff):
    return re.findall(r"<source>(.*?)</source>", xliff, flags=re.S)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["markdown", "html"], default="markdown")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tmkit", default=os.path.join(HERE, "..", ".build", "release", "tmkit"))
    ap.add_argument("--out", default=tempfile.mkdtemp(prefix="tmkit-fuzz-"))
    ap.add_argument("--unbalanced", action="store_true", help="also emphasis runs left open (see UNBALANCED)")
    a = ap.parse_args()
    document = generator(random.Random(a.seed), a.kind, a.unbalanced)
    ext = ".md" if a.kind == "markdown" else ".html"
    work = tempfile.mkdtemp(prefix="tmkit-fuzz-work-")
    doc_path, xlf, out, same, out2, xlf2 = (os.path.join(work, n) for n in ("d" + ext, "d.xlf", "o" + ext, "t.xlf", "o2" + ext, "d2.xlf"))

    def tmkit(*args):
        return subprocess.run([a.tmkit, "l10n", *args], capture_output=True, text=True)

    failures = 0
    for i in range(a.count):
        doc = document()
        open(doc_path, "w", encoding="utf-8").write(doc)
        problem = None
        r = tmkit("extract", doc_path, "--target-lang", "ru", "-o", xlf)
        if r.returncode != 0:
            problem = "extract failed: " + r.stderr.strip()
        else:
            r = tmkit("merge", xlf, "-o", out)
            if r.returncode != 0 or open(out, encoding="utf-8").read() != doc:
                problem = "merge without targets changed the document " + r.stderr.strip()
            else:
                x = open(xlf, encoding="utf-8").read()
                open(same, "w", encoding="utf-8").write(re.sub(r"<source>(.*?)</source>", lambda m: m.group(0) + "<target>" + m.group(1) + "</target>", x, flags=re.S))
                r = tmkit("merge", same, "-o", out2)
                r2 = tmkit("extract", out2, "--target-lang", "ru", "-o", xlf2) if r.returncode == 0 else r
                if r.returncode != 0 or r2.returncode != 0:
                    problem = "merge or re-extract failed: " + (r.stderr + r2.stderr).strip()
                elif sources(x) != sources(open(xlf2, encoding="utf-8").read()):
                    problem = "the merged copies extract to other sentences"
        if problem:
            failures += 1
            kept = os.path.join(a.out, f"failure-{a.seed}-{i}{ext}")
            open(kept, "w", encoding="utf-8").write(doc)
            print(f"FAIL {i}: {problem} ({kept})")
    print(f"{a.count} {a.kind} documents, seed {a.seed}: {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
