"""Busybox pulled from a registry, pinned by digest: the lab image's base where no local busybox fits.

The offline path (:mod:`dockerlab.engines.image`) needs a static busybox for the
engine's architecture on this machine. On a Mac or Windows computer there is
none, so the learner may instead consent to a pull (``dockerlab image --pull``,
``lab.provision(pull=True)``): Docker's official busybox, named by the digest
of its image index, a multi-arch reference from which the engine takes the
image of its own architecture. A digest names the content itself, so what
arrives is what was pinned, or nothing::

    docker pull docker.io/library/busybox@sha256:73aaf090...

The registry is ``docker.io`` unless ``DOCKERLAB_REGISTRY`` names another one
(a mirror, or the loopback registry of the tests, ``scripts/registry.sh``);
``DOCKERLAB_BUSYBOX_DIGEST`` pins another index. Nothing is pulled unless asked.

Every failure leaves nothing behind and raises :class:`ImagePullError`,
which says what to do: a digest the registry does not have, a registry that
does not answer within the bound, a pull interrupted half-way, an image for
another architecture than the engine's.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import docker
import docker.auth
import docker.errors
import requests

from dockerlab.engines.client import engine_call, image_present
from dockerlab.errors import ImagePullError, InvalidInput
from dockerlab.i18n import _
from dockerlab.waits import poll

#: Where busybox comes from unless ``DOCKERLAB_REGISTRY`` says otherwise.
DEFAULT_REGISTRY = "docker.io"
REGISTRY_VARIABLE = "DOCKERLAB_REGISTRY"
DIGEST_VARIABLE = "DOCKERLAB_BUSYBOX_DIGEST"
BUSYBOX_REPOSITORY = "library/busybox"
#: The image index (one image per architecture) of Docker's official ``busybox:1.36.1``, as several
#: public projects pin it (for instance ``docker.io/library/busybox:1.36.1@sha256:73aaf090...``,
#: "as Docker Hub's registry answered on 2026-10-03").
BUSYBOX_DIGEST = "sha256:73aaf090f3d85aa34ee199857f03fa3a95c8ede2ffd4cc2cdb5b94e566b11662"
#: Seconds without a word from the engine about the pull before it is given up.
PULL_TIMEOUT = float(os.environ.get("DOCKERLAB_PULL_TIMEOUT", "60"))

_REGISTRY = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")

Say = Callable[[str], None]


def busybox_reference(registry: str | None = None, digest: str | None = None) -> str:
    """The busybox to pull: ``REGISTRY/library/busybox@DIGEST``.

    ``registry`` and ``digest`` default to ``DOCKERLAB_REGISTRY`` and
    ``DOCKERLAB_BUSYBOX_DIGEST``, then to Docker Hub and :data:`BUSYBOX_DIGEST`.
    Both are checked before any engine is asked.

    >>> busybox_reference("127.0.0.1:5000", "sha256:" + "ab" * 32)[:60]
    '127.0.0.1:5000/library/busybox@sha256:ababababababababababab'
    >>> busybox_reference("docker.io", "latest")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dockerlab.errors.InvalidInput: The busybox digest 'latest' is not a sha256 digest (sha256: and 64 hex digits)...
    """
    registry = (registry or os.environ.get(REGISTRY_VARIABLE) or DEFAULT_REGISTRY).strip()
    digest = (digest or os.environ.get(DIGEST_VARIABLE) or BUSYBOX_DIGEST).strip()
    if not _REGISTRY.match(registry):
        raise InvalidInput(
            _(
                "The registry {registry!r} is not a registry's host (such as docker.io or 127.0.0.1:5000): "
                "set {variable} to a host name or address, with a port if needed, and nothing else."
            ).format(registry=registry, variable=REGISTRY_VARIABLE)
        )
    if not _DIGEST.match(digest):
        raise InvalidInput(
            _(
                "The busybox digest {digest!r} is not a sha256 digest (sha256: and 64 hex digits): a tag "
                "could change under you, a digest cannot. Set {variable} to the digest of the image index "
                "to pull, or unset it for dockerlab's own."
            ).format(digest=digest, variable=DIGEST_VARIABLE)
        )
    return f"{registry}/{BUSYBOX_REPOSITORY}@{digest}"


# -- the progress stream -----------------------------------------------------------


@dataclass
class PullTally:
    """What the engine's pull stream has said so far, layer by layer.

    Each event of ``POST /images/create`` is a JSON object such as
    ``{"status": "Downloading", "id": "4b35f584bb4f", "progressDetail":
    {"current": 524288, "total": 2160017}}``. Downloading counts for the first
    half of the bar and extracting for the second.

    >>> t = PullTally()
    >>> t.update({"status": "Pulling fs layer", "id": "a1"})
    'a1: Pulling fs layer'
    >>> t.update({"status": "Downloading", "id": "a1", "progressDetail": {"current": 500, "total": 1000}})
    'a1: Downloading 0.0/0.0 MB'
    >>> t.percent()
    25
    >>> t.update({"status": "Pull complete", "id": "a1"}), t.percent()
    ('a1: Pull complete', 100)
    """

    layers: dict[str, str] = field(default_factory=dict)
    downloaded: dict[str, tuple[int, int]] = field(default_factory=dict)
    extracted: dict[str, tuple[int, int]] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)

    def update(self, event: dict[str, Any]) -> str:
        """Take one event; return a one-line description of it."""
        status = str(event.get("status") or "")
        layer = str(event.get("id") or "")
        detail = event.get("progressDetail") or {}
        current, total = int(detail.get("current") or 0), int(detail.get("total") or 0)
        if layer and not status.startswith("Pulling from"):
            self.layers[layer] = status
        if status == "Downloading" and total:
            self.downloaded[layer] = (current, total)
        elif status == "Extracting" and total:
            self.extracted[layer] = (current, total)
        elif status in ("Pull complete", "Already exists"):
            self.complete.add(layer)
        if status in ("Downloading", "Extracting") and total:
            return f"{layer}: {status} {current / 1e6:.1f}/{total / 1e6:.1f} MB"
        return f"{layer}: {status}" if layer else status

    def percent(self) -> int:
        """How far the pull is, 0 to 100, over the layers announced so far."""
        layers = list(self.layers)
        if not layers:
            return 0
        share = 0.0
        for layer in layers:
            if layer in self.complete:
                share += 1.0
                continue
            got, size = self.downloaded.get(layer, (0, 0))
            done, whole = self.extracted.get(layer, (0, 0))
            share += 0.5 * (got / size if size else 0.0) + 0.5 * (done / whole if whole else 0.0)
        return min(100, round(100 * share / len(layers)))


# -- the pull ------------------------------------------------------------------------


def pull(
    client: docker.DockerClient,
    reference: str,
    *,
    arch: str = "",
    progress: Say | None = None,
    percent: Callable[[int, str], None] | None = None,
    timeout: float = PULL_TIMEOUT,
) -> dict[str, Any]:
    """Pull ``reference`` (``REGISTRY/REPO@sha256:...``); return the pulled image's inspect data.

    ``progress`` gets a line per change of a layer's state, ``percent`` the
    bar's value and that line. The pull is given up when the engine says
    nothing for ``timeout`` seconds. The image must be for ``arch`` (Go's
    name, as :func:`dockerlab.engines.image.engine_arch` gives it) when that is given.
    On any failure, an image this call pulled is removed again, and
    :class:`ImagePullError` says what to do.
    """
    say = progress or (lambda _line: None)
    repository, _sep, digest = reference.partition("@")
    registry = repository.split("/", 1)[0]
    if not _DIGEST.match(digest):
        raise InvalidInput(_("Only a reference pinned by digest is pulled: {reference}").format(reference=reference))
    had = image_present(client, reference)
    say(f"docker pull {reference}")
    tally = PullTally()
    try:
        _stream(client, repository, digest, registry, tally, say, percent, timeout)
        with engine_call(f"docker image inspect {reference}"):
            attrs = client.images.get(reference).attrs
    except ImagePullError:
        if not had:
            _remove_quietly(client, reference)
        raise
    # Docker Hub's references are listed short ("busybox@sha256:..."): the digest is what must match.
    if not any(str(d).endswith(f"@{digest}") for d in attrs.get("RepoDigests") or []):
        if not had:
            _remove_quietly(client, reference)
        raise ImagePullError(
            _(
                "The engine pulled {reference} but does not list it under that digest ({found}): "
                "it was removed again. Pull again; if it persists, the registry serves other content."
            ).format(reference=reference, found=", ".join(attrs.get("RepoDigests") or []) or "none")
        )
    got = str(attrs.get("Architecture") or "")
    if arch and got and got != arch:
        if not had:
            _remove_quietly(client, reference)
        raise ImagePullError(wrong_architecture(reference, got, arch))
    return attrs


def wrong_architecture(reference: str, got: str, engine: str) -> str:
    """The message for an image (or an index without a member) for another architecture than the engine's."""
    return _(
        "{reference} is not an image for the engine's architecture ({engine}){got}: containers from it "
        "would not run there, so nothing was kept. Pin the digest of a multi-arch image index instead "
        "(an index lists one image per architecture and the engine takes its own): unset {variable} to "
        "use dockerlab's own, or set it to such an index's digest."
    ).format(
        reference=reference,
        engine=engine,
        got=_(": it is for {arch}").format(arch=got) if got else _(": the index has no image for it"),
        variable=DIGEST_VARIABLE,
    )


