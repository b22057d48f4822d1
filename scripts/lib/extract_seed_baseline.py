#!/usr/bin/env python3
"""The common approach smole-extract is measured against (stdlib only): a thread pool of 5,
a multipart POST per document, then a GET every 2 s until the job ends; 3 tries with 2^n s
back-off on errors. Usage: extract_seed_baseline.py BASE_URL SCHEMA FILE... > results.ndjson"""
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor


def request(req):
    for attempt in range(3):
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())
        except (urllib.error.URLError, OSError, ValueError):
            if attempt == 2:
                raise
            time.sleep(2 ** attempt)


def extract(base, schema, path):
    boundary = uuid.uuid4().hex
    with open(path, "rb") as f:
        content = f.read()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"schemaId\"\r\n\r\n{schema}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(path)}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + "/pipeline/file", data=body, method="POST",
                                 headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    job = request(req)["id"]
    while True:
        time.sleep(2)
        st = request(urllib.request.Request(base + "/pipeline/" + job))
        if st.get("status") in ("completed", "failed", "cancelled"):
            return {"path": path, "status": "ok" if st["status"] == "completed" else "error", "job": job,
                    "data": (st.get("extraction") or {}).get("data")}


def main():
    base, schema, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    with ThreadPoolExecutor(max_workers=5) as pool:
        for rec in pool.map(lambda p: extract(base, schema, p), files):
            print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
