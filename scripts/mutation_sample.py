#!/usr/bin/env python3
"""Mutation sampling for core (docs/ROBUSTNESS.md): apply one operator mutation at a time to core/src,
rebuild, run the core/cli/robustness/golden/update suites, and count the mutants the tests
kill. Not part of CI (it rebuilds once per mutant); docs/ROBUSTNESS.md has the last score.

Usage: scripts/mutation_sample.py [--count N] [--seed S] [--build DIR] [--files GLOB...]
       [--list] [--timeout SECONDS] [--save RESULTS.json [--resume]] [--rerun RESULTS.json]

Each mutant: one site in one file of core/src, one operator swapped (< <=, > >=, == !=,
&& ||, + -, a literal k to k+1, true false), chosen at random (seeded) among all sites. A
mutant is killed when the build fails to compile (counted apart) or any test fails or times
out; it survives when every test passes. The source is restored after each mutant, also on
Ctrl-C. The quick tests run first and the slow kill/seam tests only if those all pass, so a
mutant the quick tests kill costs one rebuild and a minute.

--save writes every mutant with its verdict and its exact source line; --rerun takes such a
file and runs again only the mutants that survived (found by their line's text, so the
sample survives edits elsewhere in the file), to check the tests added for them. --resume
keeps the verdicts already in the --save file and judges only the rest of the same sample
(for a run that was stopped; the source of a mutant left applied by a kill must be restored
first, e.g. with git checkout).
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (name, pattern, replacement): the pattern must match exactly the operator token.
OPERATORS = [
    ("< to <=", re.compile(r"(?<![<>=!-])<(?![<=])"), "<="),
    ("<= to <", re.compile(r"<="), "<"),
    ("> to >=", re.compile(r"(?<![<>=-])>(?![>=])"), ">="),
    (">= to >", re.compile(r">="), ">"),
    ("== to !=", re.compile(r"=="), "!="),
    ("!= to ==", re.compile(r"!="), "=="),
    ("&& to ||", re.compile(r"&&"), "||"),
    ("|| to &&", re.compile(r"\|\|"), "&&"),
    ("+ to -", re.compile(r"(?<=\s)\+(?=\s)"), "-"),
    ("- to +", re.compile(r"(?<=\s)-(?=\s)"), "+"),
    ("true to false", re.compile(r"\btrue\b"), "false"),
    ("false to true", re.compile(r"\bfalse\b"), "true"),
]
# The suites a mutant must survive, and the slow ones run only after the quick ones pass.
SUITES = "core|cli|robustness|golden|update|replay"
SLOW_TESTS = "_kill$|_seam$|update_success"

LITERAL = re.compile(r"(?<![\w.])([1-9][0-9]{0,6})(?![\w.])")

SKIP_LINE = re.compile(r"^\s*(#|//|\*|/\*)|static_assert|std::string\(|\"")


def sites(path):
    """Every (line index, column, length, replacement, operator name) of a file."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        code = line.split("//")[0]
        if SKIP_LINE.search(code) or "template" in code or "#include" in code:
            continue
        for name, pattern, repl in OPERATORS:
            for m in pattern.finditer(code):
                if name.startswith(("< ", "> ")) and ("<" in code and ">" in code and "::" in code):
                    continue  # likely a template argument list
                out.append((i, m.start(), len(m.group(0)), repl, name))
        for m in LITERAL.finditer(code):
            k = int(m.group(1))
            out.append((i, m.start(1), len(m.group(1)), str(k + 1), "literal +1"))
    return out


