"""Group-robot pushes (DingTalk, WeCom, Feishu): won deals, reminders, alerts, briefings.

Modules: ``config`` (routing and mention seeds, robot variables, site links), ``signing``
(platform signatures), ``channels`` (payload format, size limits, response codes per
platform), ``compose`` (messages from the marts), ``sendlog`` (exactly-once log), ``pacing``
(rate limits and retry backoff on an injectable clock), ``runner`` (one push run). The CLI is
``crmwh push``; see docs/push.md.
"""
