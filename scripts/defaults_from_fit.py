"""Move the documented defaults of the calibrated parameters to a fit's posterior medians.

    python scripts/defaults_from_fit.py calibration/fitted/default/parameters.csv

For every parameter in the fit's ``parameters.csv`` this rewrites, in
``sim/spec/parameters.py``, the default ``P(<value>, ...)`` to the posterior median and the
``FIT("<q05>", "<q95>", <verdict>)`` that starts its source to the fit's 90 % interval and
verdict (three significant digits).  Nothing else in the file changes; running it twice
changes nothing the second time.  Regenerate docs/parameters.md afterwards with
``python -m sim.spec``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

FILE = Path(__file__).resolve().parents[1] / "sim" / "spec" / "parameters.py"
VERDICTS = {"identified": "ID", "partly identified": "PARTLY", "not identified (prior ≈ posterior)": "OPEN"}


def fmt(x: float) -> str:
    return f"{float(x):.3g}"


def move(text: str, name: str, median: float, lo: float, hi: float, verdict: str) -> str:
    start = re.search(rf"^    {name}: (float|int) = P\(", text, flags=re.M)
    if start is None:
        raise SystemExit(f"{FILE}: no declaration `{name}: float = P(` found")
    nxt = re.search(r"^    \w+: \w+ = ", text[start.end():], flags=re.M)
    end = start.end() + (nxt.start() if nxt else len(text) - start.end())
    block = text[start.start():end]
    block, n1 = re.subn(r"= P\([^,]+,", f"= P({fmt(median)},", block, count=1)
    block, n2 = re.subn(r'FIT\("[^"]*", "[^"]*", \w+\)', f'FIT("{fmt(lo)}", "{fmt(hi)}", {VERDICTS[verdict]})',
                        block, count=1)
    if n1 != 1 or n2 != 1:
        raise SystemExit(f"{FILE}: `{name}` has no default or no FIT(...) source to move")
    return text[:start.start()] + block + text[end:]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        table = pd.read_csv(argv[0])
    except Exception as e:          # missing, empty or damaged file
        print(f"{argv[0]}: cannot be read ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    need = ["parameter", "post_median", "post_q05", "post_q95", "verdict"]
    bad = [c for c in need if c not in table.columns] + sorted(set(table.get("verdict", [])) - set(VERDICTS))
    if bad:
        print(f"{argv[0]}: expected the columns {', '.join(need)} and verdicts {', '.join(VERDICTS)}; "
              f"not found or not allowed: {', '.join(map(str, bad))}", file=sys.stderr)
        return 2
    text = FILE.read_text(encoding="utf-8")
    for r in table.itertuples():
        text = move(text, r.parameter, r.post_median, r.post_q05, r.post_q95, r.verdict)
    FILE.write_text(text, encoding="utf-8")
    print(f"moved {len(table)} defaults in {FILE.name} to the medians of {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
