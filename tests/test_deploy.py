"""Static checks of the container image recipe and the Kubernetes manifests.

No Docker engine or cluster is needed: the Dockerfile is parsed line by line and the manifests with
``yaml.safe_load_all``. The checks tie the pieces together: the port Streamlit listens on (CMD) is
the port the image exposes, the container port, the Service's target and what the probes hit.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY = ROOT / "deploy"
HEALTH_PATH = "/_stcore/health"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
APP_PATHS = ["app.py", "pages", "ui", "logic", "content", ".streamlit", "requirements.txt"]


# ---------------------------------------------------------------- parsing helpers


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuation lines joined."""
    instructions, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, args = full.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def command_words(args: str) -> list[str]:
    """CMD/ENTRYPOINT arguments as a list, in exec (JSON) form or shell form."""
    if args.startswith("["):
        return json.loads(args)
    return shlex.split(args)


def option_value(words: list[str], option: str) -> str | None:
    for i, word in enumerate(words):
        if word == option and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    return None


@pytest.fixture(scope="module")
def docker() -> list[tuple[str, str]]:
    assert DOCKERFILE.is_file(), "Dockerfile missing at the repository root"
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def instructions_named(docker, name: str) -> list[str]:
    return [args for keyword, args in docker if keyword == name]


@pytest.fixture(scope="module")
def manifests() -> dict[str, list[dict]]:
    """Every document of every YAML file under deploy/, by kind."""
    by_kind: dict[str, list[dict]] = {}
    files = sorted(DEPLOY.glob("*.yaml")) + sorted(DEPLOY.glob("*.yml"))
    assert files, "no manifests under deploy/"
    for path in files:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc is None:
                continue
            assert isinstance(doc, dict) and "kind" in doc, f"{path.name}: every document needs a kind"
            doc.setdefault("_file", path.name)
            by_kind.setdefault(doc["kind"], []).append(doc)
    return by_kind


def only(manifests, kind: str) -> dict:
    docs = manifests.get(kind, [])
    assert len(docs) == 1, f"expected exactly one {kind}, found {len(docs)}"
    return docs[0]


@pytest.fixture(scope="module")
def deployment(manifests) -> dict:
    return only(manifests, "Deployment")


