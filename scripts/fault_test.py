"""The fault suite (run by scripts/fault-test): the release binary against PostgreSQL clusters
this script starts, under the faults an operator meets. Each case has a time bound and prints
its figures and a verdict; the exit status is 1 when any case fails.

    python3 scripts/fault_test.py [case ...]
    (cases: crash, backup, db-down, pool, sigterm, webhook; all by default)
"""
import glob
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "coopapi")
AS_ROOT = os.geteuid() == 0


def pg_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    return os.path.dirname(shutil.which("initdb") or "/usr/bin/initdb")


PG_BIN = os.environ.get("PG_BIN") or pg_bin()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args):
    """A PostgreSQL command, as the postgres user when this runs as root (PostgreSQL refuses
    to run as root)."""
    return (["runuser", "-u", "postgres", "--"] + args) if AS_ROOT else args


def request(port, method, path, body=None, headers=None, timeout=15):
    """One request on a new connection: (status, headers, body). Raises OSError when there
    is no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Connection": "close"}
        if data is not None:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class Cluster:
    """A PostgreSQL cluster of this script's own, reached over TCP."""

    def __init__(self, work):
        self.dir = os.path.join(work, "cluster")
        self.port = free_port()
        os.makedirs(self.dir)
        if AS_ROOT:
            shutil.chown(self.dir, "postgres")
        subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", self.dir, "-U", "postgres",
                                    "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.dir, "-w", "-l",
                                    os.path.join(self.dir, "log"), "-o",
                                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                                    "start"]), check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode="fast"):
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.dir, "-w", "-m", mode,
                                    "stop"]), check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def psql(self, sql):
        out = subprocess.run(as_postgres([f"{PG_BIN}/psql", "-X", "-At", "-h", "127.0.0.1",
                                          "-p", str(self.port), "-U", "postgres", "-c", sql]),
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()


class Service:
    """The release binary, on an embedded cluster in `data_dir` or on `database_url`."""

    def __init__(self, work, database_url=None, env=None, key=None):
        self.work = work
        self.port = free_port()
        self.data_dir = os.path.join(work, "pg")
        self.log = os.path.join(work, f"service-{self.port}.log")
        self.env = dict(os.environ, RUST_LOG="warn", ANONYMOUS_RATE_LIMIT="0",
                        KEY_RATE_LIMIT="0", DATA_DIR=self.data_dir, PORT=str(self.port),
                        **(env or {}))
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.process = None
        self.key = key or self.command("api-key", "create", "--name", "fault-test", "--role",
                                       "admin")

    def command(self, *args):
        """A `coopapi` command on this service's database; its standard output."""
        return subprocess.run([BIN, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout.strip()

    def start(self, timeout=60):
        started = time.monotonic()
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([BIN, "serve"], env=self.env, stdout=log, stderr=log)
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited with {self.process.returncode}: {self.tail()}")
            try:
                if request(self.port, "GET", "/readyz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the service was not ready within {timeout} s: {self.tail()}")

    def tail(self):
        with open(self.log, errors="replace") as f:
            return "".join(f.readlines()[-15:])

    def auth(self, extra=None):
        headers = {"Authorization": f"Bearer {self.key}"}
        headers.update(extra or {})
        return headers

    def call(self, method, path, body=None, headers=None, timeout=15):
        return request(self.port, method, path, body, self.auth(headers), timeout)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def companies(self, prefix):
        """Every company whose name starts with `prefix`: name -> list of ids."""
        status, _, body = self.call("GET", "/api/v1/companies/export", timeout=60)
        assert status == 200, (status, body[:300])
        found = {}
        for line in body.splitlines():
            row = json.loads(line)
            if row["name"].startswith(prefix):
                found.setdefault(row["name"], []).append(row["id"])
        return found


class Threads:
    """`count` daemon threads, each running `self.run(i)` until `stop()`."""

    def __init__(self, count, join_within=30):
        self.join_within = join_within
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True)
                        for i in range(count)]

    def run(self, i):
        raise NotImplementedError

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(self.join_within)


def remove_work(work, suite):
    """Removes a suite's work files, unless KEEP_WORK is set (to look at the logs)."""
    if os.environ.get("KEEP_WORK"):
        print(f"{suite}: work files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


class Writers(Threads):
    """`count` threads creating companies named `<prefix><writer>-<n>`, each POST retried
    with its Idempotency-Key until it is acknowledged (or the run ends)."""

    def __init__(self, service, prefix, count=16, retry_for=90):
        super().__init__(count, join_within=retry_for + 30)
        self.service, self.prefix, self.retry_for = service, prefix, retry_for
        self.acknowledged = {}
        self.errors = {}

    def note(self, kind):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def run(self, writer):
        n = 0
        while not self.stopping.is_set():
            name = f"{self.prefix}{writer}-{n}"
            key = str(uuid.uuid4())
            body = {"name": name, "kind": "company", "country": "FR"}
            deadline = time.monotonic() + self.retry_for
            while time.monotonic() < deadline:
                try:
                    status, _, answer = self.service.call(
                        "POST", "/api/v1/companies", body, {"Idempotency-Key": key}, timeout=10)
                except OSError as e:
                    self.note(type(e).__name__)
                    time.sleep(0.05)
                    continue
                if status in (200, 201):
                    with self.lock:
                        self.acknowledged[name] = json.loads(answer)["id"]
                    break
                self.note(str(status))
                time.sleep(0.05)
            n += 1


def verdict(name, ok, figures, started):
    took = time.monotonic() - started
    print(f"fault-test {name}: {'PASS' if ok else 'FAIL'} in {took:.1f} s: {figures}", flush=True)
    return ok


def durable(service, writers):
    """Acknowledged writes missing, and names written more than once."""
    found = service.companies(writers.prefix)
    missing = [n for n, id in writers.acknowledged.items() if id not in found.get(n, [])]
    twice = [n for n, ids in found.items() if len(ids) > 1]
    return missing, twice


def case_crash(work):
    """SIGKILL of the service and its embedded PostgreSQL under 16 writers; the old
    postmaster's pid is then taken by another process (as after a reboot)."""
    started = time.monotonic()
    service = Service(work)
    service.start()
    writers = Writers(service, "crash-").start()
    time.sleep(3)
    with open(os.path.join(service.data_dir, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    service.process.kill()
    os.kill(postmaster, signal.SIGKILL)
    service.process.wait()
    # The postmaster is gone and its backends, noticing, exit.
    for _ in range(200):
        gone = not os.path.exists(f"/proc/{postmaster}")
        if gone and not [p for p in os.listdir("/proc")
                         if p.isdigit() and _runs_in(p, service.data_dir)]:
            break
        time.sleep(0.05)
    acknowledged_at_kill = len(writers.acknowledged)
    # Another process takes the old postmaster's pid, as after a reboot: the lock files (the
    # data directory's and the socket's) now name a live process that is not a postmaster.
    impostor = subprocess.Popen(["sleep", "120"])
    locks = [os.path.join(service.data_dir, "postmaster.pid")] + glob.glob(
        os.path.join(service.data_dir, ".s.PGSQL.*.lock"))
    for lock in locks:
        with open(lock) as f:
            lines = f.readlines()
        lines[0] = f"{impostor.pid}\n"
        with open(lock, "w") as f:
            f.writelines(lines)
    try:
        restart = service.start()
    finally:
        impostor.kill()
    time.sleep(2)
    writers.stop()
    missing, twice = durable(service, writers)
    service.stop()
    ok = not missing and not twice and acknowledged_at_kill > 0
    return verdict("crash", ok, {
        "acknowledged": len(writers.acknowledged), "acknowledged_before_kill": acknowledged_at_kill,
        "missing": len(missing), "duplicated": len(twice), "restart_s": round(restart, 2),
        "stale_locks_replaced": len(locks), "retried_errors": writers.errors}, started)


def _runs_in(pid, data_dir):
    try:
        return os.path.realpath(os.readlink(f"/proc/{pid}/cwd")) == os.path.realpath(data_dir)
    except OSError:
        return False


class Load(Threads):
    """Readers and writers recording (start, duration, status, retry-after) per request."""

    def __init__(self, service, threads=8):
        super().__init__(threads)
        self.service = service
        self.samples = []

    def run(self, i):
        n = 0
        while not self.stopping.is_set():
            n += 1
            begun = time.monotonic()
            try:
                if i % 2:
                    status, headers, _ = self.service.call(
                        "POST", "/api/v1/companies",
                        {"name": f"load-{i}-{n}", "kind": "company", "country": "FR"}, timeout=10)
                else:
                    status, headers, _ = request(self.service.port, "GET",
                                                 "/api/v1/companies?limit=5", timeout=10)
                retry_after = "retry-after" in headers
            except OSError:
                status, retry_after = 0, False
            with self.lock:
                self.samples.append((begun, time.monotonic() - begun, status, retry_after))
            time.sleep(0.01)


def case_db_down(work, cluster):
    """PostgreSQL stopped under load: fast 503s with Retry-After, /readyz 503; back: requests
    succeed again without restarting the service."""
    started = time.monotonic()
    service = Service(work, cluster.url)
    service.start()
    pid = service.process.pid
    load = Load(service).start()
    time.sleep(2)
    stopping = time.monotonic()
    cluster.stop("fast")
    stopped = time.monotonic()
    time.sleep(3)
    ready_status = request(service.port, "GET", "/readyz", timeout=5)[0]
    restarting = time.monotonic()
    cluster.start()
    back = time.monotonic()
    time.sleep(8)
    load.stop()
    alive = service.process.poll() is None and service.process.pid == pid
    service.stop()
    during = [s for s in load.samples if stopped <= s[0] and s[0] + s[1] <= restarting]
    slow = [s for s in during if s[1] > 1.0]
    wrong = [s for s in during if s[2] != 503 or not s[3]]
    failures_after = [s for s in load.samples if s[0] >= back and s[2] not in (200, 201)]
    recovered = max((s[0] + s[1] for s in failures_after), default=back) - back
    ok = (during and not slow and not wrong and ready_status == 503 and alive
          and recovered <= 5.0)
    return verdict("db-down", ok, {
        "requests_while_down": len(during), "slowest_while_down_ms": round(
            max((s[1] for s in during), default=0) * 1000),
        "not_503_with_retry_after": len(wrong), "over_1s": len(slow),
        "readyz_while_down": ready_status, "stop_took_s": round(stopped - stopping, 2),
        "recovered_after_s": round(recovered, 2), "service_restarted": not alive}, started)


def case_pool(work, cluster):
    """Every connection held by statements waiting on a lock: new requests get 503 at the
    pool's wait timeout, the waiting statements end at the statement timeout as 503."""
    started = time.monotonic()
    statement_timeout = 6
    service = Service(work, cluster.url, {"POOL_SIZE": "4", "WORKERS": "1",
                                          "STATEMENT_TIMEOUT": str(statement_timeout)})
    service.start()
    locker = subprocess.Popen(as_postgres([
        f"{PG_BIN}/psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
        "-c", "BEGIN; LOCK TABLE companies IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(15); COMMIT;"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    results = []
    lock = threading.Lock()

    def one():
        begun = time.monotonic()
        try:
            status, headers, _ = request(service.port, "GET", "/api/v1/companies?limit=5",
                                         timeout=30)
        except OSError:
            status, headers = 0, {}
        with lock:
            results.append((time.monotonic() - begun, status, "retry-after" in headers))

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
        time.sleep(0.02)
    health = time.monotonic()
    health_status = request(service.port, "GET", "/healthz", timeout=5)[0]
    health_ms = (time.monotonic() - health) * 1000
    for t in threads:
        t.join(40)
    locker.kill()
    locker.wait()
    subprocess.run(as_postgres([f"{PG_BIN}/psql", "-X", "-q", "-h", "127.0.0.1", "-p",
                                str(cluster.port), "-U", "postgres", "-c",
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()"]),
                   stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    after = request(service.port, "GET", "/api/v1/companies?limit=5", timeout=10)[0]
    service.stop()
    at_pool = [r for r in results if r[0] < statement_timeout - 1]
    at_statement = [r for r in results if r[0] >= statement_timeout - 1]
    ok = (all(r[1] == 503 and r[2] for r in results) and at_pool and at_statement
          and max(r[0] for r in at_pool) <= 4.0
          and max(r[0] for r in at_statement) <= statement_timeout + 1.0
          and health_status == 200 and after == 200)
    return verdict("pool", ok, {
        "requests": len(results), "statuses": sorted({r[1] for r in results}),
        "ended_at_pool_timeout": len(at_pool),
        "pool_timeout_s": round(max((r[0] for r in at_pool), default=0), 2),
        "ended_at_statement_timeout": len(at_statement),
        "statement_timeout_s": round(max((r[0] for r in at_statement), default=0), 2),
        "healthz_ms": round(health_ms), "after_release": after}, started)


def case_sigterm(work, cluster):
    """SIGTERM during writes: in-flight requests finish, new connections are refused, every
    acknowledged write is whole (its change is logged), exit within the drain timeout."""
    started = time.monotonic()
    service = Service(work, cluster.url, {"SHUTDOWN_TIMEOUT": "10"})
    service.start()
    writers = Writers(service, "term-", retry_for=0.5).start()
    time.sleep(2)
    signalled = time.monotonic()
    service.process.send_signal(signal.SIGTERM)
    code = service.process.wait(30)
    exited = time.monotonic() - signalled
    writers.stop()
    refused_after = writers.errors.get("ConnectionRefusedError", 0)
    cut_off = sum(v for k, v in writers.errors.items() if k != "ConnectionRefusedError")
    # Whole: each acknowledged company is there, with its `created` change.
    names = list(writers.acknowledged)
    rows = cluster.psql(
        "SELECT count(*) FROM companies c WHERE c.name LIKE 'term-%' "
        "AND EXISTS (SELECT 1 FROM changes ch WHERE ch.resource_id = c.id AND ch.operation = 'created')")
    whole = int(rows)
    total = int(cluster.psql("SELECT count(*) FROM companies WHERE name LIKE 'term-%'"))
    # A connection still in the listener's queue when it closes is reset unread: the client
    # sees an error, and nothing was carried out for it, so every stored write must have
    # been acknowledged (a request cut off after its commit would show as stored, unanswered).
    ok = (code == 0 and exited <= 10.5 and total == whole == len(names) and len(names) > 0)
    return verdict("sigterm", ok, {
        "acknowledged": len(names), "stored": total, "stored_with_change": whole,
        "exit_code": code, "exit_after_s": round(exited, 2),
        "refused_after_sigterm": refused_after, "reset_unanswered": cut_off,
        "errors": writers.errors,
        "other_answers": {k: v for k, v in writers.errors.items() if k.isdigit()}}, started)


class Receiver:
    """A webhook receiver on a fixed port that can go away and come back."""

    def __init__(self):
        self.port = free_port()
        self.arrivals = []
        self.server = None
        self.lock = threading.Lock()

    def up(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with owner.lock:
                    owner.arrivals.append((self.headers.get("webhook-id"),
                                           json.loads(body)["data"]["position"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self):
        self.server.shutdown()
        self.server.server_close()

    def distinct(self):
        with self.lock:
            return len({a[0] for a in self.arrivals})


def case_webhook(work, cluster):
    """A receiver down for a while: deliveries resume in order once it is back, none lost."""
    started = time.monotonic()
    service = Service(work, cluster.url, {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
                                          "WEBHOOK_ALLOW_HTTP": "true",
                                          "WEBHOOK_RETRY_BASE_MS": "200"})
    service.start()
    receiver = Receiver()
    receiver.up()
    status, _, body = service.call("POST", "/api/v1/webhooks", {
        "url": f"http://127.0.0.1:{receiver.port}/hook", "types": ["company"]})
    assert status == 201, (status, body[:300])

    def create(n, tag):
        for i in range(n):
            status, _, body = service.call("POST", "/api/v1/companies", {
                "name": f"hook-{tag}-{i}", "kind": "company", "country": "FR"})
            assert status == 201, (status, body[:300])

    def wait_for(count, limit):
        deadline = time.monotonic() + limit
        while receiver.distinct() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return receiver.distinct() >= count

    create(20, "before")
    first = wait_for(20, 20)
    receiver.down()
    create(30, "during")
    time.sleep(5)
    back = time.monotonic()
    receiver.up()
    resumed = wait_for(50, 60)
    resumed_after = time.monotonic() - back
    time.sleep(1)
    receiver.down()
    service.stop()
    firsts, seen = [], set()
    for id, position in receiver.arrivals:
        if id not in seen:
            seen.add(id)
            firsts.append(position)
    in_order = firsts == sorted(firsts)
    ok = first and resumed and in_order and len(seen) == 50
    return verdict("webhook", ok, {
        "changes": 50, "delivered": len(seen), "lost": 50 - len(seen),
        "repeats": len(receiver.arrivals) - len(seen), "in_order": in_order,
        "all_delivered_after_back_s": round(resumed_after, 2)}, started)


def case_backup(work):
    """`coopapi dump` of a service's embedded database, `coopapi restore` into a new cluster:
    the API answers the same, byte for byte, ETags included."""
    started = time.monotonic()
    for folder in ("a", "b"):
        os.makedirs(os.path.join(work, folder), mode=0o755)
    source = Service(os.path.join(work, "a"), env={"DEMO": "true"})
    source.start()
    for i in range(5):
        status, _, body = source.call("POST", "/api/v1/companies", {
            "name": f"backup-{i}", "kind": "startup", "country": "RU",
            "external_id": f"crm-{i}"})
        assert status == 201, (status, body[:300])
    events = json.loads(source.call("GET", "/api/v1/events")[2])["items"]
    paths = ["/api/v1/events?expand=venues,sessions,speakers,participants",
             f"/api/v1/events/{events[0]['id']}",
             "/api/v1/companies/export", "/api/v1/speakers/export",
             "/api/v1/cooperation-offers/export", "/api/v1/changes?limit=100",
             "/api/v1/cooperation-offers/facets", "/api/v1/search?q=paris",
             "/api/v1/companies?external_id=crm-3"]

    def answers(service):
        seen = {}
        for path in paths:
            status, headers, body = service.call("GET", path, timeout=60)
            seen[path] = (status, headers.get("etag"), body)
        return seen

    before = answers(source)
    source.stop()
    dump = os.path.join(work, "coopapi.dump")
    source.command("dump", dump)
    restored = Service(os.path.join(work, "b"), key=source.key)
    restored.command("restore", dump)
    restored.start()
    after = answers(restored)
    restored.stop()
    differ = [p for p in paths if before[p] != after[p]]
    for path in differ:
        a, b = before[path][2], after[path][2]
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        print(f"  {path}: {before[path][:2]} / {after[path][:2]}; bodies differ at byte {at}: "
              f"{a[max(0, at - 80):at + 80]!r} / {b[max(0, at - 80):at + 80]!r}")
    ok = not differ and all(before[p][0] == 200 for p in paths)
    return verdict("backup", ok, {
        "compared": len(paths), "differ": differ, "dump_bytes": os.path.getsize(dump),
        "statuses": sorted({before[p][0] for p in paths})}, started)


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"{BIN} is missing: build it with `cargo build --release`")
    wanted = sys.argv[1:] or ["crash", "backup", "db-down", "pool", "sigterm", "webhook"]
    work = tempfile.mkdtemp(prefix="coopapi-faults.")
    os.chmod(work, 0o755)
    results = []
    cluster = None
    cases = {"crash": case_crash, "backup": case_backup, "db-down": case_db_down, "pool": case_pool,
             "sigterm": case_sigterm, "webhook": case_webhook}
    try:
        for name in wanted:
            folder = os.path.join(work, name)
            os.makedirs(folder, mode=0o755)
            begun = time.monotonic()
            try:
                if name in ("crash", "backup"):
                    # Embedded clusters of their own.
                    results.append(cases[name](folder))
                    continue
                if cluster is None:
                    cluster = Cluster(work)
                    cluster.start()
                results.append(cases[name](folder, cluster))
            except Exception as e:  # a case that breaks is a failed case
                results.append(verdict(name, False, {"error": repr(e)}, begun))
    finally:
        if cluster:
            cluster.stop("immediate")
        remove_work(work, "fault-test")
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