def _stream(
    client: docker.DockerClient,
    repository: str,
    digest: str,
    registry: str,
    tally: PullTally,
    say: Say,
    percent: Callable[[int, str], None] | None,
    timeout: float,
) -> None:
    """POST /images/create and follow its stream of events; the response is closed whatever happens."""
    api = client.api
    url = f"{api.base_url}/v{api.api_version}/images/create"
    headers = {}
    auth = docker.auth.get_config_header(api, docker.auth.resolve_repository_name(repository)[0])
    if auth:
        headers["X-Registry-Auth"] = auth
    reference = f"{repository}@{digest}"
    started = time.monotonic()
    response = None
    last = ""
    try:
        response = api.post(
            url,
            params={"fromImage": repository, "tag": digest},
            headers=headers,
            stream=True,
            timeout=(min(timeout, 30.0), timeout),
        )
        if response.status_code >= 400:
            raise ImagePullError(_explain(_error_text(response), reference, registry, digest))
        for raw in response.iter_lines():
            if not raw:
                continue
            event = json.loads(raw)
            if event.get("error") or event.get("errorDetail"):
                text = str(event.get("error") or (event.get("errorDetail") or {}).get("message") or "")
                raise ImagePullError(_explain(text, reference, registry, digest))
            line = tally.update(event)
            if line != last:
                say(line)
                last = line
            if percent is not None:
                percent(tally.percent(), line)
    except KeyboardInterrupt:
        raise ImagePullError(
            _(
                "The pull of {reference} was interrupted after {seconds:.0f} s ({state}): the engine stops it "
                "and nothing was kept. Run it again to start afresh: `dockerlab image --pull`, or "
                "lab.provision(pull=True) in a notebook."
            ).format(reference=reference, seconds=time.monotonic() - started, state=last or _("before any layer"))
        ) from None
    except requests.exceptions.Timeout as e:
        raise ImagePullError(not_answering(registry, timeout)) from e
    except requests.exceptions.RequestException as e:
        if "timed out" in str(e).lower():  # a read timeout inside the stream arrives as a ConnectionError
            raise ImagePullError(not_answering(registry, timeout)) from e
        if response is None:
            with engine_call(f"docker pull {reference}", timeout):
                raise
        raise ImagePullError(
            _(
                "The pull of {reference} broke off half-way ({error}): nothing was kept. Run it again; "
                "if the engine restarted, wait until `docker info` answers."
            ).format(reference=reference, error=type(e).__name__)
        ) from e
    finally:
        if response is not None:
            response.close()  # the engine cancels a pull whose client went away


