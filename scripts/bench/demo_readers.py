"""Page readers for scripts/bench/reads_and_pushes.sh: THREADS clients signed in as the demo
school's admin fetch its branches' figure and rating pages for SECONDS; prints one JSON line
(pages, p50 / p95 / max, errors).

    python3 scripts/bench/demo_readers.py BASE_URL THREADS SECONDS [PASSWORD]
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "county"))
from readers import read_at_once  # noqa: E402
from measure import summary  # noqa: E402


def main():
    base, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    password = sys.argv[4] if len(sys.argv) > 4 else "xingqi2026"

    def branches_of(client):
        _, data = client.request("POST", "/api/my_branches", {})
        return [b["id"] for b in json.loads(data)["branches"]]

    ms, errors = read_at_once(base, {"username": "admin", "password": password, "next": ""},
                              branches_of, threads, seconds)
    print(json.dumps({"pages": len(ms), **(summary(ms) if ms else {}), "errors": len(errors),
                      "first_errors": errors[:2]}))


if __name__ == "__main__":
    main()
