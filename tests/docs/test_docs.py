"""The docs stay true: a short README, no link to a file that is not there, every setting named.

Plain file reading, no database: this runs in well under a second.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 250
SETTINGS_PAGE = ROOT / "docs" / "operators" / "settings.md"
CODE_DIRS = ("config", "dsar")

# How the code reads the environment: config/env.py's helpers and os.environ / os.getenv.
_ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.(?:get|setdefault)\(|os\.environ\[|os\.getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")


def markdown_files(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def _prose(text: str) -> str:
    """The text without fenced code blocks and inline code, where brackets are not links."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found, seen = set(_HTML_ANCHOR.findall(text)), {}
    for heading in _HEADING.findall(_FENCE.sub("", text)):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(files: list[Path]) -> list[str]:
    """Every relative link (and image) whose file or directory, or heading anchor, is missing."""
    problems = []
    for path in files:
        prose = _prose(path.read_text(encoding="utf-8"))
        for target in _LINK.findall(prose) + _REF_LINK.findall(prose):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                continue  # https:, mailto: ...: not ours to check offline
            file_part, _, fragment = target.partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            where = f"{path}: ({target})"
            if not resolved.exists():
                problems.append(f"{where} points at a missing file")
            elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
                problems.append(f"{where} points at a missing heading")
    return problems


def environment_variables(root: Path = ROOT, dirs: tuple[str, ...] = CODE_DIRS) -> set[str]:
    names = set()
    for directory in dirs:
        for path in (root / directory).rglob("*.py"):
            names.update(_ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def undocumented(names: set[str], page: Path) -> set[str]:
    named = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", page.read_text(encoding="utf-8")))
    return names - named


def test_it_keeps_the_readme_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into docs/"


def test_it_finds_every_file_and_heading_the_docs_link_to():
    assert broken_links(markdown_files()) == []


def test_it_names_every_environment_variable_on_the_settings_page():
    names = environment_variables()
    # The reader of the code itself must work, or this test would pass on nothing.
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DSAR_OUTBOX_SECRET", "DJANGO_SETTINGS_MODULE"} <= names
    missing = undocumented(names, SETTINGS_PAGE)
    assert not missing, f"name these in docs/operators/settings.md, with their default and meaning: {sorted(missing)}"


def test_it_reports_a_missing_file_a_missing_heading_and_an_unnamed_setting(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# A page\n\n## Real heading\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(
        "[ok](docs/page.md#real-heading) [web](https://example.kz/x) `[code](nowhere.md)`\n"
        "```\n[fenced](nowhere.md)\n```\n"
        "[gone](docs/absent.md) ![img](docs/absent.png) [bad anchor](docs/page.md#no-such-heading)\n",
        encoding="utf-8",
    )
    problems = broken_links(markdown_files(tmp_path))
    assert len(problems) == 3
    assert sum("missing file" in p for p in problems) == 2 and sum("missing heading" in p for p in problems) == 1

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "s.py").write_text(
        'A = env_int("DSAR_NEW_THING", 3)\nB = os.environ.get("OTHER")\nC = os.environ["THIRD"]\n', encoding="utf-8"
    )
    page = tmp_path / "settings.md"
    page.write_text("| `OTHER` | ... |\n", encoding="utf-8")
    assert environment_variables(tmp_path, ("config",)) == {"DSAR_NEW_THING", "OTHER", "THIRD"}
    assert undocumented({"DSAR_NEW_THING", "OTHER", "THIRD"}, page) == {"DSAR_NEW_THING", "THIRD"}
