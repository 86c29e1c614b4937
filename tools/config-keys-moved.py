#!/usr/bin/env python3
"""Rewrites references to configuration keys that moved out of PulseConfig (issue 14, item 3).

Until then every key of every module was a constant of platform's PulseConfig; now each module declares
its own keys (PlatformConfig, RuntimeConfig, IngestConfig, ...) and PulseConfig only loads and validates
the key lists it is handed. This script documents the move and applies it to a source tree:

    python3 tools/config-keys-moved.py modules          # rewrite in place
    python3 tools/config-keys-moved.py --check modules  # list what would change, exit 1 if anything

For every *.java file under the given directories it replaces PulseConfig.OLD_NAME with
NewOwner.NEW_NAME, adds the import of NewOwner (unless the file is in NewOwner's package), applies the few
call-site rewrites that follow from keys now holding typed values (PlausibleArea, ReplaySpeed, BearerTokens,
MissingDataSpec, List<URI>), and drops the PulseConfig import once nothing uses it. Running it twice changes
nothing the second time. It does not touch the key classes themselves nor PulseConfig.
"""
import argparse
import pathlib
import re
import sys

P = "pl.krakow.pulse"
PLATFORM = f"{P}.platform.config.PlatformConfig"
RUNTIME = f"{P}.runtime.RuntimeConfig"
RUN = f"{P}.app.RunConfig"
INGEST = f"{P}.ingest.IngestConfig"
ENVIRONMENT = f"{P}.ingest.environment.EnvironmentIngestConfig"
MOBILITY = f"{P}.ingest.mobility.MobilityConfig"
SAFETY = f"{P}.ingest.safety.SafetyConfig"
INDICATORS = f"{P}.indicators.IndicatorsConfig"
ALERTING = f"{P}.alerting.AlertingConfig"
PUBLISH = f"{P}.publish.PublishConfig"

