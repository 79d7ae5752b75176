"""Move dsar's modules into feature packages and rewrite every import and dotted path.

Run from the repository root: python /work/slice/slice.py [--dry-run]
Steps: pin Celery task names; move definitions between modules; git mv modules; rewrite
imports (absolute), dotted strings and migration paths; regenerate dsar/models/__init__.py.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from mapping import DEFS, MODULES, TEST_DIRS  # noqa: E402

ROOT = Path.cwd()
DRY = "--dry-run" in sys.argv


def sh(*args):
    if DRY:
        print("$", *args)
        return
    subprocess.run(args, check=True)


# ---------------------------------------------------------------- module inventory (old names)
def module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def py_files(*tops):
    out = []
    for top in tops:
        p = ROOT / top
        if p.is_file():
            out.append(p)
            continue
        for dp, dn, fn in os.walk(p):
            dn[:] = [d for d in dn if d not in ("__pycache__", ".venv", "var", "mutants", "node_modules")]
            for f in fn:
                if f.endswith(".py"):
                    out.append(Path(dp) / f)
    return sorted(out)


OLD_FILES = {module_of(p): p for p in py_files("dsar")}
OLD_PKGS = {m for m, p in OLD_FILES.items() if p.name == "__init__.py"}


def new_name(mod: str) -> str:
    best = None
    for old in MODULES:
        if mod == old or mod.startswith(old + "."):
            if best is None or len(old) > len(best):
                best = old
    return MODULES[best] + mod[len(best) :] if best else mod


# ---------------------------------------------------------------- re-export resolution
_parsed: dict[str, ast.Module] = {}


def tree(mod: str) -> ast.Module | None:
    if mod not in OLD_FILES:
        return None
    if mod not in _parsed:
        _parsed[mod] = ast.parse(OLD_FILES[mod].read_text())
    return _parsed[mod]


def absolutise(cur: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = cur.split(".")
    if cur not in OLD_PKGS:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


DEF_MOVES = {}  # (old module, name) -> old-style target module (mapped later through new_name)
for src, names, dst in DEFS:
    for n in names:
        DEF_MOVES[(src, n)] = dst


def defining(mod: str, name: str, depth=0) -> str:
    """The old module that really defines `name` imported from `mod` (following re-exports)."""
    if (mod, name) in DEF_MOVES:
        return DEF_MOVES[(mod, name)]
    t = tree(mod)
    if t is None or depth > 5:
        return mod
    for node in t.body:
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                if (a.asname or a.name) == name:
                    src = absolutise(mod, node)
                    if not src.startswith("dsar"):
                        return mod
                    if f"{src}.{a.name}" in OLD_FILES:
                        return mod  # a submodule re-exported by name: keep it where it was
                    return defining(src, a.name, depth + 1)
    return mod


# ---------------------------------------------------------------- step 1: pin Celery task names
TASK_NAMES = set()


def pin_task_names():
    for mod, path in OLD_FILES.items():
        text = path.read_text()
        if "shared_task" not in text:
            continue
        t = ast.parse(text)
        lines = text.splitlines(keepends=True)
        edits = []
        for node in t.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if not (isinstance(target, ast.Name) and target.id == "shared_task"):
                    continue
                if isinstance(dec, ast.Call):
                    kw = {k.arg: k for k in dec.keywords}
                    if "name" in kw:
                        TASK_NAMES.add(kw["name"].value.value)
                        continue
                    name = f"{mod}.{node.name}"
                    TASK_NAMES.add(name)
                    line = lines[dec.lineno - 1]
                    col = dec.func.end_col_offset
                    sep = ", " if (dec.args or dec.keywords) else ""
                    edits.append((dec.lineno - 1, col + 1, f'name="{name}"{sep}'))
                else:
                    name = f"{mod}.{node.name}"
                    TASK_NAMES.add(name)
                    col = dec.end_col_offset
                    edits.append((dec.lineno - 1, col, f'(name="{name}")'))
        for li, col, ins in sorted(edits, reverse=True):
            lines[li] = lines[li][:col] + ins + lines[li][col:]
        if edits and not DRY:
            path.write_text("".join(lines))


# ---------------------------------------------------------------- step 2: move definitions
def node_span(lines, node):
    start = node.lineno - 1
    if getattr(node, "decorator_list", None):
        start = min(d.lineno for d in node.decorator_list) - 1
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start, node.end_lineno


def import_block(text: str) -> str:
    t = ast.parse(text)
    out = []
    lines = text.splitlines(keepends=True)
    for node in t.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append("".join(lines[node.lineno - 1 : node.end_lineno]))
    return "".join(out)


def move_definitions():
    by_src = {}
    for src, names, dst in DEFS:
        by_src.setdefault(src, []).append((names, dst))
    for src, moves in by_src.items():
        path = OLD_FILES.get(src)
        if path is None:
            print("skip (no module)", src)
            continue
        text = path.read_text()
        t = ast.parse(text)
        lines = text.splitlines(keepends=True)
        header_imports = import_block(text)
        remove = []
        for names, dst in moves:
            chunks = []
            for node in t.body:
                nm = None
                if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                    nm = node.name
                elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    nm = node.targets[0].id
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    nm = node.target.id
                if nm in names:
                    s, e = node_span(lines, node)
                    chunks.append("".join(lines[s:e]))
                    remove.append((s, e))
            missing = set(names) - {c for c in names if any(re.search(rf"\b{c}\b", ch) for ch in chunks)}
            if missing:
                print("not found in", src, missing)
            dst_path = OLD_FILES.get(dst)
            imports = drop_self(rel_to_abs(header_imports, src), dst)
            if dst_path is None:
                # a new module, in the old namespace (moved with everything else in step 3)
                dst_path = ROOT / (dst.replace(".", "/") + ".py")
                OLD_FILES[dst] = dst_path
                body = f'"""{names[0]} and its neighbours (moved from {src})."""\n\nfrom __future__ import annotations\n\n'
                body += imports + "\n\n"
                body += "\n\n".join(c.rstrip("\n") + "\n" for c in chunks)
            else:
                code = "\n\n" + "\n\n".join(c.rstrip("\n") + "\n" for c in chunks) + "\n\n"
                body = inject_imports(dst_path.read_text(), imports + code)
            if not DRY:
                dst_path.write_text(body)
                _parsed.pop(dst, None)
        for s, e in sorted(remove, reverse=True):
            del lines[s:e]
        new_text = "".join(lines)
        # what the source still uses of the moved names, it imports from their new home
        back = []
        code_names = {n.id for n in ast.walk(ast.parse(new_text)) if isinstance(n, ast.Name)}
        code_names |= {n.attr for n in ast.walk(ast.parse(new_text)) if isinstance(n, ast.Attribute)}
        for names, dst in moves:
            used = [n for n in names if n in code_names]
            if used:
                back.append(f"from {dst} import {', '.join(used)}  # noqa: F401\n")
        if back:
            new_text = inject_imports(new_text, "".join(back))
        if not DRY:
            path.write_text(new_text)
            _parsed.pop(src, None)


def rel_to_abs(block: str, cur: str) -> str:
    out = []
    for node in ast.parse(block).body:
        if isinstance(node, ast.ImportFrom) and node.level:
            mod = absolutise(cur, node)
            names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
            out.append(f"from {mod} import {names}\n")
        else:
            out.append(ast.unparse(node) + "\n")
    return "".join(out)


def drop_self(block: str, mod: str) -> str:
    keep = []
    for line in block.splitlines(keepends=True):
        m = re.match(r"from (\S+) import", line)
        if m and (m.group(1) == mod or m.group(1) == "__future__"):
            continue
        keep.append(line)
    return "".join(keep)


def inject_imports(text: str, imports: str) -> str:
    """Put `imports` after the module's last top-level import (or its docstring)."""
    t = ast.parse(text)
    lines = text.splitlines(keepends=True)
    at = 0
    for node in t.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            at = node.end_lineno
        elif at == 0 and isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant):
            at = node.end_lineno
        elif at:
            break
    return "".join(lines[:at]) + imports + "".join(lines[at:])


