"""
Set-up only, never timed: records files that already exist in Ruffus 2.8.4's own job history
(.ruffus_history.sqlite in the current directory), as Ruffus's cold run would have recorded them,
so that Ruffus's no-op and incremental re-runs can be measured at sizes where its cold run would
take far too long (it commits the SQLite history once per job: ~8 ms a job on this disk).

    /usr/bin/python3 ruffus_history.py LIST_FILE     # LIST_FILE: one path per line, relative to cwd

Each record is Ruffus's JobHistoryChecksum(path, mtime, params, task) with the file's mtime. At
checksum level 1 (CHECKSUM_HISTORY_TIMESTAMPS) Ruffus reads only the record's presence and mtime;
the function and parameter checksums (levels 2 and 3) are computed from a stand-in function.
"""
import os
import sys
import types

from ruffus.ruffus_utility import JobHistoryChecksum, open_job_history


def stand_in(*args):
    pass


task = types.SimpleNamespace(user_defined_work_func=stand_in)
with open(sys.argv[1]) as f:
    paths = [line.strip() for line in f if line.strip()]

db = open_job_history(None)
rows = []
for p in paths:
    chksum = JobHistoryChecksum(p, os.path.getmtime(p), (), task)
    rows.append((p, db.pickle_dumps(chksum)))
db.con.executemany("insert or replace into data (key, value) values (?,?)", rows)
db.con.commit()
print("recorded %d files" % len(rows))