# old PulseConfig constant -> (owner class, new constant name)
MOVES = {
    "BOOTSTRAP_SERVERS": (PLATFORM, "BOOTSTRAP_SERVERS"),
    "SCHEMA_REGISTRY_URL": (PLATFORM, "SCHEMA_REGISTRY_URL"),
    "TOPIC_REPLICATION_FACTOR": (PLATFORM, "TOPIC_REPLICATION_FACTOR"),
    "TOPIC_PARTITIONS": (PLATFORM, "TOPIC_PARTITIONS"),
    "TOPICS_CREATE": (PLATFORM, "TOPICS_CREATE"),
    "DATA_DIR": (PLATFORM, "DATA_DIR"),
    "APPLICATION_ID_PREFIX": (PLATFORM, "APPLICATION_ID_PREFIX"),
    "PROCESSING_GUARANTEE": (PLATFORM, "PROCESSING_GUARANTEE"),
    "STREAMS_THREADS": (PLATFORM, "STREAMS_THREADS"),
    "STREAMS_COMMIT_INTERVAL_MS": (PLATFORM, "STREAMS_COMMIT_INTERVAL_MS"),
    "STREAMS_ROCKSDB_MEMORY_BYTES": (PLATFORM, "STREAMS_ROCKSDB_MEMORY_BYTES"),
    "TIME_ZONE": (PLATFORM, "TIME_ZONE"),
    "EMBEDDED_KAFKA_PORT": (RUN, "EMBEDDED_KAFKA_PORT"),
    "EMBEDDED_REGISTRY_PORT": (RUN, "EMBEDDED_REGISTRY_PORT"),
    "EMBEDDED_MQTT_PORT": (RUN, "EMBEDDED_MQTT_PORT"),
    "REPLAY_ON_START": (RUN, "REPLAY_ON_START"),
    "HTTP_HOST": (PUBLISH, "HTTP_HOST"),
    "HTTP_PORT": (PUBLISH, "HTTP_PORT"),
    "API_MAX_RANGE_DAYS": (PUBLISH, "API_MAX_RANGE_DAYS"),
    "EXPORT_DIRECTORY": (PUBLISH, "EXPORT_DIRECTORY"),
    "EXPORT_INTERVAL": (PUBLISH, "EXPORT_INTERVAL"),
    "INDICATORS_IDLE_TIMEOUT": (RUNTIME, "IDLE_TIMEOUT"),
    "INDICATORS_PUNCTUATION_INTERVAL": (RUNTIME, "PUNCTUATION_INTERVAL"),
    "INDICATORS_EMIT_INTERVAL": (RUNTIME, "EMIT_INTERVAL"),
    "INGEST_MAX_AGE": (INGEST, "MAX_AGE"),
    "INGEST_MAX_FUTURE": (INGEST, "MAX_FUTURE"),
    "REPLAY_SPEED": (INGEST, "REPLAY_SPEED"),
    "PUSH_HTTP_HOST": (INGEST, "PUSH_HTTP_HOST"),
    "PUSH_HTTP_TOKENS": (ENVIRONMENT, "PUSH_HTTP_TOKENS"),
    "PUSH_HTTP_PORT": (ENVIRONMENT, "PUSH_HTTP_PORT"),
    "PUSH_MQTT_ENABLED": (ENVIRONMENT, "PUSH_MQTT_ENABLED"),
    "PUSH_MQTT_URL": (ENVIRONMENT, "PUSH_MQTT_URL"),
    "PUSH_MQTT_TOPIC": (ENVIRONMENT, "PUSH_MQTT_TOPIC"),
    "PUSH_MQTT_USERNAME": (ENVIRONMENT, "PUSH_MQTT_USERNAME"),
    "PUSH_MQTT_PASSWORD": (ENVIRONMENT, "PUSH_MQTT_PASSWORD"),
    "GIOS_API_URL": (ENVIRONMENT, "GIOS_API_URL"),
    "GIOS_API_FORMAT": (ENVIRONMENT, "GIOS_API_FORMAT"),
    "GIOS_API_CITY": (ENVIRONMENT, "GIOS_API_CITY"),
    "GIOS_API_INTERVAL": (ENVIRONMENT, "GIOS_API_INTERVAL"),
    "MOBILITY_AREA_BBOX": (MOBILITY, "AREA_BBOX"),
    "MOBILITY_UNKNOWN_TRIP": (MOBILITY, "UNKNOWN_TRIP"),
    "MOBILITY_GTFSRT_URLS": (MOBILITY, "GTFSRT_URLS"),
    "MOBILITY_GBFS_URLS": (MOBILITY, "GBFS_URLS"),
    "MOBILITY_POLL_INTERVAL": (MOBILITY, "POLL_INTERVAL"),
    "MOBILITY_POLL_MAX_BACKOFF": (MOBILITY, "POLL_MAX_BACKOFF"),
    "SAFETY_SIMULATOR_ENABLED": (SAFETY, "SIMULATOR_ENABLED"),
    "SAFETY_SIMULATOR_BACKFILL": (SAFETY, "SIMULATOR_BACKFILL"),
    "SAFETY_PUSH_HTTP_TOKENS": (SAFETY, "PUSH_HTTP_TOKENS"),
    "SAFETY_PUSH_HTTP_PORT": (SAFETY, "PUSH_HTTP_PORT"),
    "SAFETY_POPULATION_FILE": (INDICATORS, "POPULATION_FILE"),
    "ALERTING_ENABLED": (ALERTING, "ENABLED"),
    "ALERTING_RULES_FILE": (ALERTING, "RULES_FILE"),
    "ALERTING_CLEAR_MARGIN_PERCENT": (ALERTING, "CLEAR_MARGIN_PERCENT"),
    "ALERTING_MIN_DURATION": (ALERTING, "MIN_DURATION"),
    "ALERTING_PROVISIONAL": (ALERTING, "PROVISIONAL"),
    "ALERTING_REORDER_WAIT": (ALERTING, "REORDER_WAIT"),
    "ALERTING_MISSING_DATA": (ALERTING, "MISSING_DATA"),
    "ALERTING_MISSING_DATA_CHECK_INTERVAL": (ALERTING, "MISSING_DATA_CHECK_INTERVAL"),
    "ALERTING_LOG_NOTIFIER": (ALERTING, "LOG_NOTIFIER"),
    "ALERTING_WEBHOOK_URLS": (ALERTING, "WEBHOOK_URLS"),
    "ALERTING_WEBHOOK_MAX_ATTEMPTS": (ALERTING, "WEBHOOK_MAX_ATTEMPTS"),
    "ALERTING_WEBHOOK_INITIAL_BACKOFF": (ALERTING, "WEBHOOK_INITIAL_BACKOFF"),
    "ALERTING_WEBHOOK_MAX_BACKOFF": (ALERTING, "WEBHOOK_MAX_BACKOFF"),
    "ALERTING_WEBHOOK_TIMEOUT": (ALERTING, "WEBHOOK_TIMEOUT"),
}