# ---------------------------------------------------------------- step 3: git mv
def target_path(mod_new: str, is_pkg: bool) -> Path:
    p = ROOT / mod_new.replace(".", "/")
    return p / "__init__.py" if is_pkg else p.with_suffix(".py")


def move_files():
    moves = []
    for mod, path in sorted(OLD_FILES.items()):
        nm = new_name(mod)
        is_pkg = path.name == "__init__.py"
        if nm == mod and not (is_pkg and any(m != mod and new_name(m) == nm for m in OLD_FILES)):
            continue
        # a package mapped onto a module (portal.forms -> portal/forms.py): its __init__ only re-exported
        dst = target_path(nm, is_pkg)
        others = [m for m in OLD_FILES if m != mod and new_name(m) == nm]
        if others:
            if is_pkg:
                moves.append(("drop", path, None))
                continue
            dst = target_path(nm, False)
        if is_pkg and any(new_name(m) == nm for m in OLD_FILES if m != mod):
            pass
        moves.append(("mv", path, dst))
    for kind, src, dst in moves:
        if kind == "drop":
            sh("git", "rm", "-q", str(src.relative_to(ROOT)))
            continue
        if not DRY:
            dst.parent.mkdir(parents=True, exist_ok=True)
            d = dst.parent
            while d != ROOT / "dsar" and not (d / "__init__.py").exists():
                (d / "__init__.py").write_text("")
                d = d.parent
        if dst.exists() and not DRY:
            # the package's __init__ already stands there (created above): replace it
            if dst.read_text() == "":
                dst.unlink()
        sh("git", "mv", str(src.relative_to(ROOT)), str(dst.relative_to(ROOT)))
    return moves


