"""Sending webhook deliveries over HTTP (httpx)."""

from accord.adapters.webhooks.http import HttpWebhookSender

__all__ = ["HttpWebhookSender"]
