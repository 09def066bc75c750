#!/usr/bin/env python3
"""Validates kvconform JSON reports against conformance/report/report.schema.json.

  report_schema.py REPORT.json...     exits 0 if every report is valid, 1 if
                                      one is not (or none was given), 2 if
                                      the schema cannot be used

As a module: validate_report(path) returns the report (a dict) or raises
ReportError with every violation; the ctests' checkers (check_report.py,
check_client_report.py, expect_runs.py) call it on every report they make
kvconform write. Needs python3-jsonschema (scripts/install-deps).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:  # A missing dependency must fail the tests, loudly.
    sys.exit("report_schema: python3-jsonschema is missing; run scripts/install-deps")

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conformance",
                           "report", "report.schema.json")


class ReportError(Exception):
    pass


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def violations(report, schema=None):
    """Every way `report` (a parsed report) breaks the schema, as lines."""
    validator = jsonschema.Draft202012Validator(schema or load_schema())
    lines = []
    for error in sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        lines.append(f"{where}: {error.message}")
    return lines


def validate_report(path, schema=None):
    """The report at `path`, after checking it against the schema."""
    try:
        with open(path, encoding="utf-8") as report_file:
            report = json.load(report_file)
    except (OSError, ValueError) as error:
        raise ReportError(f"cannot read the JSON report {path}: {error}") from error
    problems = violations(report, schema)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ReportError(f"{path} does not match {os.path.normpath(SCHEMA_PATH)}:\n  "
                          f"{shown}{more}")
    return report


def main(paths):
    if not paths:
        print("report_schema: FAILED: no report given")
        return 1
    schema = load_schema()
    failed = 0
    for path in paths:
        try:
            validate_report(path, schema)
        except ReportError as error:
            print(f"report_schema: FAILED: {error}")
            failed += 1
    if failed:
        return 1
    print(f"report_schema: OK: {len(paths)} report(s) match the schema")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
