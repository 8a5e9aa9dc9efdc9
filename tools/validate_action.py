#!/usr/bin/python3
"""Validates a GitHub Action metadata file (action.yml) against the action metadata schema
(SchemaStore's github-action.json, vendored in schemas/vendor/). YAML through python3-yaml, the
schema through python3-jsonschema. Prints every error and exits 1 if there was any.

    validate_action.py [ACTION_YML [SCHEMA]]
"""
import json
import os
import sys

import jsonschema
import yaml

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
action = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "action.yml")
schema_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "schemas", "vendor", "github-action.json")

schema = json.load(open(schema_path, encoding="utf-8"))
doc = yaml.safe_load(open(action, encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("%s: %s: %s" % (action, "/".join(str(p) for p in e.absolute_path) or "(top)", e.message))
if errors:
    sys.exit(1)
print("%s: valid against %s" % (action, os.path.basename(schema_path)))
