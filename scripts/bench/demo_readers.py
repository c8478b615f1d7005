"""Page readers for scripts/bench/reads_and_pushes.sh: THREADS clients signed in as the demo
school's admin fetch its branches' figure and rating pages for SECONDS; prints one JSON line
(pages, p50 / p95 / max, errors).

    python3 scripts/bench/demo_readers.py BASE_URL THREADS SECONDS [PASSWORD]
"""
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "county"))
from measure import Client, summary  # noqa: E402


def main():
    base, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    password = sys.argv[4] if len(sys.argv) > 4 else "xingqi2026"
    ms, errors, lock = [], [], threading.Lock()

    def reader(k):
        c = Client(base)
        c.request("POST", "/auth/login", {"username": "admin", "password": password, "next": ""})
        _, data = c.request("POST", "/api/my_branches", {})
        branches = [b["id"] for b in json.loads(data)["branches"]]
        rnd, end = random.Random(k), time.time() + seconds
        while time.time() < end:
            path = f"/branch/{rnd.choice(branches)}{rnd.choice(['', '/rating'])}"
            try:
                elapsed, _ = c.request("GET", path)
                with lock:
                    ms.append(elapsed)
            except Exception as e:  # counted and shown, not fatal
                with lock:
                    errors.append(f"{path}: {e}"[:200])

    started = [threading.Thread(target=reader, args=(k,)) for k in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    print(json.dumps({"pages": len(ms), **summary(ms), "errors": len(errors),
                      "first_errors": errors[:2]}))


if __name__ == "__main__":
    main()
