#!/usr/bin/env python3
"""Checks that debian/control's Build-Depends (besides debhelper-compat) and the build_packages list
of tools/install-deps.sh are the same packages in the same order. Prints the difference and exits 1
when they are not.

  check-build-deps.py [CONTROL [INSTALL_DEPS_SH]]
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
control = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "debian", "control")
script = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "tools", "install-deps.sh")


def control_build_depends(path):
    text = open(path, encoding="utf-8").read()
    source = text.split("\n\n", 1)[0]  # the source paragraph
    m = re.search(r"^Build-Depends:(.*(?:\n[ \t].*)*)", source, re.M)
    if not m:
        sys.exit("%s: no Build-Depends" % path)
    out = []
    for dep in m.group(1).split(","):
        name = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", dep).strip()
        if name and name != "debhelper-compat":
            out.append(name)
    return out


def script_build_packages(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^build_packages=\((.*?)^\)", text, re.M | re.S)
    if not m:
        sys.exit("%s: no build_packages=( ... )" % path)
    body = "\n".join(line.split("#", 1)[0] for line in m.group(1).splitlines())
    return body.split()


a = control_build_depends(control)
b = script_build_packages(script)
if a != b:
    print("Build-Depends of %s and build_packages of %s differ:" % (control, script))
    print("  only in debian/control:  " + " ".join(x for x in a if x not in b))
    print("  only in install-deps.sh: " + " ".join(x for x in b if x not in a))
    if sorted(a) == sorted(b):
        print("  (same packages, in another order)")
    sys.exit(1)
print("%d build packages, the same in both" % len(a))
