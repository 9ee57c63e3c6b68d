"""Team designs: kept in a documented place outside the repository, surviving a restart,
never written into a file the program did not make; the scoreboard and its exports."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from sim.interface.app import ensemble, scoreboard
from sim.interface.app.levers import design_scenario
from sim.interface.app.store import DesignStore, DuplicateDesign, SavedDesign, StoreError, default_folder
from sim.spec.scale import scale_scenario
from sim.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _design(team="Team A", name="small loads", levers=None, mean=0.2):
    return SavedDesign(team=team, name=name, scenario="central-jobcentre", levers=levers or {"caseload": [224, 60]},
                       replications=20, seed=1,
                       figures={"net_cost": {"unit": "kroner", "mean": 1e8, "p5": 9e7, "p95": 1.1e8, "baseline_mean": 9e7,
                                             "difference": 1e7, "low": 8e6, "high": 1.2e7, "verdict": "clear"},
                                "ever_self_sufficient_52w": {"unit": "share", "mean": mean, "p5": 0.18, "p95": 0.22,
                                                             "baseline_mean": 0.2, "difference": 0.0, "low": -0.01,
                                                             "high": 0.01, "verdict": "none"}})


def test_default_folder_is_the_users_data_folder_never_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv("FREMSKUDT_APP_DATA", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert default_folder() == Path.home() / ".local" / "share" / "fremskudt"
    assert ROOT not in default_folder().parents
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "fremskudt"
    monkeypatch.setenv("FREMSKUDT_APP_DATA", str(tmp_path / "mine"))
    assert DesignStore().path == tmp_path / "mine" / "designs.sqlite"


def test_designs_survive_a_restart_and_saving_never_overwrites(tmp_path):
    path = tmp_path / "d" / "designs.sqlite"
    store = DesignStore(path)
    store.save(_design())
    store.save(_design(team="Team B", name="small loads", mean=0.3))
    with pytest.raises(DuplicateDesign, match="saved already"):          # the same team and name: refused
        store.save(_design(levers={"caseload": [224, 50]}))
    with pytest.raises(DuplicateDesign):
        store.save(_design(team=" Team B ", name="small loads "))       # the names as stored
    reopened = DesignStore(path).designs()          # a new server process
    assert [(d.team, d.name) for d in reopened] == [("Team A", "small loads"), ("Team B", "small loads")]
    assert reopened[0].levers == {"caseload": [224, 60]} and reopened[1].figures["ever_self_sufficient_52w"]["mean"] == 0.3
    with pytest.raises(StoreError, match="team name and a design name"):
        store.save(_design(team="  "))


@pytest.mark.parametrize("content", ["notes", "", "sqlite"])
def test_a_file_the_program_did_not_write_is_left_alone(tmp_path, content):
    path = tmp_path / "designs.sqlite"
    if content == "sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE designs (x)")
        con.commit()
        con.close()
    else:
        path.write_text(content)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"not a fremskudt designs database \(.*\); it is left as it is"):
        DesignStore(path)
    assert path.read_bytes() == before


def test_scoreboard_from_two_ensembles_and_its_exports(tmp_path):
    base = scale_scenario(load_scenario("central-jobcentre"), 0.1)
    store = DesignStore(tmp_path / "designs.sqlite")
    for team, req in (("Team A", {"caseload": 60}), ("Team B", {"company_consultants": 4, "sanctions": "strict"})):
        ens = ensemble.run(base, design_scenario(base, req), 5)
        store.save(scoreboard.saved_design(ens, team, "plan"))
    designs = store.designs()
    assert set(designs[0].figures) == set(scoreboard.OUTCOMES)
    rows = scoreboard.rows(designs, "en")
    assert rows[1]["levers"] == "Sanctions after repeated no-shows → at every no-show; Company consultants 1 → 4"
    # ordinary hours never vary in a central job centre without the trin model: no column on the board
    assert "share_ordinary_hours" not in scoreboard.columns(designs)
    assert scoreboard.headers(designs, "en")[0] == "In a job or education at least one week within 52 weeks"
    text = scoreboard.csv_text(designs, "da")
    assert text.splitlines()[0].startswith("team;design;scenario;outcome")          # Danish spreadsheets
    table = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert list(table.columns) == scoreboard.CSV_COLUMNS and len(table) == 2 * len(scoreboard.OUTCOMES)
    assert (table["difference_p5"] <= table["difference_mean"] + 1e-9).all()
    assert table["verdict"].isin(["none", "likely", "clear", "not_covered"]).all()
    assert "T" not in table["saved"].iloc[0] and " kl. " in table["saved"].iloc[0]   # no ISO UTC timestamp
    # the cap: a design whose programme costs more than it is marked
    cap = min(d.programme_cost for d in designs)
    marks = [r["budget"]["within"] for r in scoreboard.rows(designs, "en", cap)]
    assert marks == [d.programme_cost <= cap for d in designs] and not all(marks)
    page = scoreboard.page_html(designs, "da", cap=cap)
    assert page.startswith("<!DOCTYPE html>") and "Team B" in page and "I job eller uddannelse" in page
    assert "over rammen" in page and "data:image/png;base64," in page and "http" not in page
    fig = scoreboard.cost_effect_chart(designs, "en")
    assert [t.get_text() for t in fig.axes[0].texts] == ["1", "2"]          # numbered as on the board
    assert scoreboard.table_html([], "en").strip().startswith('<p class="workshop-empty">')
