#!/usr/bin/env python3
"""The README's commands, run: every fenced block tagged for it is executed and its stated output checked.

A block is tagged by an HTML comment on the line before its opening fence (GitHub does not show it):

    <!-- doctest -->                 run it; it must exit 0
    <!-- doctest exit=2 -->          run it; its last command must exit 2
    <!-- doctest slow -->            a long one (a 20-cell sweep): run only by `--slow` (ctest
                                     readme.doctest_slow, label slow), so the quick doc test stays quick
    ```sh
    build/bootsim sweep broadcom_timeout.xml --variant stock --vary '...'
    # => stock: pass for autoneg 1s..8s; fail for autoneg 9s..20s
    ```

Each `# => TEXT` line states output: TEXT must appear in what the block printed (stdout and stderr,
runs of spaces folded to one). Blocks run in order with bash, in one fresh temporary directory (so a
later block may read what an earlier one wrote), where `build/` is the build tree under test and
`scenarios/` the source tree's; without `exit=` a block runs under `set -e`. Untagged blocks (the
install-and-build commands, regenerating goldens, fuzzing) are never run.

usage: readme_doctest.py README.md BUILD_DIR [--slow] [--list]
Exit 0 when every tagged block ran as stated; 1 otherwise, with the block's line, its output and what
was missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TAG = re.compile(r"^<!--\s*doctest(?P<attrs>[^>]*?)\s*-->\s*$")
FENCE = re.compile(r"^(```+|~~~+)")


def blocks(readme):
    """(line number of the fence, attributes, body lines) of every tagged block."""
    lines = open(readme, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        m = TAG.match(lines[i].strip())
        if m and i + 1 < len(lines) and FENCE.match(lines[i + 1]):
            fence = FENCE.match(lines[i + 1]).group(1)
            attrs = dict(a.split("=", 1) if "=" in a else (a, "") for a in m.group("attrs").split())
            body = []
            j = i + 2
            while j < len(lines) and not lines[j].startswith(fence):
                body.append(lines[j])
                j += 1
            if j == len(lines):
                sys.exit(f"{readme}:{i + 2}: doctest block has no closing fence")
            out.append((i + 2, attrs, body))
            i = j
        i += 1
    return out


def fold(text):
    return re.sub(r"[ \t]+", " ", text)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    readme, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    src = os.path.dirname(readme)
    slow = "--slow" in sys.argv[3:]
    found = [b for b in blocks(readme) if ("slow" in b[1]) == slow]
    if "--list" in sys.argv[3:]:
        for line, attrs, body in found:
            print(f"{readme}:{line}: {attrs} {body[0] if body else ''}")
        return 0
    if not found:
        print(f"{readme}: no doctest blocks")
        return 1
    work = tempfile.mkdtemp(prefix="bootsim-doctest-")
    os.symlink(build, os.path.join(work, "build"))
    os.symlink(os.path.join(src, "scenarios"), os.path.join(work, "scenarios"))
    failed = 0
    total = 0.0
    env = dict(os.environ, NO_COLOR="1")
    env.pop("CLICOLOR_FORCE", None)
    for line, attrs, body in found:
        want_exit = int(attrs.get("exit", "0"))
        script = ("" if "exit" in attrs else "set -e\n") + "\n".join(body) + "\n"
        start = time.monotonic()
        p = subprocess.run(["bash", "-c", script], cwd=work, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=int(attrs.get("timeout", "120")))
        took = time.monotonic() - start
        total += took
        out = p.stdout.decode("utf-8", "replace")
        problems = []
        if p.returncode != want_exit:
            problems.append(f"exit {p.returncode}, the README says {want_exit}")
        for b in body:
            s = b.strip()
            if s.startswith("# =>"):
                text = fold(s[len("# =>"):].strip())
                if text not in fold(out):
                    problems.append(f"no output line with: {text}")
        status = "ok" if not problems else "FAILED"
        print(f"{readme}:{line}: {status} in {took:.1f} s: {body[0] if body else ''}")
        if problems:
            failed += 1
            for pr in problems:
                print(f"  {pr}")
            print("  output:\n" + "\n".join("    " + l for l in out.splitlines()[-40:]))
    print(f"{len(found)} blocks, {failed} failed, {total:.1f} s")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
