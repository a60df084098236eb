"""The one settings object. Built only at the edges: the CLI, the servers, ``from_settings()``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from accord.adapters.llm.settings import LLMSettings

__all__ = ["AccordSettings"]

_LLM = "llm_"  # the flat prefix of the LLM fields, in the environment and as keywords


class _Environment(EnvSettingsSource):
    """The ``ACCORD_*`` variables: one a field, but one a field of ``llm`` (``ACCORD_LLM_ON_ALL_DOWN``)."""

    def explode_env_vars(
        self, field_name: str, field: FieldInfo, env_vars: Mapping[str, str | None]
    ) -> dict[str, Any]:
        # Only llm is spread over several variables; a dict setting such as half_life_days stays
        # one JSON variable, so no stray ACCORD_HALF_LIFE_DAYS_X can replace its defaults.
        return super().explode_env_vars(field_name, field, env_vars) if field_name == "llm" else {}


class AccordSettings(BaseSettings):
    """Every knob, read from ``ACCORD_*`` environment variables (or passed explicitly)."""

    # "_" nested once: ACCORD_LLM_ON_ALL_DOWN is llm.on_all_down, the names the LLM fields had
    # when they were flat (see _Environment).
    model_config = SettingsConfigDict(
        env_prefix="ACCORD_",
        extra="forbid",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        # ACCORD_X= (as a compose file or a CI matrix leaves it) means "not set", never "empty
        # value": one rule here rather than a check per variable.
        env_ignore_empty=True,
    )

    data_dir: Path = Field(default_factory=lambda: Path.home() / ".accord")
    database_url: str | None = Field(default=None, description="default: SQLite at <data_dir>/accord.db")

    index: Literal["qdrant_edge", "qdrant_server", "none"] = "qdrant_edge"
    qdrant_url: str | None = None
    # qdrant-client's local mode instead of a server (tests and small data: it filters in Python).
    qdrant_path: Path | None = Field(default=None, description="qdrant-client local mode at this directory")
    qdrant_api_key: str | None = None
    qdrant_collection: str = "accord_memories"
    # A Qdrant server in production (see QdrantOptions): write semantics, sharding, retries.
    qdrant_wait: bool = True
    qdrant_write_ordering: Literal["weak", "medium", "strong"] | None = None
    qdrant_upsert_batch: int = Field(default=256, ge=1)
    qdrant_shard_keys: dict[str, str] | None = Field(
        default=None, description='custom sharding: {"tenant": "shard key"}; other tenants use qdrant_default_shard_key'
    )
    qdrant_default_shard_key: str = "shared"
    qdrant_shard_number: int | None = Field(default=None, ge=1)
    qdrant_replication_factor: int | None = Field(default=None, ge=1)
    qdrant_retries: int = Field(default=3, ge=0)
    qdrant_timeout_seconds: int | None = Field(default=None, ge=1)

    # Long-running processes (serve, worker, accord-mcp): "json" writes one JSON object per line.
    log_format: Literal["text", "json"] = "text"

    redis_url: str | None = None
    redis_prefix: str = "accord:"

    embedder: str = Field(
        default="auto",
        description="auto | none | model2vec:<path> | sentence-transformers:<path or name> | litellm:<model>",
    )
    embedder_api_base: str | None = None
    embedder_api_key: str | None = None

    # LLM extraction, each field from ACCORD_LLM_<FIELD> (an empty provider order: the rules only)
    llm: LLMSettings = Field(default_factory=LLMSettings)

    # Gate
    rate_limit_per_minute: float = Field(default=600.0, gt=0)
    rate_limit_burst: int = Field(default=60, ge=1)
    dedup_window_seconds: float = Field(default=600.0, ge=0)
    tenant_memory_quota: int | None = Field(default=None, ge=1)
    # L0: past this many open (queued or running) jobs a tenant's add is blocked ("backlog"),
    # so a burst of writes cannot queue without bound; None: no limit.
    max_pending_jobs_per_tenant: int | None = Field(default=1000, ge=1)

    # Input bounds
    max_message_chars: int = Field(default=32_000, ge=1)
    max_messages_per_add: int = Field(default=200, ge=1)

    # Worker
    run_worker: bool = True
    job_lease_seconds: float = Field(default=60.0, gt=0)
    job_max_attempts: int = Field(default=5, ge=1)

    # Ranking
    weight_relevance: float = Field(default=0.75, ge=0)
    weight_importance: float = Field(default=0.15, ge=0)
    weight_recency: float = Field(default=0.10, ge=0)
    recency_half_life_days: float = Field(default=30.0, gt=0)
    fusion: Literal["weighted", "rrf"] = "weighted"
    profile_memories: int = Field(
        default=5, ge=0, le=50, description="high-importance facts always considered for the context (0: off)"
    )
    profile_min_importance: float = Field(
        default=0.0, ge=0, le=1, description="the least importance a profile fact needs (0: the most important, whatever)"
    )
    recent_turns: int = Field(
        default=6,
        ge=0,
        le=50,
        description="the user's newest own turns, always considered like profile facts ('continue where we left off')",
    )
    context_strip_links: bool = Field(
        default=False, description="replace every link in a context by its host ('[link: example.com]')"
    )
    dense_weight: float = Field(
        default=0.1, ge=0, le=1, description="share of the dense list in weighted fusion (the rest: BM25)"
    )
    dense_weight_unmatched: float = Field(
        # 0.5: on the paraphrase suite's tuning half R@1 doubles (0.065 -> 0.129) for 0.9 points
        # of LoCoMo hybrid recall@10 on its tuning half (0.773 -> 0.764); 0.8 costs 2.8 points.
        default=0.5,
        ge=0,
        le=1,
        description="the dense share when the best BM25 hits hold none of the query's words; it falls to dense_weight as they hold all",
    )
    fusion_normalization: Literal["max", "minmax"] = Field(
        default="minmax",
        description="hybrid fusion scales each list to its score range (minmax) or by its best score (max)",
    )
    candidates_per_result: float = Field(
        default=2.0,
        ge=1,
        le=10,
        description="index candidates ranked per result: the pool is 20 x this (at least limit), whatever limit is",
    )
    speaker_boost: float = Field(
        default=0.75,
        ge=0,
        le=10,
        description="relevance x (1 + this) for turns said by the one speaker the query names (0: off)",
    )
    session_boost: float = Field(
        default=0.2,
        ge=0,
        le=10,
        description="relevance + this x the mean of the 3 best relevances in the candidate's session (0: off)",
    )
    expansion_terms: int = Field(
        default=15,
        ge=0,
        le=50,
        description="query expansion: terms of the best hits that a second BM25 search re-scores with (0: off)",
    )
    expansion_docs: int = Field(default=5, ge=1, le=50, description="how many best hits the expansion terms come from")
    expansion_weight: float = Field(
        default=0.25, gt=0, le=1, description="query weight of the best expansion term (the query's own terms: 1)"
    )
    reranker: str = Field(
        default="features",
        description="second stage: features (built in, no model) | none | cross-encoder:<path or hub name>",
    )
    irregular_forms_weight: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="query terms for irregular forms of its words (lost -> lose, won -> win) at this BM25 weight (0: off)",
    )
    index_previous_turn_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="an episodic turn is indexed with the turn before it at this BM25 weight (new writes)",
    )
    index_next_turn_weight: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="... and with the turn after it (same add() call) at this BM25 weight, lexical only (new writes)",
    )
    index_caption_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="... and with a shared image's caption (message metadata 'caption') at this weight (new writes)",
    )
    index_date_weight: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="... and with the date it was said ('8 May 2023') at this BM25 weight, lexical only (new writes)",
    )

    # Entity graph
    graph_enabled: bool = Field(default=True, description="read entities and relations from every turn (the entity graph)")
    graph_depth: int = Field(
        default=1, ge=0, le=3, description="hops walked from the entities a query names (0: their own memories only)"
    )
    graph_weight: float = Field(
        default=0.2, ge=0, le=1, description="a memory about an entity the query names: a hit's relevance x (1 + this), a miss joins at this / 2 (x 0.5 per hop)"
    )
    graph_people_block: Literal["auto", "always", "never"] = Field(
        default="auto", description="the 'People in their life' context block: when the query names a person (auto)"
    )
    graph_people_max_tokens: int = Field(default=80, ge=0, le=1000, description="the most tokens the people block takes")

    # Conflicts
    shared_fact_policy: Literal["weigh", "review"] = Field(
        default="weigh",
        description="users disagreeing on a shared fact: weigh the older/weaker claim down, or ask an admin",
    )

    # Importance lifecycle
    access_boost: float = Field(default=0.02, ge=0, le=1, description="live importance added per retrieval")
    half_life_days: dict[str, float] = Field(
        default_factory=lambda: {
            "preference": 180.0,
            "fact": 365.0,
            "goal": 120.0,
            "procedure": 180.0,
            "relationship": 365.0,
            "expertise": 365.0,
        },
        description="importance half-life per category, for the maintenance run",
    )
    archive_below_importance: float = Field(default=0.1, ge=0, le=1)
    stale_after_days: float = Field(default=90.0, gt=0, description="idle time before a low-value memory is archived")
    episodic_ttl_days: float | None = Field(default=365.0, gt=0, description="raw turns expire after this (None: never)")
    maintenance_interval_seconds: float | None = Field(default=None, gt=0, description="run maintenance in-process")
    webhook_poll_seconds: float = Field(default=2.0, gt=0, description="how often queued webhook deliveries are sent")
    webhook_lease_seconds: float = Field(
        default=60.0, gt=0, description="how long a claimed delivery is held; a dead process's claims are retaken after it"
    )

    # Hot tier
    hot_tier_per_user: int = Field(default=256, ge=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _Environment(settings_cls), dotenv_settings, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _nest_flat_llm_keywords(cls, data: Any) -> Any:
        """``AccordSettings(llm_on_all_down="wait")`` (and ``--set llm_...``) sets ``llm.on_all_down``,
        on top of whatever else ``llm`` holds (the environment's values, or an explicit ``llm``)."""
        if not isinstance(data, dict) or not any(k.startswith(_LLM) for k in data):
            return data
        flat = {k[len(_LLM) :]: v for k, v in data.items() if k.startswith(_LLM)}
        rest = {k: v for k, v in data.items() if not k.startswith(_LLM)}
        nested = rest.get("llm") or {}
        if isinstance(nested, LLMSettings):
            nested = nested.model_dump(exclude_unset=True)
        return {**rest, "llm": {**nested, **flat}}

    @model_validator(mode="after")
    def _one_qdrant_location(self) -> AccordSettings:
        if self.qdrant_url is not None and self.qdrant_path is not None:
            raise ValueError("qdrant_path: set ACCORD_QDRANT_URL (a server) or ACCORD_QDRANT_PATH (local mode), not both")
        return self

    def named(self, names: Iterable[str]) -> dict[str, Any]:
        """These settings as JSON values under the names a user sets them by (``llm_on_all_down``),
        for reports; a name that is no setting is left out."""
        flat = self.model_dump(mode="json", exclude={"llm"})
        flat |= {_LLM + k: v for k, v in self.llm.model_dump(mode="json").items()}
        return {name: flat[name] for name in names if name in flat}

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir.expanduser() / 'accord.db'}"
