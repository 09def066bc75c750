#!/usr/bin/env python3
"""Shows that check_docs.py fails on each kind of broken reference: it runs
the checker on a small made-up repository, with a stand-in kvconform that
prints help and case lists, once clean and once per planted mistake.
Standard library only."""
import os
import stat
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_docs  # noqa: E402

# A stand-in kvconform: CLI11-style help for two subcommands, and a list of
# server and client cases.
FAKE_KVCONFORM = textwrap.dedent('''\
    #!/usr/bin/env python3
    import sys
    args = sys.argv[1:]
    HELP = {
        "server": ["--target TEXT   HOST:PORT", "--exec TEXT   a command", "--seed UINT   seed"],
        "list": ["--client   the client cases"],
    }
    if args == ["--help"]:
        print("kvconform\\nUsage: kvconform [OPTIONS] SUBCOMMAND\\n\\nOptions:\\n"
              "  -h,--help   help\\n\\nSubcommands:\\n  server   the suite\\n  list   list\\n")
    elif len(args) == 2 and args[1] == "--help":
        print("Options:\\n  -h,--help   help")
        for line in HELP[args[0]]:
            print("  " + line)
    elif args == ["list"]:
        print("6.1/len-4   MUST any 6.1 - close\\n6.1/len-0   MUST any 6.1 - close")
    elif args == ["list", "--client"]:
        print("13.1/get-miss   MUST client 13.1 - miss")
    else:
        sys.exit(2)
    ''')

GOOD_README = textwrap.dedent('''\
    # Example

    `src/thing.cc` and `thing.h` exist; `build/release/x` is a build output.
    Cases `6.1/len-4`, `6.1/*` and 13.1/get-miss exist. `--seed N` is a flag.

    ```sh
    kvconform server --target 127.0.0.1:7070 --seed 1
    kvconform --exec 'x --port {port}'
    kvconform list --client
    ```

    | `kvconform server` option | meaning |
    |---|---|
    | `--target A`, `--exec C` | the server |
    | `--seed N` | the seed |

    | `kvconform list` option | meaning |
    |---|---|
    | `--client` | client cases |
    ''')

# Each planted mistake: the text appended to the good README, and what the
# checker must say about it.
MISTAKES = {
    "missing file": ("See `src/cases_body.cc`.\n", "names `src/cases_body.cc`, which does not exist"),
    "missing file in a code block": ("```sh\nsrc/run-it --fast\n```\n",
                                     "names `src/run-it`, which does not exist"),
    "bad link": ("[the spec](spec/SPEC.md)\n", "names `spec/SPEC.md`, which does not exist"),
    "unknown flag": ("```sh\nkvconform server --explore\n```\n",
                     "`kvconform server` has no option --explore"),
    "flag of another subcommand": ("Run `kvconform server --client`.\n",
                                   "`kvconform server` has no option --client"),
    "unknown subcommand": ("Run `kvconform explore --seed 1`.\n",
                           "`kvconform explore`: no such subcommand"),
    "unknown case": ("The case 6.1/len-99 closes.\n", "case `6.1/len-99` matches no case"),
    "glob matching nothing": ("Cases `7.*/x` and `9.1/*`.\n", "case `9.1/*` matches no case"),
    "flag no program takes": ("Give `--budget-s 3`.\n",
                              "names --budget-s, an option no program takes"),
    "table names a flag the subcommand lacks": (
        "\n| `kvconform list` option | meaning |\n|---|---|\n| `--by-rule` | rules |\n",
        "the `kvconform list` table names --by-rule"),
}


def write(path, text, executable=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)
    if executable:
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


class CheckDocsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # What the stand-in kvconform says, asked once.
        with tempfile.TemporaryDirectory() as folder:
            kvconform = os.path.join(folder, "fake_kvconform")
            write(kvconform, FAKE_KVCONFORM, executable=True)
            cls.kit = check_docs.Kit(kvconform, [])

    def run_checker(self, readme):
        """(1 if the checker found a problem else 0, its problems as text)."""
        with tempfile.TemporaryDirectory() as root:
            write(os.path.join(root, "src", "thing.cc"), "")
            write(os.path.join(root, "src", "thing.h"), "")
            write(os.path.join(root, "README.md"), readme)
            problems, summary = check_docs.check(root, self.kit)
            return (1 if problems else 0), "\n".join(problems + [summary])

    def test_clean_docs_pass(self):
        code, output = self.run_checker(GOOD_README)
        self.assertEqual(code, 0, output)

    def test_every_planted_mistake_fails(self):
        for name, (text, message) in MISTAKES.items():
            with self.subTest(name):
                code, output = self.run_checker(GOOD_README + "\n" + text)
                self.assertEqual(code, 1, output)
                self.assertIn(message, output)

    def test_an_undocumented_flag_fails(self):
        readme = GOOD_README.replace("| `--seed N` | the seed |\n", "")
        code, output = self.run_checker(readme)
        self.assertEqual(code, 1, output)
        self.assertIn("`kvconform server` takes --seed, which no `kvconform server` options "
                      "table documents", output)

    def test_docs_that_name_nothing_fail(self):
        code, output = self.run_checker("# Nothing\n\nNo references at all.\n")
        self.assertEqual(code, 1, output)
        self.assertIn("the checker reads nothing", output)


if __name__ == "__main__":
    unittest.main()
