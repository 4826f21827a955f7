"""Team plans on a real PostgreSQL server: publish / pull round trips, opening by URL with the
same commands, credentials kept out of messages and files."""

from __future__ import annotations

import json
import sqlite3

import pytest

from pg_server import pg_db, pg_server  # noqa: F401 - fixtures
from plan_helpers import snapshot
from vivim_planner.cli import main
from vivim_planner.commands import History, set_cell
from vivim_planner.engine import compute
from vivim_planner.samples import sample_path
from vivim_planner.storage import PlanDocument, PlanFileError
from vivim_planner.storage.postgres import TeamDocument
from vivim_planner.storage.postgres_url import open_document, parse_team_url

SAMPLES = ("vivim", "kalei", "infra_stages", "vercel_per_user", "vivim_eur")


@pytest.mark.parametrize("sample", SAMPLES)
def test_publish_then_pull_gives_the_same_plan_and_figures(pg_server, pg_db, sample, tmp_path, capsys):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan=f"{sample} plan")
    assert main(["publish", str(sample_path(sample)), url]) == 0
    assert "Published" in capsys.readouterr().out
    out = tmp_path / "copy.vivim"
    assert main(["pull", url, str(out)]) == 0
    local = PlanDocument.open(sample_path(sample), readonly=True)
    pulled = PlanDocument.open(out, readonly=True)
    team = TeamDocument.open(url)
    try:
        assert snapshot(pulled.plan) == snapshot(local.plan) == snapshot(team.plan)
        assert compute(team.plan).totals == compute(local.plan).totals
    finally:
        for d in (local, pulled, team):
            d.close()


def test_same_commands_by_url_print_what_they_print_for_the_file(pg_server, pg_db, capsys):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan="VIVIM")
    assert main(["publish", str(sample_path("vivim")), url]) == 0
    capsys.readouterr()
    for command in (["summary", "--json"], ["audit", "--json"], ["timeline", "--json"], ["compare", "--json"]):
        assert main([command[0], str(sample_path("vivim")), *command[1:]]) == 0
        from_file = json.loads(capsys.readouterr().out)
        assert main([command[0], url, *command[1:]]) == 0
        from_server = json.loads(capsys.readouterr().out)
        assert from_server == from_file, command


def test_an_edit_lands_on_the_server_and_survives_reopening(pg_server, pg_db):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan="p")
    TeamDocument.publish(PlanDocument.open(sample_path("vivim"), readonly=True).plan, url)
    doc = open_document(url)
    rid = int(doc.plan.allocations.ids[3])
    history = History(doc)
    history.push(set_cell(doc.plan, "allocations", rid, "fte", "0.75"))
    before = compute(doc.plan).totals
    doc.close()
    again = TeamDocument.open(url)
    t = again.plan.allocations
    assert t.get(t.position(rid), "fte") == 0.75
    assert compute(again.plan).totals == before
    again.close()


def test_publish_refuses_a_name_in_use_and_replace_replaces(pg_server, pg_db, capsys):  # noqa: F811
    url = pg_server.url(pg_db, "alex", plan="dup")
    assert main(["publish", str(sample_path("kalei")), url]) == 0
    assert main(["publish", str(sample_path("vivim")), url]) == 2
    assert "a plan named 'dup' is there already" in capsys.readouterr().err
    assert main(["publish", str(sample_path("vivim")), url, "--replace"]) == 0
    doc = TeamDocument.open(url)
    assert doc.plan.settings.name == PlanDocument.open(sample_path("vivim"), readonly=True).plan.settings.name
    doc.close()


def test_unknown_plan_and_missing_plan_name_say_so(pg_server, pg_db, capsys):  # noqa: F811
    assert main(["publish", str(sample_path("kalei")), pg_server.url(pg_db, "alex", plan="kalei")]) == 0
    capsys.readouterr()
    assert main(["summary", pg_server.url(pg_db, "alex", plan="nope")]) == 2
    assert "no such plan; plans there: kalei" in capsys.readouterr().err
    with pytest.raises(PlanFileError, match=r"names no plan; add \?plan=NAME"):
        TeamDocument.open(pg_server.url(pg_db, "alex"))
    with pytest.raises(PlanFileError, match="no team plans in this database yet"):
        TeamDocument.open(pg_server.url("postgres", "alex", plan="x"))


