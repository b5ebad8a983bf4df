#!/usr/bin/env python3
"""validate_sarif.py SCHEMA FILE... - checks that each FILE is a SARIF log
the schema accepts; prints every error with where it is, and exits 1 if
there was any."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in sys.argv[2:]:
        log = json.load(open(path, encoding="utf-8"))
        for err in validator.iter_errors(log):
            where = "/".join(str(p) for p in err.absolute_path)
            print(f"{path}: {where}: {err.message}", file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
