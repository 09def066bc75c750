#!/usr/bin/env python3
"""Checks the CI recipes without GitHub or a container runtime: every
workflow and project.yaml parses; the ClusterFuzzLite files hang together
and its build.sh hands fuzz/build.sh the builder's flags minus
-stdlib=libc++; the user's workflow (ci/github/kvconform.yml) names files
that exist and kvconform flags that the built kvconform accepts; and
ci/run-workflow-locally runs, skips and fails steps as GitHub's runner
would. Exits 77 (ctest SKIP) when python3-yaml is not installed."""
import argparse
import os
import pathlib
import re
import stat
import subprocess
import sys
import tempfile
import unittest

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is not installed (scripts/install-deps installs it)")
    sys.exit(77)

ROOT = pathlib.Path()
KVCONFORM = pathlib.Path()


def load(relative):
    return yaml.safe_load((ROOT / relative).read_text())


def steps_by_id(workflow):
    job = next(iter(workflow["jobs"].values()))
    return {step["id"]: step for step in job["steps"] if "id" in step}


class Yaml(unittest.TestCase):
    def test_every_recipe_parses(self):
        files = [*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("ci/github/*.yml"),
                 ROOT / ".clusterfuzzlite/project.yaml"]
        self.assertGreaterEqual(len(files), 4)
        for path in files:
            with self.subTest(path=str(path.relative_to(ROOT))):
                self.assertIsInstance(yaml.safe_load(path.read_text()), dict)


class ClusterFuzzLite(unittest.TestCase):
    def test_project_yaml(self):
        self.assertEqual(load(".clusterfuzzlite/project.yaml")["language"], "c++")

    def test_dockerfile_copies_the_tree_and_build_sh(self):
        lines = (ROOT / ".clusterfuzzlite/Dockerfile").read_text().splitlines()
        self.assertTrue(lines[[l.startswith("FROM") for l in lines].index(True)]
                        .startswith("FROM gcr.io/oss-fuzz-base/base-builder"))
        self.assertIn("COPY . $SRC/kvkit", lines)
        self.assertIn("COPY .clusterfuzzlite/build.sh $SRC/", lines)

    def test_build_sh_calls_fuzz_build_sh_without_libcxx(self):
        build_sh = ROOT / ".clusterfuzzlite/build.sh"
        self.assertTrue(build_sh.stat().st_mode & stat.S_IXUSR)
        self.assertTrue((ROOT / "fuzz/build.sh").stat().st_mode & stat.S_IXUSR)
        with tempfile.TemporaryDirectory() as src:
            # A stand-in for the tree: its fuzz/build.sh prints what it got.
            fuzz = pathlib.Path(src, "kvkit/fuzz")
            fuzz.mkdir(parents=True)
            (fuzz / "build.sh").write_text('#!/bin/sh\necho "CXXFLAGS=$CXXFLAGS OUT=$OUT PWD=$PWD"\n')
            (fuzz / "build.sh").chmod(0o755)
            env = dict(os.environ, SRC=src, OUT="/out", CXXFLAGS="-O1 -stdlib=libc++ -fsanitize=address")
            out = subprocess.run(["bash", str(build_sh)], env=env, capture_output=True, text=True,
                                 check=True).stdout
        self.assertIn("CXXFLAGS=-O1  -fsanitize=address OUT=/out", out)
        self.assertIn(f"PWD={pathlib.Path(src, 'kvkit')}", out)

    def test_workflows_run_both_modes_with_the_same_sanitizers(self):
        modes, sanitizers = {}, set()
        for name in ("cflite_pr.yml", "cflite_batch.yml"):
            job = next(iter(load(f".github/workflows/{name}")["jobs"].values()))
            uses = [step.get("uses", "") for step in job["steps"]]
            self.assertTrue(any(u.startswith("google/clusterfuzzlite/actions/build_fuzzers@") for u in uses))
            run = next(s for s in job["steps"]
                       if s.get("uses", "").startswith("google/clusterfuzzlite/actions/run_fuzzers@"))
            modes[name] = run["with"]["mode"]
            sanitizers.add(tuple(job["strategy"]["matrix"]["sanitizer"]))
        self.assertEqual(modes, {"cflite_pr.yml": "code-change", "cflite_batch.yml": "batch"})
        self.assertEqual(len(sanitizers), 1)


