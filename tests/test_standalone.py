"""The repository stands alone: no file points to folders outside it or to line numbers of
source texts a reader does not have, and every publication cited is in the bibliography
with a summary of its own."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "docs" / "evidence"
KEYS = ("copenhagen-outreach-2015", "jobgaranti-midway-2019", "alle-i-gang-2009", "activation-practice-2012",
        "outreach-knowledge-sheet-2022")
OUTSIDE = re.compile("shared" + r"/|/work" + r"/|\.\./" + "shared")
# a publication key followed by a line number (L123), a working-notes target (T4) or section sign (§3.1)
OLD_CITATION = re.compile("(" + "|".join(KEYS) + r")[^\n]{0,12}?\b(L\d{2,4}|T\d{1,2})\b|(" + "|".join(KEYS)
                          + r")[^\n]{0,12}?§\d")
LINE_NUMBER = re.compile(r"(source |\(|, |; )L\d{2,4}(-\d+)?\b")

#: Files that name such a path only to refuse it (the prices file's validation and its test).
REFUSERS = {"sim/spec/prices.py", "tests/test_prices.py"}


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    out = []
    for name in names:
        path = ROOT / name
        if path.suffix in (".py", ".md", ".yaml", ".yml", ".toml", ".sh", ".ipynb", ".txt", ".csv", "") \
                and path.is_file() and path.stat().st_size < 2_000_000:
            out.append(path)
    return out


def test_no_file_points_outside_the_repository():
    bad = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        rel = str(path.relative_to(ROOT))
        if rel not in REFUSERS and OUTSIDE.search(text):
            bad.append(rel)
    assert not bad, f"files that name folders outside the repository: {bad}"


def test_citations_name_publications_not_source_lines():
    bad = []
    for path in tracked_text_files():
        rel = str(path.relative_to(ROOT))
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OLD_CITATION.search(line) or (any(k in line for k in KEYS) and LINE_NUMBER.search(line)):
                bad.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not bad, "citations of source lines or working-note targets:\n" + "\n".join(bad)


def test_bibliography_has_every_cited_publication_with_a_summary():
    bibliography = (EVIDENCE / "README.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"`{key}`" in bibliography, key
        note = (EVIDENCE / f"{key}.md").read_text(encoding="utf-8")
        for heading in ("## What is held out", "## Caveats", "## Parts we cite"):
            assert heading in note, (key, heading)
        assert not OUTSIDE.search(note) and not re.search(r"\bL\d{2,4}\b", note), key
    cited = set()
    for path in tracked_text_files():
        cited |= set(re.findall(r"\b([a-z]+(?:-[a-z]+)+-(?:19|20)\d\d)\b", path.read_text(encoding="utf-8",
                                                                                          errors="replace")))
    # a leave-one-programme-out fold is named after its publication (holdout-KEY): the key must be known
    cited = {c.removeprefix("holdout-") for c in cited}
    # a scenario named after the practice and year it stands for is a name, not a citation
    cited -= {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    unknown = sorted(cited - set(KEYS))
    assert not unknown, f"cited but not in docs/evidence/README.md: {unknown}"
