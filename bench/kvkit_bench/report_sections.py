"""Generated sections of bench/README.md.

Each benchmark script owns one section of the README, fenced by two marker
lines, and rewrites only what lies between them, so that the hand-written
text around the sections survives every rerun:

    <!-- begin generated: NAME (by SCRIPT; rerun it, do not edit) -->
    ...
    <!-- end generated: NAME -->
"""

import pathlib
import re

from . import BENCH_DIR

DEFAULT_README = BENCH_DIR / "README.md"


def replace_section(readme, name, script, text):
    """Replaces section `name` of the file `readme` with `text`.

    The file must already hold both markers of the section: a script never
    guesses where a missing section belongs. Raises ValueError otherwise.
    """
    readme = pathlib.Path(readme)
    document = readme.read_text()
    pattern = re.compile(
        r"(?P<begin><!-- begin generated: " + re.escape(name) + r" \(.*?\) -->\n)"
        r".*?"
        r"(?P<end><!-- end generated: " + re.escape(name) + r" -->)",
        re.DOTALL)
    if not pattern.search(document):
        raise ValueError(f"{readme} has no generated section '{name}'; add its two marker lines:\n"
                         f"<!-- begin generated: {name} (by {script}; rerun it, do not edit) -->\n"
                         f"<!-- end generated: {name} -->")
    begin = f"<!-- begin generated: {name} (by {script}; rerun it, do not edit) -->\n"
    body = text.rstrip("\n") + "\n"
    updated = pattern.sub(lambda m: begin + body + m.group("end"), document, count=1)
    readme.write_text(updated)