def not_answering(registry: str, timeout: float) -> str:
    """The message for a registry from which nothing came within ``timeout`` seconds."""
    return _(
        "The registry {registry} did not answer within {seconds:g} s, so the pull was given up and "
        "nothing was kept. Check that the engine can reach it (a proxy or a mirror: set {variable} to "
        "the mirror's host), or build the image offline from a static busybox instead: "
        "`dockerlab image --busybox PATH`."
    ).format(registry=registry, seconds=timeout, variable=REGISTRY_VARIABLE)


def _explain(text: str, reference: str, registry: str, digest: str) -> str:
    """Docker's error text about a pull, with what it means and what to do (Docker's text stays as it is)."""
    low = text.lower()
    if "no matching manifest" in low:
        arch = re.search(r"for ([\w/]+) in the manifest", text)
        return wrong_architecture(reference, "", arch.group(1).rsplit("/", 1)[-1] if arch else "?") + f" ({text})"
    if "manifest unknown" in low or "not found" in low:
        return _(
            "The registry {registry} has no busybox with the pinned digest {digest}, so nothing was pulled: "
            "the content there does not match what dockerlab pins. Check {registry_variable} (a mirror must "
            "hold Docker's busybox unchanged) and {digest_variable}. Docker said: {text}"
        ).format(
            registry=registry,
            digest=digest,
            registry_variable=REGISTRY_VARIABLE,
            digest_variable=DIGEST_VARIABLE,
            text=text,
        )
    if "http response to https client" in low:
        return _(
            "The registry {registry} speaks plain HTTP, which the engine accepts only from registries it "
            "is told to trust (127.0.0.0/8 always is): add it to insecure-registries in the engine's "
            "daemon.json, or use its HTTPS address. Docker said: {text}"
        ).format(registry=registry, text=text)
    if any(s in low for s in ("connection refused", "no such host", "i/o timeout", "dial tcp", "timeout", "eof")):
        return _(
            "The engine could not reach the registry {registry}, so nothing was pulled. Check the address "
            "({variable}) and that the engine's host reaches it, or build the image offline: "
            "`dockerlab image --busybox PATH`. Docker said: {text}"
        ).format(registry=registry, variable=REGISTRY_VARIABLE, text=text)
    return _("The engine could not pull {reference}; nothing was kept. Docker said: {text}").format(
        reference=reference, text=text
    )


def _error_text(response: requests.Response) -> str:
    try:
        return str(response.json().get("message") or response.text)
    except ValueError:
        return response.text


def _remove_quietly(client: docker.DockerClient, reference: str) -> None:
    """Remove an image this pull made; a failure to do so is said, never hidden."""
    for _attempt in range(10):
        try:
            client.images.remove(reference)
            return
        except docker.errors.ImageNotFound:
            if not _appears_later(client, reference):
                return
        except docker.errors.APIError as e:
            raise ImagePullError(
                _("The pull failed and its image {reference} could not be removed: {error}").format(
                    reference=reference, error=e.explanation or e
                )
            ) from e


def _appears_later(client: docker.DockerClient, reference: str, seconds: float = 1.0) -> bool:
    """Whether a pull that was being cancelled still lands ``reference`` within ``seconds``."""
    return poll(lambda: True if image_present(client, reference) else None, seconds, delay=0.1) is not None
