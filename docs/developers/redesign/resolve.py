"""Resolve the usual conflicts of a helper merge: .po blocks (keep both), .mo (recompile later)."""
import re, subprocess, sys
out = subprocess.run(["git", "diff", "--name-only", "--diff-filter=U"], capture_output=True, text=True).stdout.split()
left = []
for f in out:
    if f.endswith(".po"):
        s = open(f).read()
        s = re.sub(r"<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n", lambda m: m.group(1) + "\n" + m.group(2), s, flags=re.S)
        open(f, "w").write(s)
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", f], capture_output=True, text=True)
        if check.returncode:
            print(f, check.stderr[-500:])
            subprocess.run(["msguniq", "--use-first", "-o", f, f], check=True)
        subprocess.run(["git", "add", f], check=True)
    elif f.endswith(".mo"):
        subprocess.run(["git", "checkout", "--ours", f], check=True)
        subprocess.run(["git", "add", f], check=True)
    else:
        left.append(f)
print("left:", " ".join(left))
