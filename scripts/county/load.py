"""Loads a county written by generate.py into a database xingqi has migrated (run
`xingqi recount --check` on the empty database first: it migrates, finds nothing to count).

    python3 load.py sqlite PATH.db COUNTY_DIR
    python3 load.py postgres postgres://… COUNTY_DIR      (psql's \\copy: COPY from the client)

SQLite: each table in one transaction, its secondary indexes dropped first and built again
after (as a bulk load does); PostgreSQL: COPY … FROM STDIN in CSV, then ANALYZE. Prints one
JSON line: rows and seconds per table.
"""

import csv
import json
import os
import subprocess
import sys
import time

ORDER = ["organisations", "users", "activities", "activity_expected", "checkins",
         "leave_requests", "activity_tallies", "survey_campaigns", "survey_versions",
         "survey_answers", "survey_choices", "survey_counts"]


def columns(path):
    with open(path, encoding="utf-8") as f:
        return next(csv.reader(f))


def load_sqlite(path, folder):
    import sqlite3
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    timing = {}
    for table in ORDER:
        started = time.perf_counter()
        indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                             "AND tbl_name = ? AND sql IS NOT NULL", (table,)).fetchall()
        for name, _ in indexes:
            db.execute(f"DROP INDEX {name}")
        file = os.path.join(folder, f"{table}.csv")
        cols = columns(file)
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        db.execute("BEGIN")
        with open(file, encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            db.executemany(sql, ([None if v == "" else v for v in row] for row in reader))
        db.execute("COMMIT")
        for _, create in indexes:
            db.execute(create)
        timing[table] = round(time.perf_counter() - started, 1)
    db.execute("ANALYZE")
    db.close()
    return timing


def load_postgres(url, folder):
    timing = {}
    for table in ORDER:
        started = time.perf_counter()
        file = os.path.join(folder, f"{table}.csv")
        cols = ", ".join(columns(file))
        copy = f"\\copy {table} ({cols}) FROM '{file}' WITH (FORMAT csv, HEADER true)"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", copy], check=True)
        timing[table] = round(time.perf_counter() - started, 1)
    subprocess.run(["psql", "-q", url, "-c", "ANALYZE"], check=True)
    return timing


def main():
    backend, target, folder = sys.argv[1:4]
    started = time.perf_counter()
    timing = load_sqlite(target, folder) if backend == "sqlite" else load_postgres(target, folder)
    print(json.dumps({"backend": backend, "seconds": round(time.perf_counter() - started, 1),
                      "tables": timing}))


if __name__ == "__main__":
    main()
