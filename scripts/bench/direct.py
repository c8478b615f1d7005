"""The database written directly, for the push benchmark's ratio: the same check-in rows as
xingqi stores (same columns, a primary key on the id), one transaction per batch, with the
durability xingqi keeps (SQLite: WAL, synchronous=FULL; PostgreSQL: its default synchronous
commit). Prints one JSON line.

    python3 direct.py sqlite PATH.db [--records 50000] [--batch 100]
    python3 direct.py postgres postgres://… [--records 50000] [--batch 100] [--writers 1]
"""

import argparse
import json
import os
import threading
import time
import uuid

COLUMNS = ("id, activity_id, user_id, device_time, method, received_at, proof_step, "
           "device_id, device_seq, content_hash, review, held_because")
TABLE = ("CREATE TABLE checkins (id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, "
         "user_id TEXT NOT NULL, device_time BIGINT NOT NULL, method TEXT NOT NULL, "
         "received_at BIGINT NOT NULL, proof_step BIGINT, device_id TEXT, device_seq BIGINT, "
         "content_hash TEXT, review TEXT, held_because TEXT)")


def rows(n, device):
    now = int(time.time() * 1000)
    activity, member = str(uuid.uuid4()), str(uuid.uuid4())
    return [(str(uuid.uuid4()), activity, member, now, "qr", now, now // 30000, device, i,
             os.urandom(32).hex(), None, None) for i in range(n)]


def sqlite(path, records, batch):
    import sqlite3
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(TABLE)
    started = time.perf_counter()
    for _ in range(records // batch):
        data = rows(batch, "d")
        db.execute("BEGIN IMMEDIATE")
        db.executemany(f"INSERT INTO checkins ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", data)
        db.execute("COMMIT")
    return time.perf_counter() - started


def postgres(url, records, batch, writers):
    import psycopg
    name = f"xingqi_direct_{uuid.uuid4().hex}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    target = url.rsplit("/", 1)[0] + "/" + name
    try:
        with psycopg.connect(target, autocommit=True) as c:
            c.execute(TABLE)
        values = ",".join(["(" + ",".join(["%s"] * 12) + ")"] * batch)
        sql = f"INSERT INTO checkins ({COLUMNS}) VALUES {values}"

        def writer(w):
            with psycopg.connect(target) as c:
                for _ in range(records // batch // writers):
                    flat = [v for row in rows(batch, f"d{w}") for v in row]
                    c.execute(sql, flat)
                    c.commit()

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("backend", choices=["sqlite", "postgres"])
    p.add_argument("where")
    p.add_argument("--records", type=int, default=50000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--writers", type=int, default=1)
    a = p.parse_args()
    if a.backend == "sqlite":
        elapsed = sqlite(a.where, a.records, a.batch)
    else:
        elapsed = postgres(a.where, a.records, a.batch, a.writers)
    print(json.dumps({"target": f"direct-{a.backend}", "records": a.records, "batch": a.batch,
                      "writers": a.writers, "elapsed_s": round(elapsed, 2),
                      "records_per_s": round(a.records / elapsed)}))


if __name__ == "__main__":
    main()
