"""Print a pip constraints file that pins every dependency to the lowest version pyproject.toml allows.

``pip install -c <this output> -e '.[test]'`` then installs the project's runtime and test dependencies
at their lower bounds (what they depend on in turn resolves as usual), so that the suite can be run
against them: .ci/run does that. Every requirement must have a ``>=`` bound; one without fails here,
so that no dependency goes untested at its lowest version.

Standard library only (``tomllib``: Python 3.11), so it runs before anything is installed::

    python3 .ci/lowest_constraints.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

#: A requirement's name, then (after any ``[extras]``) its version specifiers, up to a marker's ``;``.
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?([^;]*)")
LOWER_BOUND = re.compile(r">=\s*([^,\s]+)")
#: The groups of requirements CI installs: the runtime dependencies and the test extra.
EXTRAS = ("test",)


def requirements(pyproject: dict) -> list[str]:
    """The runtime requirements, then those of the extras CI installs."""
    project = pyproject["project"]
    found = list(project["dependencies"])
    for extra in EXTRAS:
        found += project.get("optional-dependencies", {}).get(extra, [])
    return found


def lowest(requirement: str) -> tuple[str, str]:
    """``("streamlit", "1.65")`` for ``"streamlit>=1.65"``; ValueError when there is no lower bound.

    >>> lowest("numpy>=2.0"), lowest("foo[bar] >= 1.2, <3")
    (('numpy', '2.0'), ('foo', '1.2'))
    """
    name, specifiers = REQUIREMENT.match(requirement).groups()
    bound = LOWER_BOUND.search(specifiers)
    if not bound:
        raise ValueError(f"{requirement!r} has no lower bound (>=): its lowest version cannot be tested")
    return name, bound[1]


def constraints(pyproject: dict) -> str:
    """One ``name==version`` line per requirement; a package listed twice gets its higher bound."""
    bounds: dict[str, tuple[str, str]] = {}
    for requirement in requirements(pyproject):
        name, version = lowest(requirement)
        key = re.sub(r"[-_.]+", "-", name).lower()
        previous = bounds.get(key)
        if previous is None or _release(version) > _release(previous[1]):
            bounds[key] = (name, version)
    return "".join(f"{name}=={version}\n" for name, version in bounds.values())


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else Path(__file__).resolve().parent.parent / "pyproject.toml")
    try:
        sys.stdout.write(constraints(tomllib.loads(path.read_text(encoding="utf-8"))))
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
