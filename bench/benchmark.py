"""Benchmark legacy-lens against the tree-sitter parse floor.

    python bench/benchmark.py --lines 500000            # generate a seeded synthetic estate and measure
    python bench/benchmark.py --path /some/estate       # measure an existing estate

It measures, each scan in a fresh process (so peak RSS is per run):

- the parse floor: tree-sitter ``parse()`` alone on the preprocessed text of every grammar file, one process
  (preprocessing is done first and not timed);
- the full scan with ``--jobs 1`` and ``--jobs 2``, cold (empty cache) and warm (cache filled by the cold
  run, then 1% of files changed), with lines/s, the ratio to the floor, peak RSS and the time per stage
  (discover, cache, extract, link, graph, score, plan, report).

Results are printed as a table and written as JSON (``--json``, default ``out/bench/bench.json``). This is
not a test and is not run by ``make test``; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["CLAIM", "PAYMT", "BENEF", "RATE", "ADDR", "HIST", "AUDIT", "TOTAL", "COUNT", "DATE", "STATUS", "AMT"]


def _program(name: str, lines: int, copybooks: list[str], calls: list[str], rng: random.Random) -> str:
    out = ["       IDENTIFICATION DIVISION.", f"       PROGRAM-ID. {name}.",
           "      * SYNTHETIC PROGRAM FOR THE LEGACY-LENS BENCHMARK",
           "       ENVIRONMENT DIVISION.", "       DATA DIVISION.", "       WORKING-STORAGE SECTION."]
    for cb in copybooks:
        out.append(f"       COPY {cb}.")
    fields = []
    for i in range(max(5, lines // 20)):
        field = f"WS-{rng.choice(WORDS)}-{i:04d}"
        fields.append(field)
        out.append(f"       01  {field:<30} PIC {'9(7)V99 COMP-3' if i % 3 else 'X(20)'}.")
    out.append("       PROCEDURE DIVISION.")
    out.append("       0000-MAIN.")
    paragraphs = max(2, (lines - len(out)) // 12)
    for p in range(1, paragraphs):
        out.append(f"           PERFORM {p:04d}-STEP THRU {p:04d}-STEP-EXIT")
    out.append("           GOBACK.")
    for p in range(1, paragraphs):
        a, b = rng.choice(fields), rng.choice(fields)
        out += [f"       {p:04d}-STEP.",
                f"      * STEP {p} OF {name}",
                f"           IF {a} = SPACES",
                f"              MOVE {b} TO {a}",
                "           ELSE",
                f"              ADD 1 TO {rng.choice(fields)}",
                "           END-IF",
                f"           EVALUATE {a}",
                f"              WHEN 'A' MOVE 'B' TO {b}",
                "              WHEN OTHER CONTINUE",
                "           END-EVALUATE"]
        if calls and p % 7 == 0:
            out.append(f"           CALL '{rng.choice(calls)}' USING {a}")
        out += [f"       {p:04d}-STEP-EXIT.", "           EXIT."]
    return "\n".join(out) + "\n"


def _copybook(name: str, rng: random.Random) -> str:
    out = [f"      * COPYBOOK {name}", f"       01  {name}-REC."]
    for i in range(rng.randint(10, 60)):
        out.append(f"           05  {name}-{rng.choice(WORDS)}-{i:03d}  PIC X({rng.randint(1, 30)}).")
    return "\n".join(out) + "\n"


def _job(name: str, programs: list[str], rng: random.Random) -> str:
    out = [f"//{name} JOB (ACCT),'SYNTHETIC',CLASS=A,MSGCLASS=X", "//* SYNTHETIC JOB FOR THE BENCHMARK"]
    for s, pgm in enumerate(programs, start=1):
        out += [f"//STEP{s:03d} EXEC PGM={pgm}",
                f"//INPUT    DD DSN=PROD.BN.{rng.choice(WORDS)}.IN{s:03d},DISP=SHR",
                f"//OUTPUT   DD DSN=PROD.BN.{rng.choice(WORDS)}.OUT{s:03d},",
                "//            DISP=(NEW,CATLG,DELETE),UNIT=SYSDA,SPACE=(TRK,(30,10),RLSE)",
                "//SYSOUT   DD SYSOUT=*"]
    return "\n".join(out) + "\n"


def generate(root: Path, lines: int, seed: int = 42) -> tuple[int, int]:
    """A seeded estate of about ``lines`` lines: COBOL programs (50 to 20,000 lines, log-uniform), copybooks
    they COPY, programs that CALL each other, and JCL jobs that run them. Returns (files, lines)."""
    rng = random.Random(seed)
    (root / "cobol").mkdir(parents=True)
    (root / "copybook").mkdir()
    (root / "jcl").mkdir()
    copybooks = [f"CB{i:05d}" for i in range(max(5, lines // 4000))]
    files = total = 0
    for cb in copybooks:
        text = _copybook(cb, rng)
        (root / "copybook" / f"{cb}.cpy").write_text(text)
        files, total = files + 1, total + text.count("\n")
    programs: list[str] = []
    budget = int(lines * 0.95) - total
    while budget > 0:
        size = min(budget, int(10 ** rng.uniform(1.7, 4.3)))  # 50 .. 20,000 lines
        name = f"PG{len(programs):06d}"
        text = _program(name, max(size, 50), rng.sample(copybooks, min(3, len(copybooks))), programs[-50:], rng)
        (root / "cobol" / f"{name}.cbl").write_text(text)
        programs.append(name)
        n = text.count("\n")
        files, total, budget = files + 1, total + n, budget - n
    j = 0
    while total < lines:
        text = _job(f"JB{j:05d}", rng.sample(programs, min(len(programs), rng.randint(2, 12))), rng)
        (root / "jcl" / f"JB{j:05d}.jcl").write_text(text)
        j += 1
        files, total = files + 1, total + text.count("\n")
    return files, total


def parse_floor(root: Path) -> dict[str, float]:
    """tree-sitter ``parse()`` alone on every grammar file's preprocessed text, in this process."""
    from legacy_lens import ts
    from legacy_lens.discover import discover
    from legacy_lens.encoding import decode
    from legacy_lens.extractors.cobol_pre import preprocess
    from legacy_lens.languages import language_by_name
    from legacy_lens.settings import Settings

    sources: list[tuple[str, bytes]] = []
    lines = 0
    for c in discover([root], Settings(max_files=0)).candidates:
        spec = language_by_name(c.language)
        if not spec.grammar:
            continue
        text = decode(Path(c.abs_path).read_bytes()).text
        lines += text.count("\n")
        pre = preprocess(text).text if spec.preprocessor == "cobol" else text
        sources.append((spec.grammar, pre.encode("utf-8", "replace")))
    started = time.perf_counter()
    for grammar, source in sources:
        ts.parse(grammar, source)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "files": len(sources), "lines": lines}


