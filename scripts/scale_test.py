"""Scale-out on loopback (run by scripts/scale-test): a primary, a streaming standby made with
pg_basebackup, two service processes reading lists from the standby (DATABASE_READ_URL) behind
nginx. Prints the figures (standby lag, what an anonymous reader sees right after a write, how
long a key revoked on one replica works on the other) and exits 1 when a check fails.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_test import (AS_ROOT, PG_BIN, Cluster, Service, as_postgres,  # noqa: E402
                        free_port, remove_work, request)

KEY_CACHE_TTL = 2
WRITES = 40


class Standby:
    """A hot standby of `primary`, streaming from it."""

    def __init__(self, work, primary):
        self.dir = os.path.join(work, "standby")
        self.port = free_port()
        os.makedirs(self.dir, mode=0o700)
        if AS_ROOT:
            shutil.chown(self.dir, "postgres")
        subprocess.run(as_postgres([f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p",
                                    str(primary.port), "-U", "postgres", "-D", self.dir, "-R",
                                    "-X", "stream", "-c", "fast"]), check=True)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.dir, "-w", "-l",
                                    os.path.join(self.dir, "log"), "-o",
                                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                                    "-c hot_standby_feedback=on", "start"]),
                       check=True, stdout=subprocess.DEVNULL)

    def delay_apply(self, delay):
        """Sets recovery_min_apply_delay (a standby that replays late)."""
        with open(os.path.join(self.dir, "postgresql.auto.conf"), "a") as f:
            f.write(f"recovery_min_apply_delay = '{delay}'\n")
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.dir, "reload"]), check=True,
                       stdout=subprocess.DEVNULL)
        time.sleep(0.5)

    def stop(self):
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.dir, "-w", "-m", "immediate",
                                    "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Nginx:
    """nginx in front of the replicas, round robin, setting X-Forwarded-For."""

    def __init__(self, work, ports):
        self.port = free_port()
        self.dir = os.path.join(work, "nginx")
        os.makedirs(os.path.join(self.dir, "logs"))
        upstream = "\n".join(f"        server 127.0.0.1:{p};" for p in ports)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.dir};
    proxy_temp_path {self.dir};
    fastcgi_temp_path {self.dir};
    uwsgi_temp_path {self.dir};
    scgi_temp_path {self.dir};
    upstream coopapi {{
{upstream}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://coopapi;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
        }}
    }}
}}
""")
        self.process = subprocess.Popen(["nginx", "-p", self.dir, "-c", conf, "-g",
                                         "daemon off;"])
        for _ in range(100):
            try:
                request(self.port, "GET", "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def route_count(service, route):
    """Requests this replica answered on `route` (from its /metrics)."""
    text = request(service.port, "GET", "/metrics")[2].decode()
    pattern = re.compile(r'coopapi_http_requests_total\{method="GET",route="' + re.escape(route)
                         + r'",status="200"\} (\d+)')
    return sum(int(m) for m in pattern.findall(text))


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0


def write_and_read(nginx, headers, writes, failures):
    """Writes through nginx with a key; the writer reads its write back at once (from the
    primary); an anonymous reader (from the standby) polls until it sees it."""
    visible_after, missed_first, own_missed = [], 0, 0
    for i in range(writes):
        external = f"scale-{uuid.uuid4().hex[:12]}"
        status, _, body = request(nginx.port, "POST", "/api/v1/companies", {
            "name": f"Scale {i}", "kind": "company", "country": "FR",
            "external_id": external}, headers)
        assert status == 201, (status, body[:300])
        written = time.monotonic()
        path = f"/api/v1/companies?external_id={external}"
        own = json.loads(request(nginx.port, "GET", path, headers=headers)[2])["items"]
        own_missed += not own
        tries = 0
        while True:
            items = json.loads(request(nginx.port, "GET", path)[2])["items"]
            tries += 1
            if items:
                break
            if time.monotonic() - written > 10:
                failures.append(f"write {i} not on the standby after 10 s")
                break
            time.sleep(0.001)
        missed_first += tries > 1
        visible_after.append((time.monotonic() - written) * 1000)
    if own_missed:
        failures.append(f"{own_missed} writes not read back by their writer at once")
    return {"writes": writes, "writer_read_own_write": writes - own_missed,
            "anonymous_first_read_missed": missed_first,
            "visible_to_anonymous_ms_p50": round(percentile(visible_after, 0.5), 1),
            "visible_to_anonymous_ms_p95": round(percentile(visible_after, 0.95), 1),
            "visible_to_anonymous_ms_max": round(max(visible_after), 1)}


def main():
    for tool in ("nginx", f"{PG_BIN}/pg_basebackup"):
        if not shutil.which(tool):
            sys.exit(f"scale-test: {tool} is missing")
    work = tempfile.mkdtemp(prefix="coopapi-scale.")
    os.chmod(work, 0o755)
    primary = standby = nginx = None
    replicas = []
    failures = []
    try:
        primary = Cluster(work)
        primary.start()
        first = Service(os.path.join(work, "a"), primary.url)  # migrates the primary
        standby = Standby(work, primary)
        env = {"KEY_CACHE_TTL": str(KEY_CACHE_TTL), "TRUST_FORWARDED_FOR": "true"}
        for name in ("a", "b"):
            os.makedirs(os.path.join(work, name), exist_ok=True)
            service = Service(os.path.join(work, name), primary.url, env, key=first.key)
            service.env["DATABASE_READ_URL"] = standby.url
            service.start()
            replicas.append(service)
        nginx = Nginx(work, [r.port for r in replicas])

        # Both replicas serve through nginx.
        before = [route_count(r, "/api/v1/companies") for r in replicas]
        for _ in range(20):
            assert request(nginx.port, "GET", "/api/v1/companies?limit=1")[0] == 200
        served = [route_count(r, "/api/v1/companies") - b for r, b in zip(replicas, before)]
        if min(served) == 0:
            failures.append(f"nginx sent every request to one replica: {served}")

        headers = {"Authorization": f"Bearer {first.key}"}
        plain = write_and_read(nginx, headers, WRITES, failures)
        # The same with a standby that applies changes 300 ms late (a loaded or distant one).
        standby.delay_apply("300ms")
        delayed = write_and_read(nginx, headers, 10, failures)
        standby.delay_apply("0")

        lag = primary.psql("SELECT coalesce(max(extract(epoch FROM replay_lag) * 1000), 0)::int "
                           "FROM pg_stat_replication")
        replication = primary.psql("SELECT count(*) FROM pg_stat_replication "
                                   "WHERE state = 'streaming'")
        if replication != "1":
            failures.append(f"the standby is not streaming ({replication})")

        # A key revoked through one replica stops working on the other within KEY_CACHE_TTL.
        status, _, body = request(replicas[0].port, "POST", "/api/v1/api-keys",
                                  {"name": "scale editor", "role": "editor"}, headers)
        assert status == 201, (status, body[:300])
        created = json.loads(body)
        editor = {"Authorization": f"Bearer {created['key']}"}
        assert request(replicas[1].port, "GET", "/api/v1/companies?limit=1", headers=editor)[0] == 200
        status = request(replicas[0].port, "DELETE", f"/api/v1/api-keys/{created['id']}",
                         headers=headers)[0]
        assert status == 204, status
        revoked = time.monotonic()
        while request(replicas[1].port, "GET", "/api/v1/companies?limit=1",
                      headers=editor)[0] == 200:
            if time.monotonic() - revoked > KEY_CACHE_TTL + 5:
                break
            time.sleep(0.05)
        revoked_after = time.monotonic() - revoked
        if revoked_after > KEY_CACHE_TTL + 1:
            failures.append(f"the revoked key worked on the other replica for {revoked_after:.1f} s")

        figures = {
            "replicas_served": served,
            "standby": plain,
            "standby_applying_300ms_late": delayed,
            "replay_lag_ms_at_end": int(lag),
            "key_cache_ttl_s": KEY_CACHE_TTL,
            "revoked_key_refused_after_s": round(revoked_after, 2),
        }
        print(f"scale-test: {'PASS' if not failures else 'FAIL'}: {json.dumps(figures)}")
        for failure in failures:
            print(f"scale-test: {failure}")
    finally:
        if nginx:
            nginx.stop()
        for service in replicas:
            service.stop()
        if standby:
            standby.stop()
        if primary:
            primary.stop("immediate")
        remove_work(work, "scale-test")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