# Keys that now hold a parsed value: the parse at the call site goes (applied after the renames).
TYPED_CALL_SITES = [
    (r"PlausibleArea\.parse\(((?:\w+\.)?get\(MobilityConfig\.AREA_BBOX\))\)", r"\1"),
    (r"PlausibleArea\.parse\((MobilityConfig\.AREA_BBOX\.defaultValue\(\))\)", r"\1"),
    (r"ReplaySpeed\.parse\(((?:\w+\.)?get\(IngestConfig\.REPLAY_SPEED\))\)", r"\1"),
    (r"\"max\"\.equalsIgnoreCase\(((?:\w+\.)?get\(IngestConfig\.REPLAY_SPEED\))\.trim\(\)\)", r"\1.isMax()"),
    (r"MissingDataSpec\.parse\(((?:\w+\.)?get\(AlertingConfig\.MISSING_DATA\))\)", r"\1"),
]

# PulseConfig no longer knows every key: PulseConfig.load(file, env, overrides) (three arguments) became
# load(keys, file, env, overrides). A three-argument load gets the keys of the module the file is in
# (path fragment -> replacement of "PulseConfig.load(", class to import); the platform keys are always added.
LOADS = {
    "modules/app/": ("ConfigCatalog.load(", f"{P}.app.ConfigCatalog"),
    "modules/alerting/": ("PulseConfig.load(AlertingConfig.KEYS, ", ALERTING),
    "modules/indicators/": ("PulseConfig.load(IndicatorsConfig.SERVICE_KEYS, ", INDICATORS),
    "modules/runtime/": ("PulseConfig.load(RuntimeConfig.KEYS, ", RUNTIME),
    "modules/ingest-core/": ("PulseConfig.load(IngestConfig.KEYS, ", INGEST),
    "modules/ingest-environment/": ("PulseConfig.load(EnvironmentIngestConfig.KEYS, ", ENVIRONMENT),
    "modules/ingest-mobility/": ("PulseConfig.load(MobilityConfig.KEYS, ", MOBILITY),
    "modules/ingest-safety/": ("PulseConfig.load(SafetyConfig.KEYS, ", SAFETY),
    "modules/publish/": ("PulseConfig.load(PublishConfig.KEYS, ", PUBLISH),
}
# Only in the app: the catalog of every key moved from PulseConfig's statics to ConfigCatalog.
APP_STATICS = [
    (r"\bPulseConfig\.keys\(\)", "ConfigCatalog.ALL"),
    (r"\bPulseConfig\.isKnownEnvironmentVariable\((?!ConfigCatalog\.ALL\b)", "ConfigCatalog.isKnownEnvironmentVariable("),
]