# ---------------------------------------------------------------- step 4: rewrite imports
def new_location(src_mod: str, name: str):
    """(new module, name) for `from src_mod import name`, in new names."""
    if f"{src_mod}.{name}" in OLD_FILES:  # a submodule
        full = new_name(f"{src_mod}.{name}")
        parent, _, base = full.rpartition(".")
        return parent, base
    d = defining(src_mod, name)
    return new_name(d), name


def rewrite_imports(path: Path, old_mod: str, keep_models_aggregate: bool):
    text = path.read_text()
    try:
        t = ast.parse(text)
    except SyntaxError:
        print("cannot parse", path)
        return
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(t):
        if isinstance(node, ast.ImportFrom):
            src = absolutise(old_mod, node) if node.level else (node.module or "")
            if not src.startswith("dsar"):
                continue
            groups: dict[str, list[str]] = {}
            for a in node.names:
                local = a.asname or a.name
                if keep_models_aggregate and src == "dsar.models" and "." not in src[5:]:
                    nm, base = "dsar.models", a.name
                else:
                    nm, base = new_location(src, a.name)
                if a.name == "*":
                    nm, base = new_name(src), "*"
                if nm == new_name(old_mod) and base == local and not path.name == "__init__.py":
                    continue  # the module now defines it itself
                item = base if base == local else f"{base} as {local}"
                groups.setdefault(nm, []).append(item)
            if not groups:
                edits.append((node, "pass\n" if node.col_offset else ""))
                continue
            indent = lines[node.lineno - 1][: node.col_offset]
            repl = "".join(
                (indent if i else "") + f"from {m} import {', '.join(items)}\n" for i, (m, items) in enumerate(groups.items())
            )
            edits.append((node, repl))
        elif isinstance(node, ast.Import):
            items = []
            changed = False
            for a in node.names:
                if a.name.startswith("dsar"):
                    nn = new_name(a.name)
                    changed |= nn != a.name
                    items.append(nn + (f" as {a.asname}" if a.asname else ""))
                else:
                    items.append(a.name + (f" as {a.asname}" if a.asname else ""))
            if changed:
                edits.append((node, f"import {', '.join(items)}\n"))
    # apply bottom-up by span; keep the tail of the last line (comments such as noqa)
    for node, repl in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        s, e = node.lineno - 1, node.end_lineno - 1
        head = lines[s][: node.col_offset]
        tail = lines[e][node.end_col_offset :]
        comment = tail.strip()
        if comment.startswith(";"):
            comment = ""
        r = repl.rstrip("\n")
        if comment:
            r += "  " + comment if not comment.startswith("#") else "  " + comment
        lines[s : e + 1] = [head + r + "\n"]
    out = "".join(lines)
    out = rewrite_dotted(out, strings_only=not path.match("*/migrations/*.py"))
    if out != text and not DRY:
        path.write_text(out)


