"""``HttpWebhookSender``: one POST per delivery, through one pooled httpx client."""

from __future__ import annotations

import httpx

__all__ = ["HttpWebhookSender"]


class HttpWebhookSender:
    """POSTs a body and returns the status code; a network failure is an ``OSError`` with its reason."""

    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self._timeout = timeout_seconds
        self._client: httpx.AsyncClient | None = None

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if self._client is None:
            # Redirects are not followed: a subscription names the one URL that gets the data.
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise OSError(f"{type(e).__name__}: {e}") from e
        return response.status_code

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