@pytest.fixture(scope="module")
def container(deployment) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def resolve_port(container: dict, port) -> int:
    """A probe's or Service's port: a number, or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    assert port in named, f"port name {port!r} is not one of the container's ports {sorted(named)}"
    return named[port]


def exposed_port(docker) -> int:
    exposes = instructions_named(docker, "EXPOSE")
    assert len(exposes) == 1, exposes
    return int(exposes[0].split("/")[0])


# ---------------------------------------------------------------- the Dockerfile


def test_base_image_is_python_311_slim(docker):
    assert docker[0][0] == "FROM", "the Dockerfile must start with FROM"
    assert instructions_named(docker, "FROM")[-1].split()[0] == "python:3.11-slim"


def test_runs_as_a_non_root_user(docker):
    users = [(i, args) for i, (keyword, args) in enumerate(docker) if keyword == "USER"]
    assert users, "no USER instruction: the app would run as root"
    index, user = users[-1]
    assert user.split(":")[0] not in ("root", "0"), user
    later = [keyword for keyword, _ in docker[index + 1:]]
    assert "RUN" not in later and "COPY" not in later, "USER should come after the last RUN/COPY"
    created = " ".join(instructions_named(docker, "RUN"))
    assert re.search(rf"useradd\b.*\b{re.escape(user.split(':')[0])}\b", created), "the USER is never created"


def test_installs_the_pinned_requirements(docker):
    assert any(args.split()[0] == "requirements.txt" for args in instructions_named(docker, "COPY"))
    assert any("pip install" in args and "-r requirements.txt" in args for args in instructions_named(docker, "RUN"))


@pytest.mark.parametrize("path", APP_PATHS)
def test_copies_what_the_app_needs(docker, path):
    sources = [word.rstrip("/") for args in instructions_named(docker, "COPY")
               for word in args.split()[:-1] if not word.startswith("--")]
    assert path in sources, f"{path} is not copied into the image (COPY sources: {sources})"


def test_dockerignore_keeps_what_the_image_copies():
    patterns = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for must_not in (".venv", ".git", "tests"):
        assert must_not in patterns, f".dockerignore should exclude {must_not}"
    excluded = [p for p in APP_PATHS for pattern in patterns
                if not pattern.startswith("!") and fnmatch.fnmatch(p, pattern.rstrip("/"))]
    assert not excluded, f".dockerignore would drop files the image copies: {excluded}"


def test_cmd_runs_streamlit_on_the_exposed_port(docker):
    cmds = instructions_named(docker, "CMD")
    assert len(cmds) == 1, cmds
    words = command_words(cmds[0])
    assert words[:3] == ["streamlit", "run", "app.py"], words
    assert option_value(words, "--server.port") == str(exposed_port(docker))
    assert option_value(words, "--server.address") == "0.0.0.0", "inside a container, listen on every interface"
    assert not instructions_named(docker, "ENTRYPOINT"), "an ENTRYPOINT would change what CMD means"


def test_exposes_8501(docker):
    assert exposed_port(docker) == 8501


def test_healthcheck_hits_the_streamlit_health_endpoint(docker):
    checks = instructions_named(docker, "HEALTHCHECK")
    assert len(checks) == 1
    check = checks[0]
    assert f"127.0.0.1:{exposed_port(docker)}{HEALTH_PATH}" in check
    assert "CMD" in check and "curl" not in check and "wget" not in check, "the slim image has no curl/wget"
    words = command_words(check.split("CMD", 1)[1].strip())
    assert words[:2] == ["python", "-c"]
    compile(words[2], "<HEALTHCHECK>", "exec")  # the one-liner is valid Python


# ---------------------------------------------------------------- the manifests


def test_every_manifest_parses_and_names_its_resource(manifests):
    for kind in ("Deployment", "Service", "Ingress", "Secret"):
        assert kind in manifests, f"no {kind} under deploy/"
    for docs in manifests.values():
        for doc in docs:
            if doc["kind"] != "Kustomization":
                assert doc.get("apiVersion") and doc.get("metadata", {}).get("name"), doc["_file"]


def test_deployment_runs_two_or_more_replicas_with_resources(deployment, container):
    assert deployment["spec"]["replicas"] >= 2
    resources = container["resources"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[bound]), f"{bound} needs cpu and memory"


def test_deployment_selector_matches_its_pods(deployment):
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe"])
def test_probes_hit_the_health_endpoint_on_the_app_port(container, docker, probe):
    get = container[probe]["httpGet"]
    assert get["path"] == HEALTH_PATH
    assert resolve_port(container, get["port"]) == exposed_port(docker)


def test_ports_agree_from_cmd_to_service(manifests, container, docker):
    (container_port,) = [p["containerPort"] for p in container["ports"]]
    service = only(manifests, "Service")
    (service_port,) = service["spec"]["ports"]
    cmd_port = int(option_value(command_words(instructions_named(docker, "CMD")[0]), "--server.port"))
    assert container_port == resolve_port(container, service_port["targetPort"]) == exposed_port(docker) == cmd_port


def test_service_selects_the_deployment_pods(manifests, deployment):
    selector = only(manifests, "Service")["spec"]["selector"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_ingress_routes_to_the_service(manifests):
    ingress, service = only(manifests, "Ingress"), only(manifests, "Service")
    ports = service["spec"]["ports"]
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            wanted = backend["port"]
            assert any(wanted.get("name") == p.get("name") or wanted.get("number") == p["port"] for p in ports)


def test_ingress_keeps_sessions_sticky_and_websockets_open(manifests):
    ingress = only(manifests, "Ingress")
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert ingress["spec"].get("ingressClassName") == "nginx"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"]
    assert notes.get(prefix + "affinity-mode", "balanced") == "persistent"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[prefix + timeout]) >= 3600, f"{timeout} closes idle websockets too soon"
    assert all(isinstance(v, str) for v in notes.values()), "annotation values must be strings"


def test_cookie_secret_comes_from_a_secret(manifests, container):
    env = {e["name"]: e for e in container.get("env", [])}
    assert COOKIE_SECRET_ENV in env
    assert "value" not in env[COOKIE_SECRET_ENV], "never write the secret itself into the Deployment"
    ref = env[COOKIE_SECRET_ENV]["valueFrom"]["secretKeyRef"]
    (secret,) = [s for s in manifests["Secret"] if s["metadata"]["name"] == ref["name"]]
    assert ref["key"] in {**secret.get("stringData", {}), **secret.get("data", {})}


def test_pods_cannot_run_as_root(deployment, container):
    pod = deployment["spec"]["template"]["spec"].get("securityContext", {})
    assert pod.get("runAsNonRoot") is True
    assert pod.get("runAsUser", 0) != 0
    assert container.get("securityContext", {}).get("allowPrivilegeEscalation") is False


def test_readme_explains_sticky_sessions():
    text = (DEPLOY / "README.md").read_text(encoding="utf-8").lower()
    assert "sticky" in text and "websocket" in text and "affinity" in text


def test_the_image_installs_graphviz_and_the_pdf_font(docker):
    """Councillors get SVG/PNG flowchart downloads (dot) and Unicode PDFs (DejaVu) in production."""
    installs = " ".join(args for args in instructions_named(docker, "RUN") if "apt-get install" in args)
    assert re.search(r"\bgraphviz\b", installs) and re.search(r"\bfonts-dejavu-core\b", installs), installs


# ---------------------------------------------------------------- one machine, several processes (deploy/multiprocess)

MULTI = DEPLOY / "multiprocess"


def nginx_directives(text: str, name: str) -> list[str]:
    """The arguments of every `name ...;` directive in an nginx config (comments dropped)."""
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m.group(1).strip() for m in re.finditer(rf"(?m)^\s*{re.escape(name)}\s+([^;{{}}]*);", body)]


@pytest.fixture(scope="module")
def sticky_config() -> str:
    from deploy.multiprocess.serve import render_config

    return render_config("127.0.0.1:8500", [8501, 8502], "/tmp/access.log")


def test_the_proxy_hashes_on_its_route_cookie_consistently(sticky_config):
    assert nginx_directives(sticky_config, "hash") == ["$protocol_explorer_route consistent"]
    assert nginx_directives(sticky_config, "server") == ["127.0.0.1:8501 max_fails=1 fail_timeout=5s",
                                                         "127.0.0.1:8502 max_fails=1 fail_timeout=5s"]
    assert not re.search(r"@@[A-Z_]+@@", sticky_config), "every template marker is filled in"


def test_the_proxy_upgrades_websockets_keeps_them_open_and_keeps_the_host(sticky_config):
    headers = nginx_directives(sticky_config, "proxy_set_header")
    assert "Upgrade $http_upgrade" in headers and "Connection $protocol_explorer_connection" in headers
    assert "Host $http_host" in headers, "Streamlit refuses a websocket whose Origin does not match the Host"
    for timeout in ("proxy_read_timeout", "proxy_send_timeout"):
        (value,) = nginx_directives(sticky_config, timeout)
        assert int(value.rstrip("s")) >= 3600, f"{timeout} closes idle websockets too soon"


def test_the_proxy_and_the_ingress_allow_the_same_upload_size(sticky_config, manifests):
    ingress = only(manifests, "Ingress")["metadata"]["annotations"]
    assert nginx_directives(sticky_config, "client_max_body_size") == [
        ingress["nginx.ingress.kubernetes.io/proxy-body-size"]]


def test_nginx_accepts_the_rendered_config(tmp_path):
    """`nginx -t` on the private configuration serve.py runs (nginx is a test dependency: .ci/system-packages)."""
    import subprocess

    from deploy.multiprocess.serve import MAIN_CONFIG, nginx_binary, render_config

    (tmp_path / "protocol-explorer.conf").write_text(render_config("127.0.0.1:8500", [8501, 8502],
                                                                   str(tmp_path / "access.log")))
    main_config = tmp_path / "nginx.conf"
    main_config.write_text(MAIN_CONFIG.replace("@@RUN@@", str(tmp_path)).replace("@@WORKERS@@", "1"))
    checked = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(main_config)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


# Routes are random cookies hashed onto the processes: with 8 browsers all of them landed on one
# process 1 run in 128 (2 x 2^-8), as a test run here once showed; with 20 it is 2 in a million.
BROWSERS = 20


def test_two_processes_behind_the_proxy_share_browsers_and_keep_each_on_one(tmp_path):
    """Real nginx and two Streamlit processes (the bare page): each browser's requests, websocket
    included, reach one process; different browsers reach both."""
    import asyncio
    import time

    from deploy.multiprocess.serve import MultiProcessServer
    from tests.streamlit_ws import Tab, run_to_completion

    async def browse(base_url: str) -> list[dict]:
        tabs = []
        for _ in range(BROWSERS):
            tab = Tab(base_url)
            await tab.load("/")
            for _visit in range(2):  # a reconnect: the second websocket must reach the same process
                await tab.connect()
                run = await asyncio.wait_for(tab.run("/"), 60)
                await tab.close()
                assert run.elements == {"heading": 1}
            tabs.append(dict(tab.cookies))
        return tabs

    with MultiProcessServer(ROOT, script="tests/bare_app/app.py", processes=2) as multi:
        tabs = run_to_completion(browse(multi.base_url))
        time.sleep(1.5)  # the access log is flushed every second
        log = multi.access_log.read_text()
        backends = {url.removeprefix("http://") for url in multi.backend_urls}
    routes = [tab["protocol_explorer_route"] for tab in tabs]
    assert len(set(routes)) == BROWSERS, "every new browser gets a route cookie of its own"
    served: dict[str, set[str]] = {}
    for _path, upstream, route in re.findall(r'"GET (\S+) [^"]*" \d+ upstream=(\S+) route=(\S+)', log):
        if route in routes:
            served.setdefault(route, set()).add(upstream)
    assert set(served) == set(routes)
    assert all(len(upstreams) == 1 for upstreams in served.values()), served
    assert {next(iter(upstreams)) for upstreams in served.values()} == backends, "both processes get browsers"
    assert log.count('"GET /_stcore/stream HTTP/1.1" 101') >= 2 * BROWSERS, "every websocket upgrade went through"
