"""What the check scripts share: one line a check, the failures listed at the end."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "Tests", "Fixtures", "sputnik")
failures = []


def check(cond, what):
    print(("  ok    " if cond else "  FAIL  ") + what, flush=True)
    if not cond:
        failures.append(what)


def finish(kind):
    """Lists the failed checks and exits 1, or says that all passed."""
    if failures:
        print(f"\n{len(failures)} {kind} failed:")
        for f in failures:
            print("  -", f)
        sys.exit(1)
    print(f"\nall {kind} passed")