ALIASES = [
    ("dsar.requests", "wording", "texts"),
    ("dsar.requests", "wording", "letter_texts"),
    ("dsar.core", "ed25519", "signing"),
    ("dsar.staff", "second_factor", "staff_security"),
]
ALL_OLD = sorted(OLD_FILES, key=len, reverse=True)
DOTTED = re.compile(r"\bdsar(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\.\*)?")


def map_dotted(s: str) -> str:
    if s in TASK_NAMES or s.rstrip(".*") in TASK_NAMES:
        return s
    if s.endswith(".*"):
        return new_name(s[:-2]) + ".*"
    parts = s.split(".")
    for i in range(len(parts), 0, -1):
        mod = ".".join(parts[:i])
        if mod in OLD_FILES:
            rest = parts[i:]
            if rest:
                d = defining(mod, rest[0])
                return ".".join([new_name(d)] + rest)
            return new_name(mod)
    return s


def rewrite_dotted(text: str, strings_only: bool) -> str:
    if strings_only:
        def in_string(m):
            q = m.group(1)
            return q + map_dotted(m.group(2)) + q
        return re.sub(r"""(["'])(dsar(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\.\*)?)\1""", in_string, text)
    return DOTTED.sub(lambda m: map_dotted(m.group(0)), text)


# ---------------------------------------------------------------- main
def main():
    pin_task_names()
    for k in list(_parsed):
        _parsed.pop(k)
    move_definitions()
    inventory = {p: module_of(p) for p in py_files("dsar")}  # old names, after definition moves
    for p, m in inventory.items():
        OLD_FILES.setdefault(m, p)
    _parsed.clear()
    for m in list(OLD_FILES):
        tree(m)
    sh("git", "add", "-A", "dsar")
    moves = move_files()
    moved = {str(src): dst for kind, src, dst in moves if kind == "mv"}
    # every python file, with its OLD module name (for relative imports)
    files = []
    for p in py_files("dsar", "tests", "bench", "config", "manage.py"):
        old = None
        for src, dst in moved.items():
            if dst == p:
                old = module_of(Path(src))
        if old is None:
            old = module_of(p)
        files.append((p, old))
    if DRY:
        return
    for p, old in files:
        rewrite_imports(p, old, keep_models_aggregate=not str(p.relative_to(ROOT)).startswith("dsar/"))
    # the app's models module: every model and enum of the domain packages, for Django and tests
    agg = ROOT / "dsar/models/__init__.py"
    t = ast.parse(agg.read_text())
    lines = []
    names = []
    for node in t.body:
        if isinstance(node, ast.ImportFrom):
            items = [a.name for a in node.names]
            names += items
            lines.append(f"from {node.module} import {', '.join(items)}\n")
    body = '"""The app\'s models: Django loads `dsar.models`; each model lives in its domain package."""\n\n'
    body += "".join(lines) + "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(set(names))) + "]\n"
    agg.write_text(body)
    # old packages left with nothing but an empty __init__
    import shutil
    for init in sorted((ROOT / "dsar").rglob("__init__.py"), key=lambda p: -len(p.parts)):
        d = init.parent
        rest = [f for f in d.rglob("*.py") if f != init]
        if not rest and not init.read_text().strip() and module_of(init) in OLD_PKGS:
            sh("git", "rm", "-q", "-f", str(init.relative_to(ROOT)))
    for d in sorted((ROOT / "dsar").rglob("*"), key=lambda p: -len(p.parts)):
        if d.is_dir() and d.name != "__pycache__" and not list(d.rglob("*.py")) and not any(x.suffix in (".html", ".txt", ".json") for x in d.rglob("*")):
            shutil.rmtree(d)
    # Django's admin autodiscovery imports dsar.admin: a module of registrations, not a package
    if (ROOT / "dsar/admin/__init__.py").exists() and len(list((ROOT / "dsar/admin").glob("*.py"))) == 1:
        sh("git", "mv", "dsar/admin/__init__.py", "dsar/admin.py")
    # aliases the rewrite had to keep (a module renamed under its old local name): use the new name
    for path in py_files("dsar", "tests", "bench"):
        text = path.read_text()
        new = text
        for module, base, alias in ALIASES:
            line = f"from {module} import {base} as {alias}"
            if line in new and not re.search(rf"\b{base}\b", new.replace(line, "")):
                new = new.replace(line, f"from {module} import {base}")
                new = re.sub(rf"(?<![\w.]){alias}\.", f"{base}.", new)
        if new != text:
            path.write_text(new)
    # test folders mirror dsar/
    for old, new in TEST_DIRS.items():
        if not (ROOT / old).exists():
            continue
        (ROOT / new).parent.mkdir(parents=True, exist_ok=True)
        sh("git", "mv", old, new)
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        f = ROOT / name
        if f.suffix not in (".py", ".md", ".toml", ".cfg", ".ini", ".sh", "") or not f.is_file() or f.is_symlink():
            continue
        if f.suffix == "" and not name.startswith((".ci/", "bin/")):
            continue
        text = f.read_text()
        new = text
        for old, newdir in sorted(TEST_DIRS.items(), key=lambda kv: -len(kv[0])):
            new = re.sub(rf"(?<![\w/.]){re.escape(old)}(?=[/:\s\"'\])`,]|$)", newdir, new)
            new = re.sub(rf"(?<![\w.]){re.escape(old.replace('/', '.'))}(?=[.\s\"'])", newdir.replace("/", "."), new)
        if new != text:
            f.write_text(new)
    # prose: module paths and dotted names in the docs, README and bench results
    def path_of(mod_new: str) -> str:
        f = ROOT / (mod_new.replace(".", "/") + ".py")
        return f"{mod_new.replace('.', '/')}.py" if f.exists() else mod_new.replace(".", "/") + "/"

    def map_path(m):
        raw = m.group(0)
        mod = raw[:-3].replace("/", ".") if raw.endswith(".py") else raw.rstrip("/").replace("/", ".")
        if mod.endswith(".__init__"):
            mod = mod[: -len(".__init__")]
        if mod not in OLD_FILES:
            return raw
        return path_of(new_name(mod)) if raw.endswith(".py") else new_name(mod).replace(".", "/") + ("/" if raw.endswith("/") else "")

    docs = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "bench").rglob("*.md"))]
    for f in docs:
        if not f.exists():
            continue
        text = f.read_text()
        new = re.sub(r"\bdsar(?:/[A-Za-z_][A-Za-z0-9_]*)+(?:\.py|/)?", map_path, text)
        new = re.sub(r"(?<![/\w])dsar(?:\.[A-Za-z_][A-Za-z0-9_]*)+", lambda m: map_dotted(m.group(0)), new)
        if new != text:
            f.write_text(new)
    # non-python references (settings in toml)
    for extra in ["pyproject.toml"]:
        f = ROOT / extra
        f.write_text(rewrite_dotted(f.read_text(), strings_only=True))


if __name__ == "__main__":
    main()
