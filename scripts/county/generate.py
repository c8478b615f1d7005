"""A synthetic county for the scale benchmark (issue 13, point 2): one education bureau, its
schools, their branches of members, years of activities with the members' check-ins and
approved leave, and each branch's yearly satisfaction campaign with its anonymous answers —
written as one CSV file per table (header = the columns), ready for PostgreSQL's COPY, SQLite
and DuckDB. The counts xingqi keeps beside the records (activity_tallies, survey_counts) are
written too, computed here from the same rows, so `xingqi recount --check` can prove they agree.

    python3 generate.py OUT_DIR [--schools 300] [--branches 4000] [--members 15] [--years 5]
                                [--activities 50] [--answers 100] [--seed 7]

Full size: 60 k members, 1 M activities, about 12 M check-ins and 2 M survey answers (a few
minutes). Deterministic for a seed. Every account's password is the demo's (`xingqi2026`).
Prints a JSON summary (the accounts and ids the benchmark uses) and writes it to county.json.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random

# argon2id of "xingqi2026", as the demo school's accounts have it.
PASSWORD_HASH = ("$argon2id$v=19$m=19456,t=2,p=1$F4/IO81W9RJWmwBjtqOiBA$"
                 "Qf2X1tixvsBROILYoXBm2W6/8VpDBDwLOqujF+KRFUI")
CST = dt.timezone(dt.timedelta(hours=8))
KINDS = ["theme_day", "committee", "branch_meeting", "party_lesson", "group_meeting"]
AUDIENCES = [("members", 15), ("staff", 35), ("parents", 50)]  # of every 100 answers


def definition(branch_name):
    return json.dumps({
        "audiences": ["members", "staff", "parents", "others"],
        "questions": [{"key": "org", "text": f"您对{branch_name}的工作是否满意？"},
                      {"key": "secretary", "text": "您对支部书记的工作是否满意？"}],
        "scale": {"kind": "three", "dont_know": True},
        "convention": {"type": "rate", "satisfied": [0, 1]},
        "comment": True, "min_group": 10,
    }, ensure_ascii=False, separators=(",", ":"))


class Out:
    """One CSV writer per table."""

    def __init__(self, folder):
        self.folder, self.files, self.writers, self.rows = folder, {}, {}, {}

    def table(self, name, columns):
        f = open(os.path.join(self.folder, f"{name}.csv"), "w", newline="", encoding="utf-8")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        self.files[name], self.writers[name], self.rows[name] = f, w, 0
        return w

    def add(self, name, rows):
        self.writers[name].writerows(rows)
        self.rows[name] += len(rows)

    def close(self):
        for f in self.files.values():
            f.close()


TABLES = {
    "organisations": ["id", "parent_id", "kind", "name", "sort_order", "school_name"],
    "users": ["id", "org_id", "username", "display_name", "password_hash", "role", "active",
              "created_at", "school_id", "committee"],
    "activities": ["id", "org_id", "kind", "topic", "starts_at", "ends_at", "place", "status",
                   "created_at", "audience"],
    "activity_expected": ["activity_id", "user_id"],
    "checkins": ["id", "activity_id", "user_id", "device_time", "method", "received_at"],
    "leave_requests": ["id", "activity_id", "user_id", "reason", "device_time", "received_at",
                       "status", "decided_by", "decided_at"],
    "activity_tallies": ["activity_id", "org_id", "year", "counted", "expected", "present",
                         "excused"],
    "survey_campaigns": ["id", "org_id", "title", "period", "opens_on", "closes_on", "version",
                         "created_by", "created_at"],
    "survey_versions": ["campaign_id", "version", "definition", "created_at"],
    "survey_answers": ["id_hash", "campaign_id", "version", "audience", "content_hash", "via"],
    "survey_choices": ["answer_id", "question", "choice"],
    "survey_counts": ["campaign_id", "version", "audience", "question", "choice", "votes"],
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--schools", type=int, default=300)
    p.add_argument("--branches", type=int, default=4000)
    p.add_argument("--members", type=int, default=15)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--activities", type=int, default=50)
    p.add_argument("--answers", type=int, default=100)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    bits = rnd.getrandbits

    def uid():
        h = "%032x" % bits(128)
        return f"{h[:8]}-{h[8:12]}-7{h[13:16]}-{h[16:20]}-{h[20:]}"

    def hexid():
        return "%064x" % bits(256)

    os.makedirs(a.out, exist_ok=True)
    out = Out(a.out)
    for name, columns in TABLES.items():
        out.table(name, columns)
    now = int(dt.datetime.now(CST).timestamp() * 1000)
    today = dt.datetime.now(CST).date()
    this_year = today.year
    years = list(range(this_year - a.years + 1, this_year + 1))
    bureau = uid()
    out.add("organisations", [(bureau, "", "bureau", "县教育局党委", 0, "")])
    out.add("users", [(uid(), bureau, "county", "县教育局（只读）", PASSWORD_HASH, "bureau_viewer",
                       1, now, bureau, 0)])
    summary = {"bureau": bureau, "viewer": "county", "password": "xingqi2026", "years": years,
               "branches": []}
    for s in range(a.schools):
        school = uid()
        sname = f"第{s + 1:03d}学校"
        out.add("organisations", [(school, bureau, "school", f"{sname}党总支", s, sname)])
        out.add("users", [(uid(), school, f"s{s + 1:03d}admin", f"{sname}管理员", PASSWORD_HASH,
                           "admin", 1, now, school, 0)])
        # This school's share of the branches, spread evenly.
        first, last = s * a.branches // a.schools, (s + 1) * a.branches // a.schools
        for b in range(first, last):
            branch_of_school(out, a, rnd, uid, hexid, now, today, years, school, s, b - first,
                             summary)
    out.close()
    summary["rows"] = out.rows
    with open(os.path.join(a.out, "county.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False)
    print(json.dumps({k: v for k, v in summary.items() if k != "branches"}, ensure_ascii=False))


def branch_of_school(out, a, rnd, uid, hexid, now, today, years, school, s, b, summary):
    branch = uid()
    bname = f"第{b + 1}党支部"
    out.add("organisations", [(branch, school, "branch", bname, b + 1, "")])
    people = []
    for m in range(a.members):
        role = "secretary" if m == 0 else "member"
        username = f"s{s + 1:03d}b{b + 1:02d}{'sec' if m == 0 else f'm{m:02d}'}"
        people.append(uid())
        out.add("users", [(people[-1], branch, username, f"党员{s + 1}-{b + 1}-{m}", PASSWORD_HASH,
                           role, 1, now, school, 1 if m == 0 else 0)])
    secretary = people[0]
    if len(summary["branches"]) < 200:
        summary["branches"].append({"id": branch, "secretary": f"s{s + 1:03d}b{b + 1:02d}sec"})
    rate = rnd.uniform(0.78, 0.99)
    satisfied = rnd.uniform(0.85, 0.995)
    for year in years:
        start = dt.datetime(year, 1, 5, 14, 0, tzinfo=CST)
        step = dt.timedelta(days=360 / a.activities)
        for k in range(a.activities):
            at = int((start + k * step).timestamp() * 1000)
            activity = uid()
            kind = KINDS[k % len(KINDS)]
            out.add("activities", [(activity, branch, kind, f"{year}年第{k + 1}次活动", at,
                                    at + 7_200_000, "党员活动室", "scheduled", at - 604_800_000,
                                    "branch")])
            out.add("activity_expected", [(activity, p) for p in people])
            present = excused = 0
            if at <= now:
                checkins, leaves = [], []
                for p in people:
                    if rnd.random() < rate:
                        checkins.append((uid(), activity, p, at + 120_000, "qr", at + 130_000))
                    elif rnd.random() < 0.3:
                        leaves.append((uid(), activity, p, "出差", at - 86_400_000,
                                       at - 86_400_000, "approved", secretary, at - 80_000_000))
                out.add("checkins", checkins)
                out.add("leave_requests", leaves)
                present, excused = len(checkins), len(leaves)
            out.add("activity_tallies", [(activity, branch, year, 1 if present else 0,
                                          len(people), present, excused)])
        campaign(out, rnd, uid, hexid, now, today, year, branch, bname, secretary, satisfied,
                 a.answers)


def campaign(out, rnd, uid, hexid, now, today, year, branch, bname, secretary, satisfied, n):
    opens, closes = dt.date(year, 12, 1), dt.date(year, 12, 20)
    if opens > today:
        return
    cid = uid()
    out.add("survey_campaigns", [(cid, branch, "党组织和支部书记满意度测评", f"{year}年度",
                                  opens.isoformat(), closes.isoformat(), 1, secretary, now)])
    out.add("survey_versions", [(cid, 1, definition(bname), now)])
    counts = {}
    answers, choices = [], []
    for audience, share in AUDIENCES:
        for _ in range(n * share // 100):
            answer = hexid()
            answers.append((answer, cid, 1, audience, hexid(), "code"))
            for question in ("org", "secretary"):
                r = rnd.random()
                choice = (0 if r < satisfied * 0.7 else 1 if r < satisfied
                          else 2 if r < satisfied + (1 - satisfied) * 0.8 else 3)
                choices.append((answer, question, choice))
                key = (audience, question, choice)
                counts[key] = counts.get(key, 0) + 1
    out.add("survey_answers", answers)
    out.add("survey_choices", choices)
    out.add("survey_counts", [(cid, 1, aud, q, c, v) for (aud, q, c), v in sorted(counts.items())])


if __name__ == "__main__":
    main()