class UserWorkflow(unittest.TestCase):
    def setUp(self):
        self.workflow = load("ci/github/kvconform.yml")
        self.steps = steps_by_id(self.workflow)

    def test_runs_on_debian_12(self):
        job = next(iter(self.workflow["jobs"].values()))
        self.assertEqual(job["container"], "debian:12")

    def test_scripts_it_calls_exist(self):
        for step in self.steps.values():
            for path in re.findall(r"\.kvkit/([\w./-]+)", step.get("run", "")):
                with self.subTest(path=path):
                    self.assertTrue((ROOT / path).is_file(), path)

    def test_kvconform_accepts_every_flag_it_passes(self):
        run = self.steps["kvconform"]["run"]
        # `kvconform [SUBCOMMAND] --flag ...`: the help of that subcommand.
        subcommand = re.search(r"^\s*kvconform\s+([a-z]+)?", run, re.M).group(1) or ""
        help_text = subprocess.run([str(KVCONFORM), *subcommand.split(), "--help"], capture_output=True,
                                   text=True, check=True).stdout
        flags = re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", run)
        self.assertIn("--junit", flags)
        for flag in flags:
            with self.subTest(flag=flag):
                self.assertRegex(help_text, rf"(?<![\w-]){flag}(?![\w-])")

    def test_reports_are_uploaded_even_after_a_failure(self):
        job = next(iter(self.workflow["jobs"].values()))
        upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
        self.assertEqual(upload["if"], "always()")
        self.assertEqual(upload["with"]["path"], "${{ env.REPORT_DIR }}/")


class LocalRunner(unittest.TestCase):
    """ci/run-workflow-locally on a small workflow of its own."""

    WORKFLOW = """
name: t
env: {GREETING: hello}
jobs:
  only:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: mkdir -p out && echo "$GREETING ${{ env.GREETING }}" > out/a.txt
      - run: %s
      - run: echo should-not-run > out/b.txt
      - if: always()
        uses: actions/upload-artifact@v4
        with: {name: r, path: out/}
"""

    def run_workflow(self, middle, *extra):
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp, "w.yml")
            path.write_text(self.WORKFLOW % middle)
            result = subprocess.run([str(ROOT / "ci/run-workflow-locally"), str(path), "--workspace",
                                     str(pathlib.Path(tmp, "ws")), *extra],
                                    capture_output=True, text=True)
            written = {p.name: p.read_text() for p in pathlib.Path(tmp, "ws/out").glob("*")}
        return result, written

    def test_a_passing_workflow(self):
        result, written = self.run_workflow("'true'")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(written["a.txt"], "hello hello\n")
        self.assertIn("would upload out/a.txt", result.stdout)

    def test_env_override(self):
        result, written = self.run_workflow("'true'", "--env", "GREETING=hi")
        self.assertEqual(written["a.txt"], "hi hi\n")

    def test_a_failing_step_stops_the_rest_but_always(self):
        result, written = self.run_workflow("'false'")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("b.txt", written)
        self.assertIn("not run (an earlier step failed)", result.stdout)
        self.assertIn("would upload out/a.txt", result.stdout)

    def test_an_unknown_expression_fails(self):
        result, _ = self.run_workflow("echo ${{ github.sha }}")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot evaluate", result.stdout)


def main():
    global ROOT, KVCONFORM
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=pathlib.Path, required=True)
    parser.add_argument("--kvconform", type=pathlib.Path, required=True)
    args, rest = parser.parse_known_args()
    ROOT, KVCONFORM = args.root.resolve(), args.kvconform
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
