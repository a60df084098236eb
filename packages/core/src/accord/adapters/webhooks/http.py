"""``HttpWebhookSender``: one POST per delivery, through one pooled httpx client."""

from __future__ import annotations

import httpx

from accord.adapters.webhooks import guard

__all__ = ["HttpWebhookSender"]


class HttpWebhookSender:
    """POSTs a body and returns the status code; a network failure is an ``OSError`` with its reason."""

    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self._timeout = timeout_seconds
        self._client: httpx.AsyncClient | None = None

    async def post(self, url: str, body: bytes, headers: dict[str, str], *, allow_internal: bool = False) -> int:
        """POST to ``url``; unless ``allow_internal``, to the address its host resolves to now,
        after checking it is not internal (``guard.BlockedDestination``, an ``OSError``, if it is)."""
        if self._client is None:
            # Redirects are not followed: a subscription names the one URL that gets the data.
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        target = await guard.check_destination(url, allow_internal=allow_internal)
        sent = dict(headers)
        if target.host_header is not None:
            sent["Host"] = target.host_header
        extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else None
        try:
            response = await self._client.post(target.url, content=body, headers=sent, extensions=extensions)
        except httpx.HTTPError as e:
            raise OSError(f"{type(e).__name__}: {e}") from e
        return response.status_code

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
