#!/usr/bin/env python3
"""Loads kvconform's HTML reports in headless Chromium and checks what a
reader sees first. Three cases in three SPEC sections run against a
correct kvserver ("correct") and against broken_kvserver with the flaw
max-len-exclusive ("broken"), which fails 3.1/frame-at-max only;
scripts/conformance-matrix then writes index.html for "correct broken".
In the DOM Chromium builds from each page:

- index.html opens with the summary table: one line per report, "broken"
  (Does not conform) before "correct" although it was named second, each
  with its counts and a link to its own page;
- the matrix is one <details> per SPEC section, titled from the rule
  outline ("SPEC 3 Limits"), open for section 3 only;
- broken.html opens with the same kind of summary, and its section 3 is
  open while sections 2 and 6 are collapsed;
- explore.html, from a 3-second `kvconform explore` against a correct
  kvserver, opens with the summary and then the statistics: every group
  of counters of its JSON report, in the same order, with the same names
  and counts, and the rules judged and never exercised.

Exits 77 (ctest SKIP) when Chromium is not installed."""
import argparse
import html.parser
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

CASES = ["3.1/frame-at-max", "2.5/coalesced", "6.1/len-0"]
ARGS = None
PAGES = {}


class Dom(html.parser.HTMLParser):
    """The elements of a page in document order: (tag, attributes, text)."""

    def __init__(self, text):
        super().__init__()
        self.elements, self.stack = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in ("meta", "br", "link", "img", "input"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        for element in self.stack:
            element[2] += data

    def body_elements(self):
        """The elements after <body>, skipping <style> and <title>."""
        tags = [e[0] for e in self.elements]
        start = tags.index("body") + 1 if "body" in tags else 0
        return [e for e in self.elements[start:] if e[0] not in ("style", "title", "head")]

    def by_id(self, ident):
        return next(e for e in self.elements if e[1].get("id") == ident)

    def rows(self, table_id):
        """The text of each <tr> of a table, in order."""
        table = self.elements.index(self.by_id(table_id))
        rows = []
        for element in self.elements[table + 1:]:
            if element[0] == "table":
                break
            if element[0] == "tr":
                rows.append(element)
        return rows


    def cells(self, row):
        """The text of each cell (<th> or <td>) of a <tr>."""
        cells = []
        for element in self.elements[self.elements.index(row) + 1:]:
            if element[0] in ("tr", "table"):
                break
            if element[0] in ("th", "td"):
                cells.append(element[2])
        return cells


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def dump_dom(page):
    """The DOM Chromium builds from a file, serialised."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or "<body" not in result.stdout:
        raise RuntimeError(f"chromium --dump-dom {page} failed: {result.stderr[-2000:]}")
    return Dom(result.stdout)


def run_kvconform(work, name, server):
    command = [str(ARGS.kvconform), "server", "--exec", f"{server} --port {{port}}", "--no-color",
               "--json", str(work / f"{name}.json"), "--html", str(work / f"{name}.html")]
    for case in CASES:
        command += ["--cases", case]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if not (work / f"{name}.json").exists():
        raise RuntimeError(f"kvconform wrote no report for {name}: {result.stdout}{result.stderr}")
    return result.returncode


def run_explore(work):
    """A short exploration of a correct server; returns its JSON report."""
    command = [str(ARGS.kvconform), "explore", "--exec",
               f"{ARGS.kvserver} --model event-loop --port {{port}}", "--budget-s", "3",
               "--seed", "1", "--no-color", "--json", str(work / "explore.json"),
               "--html", str(work / "explore.html")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads((work / "explore.json").read_text())


def setUpModule():
    work = ARGS.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    assert run_kvconform(work, "correct", f"{ARGS.kvserver} --model event-loop") == 0
    assert run_kvconform(work, "broken", f"{ARGS.broken_kvserver} --flaw max-len-exclusive") == 1
    matrix = subprocess.run([sys.executable, str(ARGS.matrix), str(work), "correct", "broken"],
                            capture_output=True, text=True, timeout=60)
    assert matrix.returncode == 1, matrix.stdout + matrix.stderr  # broken has a FAIL
    PAGES["explore.json"] = run_explore(work)
    for name in ("index", "broken", "explore"):
        PAGES[name] = dump_dom(work / f"{name}.html")


class PageChecks:
    """What the index and a model's report both show."""

    def test_the_summary_comes_first(self):
        body = self.dom.body_elements()
        self.assertEqual(body[0][0], "h1")
        self.assertEqual((body[1][0], body[1][1].get("id")), ("table", "summary"))

    def test_sections_with_titles_open_only_where_a_case_failed(self):
        for section, title, is_open in (("2", "Framing", False), ("3", "Limits", True),
                                        ("6", "Errors", False)):
            with self.subTest(section=section):
                details = self.dom.by_id(f"section-{section}")
                self.assertEqual(details[0], "details")
                self.assertIn(f"SPEC {section} {title}", details[2])
                self.assertEqual("open" in details[1], is_open)


class Index(PageChecks, unittest.TestCase):
    def setUp(self):
        self.dom = PAGES["index"]

    def test_one_line_per_report_failures_first(self):
        rows = [row[2] for row in self.dom.rows("summary")[1:]]
        self.assertEqual(len(rows), 2)
        self.assertTrue(rows[0].startswith("broken") and "Does not conform" in rows[0], rows[0])
        self.assertTrue(rows[1].startswith("correct") and "Conforms" in rows[1], rows[1])
        self.assertIn("broken.html", rows[0])

    def test_counts_in_the_summary(self):
        heads, broken = (self.dom.cells(row) for row in self.dom.rows("summary")[:2])
        self.assertEqual(heads[:4], ["report", "verdict", "PASS", "FAIL"])
        self.assertEqual(broken[:4], ["broken", "Does not conform", "2", "1"])


class ModelReport(PageChecks, unittest.TestCase):
    def setUp(self):
        self.dom = PAGES["broken"]

    def test_the_summary_says_it_does_not_conform(self):
        row = self.dom.rows("summary")[1][2]
        self.assertIn("Does not conform", row)


class ExploreReport(unittest.TestCase):
    def setUp(self):
        self.dom = PAGES["explore"]
        self.statistics = PAGES["explore.json"]["statistics"]

    def test_the_statistics_follow_the_summary(self):
        tags = [e[0] for e in self.dom.body_elements()]
        self.assertEqual(tags[:2], ["h1", "table"])
        headings = [e for e in self.dom.body_elements() if e[0] == "h2"]
        self.assertEqual(headings[0][2], "Statistics")

    def test_every_group_of_the_json_report_is_shown_with_its_counts(self):
        groups = [g for g in self.statistics["groups"] if g["counters"]]
        self.assertGreater(len(groups), 5)
        titles = [e[2] for e in self.dom.elements if e[0] == "b" and e[2].startswith("explore:")]
        self.assertEqual(titles, [g["name"] for g in groups])
        tables = [e for e in self.dom.elements if e[0] == "table" and e[1].get("class") == "kv"]
        for group, table in zip(groups, tables):
            with self.subTest(group=group["name"]):
                shown = {}
                for element in self.dom.elements[self.dom.elements.index(table) + 1:]:
                    if element[0] == "table":
                        break
                    if element[0] == "tr":
                        cells = self.dom.cells(element)
                        shown[cells[0]] = cells[1]
                self.assertEqual(list(shown), [c["name"] for c in group["counters"]])
                for counter in group["counters"]:
                    if counter["unit"] == "":
                        self.assertEqual(shown[counter["name"]], str(counter["value"]))
        programs = {c["name"]: c["value"] for c in groups[0]["counters"]}
        self.assertGreater(programs.get("passed", 0), 0)
        self.assertGreater(programs.get("steps", 0), 0)

    def test_the_rules_judged_and_never_exercised_are_listed(self):
        lines = [e[2] for e in self.dom.elements if e[0] == "p" and "rules " in e[2]]
        judged = next(line for line in lines if line.startswith("rules judged"))
        never = next(line for line in lines if line.startswith("rules never exercised"))
        for rule, count in self.statistics["rules_judged"].items():
            self.assertIn(f"{rule} ({count})", judged)
        self.assertEqual(never.split(": ", 1)[1].split(", "),
                         self.statistics["rules_never_exercised"])


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    for flag in ("--kvconform", "--kvserver", "--broken-kvserver", "--matrix", "--work"):
        parser.add_argument(flag, type=pathlib.Path, required=True)
    ARGS, rest = parser.parse_known_args()
    if chromium() is None:
        print("SKIP: Chromium is not installed (scripts/install-deps installs the package chromium)")
        return 77
    program = unittest.main(argv=[sys.argv[0], *rest], verbosity=2, exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