def top_level_arguments(text, open_paren):
    """The number of top-level arguments of the call whose '(' is at open_paren."""
    depth, count, nonblank = 0, 0, False
    for i in range(open_paren, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
            if depth == 1:
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return count + 1 if nonblank else 0
        elif c == "," and depth == 1:
            count += 1
            continue
        elif c == '"':
            # skip a string literal
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            continue
        if depth >= 1 and not c.isspace():
            nonblank = True
    return -1


def rewrite_loads(text, path, owners):
    for fragment, (replacement, owner) in LOADS.items():
        if fragment not in path:
            continue
        out, pos = [], 0
        for m in re.finditer(r"\bPulseConfig\.load\(", text):
            if top_level_arguments(text, m.end() - 1) == 3:
                out.append(text[pos:m.start()] + replacement)
                pos = m.end()
                owners.add(owner)
        text = "".join(out) + text[pos:]
        if fragment == "modules/app/":
            for pattern, repl in APP_STATICS:
                if re.search(pattern, text):
                    text = re.sub(pattern, repl, text)
                    owners.add(owner)
    return text


REFERENCE = re.compile(r"\bPulseConfig([.#])([A-Z][A-Z0-9_]*)\b")  # code, and {@link PulseConfig#KEY} in Javadoc
KEEP_IN_PULSECONFIG = {"KAFKA_PREFIX", "LAUNCHER_VARIABLES"}
SKIP_FILES = {"PulseConfig.java", "ConfigKey.java", "ConfigCatalog.java"} | {c.rsplit(".", 1)[1] + ".java" for c, _ in MOVES.values()}


def package_of(text):
    m = re.search(r"^package\s+([\w.]+)\s*;", text, re.M)
    return m.group(1) if m else ""


def add_import(text, fqcn):
    pkg, simple = fqcn.rsplit(".", 1)
    if package_of(text) == pkg or re.search(rf"^import\s+{re.escape(fqcn)}\s*;", text, re.M):
        return text
    line = f"import {fqcn};\n"
    anchor = re.search(r"^import\s+pl\.krakow\.pulse\.platform\.config\.PulseConfig\s*;\n", text, re.M)
    if anchor is None:
        anchor = list(re.finditer(r"^import\s+[\w.]+\s*;\n", text, re.M))
        anchor = anchor[-1] if anchor else re.search(r"^package\s+[\w.]+\s*;\n", text, re.M)
    return text[:anchor.end()] + line + text[anchor.end():]


def drop_unused_pulseconfig_import(text):
    body = re.sub(r"^import\s+pl\.krakow\.pulse\.platform\.config\.PulseConfig\s*;\n", "", text, flags=re.M)
    if re.search(r"\bPulseConfig\b", body):
        return text
    return body


def rewrite(text, path=""):
    owners = set()
    text = rewrite_loads(text, path, owners)

    def replace(m):
        separator, old = m.group(1), m.group(2)
        if old not in MOVES:
            return m.group(0)
        owner, new = MOVES[old]
        owners.add(owner)
        return f"{owner.rsplit('.', 1)[1]}{separator}{new}"

    out = REFERENCE.sub(replace, text)
    for pattern, repl in TYPED_CALL_SITES:
        out = re.sub(pattern, repl, out)
    for owner in sorted(owners):
        out = add_import(out, owner)
    if owners:
        out = drop_unused_pulseconfig_import(out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only list files that would change")
    ap.add_argument("dirs", nargs="+", type=pathlib.Path)
    args = ap.parse_args()
    changed = []
    for d in args.dirs:
        for f in sorted(d.rglob("*.java")):
            if f.name in SKIP_FILES or "/target/" in f.as_posix():
                continue
            text = f.read_text(encoding="utf-8")
            out = rewrite(text, f.resolve().as_posix())
            if out != text:
                changed.append(f)
                if not args.check:
                    f.write_text(out, encoding="utf-8")
    unknown = set()
    for d in args.dirs:
        for f in d.rglob("*.java"):
            if f.name in SKIP_FILES or "/target/" in f.as_posix():
                continue
            for m in REFERENCE.finditer(f.read_text(encoding="utf-8")):
                if m.group(2) not in MOVES and m.group(2) not in KEEP_IN_PULSECONFIG:
                    unknown.add(f"{f}: PulseConfig{m.group(1)}{m.group(2)}")
    for f in changed:
        print(("would rewrite " if args.check else "rewrote ") + str(f))
    for u in sorted(unknown):
        print("not a moved key, left alone: " + u, file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
