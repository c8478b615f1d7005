"""Many readers at once on a loaded county (issue 13): THREADS clients, each signed in as the
county's viewer, fetch branch and rating pages of random branches for SECONDS; prints the pages
answered, p50 / p95 / max and any error. For comparing two servers' throughput under load (the
pages' own latency is measure.py's, one request at a time).

    python3 scripts/county/readers.py BASE_URL COUNTY_DIR [THREADS=16] [SECONDS=15]
"""
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from measure import Client, summary  # noqa: E402


def read_at_once(base, sign_in, branches_of, threads, seconds):
    """THREADS clients each signed in with the form `sign_in`, fetching for SECONDS the figure
    and rating pages of random branches among `branches_of(client)`; returns (ms, errors)."""
    ms, errors, lock = [], [], threading.Lock()

    def reader(k):
        c = Client(base)
        c.request("POST", "/auth/login", sign_in)
        branches = branches_of(c)
        rnd, end = random.Random(k), time.time() + seconds
        while time.time() < end:
            path = f"/branch/{rnd.choice(branches)}{rnd.choice(['', '/rating'])}"
            try:
                elapsed, _ = c.request("GET", path)
                with lock:
                    ms.append(elapsed)
            except Exception as e:  # a refused page is counted and shown, not fatal
                with lock:
                    errors.append(f"{path}: {e}"[:200])

    started = [threading.Thread(target=reader, args=(k,)) for k in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return ms, errors


def main():
    base, folder = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 15
    county = json.load(open(os.path.join(folder, "county.json"), encoding="utf-8"))
    branches = [b["id"] for b in county["branches"]]
    ms, errors = read_at_once(
        base, {"username": county["viewer"], "password": county["password"], "next": ""},
        lambda _client: branches, threads, seconds)
    print(json.dumps({"threads": threads, "seconds": seconds, "pages": len(ms),
                      **(summary(ms) if ms else {}), "errors": len(errors), "first_errors": errors[:3]}))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