def run(cmd, cwd, timeout):
    try:
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, text=True)
        return r.returncode, r.stdout
    except subprocess.TimeoutExpired:
        return -1, "timeout"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-mutation"))
    ap.add_argument("--files", nargs="*", default=["core/src/*.cpp", "core/src/*/*.cpp"])
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--list", action="store_true", help="print the sample, change nothing")
    ap.add_argument("--save", help="write every mutant and its verdict to this JSON file")
    ap.add_argument("--resume", action="store_true",
                    help="keep the verdicts already in the --save file, judge the rest")
    ap.add_argument("--rerun", help="run again the survivors of a --save file")
    args = ap.parse_args()

    if args.rerun:
        sample = []
        for m in json.load(open(args.rerun)):
            if m["verdict"] != "SURVIVED":
                continue
            f = os.path.join(ROOT, m["file"])
            lines = open(f, encoding="utf-8").read().split("\n")
            at = [i for i, line in enumerate(lines) if line == m["line"]]
            if len(at) != 1:
                print(f"{m['file']}: the line of a survivor is gone or not unique: {m['line']!r}")
                continue
            sample.append((f, at[0], m["column"], m["length"], m["replacement"], m["operator"]))
        print(f"re-running {len(sample)} survivors of {args.rerun}", flush=True)
    else:
        files = sorted({f for g in args.files for f in glob.glob(os.path.join(ROOT, g))})
        all_sites = [(f,) + s for f in files for s in sites(f)]
        rng = random.Random(args.seed)
        sample = rng.sample(all_sites, min(args.count, len(all_sites)))
        print(f"{len(all_sites)} mutation sites in {len(files)} files; sampling {len(sample)} "
              f"(seed {args.seed})", flush=True)
    if args.list:
        for f, i, col, n, repl, name in sample:
            print(f"{os.path.relpath(f, ROOT)}:{i + 1}:{col + 1} {name}")
        return 0

    if not os.path.exists(os.path.join(args.build, "CMakeCache.txt")):
        # A shared core, and test programs that do not relink when only its code changes.
        rc, out = run(["cmake", "-S", ROOT, "-B", args.build, "-DVHDX_BUILD_GUI=OFF",
                       "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DVHDX_CORE_LIBRARY_TYPE=SHARED",
                       "-DCMAKE_LINK_DEPENDS_NO_SHARED=ON"], ROOT, 600)
        if rc:
            print(out)
            return 2
    rc, out = run(["cmake", "--build", args.build, "-j2"], ROOT, 3600)
    if rc:
        print("the unmutated tree does not build:\n" + out[-3000:])
        return 2

    # A suite that fails unmutated would "kill" every mutant: check it first.
    rc, out = run(["ctest", "--test-dir", args.build, "-j2", "-L", SUITES, "-LE", "bench",
                   "--timeout", "300"], ROOT, args.timeout)
    if rc:
        print("the suites fail on the unmutated tree:\n" + out[-3000:])
        return 2

    results = []
    judged = {}
    if args.resume and args.save and os.path.exists(args.save):
        judged = {(m["file"], m["line_number"], m["column"], m["replacement"]): m
                  for m in json.load(open(args.save))}
    started = time.time()
    for n, (f, i, col, length, repl, name) in enumerate(sample, 1):
        original = open(f, encoding="utf-8").read()
        lines = original.split("\n")
        line = lines[i]
        lines[i] = line[:col] + repl + line[col + length:]
        where = f"{os.path.relpath(f, ROOT)}:{i + 1}"
        earlier = judged.get((os.path.relpath(f, ROOT), i + 1, col, repl))
        if earlier and earlier["line"] == line:
            results.append(earlier)
            print(f"[{n}/{len(sample)}] {where} {name}: {earlier['verdict']} (earlier run)",
                  flush=True)
            continue
        killed_by = ""
        try:
            open(f, "w", encoding="utf-8").write("\n".join(lines))
            rc, out = run(["cmake", "--build", args.build, "-j2"], ROOT, 3600)
            if rc:
                verdict = "does not compile"
            else:
                rc = 0
                for phase in (["-E", SLOW_TESTS], ["-R", SLOW_TESTS]):
                    rc, out = run(["ctest", "--test-dir", args.build, "-j2", "--stop-on-failure",
                                   "-L", SUITES, "-LE", "bench", "--timeout", "300"] + phase,
                                  ROOT, args.timeout)
                    if rc:
                        break
                if rc:
                    verdict = "killed"
                    # Which tests failed, so that a kill by timeout alone can be judged again.
                    failed = re.findall(r"^\s*\d+ - (\S+) \(([^)]*)\)", out, re.M)
                    killed_by = ", ".join(f"{t} ({why})" for t, why in failed) or out[-200:]
                else:
                    verdict = "SURVIVED"
        finally:
            open(f, "w", encoding="utf-8").write(original)
        results.append({"file": os.path.relpath(f, ROOT), "line_number": i + 1, "line": line,
                        "column": col, "length": length, "replacement": repl,
                        "operator": name, "verdict": verdict, "killed_by": killed_by})
        if args.save:
            json.dump(results, open(args.save, "w"), indent=1)
        by = f" by {killed_by}" if killed_by else ""
        print(f"[{n}/{len(sample)}] {where} {name}: {verdict}{by}", flush=True)
    # Leave the build matching the unmutated source.
    run(["cmake", "--build", args.build, "-j2"], ROOT, 3600)
    def count(v):
        return sum(m["verdict"] == v for m in results)
    killed, survived, uncompiled = count("killed"), count("SURVIVED"), count("does not compile")
    compiled = killed + survived
    score = 100.0 * killed / compiled if compiled else 0.0
    print(f"\n{killed} killed, {survived} survived, {uncompiled} did not compile; "
          f"score {score:.1f}% of compiled mutants killed; {time.time() - started:.0f} s")
    for m in results:
        if m["verdict"] == "SURVIVED":
            print(f"  survived: {m['file']}:{m['line_number']} {m['operator']}: {m['line'].strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
