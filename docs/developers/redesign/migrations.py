"""Linearise the helpers' 0100_* migrations after the newest numbered one, in the given order."""
import re, subprocess, sys
from pathlib import Path
d = Path("dsar/migrations")
numbered = sorted(p for p in d.glob("0*.py") if not p.name.startswith("01"))
prev = numbered[-1].stem
order = sys.argv[1:]  # helper names in merge order, e.g. connectors delivery signing ops
extra = sorted(p for p in d.glob("01*.py"))
def key(p):
    for i, n in enumerate(order):
        if n in p.stem: return (i, p.stem)
    return (99, p.stem)
extra.sort(key=key)
num = int(prev[:4])
renames = {}
for p in extra:
    num += 1
    new = f"{num:04d}_{p.stem.split('_', 1)[1]}"
    renames[p.stem] = new
for p in extra:
    new = renames[p.stem]
    text = p.read_text()
    deps = re.search(r"dependencies = \[(.*?)\n    \]", text, re.S)
    body = re.sub(r"\(\s*[\"']dsar[\"']\s*,\s*[\"'][^\"']+[\"']\s*\),?", "", deps.group(1))
    body = f'\n        ("dsar", "{prev}"),' + body
    text = text[: deps.start(1)] + body + text[deps.end(1):]
    for o, n in renames.items():
        text = text.replace(f'"{o}"', f'"{n}"').replace(f"'{o}'", f"'{n}'")
    (d / f"{new}.py").write_text(text)
    subprocess.run(["git", "rm", "-q", str(p)], check=True)
    subprocess.run(["git", "add", str(d / f"{new}.py")], check=True)
    print(p.stem, "->", new, "after", prev)
    prev = new
