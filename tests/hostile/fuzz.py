"""Long fuzzing sessions for the property tests (``make fuzz``).

    python tests/hostile/fuzz.py [--minutes N] [--out DIR] [TARGET ...]

Runs each target (a ``test_*`` in ``tests/hostile/test_properties.py``; default: all) for N minutes
(default 10, or ``FUZZ_MINUTES``) with Hypothesis's ``fuzz`` profile: random seeds, large batches.
Each target runs in a child process that records the input it is about to try; if the child makes
no progress for ``--hang-seconds`` (default 60), the parent kills it and saves that input as a hang.
Failures (with Hypothesis's shrunk falsifying example) and hangs are written to DIR (default
``out/fuzz``); the exit status is 1 when anything was found.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def targets() -> list[str]:
    sys.path[:0] = [str(HERE), str(HERE.parent), str(REPO)]
    import test_properties

    return sorted(name for name in dir(test_properties) if name.startswith("test_"))


def child(target: str, until: float, out: Path) -> int:
    """Run one target in batches until ``until``; write each distinct failure to ``out``."""
    os.environ["HYPOTHESIS_PROFILE"] = "fuzz"
    sys.path[:0] = [str(HERE), str(HERE.parent), str(REPO)]
    import conftest  # noqa: F401 - registers and loads the profiles
    import test_properties

    test = getattr(test_properties, target)
    batches = failures = 0
    seen: set[str] = set()
    while time.time() < until:
        batches += 1
        try:
            test()
        except Exception:
            text = traceback.format_exc()
            key = hashlib.sha256(text.splitlines()[-1].encode()).hexdigest()[:12]
            if key not in seen:
                seen.add(key)
                failures += 1
                (out / f"failure-{target}-{key}.txt").write_text(text, encoding="utf-8")
                print(f"[{target}] FAILURE {key}:\n{text}", flush=True)
    print(f"[{target}] {batches} batch(es), {failures} distinct failure(s)", flush=True)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("FUZZ_MINUTES", "10")))
    parser.add_argument("--out", type=Path, default=REPO / "out" / "fuzz")
    parser.add_argument("--hang-seconds", type=float, default=60.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return child(args.child, args.until, args.out)
    chosen = args.targets or targets()
    found = 0
    for target in chosen:
        until = time.time() + args.minutes * 60
        current = args.out / f"current-{target}.bin"
        hangs = 0
        print(f"fuzzing {target} for {args.minutes:g} min", flush=True)
        while time.time() < until:
            current.write_bytes(b"")
            env = {**os.environ, "LEGACY_LENS_FUZZ_CURRENT": str(current), "HYPOTHESIS_PROFILE": "fuzz"}
            proc = subprocess.Popen([sys.executable, __file__, "--child", target, "--until", str(until),
                                     "--out", str(args.out)], env=env)
            while proc.poll() is None:
                time.sleep(1)
                if time.time() - current.stat().st_mtime > args.hang_seconds:
                    proc.kill()
                    proc.wait()
                    hangs += 1
                    saved = args.out / f"hang-{target}-{hashlib.sha256(current.read_bytes()).hexdigest()[:12]}.bin"
                    saved.write_bytes(current.read_bytes())
                    print(f"[{target}] HANG: no progress for {args.hang_seconds:g} s; input saved to {saved}",
                          flush=True)
                    break
            else:
                found += proc.returncode != 0
        found += hangs
        current.unlink(missing_ok=True)
    print("fuzzing found problems; see " + str(args.out) if found else "fuzzing found nothing", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
