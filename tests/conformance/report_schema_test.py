#!/usr/bin/env python3
"""Shows that the report schema (conformance/report/report.schema.json)
can fail: a report shaped as json_report.cc writes it passes, and each
kind of drift (an unknown field at any level, a missing field, a result
or direction that does not exist, bytes logged without their hex) fails
with a message that names the place. The reports kvconform really writes
are validated by the checkers of the other ctests (report_schema.py)."""
import copy
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_schema import ReportError, load_schema, validate_report, violations  # noqa: E402

REPORT = {
    "schema": "kvconform-report/2",
    "target": "127.0.0.1:7070",
    "profile": "concurrent",
    "seed": 4711,
    "started": "2026-12-05T00:37:00Z",
    "duration_ms": 1251.3,
    "strict": False,
    "exit_code": 1,
    "aborted": "",
    "interrupted_by": "",
    "findings": [{"rule": "7.2", "title": "the server stopped", "details": "after a close",
                  "wire_log": []}],
    "root_causes": ["6.1/len-4"],
    "notes": ["restarted once"],
    "cases": [{
        "id": "6.1/len-4", "rule": "6.1", "level": "MUST", "title": "LEN 4",
        "result": "FAIL", "expected": "a close", "observed": "no close", "notes": [],
        "caused_by": "", "not_run": False,
        "runs": [{"result": "FAIL", "observed": "no close"}],
        "duration_ms": 1251.3,
        "rerun": "kvconform server --target 127.0.0.1:7070 --cases '6.1/len-4' --seed 4711 -v",
        "wire_log": [
            {"t_ms": 0.2, "conn": 1, "dir": "info", "note": "connected"},
            {"t_ms": 0.3, "conn": 1, "dir": "send", "bytes": 4, "hex": "04 00 00 00"},
            {"t_ms": 1251.0, "conn": 1, "dir": "close", "note": "client closed"},
        ],
    }],
    "statistics": {
        "groups": [{"name": "cases", "note": "", "counters": [
            {"name": "cases run", "value": 1, "unit": ""},
            {"name": "steps/s", "value": 812.4, "unit": "/s"}]}],
        "rules_judged": {"6.1": 1},
        "rules_never_exercised": ["9.1"],
    },
    "summary": {"total": 1, "pass": 0, "fail": 1, "lenient": 0, "flaky": 0, "skip": 0,
                "error": 0, "known_failing": 0},
}


def changed(edit):
    report = copy.deepcopy(REPORT)
    edit(report)
    return report


DRIFTS = {
    "unknown top-level field": (lambda r: r.update(coverage={}), "(top level)"),
    "unknown statistics field": (lambda r: r["statistics"].update(extra=[]), "statistics"),
    "counter without a value": (lambda r: r["statistics"]["groups"][0]["counters"][0].pop("value"),
                                "statistics/groups/0/counters/0"),
    "rule count that is not a number": (
        lambda r: r["statistics"]["rules_judged"].update({"5.1": "four"}),
        "statistics/rules_judged/5.1"),
    "interrupted but exit code 1": (lambda r: r.update(interrupted_by="SIGTERM"), "exit_code"),
    "unknown case field": (lambda r: r["cases"][0].update(extra=1), "cases/0"),
    "missing top-level field": (lambda r: r.pop("summary"), "(top level)"),
    "missing case field": (lambda r: r["cases"][0].pop("rerun"), "cases/0"),
    "unknown result": (lambda r: r["cases"][0].update(result="MAYBE"), "cases/0/result"),
    "unknown direction": (lambda r: r["cases"][0]["wire_log"][0].update(dir="sideways"),
                          "cases/0/wire_log/0/dir"),
    "bytes without hex": (lambda r: r["cases"][0]["wire_log"][1].pop("hex"),
                          "cases/0/wire_log/1"),
    "hex on an info entry": (lambda r: r["cases"][0]["wire_log"][0].update(hex="00", bytes=1),
                             "cases/0/wire_log/0"),
    "other schema name": (lambda r: r.update(schema="kvconform-report/1"), "schema"),
    "exit code 3": (lambda r: r.update(exit_code=3), "exit_code"),
    "negative count": (lambda r: r["summary"].update(fail=-1), "summary/fail"),
}


class ReportSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = load_schema()

    def test_a_report_as_kvconform_writes_it_passes(self):
        self.assertEqual(violations(REPORT, self.schema), [])

    def test_an_interrupted_report_passes(self):
        report = changed(lambda r: r.update(interrupted_by="SIGINT", exit_code=130))
        self.assertEqual(violations(report, self.schema), [])

    def test_every_drift_fails_and_says_where(self):
        for name, (edit, where) in DRIFTS.items():
            with self.subTest(name):
                problems = violations(changed(edit), self.schema)
                self.assertTrue(problems, name)
                self.assertTrue(any(p.startswith(where) for p in problems), problems)

    def test_validate_report_reads_a_file_and_raises_on_drift(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "report.json")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(REPORT, out)
            self.assertEqual(validate_report(path, self.schema)["seed"], 4711)
            with open(path, "w", encoding="utf-8") as out:
                json.dump(changed(lambda r: r.update(time_budget_spent=True)), out)
            with self.assertRaises(ReportError) as raised:
                validate_report(path, self.schema)
            self.assertIn("time_budget_spent", str(raised.exception))
            with self.assertRaises(ReportError):
                validate_report(os.path.join(folder, "missing.json"), self.schema)


if __name__ == "__main__":
    unittest.main()
