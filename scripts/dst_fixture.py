#!/usr/bin/env python3
"""Writes crates/engine/tests/fixtures/dst.json: daylight-saving transitions
and the cron runs around each of them, computed without Chime's code.

Chime's cron rules (crates/engine/src/rule.rs, over chrono-tz and croner) are
checked against this file by crates/engine/tests/dst.rs. The two share nothing
but the IANA data: this script reads the compiled zone files through Python's
zoneinfo, and computes runs by running Vixie cron's own loop, minute by
minute, instead of searching for matches as croner does.

What Vixie cron does (cron.c's main loop and find_jobs, entry.c's load_entry),
written out plainly:

- A rule is a *wildcard* rule when its minute field or its hour field starts
  with `*` (`*/15 1-3 * * *`, `0 * * * *`); every other rule is a *fixed-time*
  rule (`30 2 * * *`, `0 9 * * 1-5`, and `0,30 2 * * *` too: the test is the
  first character of the field, not how many values it has).
- cron wakes once a minute and compares the local wall-clock minute with the
  one it handled last (its "virtual time"):
  - one minute later: the normal case; every rule that matches the minute runs.
  - 6 minutes to 3 hours later (clocks went forward): wildcard rules run for
    the current minute only, so their runs inside the gap do not happen;
    fixed-time rules run for every skipped minute that they match, right now.
    So a fixed time skipped in spring runs at the first valid time after the
    gap.
  - up to 3 hours earlier, or the same minute (clocks went back): only
    wildcard rules run, and the virtual time stays put until the wall clock
    catches up with it. So a wildcard rule runs on both passes of a repeated
    hour, and a fixed-time rule runs once, on the first pass.
  - (1 to 5 minutes later, or a jump of more than 3 hours, are a late wake-up
    and a set clock; no zone below changes its offset by those amounts.)
- A rule matches a minute when minute, hour and month match, and the day
  matches: when day-of-month or day-of-week starts with `*`, both must match;
  when both are restricted, either may (`0 0 13 * 5` is the 13th or Fridays).
  Day-of-week 0 and 7 are Sunday.

One deliberate difference: Chime plans a rule as a set of instants, so runs
that fall on the same instant are one run. Vixie would start the job once per
skipped match (`0,30 2 * * *` twice, right after a spring gap); this file
lists that instant once.

Each case is a zone, one of its transitions T and a rule: the runs in
(T - WINDOW, T + WINDOW], and the first run after that, so a test that walks
`next_after` from T - WINDOW knows exactly where to stop.

Usage: python3 scripts/dst_fixture.py   (rewrites the fixture; commit both)
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ZONES = [
    "America/New_York",  # north, 02:00 -> 03:00 and back
    "Europe/Berlin",  # north, the gap and the repeated hour are both 02:xx
    "Australia/Sydney",  # south: forward in October, back in April
    "Australia/Lord_Howe",  # south, and the clocks move by half an hour
    "America/Santiago",  # south, changes at midnight; 2022's date was moved
    "Asia/Tehran",  # changes at midnight; daylight saving ended after 2022
    "America/Mexico_City",  # daylight saving ended after 2022
    "Africa/Cairo",  # none from 2015, daylight saving again from 2023
]

RULES = [
    "30 2 * * *",  # fixed: skipped in a 02:00 gap, repeated in a 02:00 fold
    "0 * * * *",  # wildcard (the hour starts with `*`)
    "*/15 1-3 * * *",  # wildcard (the minute starts with `*`), in the gap
    "0 9 * * 1-5",  # fixed, on weekdays only
    "0 0 * * *",  # fixed at midnight, where Santiago and Tehran change
    "30 23 * * *",  # fixed, in the repeated hour before midnight
    "0,30 2 * * *",  # fixed for Vixie although it has two minutes
]

FIRST_YEAR, LAST_YEAR = 2020, 2035
WINDOW = timedelta(hours=12)
MINUTE = 60
OUT = Path(__file__).resolve().parent.parent / "crates/engine/tests/fixtures/dst.json"

# --- the zone data, through zoneinfo -----------------------------------------


def offset(zone, ts):
    """The zone's UTC offset in seconds at the unix time `ts`."""
    return int(datetime.fromtimestamp(ts, zone).utcoffset().total_seconds())


def transitions(zone):
    """Every instant in the years that the zone's offset changes, to the
    second: an hourly scan, then a bisection inside the hour."""
    start = int(datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc).timestamp())
    end = int(datetime(LAST_YEAR + 1, 1, 1, tzinfo=timezone.utc).timestamp())
    found = []
    for lo in range(start, end, 3600):
        hi = lo + 3600
        before = offset(zone, lo)
        if before == offset(zone, hi):
            continue
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if offset(zone, mid) == before:
                lo = mid
            else:
                hi = mid
        found.append({"at": hi, "before": before, "after": offset(zone, hi)})
    return found


# --- cron, as Vixie reads it ---------------------------------------------------