def run_one(root: Path, jobs: int, cache: bool, out: Path) -> dict[str, object]:
    """One scan (in this process, started fresh by ``measure``): stages, cache use and peak RSS."""
    from legacy_lens.pipeline import ScanStats, scan
    from legacy_lens.report import write_reports
    from legacy_lens.serialize import to_dict
    from legacy_lens.settings import Settings

    stats = ScanStats()
    started = time.perf_counter()
    settings = Settings(jobs=jobs, cache=cache, max_files=0, timeout=0)
    result = scan([root], settings, stats=stats)
    t = time.perf_counter()
    write_reports(to_dict(result), out, ("json", "md", "html"))
    stats.lap("report", t)
    wall = time.perf_counter() - started
    # Largest resident set of the scanning process or of any one worker (the kernel keeps a maximum, not a sum).
    rss_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"wall": round(wall, 3), "stages": {k: round(v, 3) for k, v in stats.seconds.items()},
            "extracted": stats.extracted, "cache_hits": stats.cache_hits, "peak_rss_mb": round(rss_kb / 1024, 1)}


def measure(root: Path, jobs: int, cache: bool, out: Path) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--_run-one", str(root), "--jobs", str(jobs), "--out", str(out)]
    if not cache:
        cmd.append("--no-cache")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def touch_one_percent(root: Path, seed: int) -> int:
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".legacy-lens" not in p.parts)
    chosen = random.Random(seed).sample(files, max(1, len(files) // 100))
    for p in chosen:
        comment = "//* CHANGED\n" if p.suffix == ".jcl" else "      * CHANGED\n"
        p.write_text(p.read_text() + comment)
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=500_000, help="size of the synthetic estate")
    parser.add_argument("--path", type=Path, help="benchmark this estate instead (it is copied, never changed)")
    parser.add_argument("--json", type=Path, default=Path("out/bench/bench.json"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--_run-one", dest="run_one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-cache", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        print(json.dumps(run_one(args.run_one, args.jobs, not args.no_cache, args.out)))
        return

    work = Path(tempfile.mkdtemp(prefix="legacy-lens-bench-"))
    try:
        root = work / "estate"
        if args.path:
            shutil.copytree(args.path, root, ignore=shutil.ignore_patterns(".legacy-lens"))
            files = sum(1 for p in root.rglob("*") if p.is_file())
            lines = sum(p.read_bytes().count(b"\n") for p in root.rglob("*") if p.is_file())
        else:
            files, lines = generate(root, args.lines, args.seed)
        print(f"estate: {files:,} files, {lines:,} lines ({root})", file=sys.stderr)
        floor = parse_floor(root)
        runs: list[dict[str, object]] = []
        for jobs in (1, 2):
            shutil.rmtree(root / ".legacy-lens", ignore_errors=True)
            for kind in ("cold", "warm"):
                changed = touch_one_percent(root, args.seed + jobs) if kind == "warm" else 0
                result = measure(root, jobs, True, work / f"out-{jobs}-{kind}")
                result.update(jobs=jobs, run=kind, files_changed=changed)
                result["lines_per_s"] = round(lines / float(result["wall"]))  # type: ignore[arg-type]
                result["ratio_to_floor"] = round(float(result["wall"]) / floor["seconds"], 2)  # type: ignore[arg-type]
                runs.append(result)
                print(f"  jobs={jobs} {kind}: {result['wall']} s", file=sys.stderr)
        report = {"files": files, "lines": lines, "cpu_count": os.cpu_count(),
                  "parse_floor": {**floor, "lines_per_s": round(floor["lines"] / floor["seconds"])},
                  "runs": runs}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    stages = ["discover", "cache", "extract", "link", "graph", "score", "plan", "report"]
    print(f"{files:,} files, {lines:,} lines; parse floor {floor['seconds']} s for {floor['files']:,} grammar files "
          f"({report['parse_floor']['lines_per_s']:,} lines/s, one process)")  # type: ignore[index]
    print(f"{'run':<12}{'wall s':>8}{'lines/s':>10}{'x floor':>9}{'parsed':>8}{'RSS MB':>8}  "
          + " ".join(f"{s:>8}" for s in stages))
    for r in runs:
        st: dict[str, float] = r["stages"]  # type: ignore[assignment]
        print(f"{'j' + str(r['jobs']) + ' ' + str(r['run']):<12}{r['wall']:>8}{r['lines_per_s']:>10,}"
              f"{r['ratio_to_floor']:>9}{r['extracted']:>8}{r['peak_rss_mb']:>8}  "
              + " ".join(f"{st.get(s, 0.0):>8.2f}" for s in stages))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