def test_password_from_url_env_or_prompt_and_never_shown_or_stored(pg_server, pg_db, tmp_path, capsys,  # noqa: F811
                                                                   monkeypatch):
    import psycopg

    from pg_server import PASSWORD, PASSWORD_ROLE

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    bare = pg_server.url(pg_db, PASSWORD_ROLE, plan="secret")
    with pytest.raises(PlanFileError, match="cannot connect.*password"):
        TeamDocument.open(bare)
    url = bare.replace(f"{PASSWORD_ROLE}@", f"{PASSWORD_ROLE}:{PASSWORD}@")
    assert main(["publish", str(sample_path("kalei")), url]) == 0
    assert main(["summary", url.replace("plan=secret", "plan=absent")]) == 2
    assert main(["pull", url, str(tmp_path / "c.vivim")]) == 0
    printed = capsys.readouterr()
    assert PASSWORD not in printed.out + printed.err
    assert f"{PASSWORD_ROLE}@127.0.0.1" in printed.err
    asked = []
    doc = TeamDocument.open(bare, password_prompt=lambda loc: asked.append(loc.server()) or PASSWORD)
    assert asked == [f"{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{pg_db}"]
    assert PASSWORD not in doc.display() + doc.location.safe_url() + str(doc.path)
    assert doc.location.safe_url().endswith("?plan=secret")
    from vivim_planner.commands import set_settings

    doc.apply(set_settings(doc.plan, {"name": "Renamed"}))
    assert doc.history()[0].author == PASSWORD_ROLE and doc.history()[0].new == '"Renamed"'
    doc.close()
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    TeamDocument.open(bare).close()  # libpq reads PGPASSWORD
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:{pg_db}:{PASSWORD_ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    TeamDocument.open(bare).close()  # and ~/.pgpass
    con = sqlite3.connect(tmp_path / "c.vivim")
    dump = "\n".join(con.iterdump())
    con.close()
    assert PASSWORD not in dump and str(pg_server.port) not in dump
    with psycopg.connect(pg_server.url(pg_db), autocommit=True) as c:
        for table in ("vivim_revisions", "vivim_history", "vivim_settings", "vivim_plans"):
            assert PASSWORD not in json.dumps(c.execute(f"SELECT * FROM {table}").fetchall(), default=str)


def test_parse_url_keeps_other_parameters_and_drops_the_plan():
    loc = parse_team_url("postgresql://alex:pw@db.example.com:6543/plans?sslmode=require&plan=Acme%20Q3")
    assert loc.plan == "Acme Q3" and loc.user == "alex" and loc.port == "6543" and loc.database == "plans"
    assert "plan=" not in loc.conninfo and "sslmode=require" in loc.conninfo
    assert loc.display() == "plan 'Acme Q3' on alex@db.example.com:6543/plans"
    assert "pw" not in loc.safe_url() and "sslmode=require" in loc.safe_url()
    with pytest.raises(PlanFileError, match="names no database"):
        parse_team_url("postgresql://alex@host")


def test_the_window_command_takes_a_team_url(pg_server, pg_db, monkeypatch, capsys):  # noqa: F811
    import vivim_planner.ui.app as app

    calls = []
    monkeypatch.setattr(app, "run_window", lambda path, dialogs=False: calls.append(path) or 0)
    url = pg_server.url(pg_db, "alex", plan="kalei")
    assert main([url]) == 2  # checked before the window opens: no such plan yet
    assert "no team plans in this database yet" in capsys.readouterr().err and calls == []
    assert main(["publish", str(sample_path("kalei")), url]) == 0
    assert main([url]) == 0 and calls == [url]