def field_values(text, low, high):
    """The values a cron field stands for: `*`, `*/n`, `a`, `a-b`, `a-b/n`,
    and comma lists of those."""
    values = set()
    for item in text.split(","):
        part, _, step = item.partition("/")
        if part == "*":
            first, last = low, high
        elif "-" in part:
            first, last = (int(x) for x in part.split("-"))
        else:
            first = last = int(part)
        values.update(range(first, last + 1, int(step) if step else 1))
    return values


class Rule:
    def __init__(self, text):
        minute, hour, dom, month, dow = text.split()
        self.text = text
        self.minutes = field_values(minute, 0, 59)
        self.hours = field_values(hour, 0, 23)
        self.doms = field_values(dom, 1, 31)
        self.months = field_values(month, 1, 12)
        self.dows = {d % 7 for d in field_values(dow, 0, 7)}
        self.wildcard = minute.startswith("*") or hour.startswith("*")
        self.any_day = dom.startswith("*") or dow.startswith("*")

    def matches(self, local_minute):
        """Whether the rule matches a wall-clock minute, given as minutes
        since 1970-01-01 00:00 on the local clock."""
        t = datetime(1970, 1, 1) + timedelta(minutes=local_minute)
        if t.minute not in self.minutes or t.hour not in self.hours:
            return False
        if t.month not in self.months:
            return False
        dom = t.day in self.doms
        dow = (t.isoweekday() % 7) in self.dows  # Sunday is 0
        return (dom and dow) if self.any_day else (dom or dow)


def local_minute(zone, ts):
    """The wall-clock minute at the unix time `ts`, as minutes since the
    local clock's 1970-01-01 00:00."""
    return (ts + offset(zone, ts)) // MINUTE


def runs(rule, zone, start, stop):
    """The unix times at which Vixie cron runs `rule` from `start` (a whole
    minute, when the clock is known to be steady) until the first run after
    `stop`."""
    found = []
    virtual = local_minute(zone, start - MINUTE)
    ts = start
    while not found or found[-1] <= stop:
        now = local_minute(zone, ts)
        diff = now - virtual
        if diff == 1:
            due = rule.matches(now)
            virtual = now
        elif 5 < diff <= 180:
            # Clocks went forward: wildcard rules for this minute, fixed-time
            # rules for every skipped minute and this one.
            skipped = range(virtual + 1, now + 1)
            due = (rule.wildcard and rule.matches(now)) or (
                not rule.wildcard and any(rule.matches(m) for m in skipped)
            )
            virtual = now
        elif -180 <= diff <= 0:
            # Clocks went back: wildcard rules only, until caught up.
            due = rule.wildcard and rule.matches(now)
        else:
            raise ValueError(f"a {diff}-minute step is not a daylight-saving change")
        if due:
            found.append(ts)
        ts += MINUTE
    return found


# --- the fixture -----------------------------------------------------------------


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cases(name, changes):
    zone = ZoneInfo(name)
    for change in changes:
        at = change["at"]
        window = int(WINDOW.total_seconds())
        start = (at - window) // MINUTE * MINUTE + MINUTE
        for text in RULES:
            yield {
                "zone": name,
                "transition": iso(at),
                "rule": text,
                "from": iso(at - window),
                "to": iso(at + window),
                "runs": [iso(t) for t in runs(Rule(text), zone, start, at + window)],
            }


def tzdata_version():
    """The IANA release the compiled zone files came from."""
    for path in ("/usr/share/zoneinfo/tzdata.zi", "/usr/share/zoneinfo/+VERSION"):
        try:
            first = Path(path).read_text().splitlines()[0]
        except OSError:
            continue
        return first.replace("# version", "").strip()
    return "unknown"


def dump(fixture):
    """JSON with one transition or case per line, for readable diffs."""
    parts = []
    for key, value in fixture.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n  ".join(json.dumps(v) for v in value)
            parts.append(f' "{key}": [\n  {items}\n ]')
        else:
            parts.append(f' "{key}": {json.dumps(value)}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main():
    table, all_cases = [], []
    for name in ZONES:
        changes = transitions(ZoneInfo(name))
        # The window must hold one change only, or the loop above would
        # start on an unsteady clock.
        gaps = [b["at"] - a["at"] for a, b in zip(changes, changes[1:])]
        assert all(g > 3 * WINDOW.total_seconds() for g in gaps), name
        table.extend({"zone": name, **c, "at": iso(c["at"])} for c in changes)
        all_cases.extend(cases(name, changes))
    fixture = {
        "about": "Written by scripts/dst_fixture.py from Python's zoneinfo; see it for the rules",
        "tzdata": tzdata_version(),
        "years": [FIRST_YEAR, LAST_YEAR],
        "zones": ZONES,
        "rules": RULES,
        "transitions": table,
        "cases": all_cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dump(fixture))
    print(f"{OUT}: {len(ZONES)} zones, {len(table)} transitions, {len(all_cases)} cases")


if __name__ == "__main__":
    main()
