"""The county benchmark's measurements against one running xingqi (issue 13, point 2), and
DuckDB's time for the same aggregate over the generator's raw rows, in one run:

    python measure.py xingqi BASE_URL PID COUNTY_DIR YEAR [--requests 200]
    python measure.py duckdb COUNTY_DIR YEAR

xingqi: signed in as the county's viewer, over HTTP — the bureau's roll-up of YEAR
(`POST /api/bureau_rollup`), a branch's figures page (`GET /branch/{id}`) and its rating page
(`GET /branch/{id}/rating`) for branches drawn at random, one request at a time; the server's
resident memory sampled throughout (and its peak, VmHWM). duckdb: the CSVs loaded into an
in-memory database, then participation (实到 / 应到 over held activities of YEAR, branches at
≥ 90 %) and the masses' satisfaction with the organisation (satisfied / valid votes of the
campaigns counting for YEAR) per school, from the raw rows. Each prints one JSON line; the
per-school figures are in it, so the two can be compared.
"""

import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(ms):
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(percentile(ms, 95), 2), "max_ms": round(max(ms), 2)}


class Client:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port, self.origin = u.hostname, u.port, f"{u.scheme}://{u.netloc}"
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookie = ""

    def request(self, method, path, form=None):
        headers = {"origin": self.origin, "accept-encoding": "identity"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["content-type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["cookie"] = self.cookie
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        res = self.conn.getresponse()
        data = res.read()
        elapsed = (time.perf_counter() - started) * 1000
        for k, v in res.getheaders():
            if k.lower() == "set-cookie" and v.startswith("xingqi_session="):
                self.cookie = v.split(";")[0]
        if res.status >= 400:
            raise RuntimeError(f"{method} {path}: {res.status} {data[:300]!r}")
        return elapsed, data


def rss_sampler(pid, samples, stop):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append(int(line.split()[1]) / 1024)
        except FileNotFoundError:
            return
        time.sleep(0.05)


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def xingqi(base, pid, folder, year, requests):
    county = json.load(open(os.path.join(folder, "county.json"), encoding="utf-8"))
    samples, stop = [], threading.Event()
    sampler = threading.Thread(target=rss_sampler, args=(pid, samples, stop), daemon=True)
    sampler.start()
    c = Client(base)
    c.request("POST", "/auth/login", {"username": county["viewer"], "password": county["password"],
                                      "next": ""})
    rollup_ms, rollup = [], None
    for _ in range(max(5, requests // 10)):
        ms, data = c.request("POST", "/api/bureau_rollup", {"year": str(year)})
        rollup_ms.append(ms)
        rollup = json.loads(data)
    rnd = random.Random(1)
    branches = [b["id"] for b in county["branches"]]
    pages = {}
    for name, suffix in (("branch_page", ""), ("rating_page", "/rating")):
        ms = []
        for _ in range(requests):
            elapsed, _ = c.request("GET", f"/branch/{rnd.choice(branches)}{suffix}")
            ms.append(elapsed)
        pages[name] = summary(ms)
    stop.set()
    sampler.join()
    schools = {s["name"]: {
        "expected": s["participation"]["attendance"]["expected"],
        "present": s["participation"]["attendance"]["present"],
        "branches_met": s["branches_met"],
        "valid": (s.get("satisfaction") or {}).get("figure", {}).get("valid", 0),
        "satisfied": round(((s.get("satisfaction") or {}).get("figure", {}).get("value") or 0)
                           * ((s.get("satisfaction") or {}).get("figure", {}).get("valid", 0))),
    } for s in rollup["schools"]}
    print(json.dumps({"target": "xingqi", "year": year, "rollup": summary(rollup_ms), **pages,
                      "rss_mb_max_sampled": round(max(samples), 1) if samples else None,
                      "rss_mb_peak": peak_rss(pid), "schools": schools}, ensure_ascii=False))


ROLLUP = """
WITH acts AS (
  SELECT a.id, b.id AS branch, s.name AS school FROM activities a
  JOIN organisations b ON b.id = a.org_id JOIN organisations s ON s.id = b.parent_id
  WHERE a.status = 'scheduled' AND a.starts_at >= $lo AND a.starts_at < $hi),
present AS (SELECT DISTINCT c.activity_id, c.user_id FROM checkins c
            JOIN acts ON acts.id = c.activity_id),
held AS (SELECT DISTINCT activity_id FROM present),
per_branch AS (
  SELECT acts.school, acts.branch, COUNT(*) AS expected, COUNT(p.user_id) AS present
  FROM activity_expected e JOIN acts ON acts.id = e.activity_id
  JOIN held ON held.activity_id = e.activity_id
  LEFT JOIN present p ON p.activity_id = e.activity_id AND p.user_id = e.user_id
  GROUP BY acts.school, acts.branch),
participation AS (
  SELECT school, SUM(expected) AS expected, SUM(present) AS present,
         SUM(CASE WHEN present * 10 >= expected * 9 THEN 1 ELSE 0 END) AS branches_met
  FROM per_branch GROUP BY school),
campaigns AS (
  SELECT c.id, s.name AS school FROM survey_campaigns c JOIN organisations b ON b.id = c.org_id
  JOIN organisations s ON s.id = b.parent_id
  WHERE c.period = $period AND c.closes_on < $today),
answers AS (
  SELECT an.id_hash, campaigns.school FROM survey_answers an
  JOIN campaigns ON campaigns.id = an.campaign_id WHERE an.audience <> 'members'),
satisfaction AS (
  SELECT answers.school, SUM(CASE WHEN ch.choice < 3 THEN 1 ELSE 0 END) AS valid,
         SUM(CASE WHEN ch.choice IN (0, 1) THEN 1 ELSE 0 END) AS satisfied
  FROM survey_choices ch JOIN answers ON answers.id_hash = ch.answer_id
  WHERE ch.question = 'org'
  GROUP BY answers.school)
SELECT p.school, p.expected, p.present, p.branches_met, COALESCE(q.valid, 0),
       COALESCE(q.satisfied, 0)
FROM participation p LEFT JOIN satisfaction q ON q.school = p.school
"""


def duck(folder, year):
    import datetime as dt
    import duckdb
    db = duckdb.connect()
    started = time.perf_counter()
    for table in ("organisations", "activities", "activity_expected", "checkins",
                  "survey_campaigns", "survey_answers", "survey_choices"):
        db.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder}/{table}.csv', "
                   "header = true, all_varchar = false)")
    load_s = time.perf_counter() - started
    cst = dt.timezone(dt.timedelta(hours=8))
    params = {
        "lo": int(dt.datetime(year, 1, 1, tzinfo=cst).timestamp() * 1000),
        "hi": int(dt.datetime(year + 1, 1, 1, tzinfo=cst).timestamp() * 1000),
        "period": f"{year}年度", "today": dt.datetime.now(cst).date().isoformat(),
    }
    ms, rows = [], []
    for _ in range(5):
        started = time.perf_counter()
        rows = db.execute(ROLLUP, params).fetchall()
        ms.append((time.perf_counter() - started) * 1000)
    schools = {r[0].removesuffix("党总支"): {"expected": r[1], "present": r[2],
                                            "branches_met": r[3], "valid": r[4],
                                            "satisfied": r[5]} for r in rows}
    print(json.dumps({"target": "duckdb", "version": duckdb.__version__, "year": year,
                      "load_s": round(load_s, 1), "rollup": summary(ms), "schools": schools},
                     ensure_ascii=False))


def main():
    if sys.argv[1] == "xingqi":
        base, pid, folder, year = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        requests = int(sys.argv[sys.argv.index("--requests") + 1]) if "--requests" in sys.argv else 200
        xingqi(base, pid, folder, year, requests)
    else:
        duck(sys.argv[2], int(sys.argv[3]))


if __name__ == "__main__":
    main()
