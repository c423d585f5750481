"""Validate a cairn site's site.toml and every content file's front matter against
the JSON Schemas `cairn schema` wrote, with the standard `jsonschema` validator.

usage: validate_front_matter.py SITE_DIR SCHEMA_DIR
Prints one line per file that does not validate (path: message) and exits 1 if any.
"""
import datetime
import json
import pathlib
import sys
import tomllib

import jsonschema
import yaml


def plain(value):
    """TOML and YAML dates as the strings editors and the schemas see."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def front_matter(text):
    fence = text[:3]
    body = text[3:].lstrip("\r\n")
    end = body.index("\n" + fence)
    block = body[:end]
    return plain(tomllib.loads(block) if fence == "+++" else (yaml.safe_load(block) or {}))


def schema_for(content, rel, languages):
    # `x.zh.md` beside `x.md`: a translation, which sets only what differs by language.
    stem = rel.name[: -len(".md")]
    if "." in stem and stem.rsplit(".", 1)[1] in languages and (content / rel).with_name(stem.rsplit(".", 1)[0] + ".md").exists():
        return "translation"
    if rel.parts[0] == "articles":
        return "article"
    if rel.parts[0] == "case-studies":
        return "case-study"
    return "page"


def main():
    site, schemas = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    load = lambda name: json.loads((schemas / f"{name}.schema.json").read_text())
    validators = {n: jsonschema.Draft202012Validator(load(n)) for n in ["site", "article", "case-study", "page", "translation"]}
    failures = []
    config = plain(tomllib.loads((site / "site.toml").read_text()))
    failures += [f"site.toml: {e.message}" for e in validators["site"].iter_errors(config)]
    checked = 1
    languages = set(config.get("languages", {}))
    for path in sorted((site / "content").rglob("*.md")):
        rel = path.relative_to(site / "content")
        kind = schema_for(site / "content", rel, languages)
        errors = validators[kind].iter_errors(front_matter(path.read_text()))
        failures += [f"content/{rel}: {e.message}" for e in errors]
        checked += 1
    for line in failures:
        print(line)
    print(f"checked {checked} files")
    sys.exit(1 if failures else 0)


main()
