"""Tests of the benchmark package's logic that needs no benchmark run
(bench/kvkit_bench: report_sections, the grouping of perf samples in
profile_codec), and that every bench command still starts. ctest puts bench/
on PYTHONPATH; run by hand with `PYTHONPATH=bench python3 -m unittest`."""

import pathlib
import subprocess
import tempfile
import unittest

from kvkit_bench import profile_codec, report_sections

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench"
# Each command wraps one module of the package.
COMMANDS = ["tradeoffs/run", "tradeoffs/preemption", "tradeoffs/profile-codec",
            "tradeoffs/store-share", "attacks/run", "codec-ratios"]

README = """# title

hand-written before
<!-- begin generated: alpha (by bench/a; rerun it, do not edit) -->
old alpha
<!-- end generated: alpha -->
between
<!-- begin generated: beta (by bench/b; rerun it, do not edit) -->
old beta
<!-- end generated: beta -->
hand-written after
"""


class ReplaceSectionTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = pathlib.Path(self.dir.name) / "README.md"
        self.path.write_text(README)

    def tearDown(self):
        self.dir.cleanup()

    def test_replaces_only_its_own_section(self):
        report_sections.replace_section(self.path, "alpha", "bench/a", "new alpha\nline two")
        text = self.path.read_text()
        self.assertIn("\nnew alpha\nline two\n<!-- end generated: alpha -->", text)
        self.assertNotIn("old alpha", text)
        self.assertIn("old beta", text)
        for kept in ["hand-written before", "between", "hand-written after"]:
            self.assertIn(kept, text)

    def test_rerunning_gives_the_same_file(self):
        report_sections.replace_section(self.path, "beta", "bench/b", "new beta\n\n")
        once = self.path.read_text()
        report_sections.replace_section(self.path, "beta", "bench/b", "new beta\n\n")
        self.assertEqual(once, self.path.read_text())

    def test_text_that_looks_like_a_backreference_is_kept_verbatim(self):
        report_sections.replace_section(self.path, "alpha", "bench/a", r"p99 \1 \g<end> 5%")
        self.assertIn(r"p99 \1 \g<end> 5%", self.path.read_text())

    def test_a_missing_section_is_an_error_and_changes_nothing(self):
        with self.assertRaises(ValueError) as raised:
            report_sections.replace_section(self.path, "gamma", "bench/g", "text")
        self.assertIn("<!-- begin generated: gamma (by bench/g; rerun it, do not edit) -->",
                      str(raised.exception))
        self.assertEqual(README, self.path.read_text())


class PerfGroupingTest(unittest.TestCase):
    SAMPLES = {
        ("kvserver", "kv::FrameDecoder::decode_frame"): 6,
        ("kvserver", "kv::encode_frame"): 2,
        ("kvserver", "kv::Buffer::make_room"): 2,
        ("libprotobuf.so.32.0.12", "google::protobuf::MessageLite::ParseFromArray"): 30,
        ("kvserver", "kv::KeyValueMessage::_InternalParse"): 10,
        ("[kernel.kallsyms]", "tcp_sendmsg_locked"): 700,
        ("libc.so.6", "__send"): 100,
        ("kvserver", "kv::Store::put"): 150,
    }

    def test_groups_and_shares(self):
        codec, half_width, text = profile_codec.perf_section(self.SAMPLES)
        self.assertAlmostEqual(codec, 10 / 1000)
        self.assertGreater(half_width, 0)
        self.assertIn("| 10 | 1.00% |", text)   # codec
        self.assertIn("| 40 | 4.00% |", text)   # protobuf, both shared objects
        self.assertIn("| 700 | 70.00% |", text)  # kernel
        self.assertIn("| 100 | 10.00% |", text)  # C and C++ runtime
        self.assertIn("| 150 | 15.00% |", text)  # the server's own code
        self.assertIn("| `kv::FrameDecoder::decode_frame` | 6 | 0.60% |", text)

    def test_no_codec_samples(self):
        codec, _, text = profile_codec.perf_section({("[kernel.kallsyms]", "x"): 5})
        self.assertEqual(codec, 0)
        self.assertIn("(none sampled)", text)


class CommandsTest(unittest.TestCase):
    """Each command runs its module from any directory: --help exits 0 and
    names the command."""

    def test_every_command_prints_its_usage(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                result = subprocess.run([str(BENCH / command), "--help"], cwd="/",
                                        capture_output=True, text=True, timeout=30)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(f"usage: bench/{command}", result.stdout)


if __name__ == "__main__":
    unittest.main()
