#!/usr/bin/env python3
"""Prints run.sh's results (JSON lines) as a markdown table: one row per text and mode,
milliseconds before and after."""
import json
import sys

rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    result = json.loads(line)
    key = (result["truncate"], result["text"], result["size"])
    rows.setdefault(key, {})[result["build"]] = result

print("| text | bytes | mode | before ms | after ms | ids |")
print("|---|---:|---|---:|---:|---:|")
for (truncate, text, size), builds in sorted(rows.items()):
    name = f"a + {size // 1000}k×U+0301 + {size // 1000}k×U+0316" if text == "marks" else f"ordinary, {size // 1024} KiB"
    mode = "truncated to 256" if truncate else "whole"

    def cell(build):
        result = builds.get(build)
        if result is None:
            return "–"
        return "skipped" if result.get("skipped") else f"{result['seconds'] * 1000:.2f}"

    measured = next((r for r in builds.values() if not r.get("skipped")), {})
    print(f"| {name} | {measured.get('bytes', '')} | {mode} | {cell('before')} | {cell('after')} | {measured.get('ids', '')} |")
