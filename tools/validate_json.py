#!/usr/bin/python3
"""Validates JSON documents against a JSON Schema (Debian's python3-jsonschema).

    validate_json.py SCHEMA FILE... [--lines]

--lines: each non-empty line of each FILE is one document (JSONL; validated against the schema's
$defs/post, as the check schema describes). Prints every error with the file (and line) and exits
1 if there was any.
"""
import json
import sys

import jsonschema


def main(argv):
    lines = "--lines" in argv
    args = [a for a in argv if a != "--lines"]
    schema = json.load(open(args[0], encoding="utf-8"))
    if lines:
        schema = dict(schema["$defs"]["post"], **{"$defs": schema["$defs"], "$schema": schema["$schema"]})
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in args[1:]:
        docs = []
        with open(path, encoding="utf-8") as f:
            if lines:
                docs = [(n, json.loads(l)) for n, l in enumerate(f, 1) if l.strip()]
            else:
                docs = [(0, json.load(f))]
        for n, doc in docs:
            for err in validator.iter_errors(doc):
                bad += 1
                where = "%s:%d" % (path, n) if lines else path
                print("%s: %s at %s" % (where, err.message, "/".join(str(p) for p in err.absolute_path)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
